/**
 * The operation authorization a product runs under (products.authorization_id), as the aggregate
 * job carries it to the enclave. Checked here first so the user gets a clear reason; the enclave
 * checks again against the chain at job time (a suspension recorded on chain wins even if this
 * database were stale or edited).
 */
import { type TAuthorizationScope, ZAuthorizationScope } from "@pdx/common/authorization-scope";
import type { TQueryable } from "../../db";
import { DomainError } from "../domain-error";

/** What the job request carries (common/src/enclave-api.ts ZAggregateJobRequest.authorization). */
export interface TProductAuthorization {
  id: string;
  operatorOrgId: string;
  scope: TAuthorizationScope;
}

interface TRow {
  authorization_id: string | null;
  id: string | null;
  operator_org_id: string | null;
  scope: unknown;
  status: string | null;
  valid_from: Date | null;
  valid_until: Date | null;
  record_write_status: string | null;
}

const WHY_INACTIVE: Record<string, string> = {
  pending_approval: "is still awaiting approval",
  suspended: "is suspended",
  revoked: "has been revoked",
  expired: "has expired",
  rejected: "was rejected",
};

/**
 * The authorization of product `productId`. AUTHORIZATION_INACTIVE (naming why) when the product
 * has none, when it is not active, when `now` is outside its term, or when its chain record is
 * still waiting to be written; NOT_FOUND when the product does not exist.
 */
export async function authorizationForProduct(
  db: TQueryable,
  productId: string,
  now: Date = new Date(),
): Promise<TProductAuthorization> {
  const { rows } = await db.query<TRow>(
    `SELECT p.authorization_id, a.id, a.operator_org_id, a.scope, a.status, a.valid_from, a.valid_until,
            (SELECT w.status FROM chain_writes w
              WHERE w.subject_id = a.id AND w.kind = 'authorization.record'
              ORDER BY w.id DESC LIMIT 1) AS record_write_status
       FROM products p
       LEFT JOIN authorizations a ON a.id = p.authorization_id
      WHERE p.id = $1`,
    [productId],
  );
  const row = rows[0];
  if (!row) throw new DomainError("NOT_FOUND", "product not found");
  if (!row.authorization_id || !row.id || !row.operator_org_id || !row.valid_from || !row.valid_until) {
    throw new DomainError(
      "AUTHORIZATION_INACTIVE",
      "this product has no operation authorization, so it cannot run",
      `product ${productId}: no authorization_id`,
    );
  }
  const inactive = (why: string) =>
    new DomainError(
      "AUTHORIZATION_INACTIVE",
      `this product's operation authorization ${why}, so it cannot run`,
      `product ${productId}: authorization ${row.id} ${row.status}`,
    );
  if (row.status !== "active") throw inactive(WHY_INACTIVE[row.status ?? ""] ?? "is not active");
  if (now < row.valid_from) throw inactive("is not yet in force");
  if (now > row.valid_until) throw inactive("has expired");
  if (row.record_write_status === "pending") {
    throw inactive("is not yet recorded on chain (please try again shortly)");
  }
  const scope = ZAuthorizationScope.safeParse(row.scope);
  if (!scope.success) {
    throw new DomainError(
      "INTERNAL",
      "the product's authorization could not be read",
      `authorization ${row.id}: stored scope is malformed`,
    );
  }
  return { id: row.id, operatorOrgId: row.operator_org_id, scope: scope.data };
}
