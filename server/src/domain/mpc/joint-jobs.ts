/**
 * Joint-statistics jobs as a buyer runs them (products with delivery form joint_statistics): the
 * product names several enclave nodes, each computing on its own dataset; the coordinator
 * reconstructs only the joint totals and releases them after the output rules (enclave/src/mpc).
 * This domain checks who may run what, builds the job spec from the product (never from the
 * buyer), starts it on the coordinator, polls it there, and once released records the result and
 * the usage record carrying the coordinator's signed v2 receipt (verified by the client: signature,
 * request hash, output hash of the result received).
 *
 * Rules: buyers only; the product must be a listed joint-statistics product whose authorization is
 * active (checked here for a clear reason; every node checks it again on chain for its own
 * dataset); a job belongs to the organization that started it (another one's reads as unknown).
 * A job that fails ends "failed" with the failure the nodes recorded ({node, step, reason}); when
 * the coordinator itself cannot be reached, the error names it.
 */
import { randomUUID } from "node:crypto";
import { canonicalJson } from "@pdx/common/canonical-json";
import { sha256Hex } from "@pdx/common/hash";
import type {
  TMpcFailure,
  TMpcJobSpec,
  TMpcJobSpecInput,
  TMpcJobStatus,
  TMpcJointResult,
} from "@pdx/common/mpc-api";
import { ZMpcJobSpec } from "@pdx/common/mpc-api";
import type { TJointStatisticsProductManifest, TLocalizedText } from "@pdx/products";
import type { TDb, TQueryable } from "../../db";
import type { TMpcJobsClient } from "../../enclave-client/mpc-jobs";
import type { TSessionUser } from "../auth/session-user";
import { getCatalogProduct } from "../catalog/products";
import { DomainError } from "../domain-error";
import { authorizationForProduct, type TProductAuthorization } from "../runs/product-authorization";
import { insertUsageRecordOfReceipt } from "../usage/usage-record";

export interface TJointJobDeps {
  db: TDb;
  /** The MPC nodes' client; null when this platform has no MPC nodes configured. */
  mpc: TMpcJobsClient | null;
  now?: () => Date;
}

/** A job as the buyer's page shows it. */
export interface TJointJobView {
  jobId: string;
  productId: string;
  product: { code: string; version: number; name: TLocalizedText };
  state: "running" | "released" | "failed";
  failure: TMpcFailure | null;
  result: TMpcJointResult | null;
  /** The coordinator's receipt, as recorded with the usage record (released jobs). */
  receipt: {
    usageRecordId: string;
    coordinator: string;
    enclaveKeyId: string;
    outputHash: string;
    requestHash: string;
    epsilonPerParty: number;
  } | null;
  parties: { node: string; datasetCode: string }[];
  startedAt: string;
  endedAt: string | null;
}

interface TJobRow {
  id: string;
  product_id: string;
  requester_org_id: string;
  requester_user_id: string;
  spec: TMpcJobSpec;
  state: "running" | "released" | "failed";
  failure: TMpcFailure | null;
  result: TMpcJointResult | null;
  usage_record_id: string | null;
  receipt: {
    receipt: { enclaveKeyId: string; outputHash: string; requestHash: string; epsilonSpent: number };
  } | null;
  started_at: Date;
  ended_at: Date | null;
  product_name: TLocalizedText;
}

const JOB_SELECT = `
  SELECT j.id, j.product_id, j.requester_org_id, j.requester_user_id, j.spec, j.state, j.failure, j.result,
         j.usage_record_id::text AS usage_record_id, u.receipt, j.started_at, j.ended_at,
         p.manifest->'name' AS product_name
    FROM mpc_jobs j
    JOIN products p ON p.id = j.product_id
    LEFT JOIN usage_records u ON u.id = j.usage_record_id`;

function toView(row: TJobRow): TJointJobView {
  const product = row.spec.product;
  return {
    jobId: row.id,
    productId: row.product_id,
    product: { code: product?.code ?? "", version: product?.version ?? 0, name: row.product_name },
    state: row.state,
    failure: row.failure,
    result: row.result,
    receipt:
      row.usage_record_id && row.receipt
        ? {
            usageRecordId: row.usage_record_id,
            coordinator: row.spec.coordinator,
            enclaveKeyId: row.receipt.receipt.enclaveKeyId,
            outputHash: row.receipt.receipt.outputHash,
            requestHash: row.receipt.receipt.requestHash,
            epsilonPerParty: row.receipt.receipt.epsilonSpent,
          }
        : null,
    parties: row.spec.parties.map((p) => ({ node: p.node, datasetCode: p.dataset })),
    startedAt: row.started_at.toISOString(),
    endedAt: row.ended_at?.toISOString() ?? null,
  };
}

function requireBuyer(user: TSessionUser): void {
  if (user.role !== "buyer") throw new DomainError("FORBIDDEN", "only buyers run data products");
}

function requireMpc(deps: TJointJobDeps): TMpcJobsClient {
  if (!deps.mpc)
    throw new DomainError(
      "ENCLAVE_UNAVAILABLE",
      "no secure nodes for joint computation are configured on this platform",
      "mpc: MPC_NODES is empty",
    );
  return deps.mpc;
}

/** The job spec of a joint-statistics product, for one buyer under one authorization. */
export function jointJobSpecOf(
  manifest: TJointStatisticsProductManifest,
  input: { jobId: string; buyerOrgId: string; authorization: TProductAuthorization },
): TMpcJobSpecInput {
  const { logic } = manifest;
  return {
    jobId: input.jobId,
    coordinator: logic.coordinator,
    buyer: { orgId: input.buyerOrgId },
    parties: logic.parties.map((p) => ({
      node: p.node,
      dataset: p.datasetCode,
      version: p.version,
      filters: p.filters.map((f) => ({ field: f.field, op: f.op, values: [...f.values] })),
      groupField: p.groupField,
      ...(p.groupBucket ? { groupBucket: p.groupBucket } : {}),
      valueField: p.valueField,
      valueScale: p.valueScale,
      rowsPerUnit: p.rowsPerUnit,
    })),
    groups: { kind: "categories", values: [...logic.groups] },
    statistics: [...logic.statistics],
    bounds: [logic.bounds[0], logic.bounds[1]],
    // Whole units and their squares: the products' values are counts or money at whole units.
    encoding: { decimals: 0, squareDecimals: 0 },
    epsilon: logic.epsilon,
    minGroupSize: manifest.privacyRule.k,
    timeoutMs: 60_000,
    authorization: input.authorization,
    product: {
      code: manifest.code,
      version: manifest.version,
      versionHash: sha256Hex(canonicalJson(manifest)),
    },
  };
}

/** Starts a job of product `productId` for the caller's organization. */
export async function startJointJob(
  deps: TJointJobDeps,
  user: TSessionUser,
  input: { productId: string },
): Promise<TJointJobView> {
  requireBuyer(user);
  const mpc = requireMpc(deps);
  const { view, manifest } = await getCatalogProduct(deps.db, input.productId);
  if (manifest.deliveryForm !== "joint_statistics")
    throw new DomainError("INVALID_INPUT", "this product is not a joint statistic of several departments");
  const now = deps.now?.() ?? new Date();
  const authorization = await authorizationForProduct(deps.db, view.id, now);
  const specInput = jointJobSpecOf(manifest, { jobId: randomUUID(), buyerOrgId: user.org.id, authorization });
  const spec = ZMpcJobSpec.parse(specInput);
  try {
    await mpc.start(specInput);
  } catch (err) {
    throw nodeError(err, spec.coordinator);
  }
  await deps.db.query(
    `INSERT INTO mpc_jobs (id, product_id, requester_org_id, requester_user_id, spec, started_at)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [spec.jobId, view.id, user.org.id, user.id, JSON.stringify(spec), now],
  );
  return getJointJob(deps.db, user, spec.jobId);
}

/** A coordinator that cannot be reached or answers badly: the error names the node. */
function nodeError(err: unknown, node: string): unknown {
  if (err instanceof DomainError && err.code === "ENCLAVE_UNAVAILABLE")
    return new DomainError(
      "ENCLAVE_UNAVAILABLE",
      `the secure node "${node}" (the coordinator) is unavailable; please try again later`,
      err.internalDetail,
    );
  return err;
}

async function ownJob(db: TQueryable, user: TSessionUser, jobId: string): Promise<TJobRow> {
  const { rows } = await db.query<TJobRow>(`${JOB_SELECT} WHERE j.id = $1`, [jobId]);
  const row = rows[0];
  if (!row || row.requester_org_id !== user.org.id) throw new DomainError("NOT_FOUND", "job not found");
  return row;
}

export async function getJointJob(db: TQueryable, user: TSessionUser, jobId: string): Promise<TJointJobView> {
  requireBuyer(user);
  return toView(await ownJob(db, user, jobId));
}

/** The organization's jobs, newest first. */
export async function listJointJobsOfOrg(
  db: TQueryable,
  user: TSessionUser,
  limit = 20,
): Promise<TJointJobView[]> {
  requireBuyer(user);
  const { rows } = await db.query<TJobRow>(
    `${JOB_SELECT} WHERE j.requester_org_id = $1 ORDER BY j.started_at DESC, j.id LIMIT $2`,
    [user.org.id, limit],
  );
  return rows.map(toView);
}

/**
 * Asks the coordinator how a running job stands and records its end: a released job's result and
 * usage record (one transaction), or a failed job's failure. An ended job is answered as stored.
 */
export async function refreshJointJob(
  deps: TJointJobDeps,
  user: TSessionUser,
  input: { jobId: string },
): Promise<TJointJobView> {
  requireBuyer(user);
  const row = await ownJob(deps.db, user, input.jobId);
  if (row.state !== "running") return toView(row);
  const mpc = requireMpc(deps);
  let status: TMpcJobStatus;
  try {
    status = await mpc.status(row.spec);
  } catch (err) {
    throw nodeError(err, row.spec.coordinator);
  }
  if (status.state === "running") return toView(row);
  const endedAt = status.endedAt ? new Date(status.endedAt) : (deps.now?.() ?? new Date());
  if (status.state === "failed") {
    await deps.db.query(
      "UPDATE mpc_jobs SET state = 'failed', failure = $2, ended_at = $3 WHERE id = $1 AND state = 'running'",
      [
        row.id,
        JSON.stringify(status.failure ?? { node: row.spec.coordinator, step: status.step, reason: "failed" }),
        endedAt,
      ],
    );
    return getJointJob(deps.db, user, row.id);
  }
  const signed = status.receipt!;
  const coordinatorParty = row.spec.parties.find((p) => p.node === row.spec.coordinator)!;
  await deps.db.withTransaction(async (tx) => {
    const { rows: current } = await tx.query<{ state: string }>(
      "SELECT state FROM mpc_jobs WHERE id = $1 FOR UPDATE",
      [row.id],
    );
    if (current[0]?.state !== "running") return;
    const id = await insertUsageRecordOfReceipt(
      tx,
      {
        runId: row.id,
        createdAt: endedAt,
        userId: row.requester_user_id,
        orgId: row.requester_org_id,
        productId: row.product_id,
        productCode: row.spec.product?.code ?? "",
        productVersion: row.spec.product?.version ?? 0,
        fallbackDataset: { code: coordinatorParty.dataset, version: coordinatorParty.version },
      },
      signed,
    );
    await tx.query(
      "UPDATE mpc_jobs SET state = 'released', result = $2, usage_record_id = $3, ended_at = $4 WHERE id = $1",
      [row.id, JSON.stringify(status.result), id, endedAt],
    );
  });
  return getJointJob(deps.db, user, row.id);
}
