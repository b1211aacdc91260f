/**
 * A product runs only under its operation authorization (无授权不运行), with real parts: the
 * seeded marketplace database (demo authorization of le-district-industry, recorded on a real dev
 * chain through the chain-write outbox), a real enclave reading the AuthorizationRegistry at job
 * time. The server refuses first when its own record says the authorization cannot be used; the
 * enclave refuses when the chain says so even if the database says active. Nothing is recorded
 * for a refused run.
 */
import { randomUUID } from "node:crypto";
import { scenarioHash, scopeHash, type TAuthorizationScope } from "@pdx/common/authorization-scope";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEnclave, type TTestEnclave } from "../../enclave/src/testing/test-enclave";
import { enqueueChainWrite, processChainWrites } from "../../server/src/domain/chain-writes/outbox";
import { startRun } from "../../server/src/domain/runs/runs";
import { orgIdFor, productIdFor, userIdFor } from "../../server/src/domain/seed/seed-demo-data";
import { createEnclaveClient } from "../../server/src/enclave-client";
import {
  createServerTestKit,
  type TCaller,
  type TServerTestKit,
} from "../../server/src/testing/server-test-kit";
import { startAuthorizationChain, type TAuthorizationChain } from "../support/authorization-chain";

const PRODUCT_ID = productIdFor("le-district-industry", 1);
const OPERATOR_ORG = orgIdFor("city-data-operator");

let authChain: TAuthorizationChain;
let enclave: TTestEnclave;
let kit: TServerTestKit;
let buyer: TCaller;
let demoAuthorizationId: string;

beforeAll(async () => {
  authChain = await startAuthorizationChain();
  enclave = await startTestEnclave({ seedCount: 1000, authorizationRegistry: authChain.readerOptions });
  kit = await createServerTestKit({
    registries: authChain.registries,
    enclavePublicKey: enclave.enclaveKeys.publicKey,
    enclave: createEnclaveClient({
      baseUrl: enclave.url,
      serverSigningKey: enclave.clientKeys.secretKey,
      enclavePublicKey: enclave.enclaveKeys.publicKey,
    }),
  });
  expect(await processChainWrites(kit.db, authChain.registries, { limit: 1000 })).toMatchObject({
    failed: null,
    pending: 0,
  });
  buyer = await kit.callerAs("buyer@demo.pdx.cn");
  const { rows } = await kit.db.query<{ authorization_id: string }>(
    "SELECT authorization_id FROM products WHERE id = $1",
    [PRODUCT_ID],
  );
  demoAuthorizationId = rows[0]!.authorization_id;
});

afterAll(async () => {
  await kit?.close();
  await Promise.all([enclave?.stop(), authChain?.stop()]);
});

async function usageRecordCount(): Promise<number> {
  const { rows } = await kit.db.query<{ n: string }>("SELECT count(*)::text AS n FROM usage_records");
  return Number(rows[0]!.n);
}

/** runs.start must fail through tRPC with `trpcCode` and a message matching `message`; nothing recorded. */
async function refusedRun(trpcCode: TRPCError["code"], message: RegExp): Promise<void> {
  const before = await usageRecordCount();
  const err = await buyer.runs.start({ productId: PRODUCT_ID }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(TRPCError);
  expect((err as TRPCError).code).toBe(trpcCode);
  expect((err as TRPCError).message).toMatch(message);
  expect(await usageRecordCount()).toBe(before);
}

describe("the seeded demo product", () => {
  it("runs under the demo authorization, which the job carries with its operator and scope", async () => {
    expect(demoAuthorizationId).toMatch(/^[0-9a-f-]{36}$/);
    const run = await buyer.runs.start({ productId: PRODUCT_ID });
    expect(run.rows.length).toBeGreaterThan(0);
    const { rows } = await kit.db.query<{ receipt: { receipt: { requestHash: string } } }>(
      "SELECT receipt FROM usage_records WHERE id = $1::bigint",
      [run.usageRecordId],
    );
    expect(rows[0]!.receipt.receipt.requestHash).toMatch(/^[0-9a-f]{64}$/);
    const onChain = await authChain.registries.getAuthorization(demoAuthorizationId);
    expect(onChain).toMatchObject({ status: "active" });
  });
});

describe("the server refuses first, from its own record", () => {
  it("a product without an authorization", async () => {
    await kit.db.query("UPDATE products SET authorization_id = NULL WHERE id = $1", [PRODUCT_ID]);
    try {
      await refusedRun("PRECONDITION_FAILED", /has no operation authorization/);
    } finally {
      await kit.db.query("UPDATE products SET authorization_id = $2 WHERE id = $1", [
        PRODUCT_ID,
        demoAuthorizationId,
      ]);
    }
  });

  it.each([
    ["suspended", /authorization is suspended/],
    ["revoked", /authorization has been revoked/],
    ["expired", /authorization has expired/],
  ])("an authorization the database holds as %s", async (status, message) => {
    await kit.db.query("UPDATE authorizations SET status = $2 WHERE id = $1", [demoAuthorizationId, status]);
    try {
      await refusedRun("PRECONDITION_FAILED", message);
    } finally {
      await kit.db.query("UPDATE authorizations SET status = 'active' WHERE id = $1", [demoAuthorizationId]);
    }
  });

  it("an active authorization whose term is over", async () => {
    const { rows } = await kit.db.query<{ valid_from: Date; valid_until: Date }>(
      "SELECT valid_from, valid_until FROM authorizations WHERE id = $1",
      [demoAuthorizationId],
    );
    const original = rows[0]!;
    const user = (await buyer.auth.me())!;
    const afterTerm = new Date(original.valid_until.getTime() + 1000);
    const err = await startRun({ ...kit.deps, now: () => afterTerm }, user, { productId: PRODUCT_ID }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({
      code: "AUTHORIZATION_INACTIVE",
      userMessage: expect.stringMatching(/has expired/),
    });
  });

  it("an authorization whose chain record is still pending; once sent (idempotently) the product runs", async () => {
    const { rows } = await kit.db.query<{ payload: Record<string, string> }>(
      `SELECT payload FROM chain_writes WHERE subject_id = $1 AND kind = 'authorization.record' ORDER BY id DESC LIMIT 1`,
      [demoAuthorizationId],
    );
    await kit.db.withTransaction((tx) =>
      enqueueChainWrite(tx, {
        kind: "authorization.record",
        subjectId: demoAuthorizationId,
        payload: rows[0]!.payload as never,
      }),
    );
    await refusedRun("PRECONDITION_FAILED", /not yet recorded on chain/);
    const sent = await processChainWrites(kit.db, authChain.registries);
    expect(sent.confirmed).toEqual([expect.objectContaining({ alreadyOnChain: true })]);
    await buyer.runs.start({ productId: PRODUCT_ID });
  });
});

describe("the enclave refuses from the chain, whatever the database says", () => {
  it("suspended on chain while the database says active: AUTHORIZATION_INACTIVE; resumed: runs", async () => {
    await authChain.setStatus(demoAuthorizationId, "suspended");
    try {
      const before = await usageRecordCount();
      const user = (await buyer.auth.me())!;
      const err = await startRun(kit.deps, user, { productId: PRODUCT_ID }).catch((e: unknown) => e);
      expect(err).toMatchObject({
        code: "AUTHORIZATION_INACTIVE",
        internalDetail: expect.stringContaining("AUTHORIZATION_INACTIVE"),
      });
      expect(await usageRecordCount()).toBe(before);
      await refusedRun("PRECONDITION_FAILED", /not in force on chain/);
    } finally {
      await authChain.setStatus(demoAuthorizationId, "active");
    }
    await buyer.runs.start({ productId: PRODUCT_ID });
  });

  it("a product reading a field outside its authorization's scope: ENCLAVE_REFUSED", async () => {
    // A second authorization of the same operator that covers district and industry only.
    const scope: TAuthorizationScope = [{ datasetCode: "LE-BASE", fields: ["district", "industry"] }];
    const scenarioId = randomUUID();
    const authorizationId = randomUUID();
    const validFrom = new Date(Date.now() - 86_400_000);
    const validUntil = new Date(Date.now() + 365 * 86_400_000);
    await kit.db.withTransaction(async (tx) => {
      await tx.query(
        `INSERT INTO scenarios (id, operator_org_id, title, purpose, beneficiary_class, compute_mode, expected_outputs,
           requested_scope, status, created_by)
         VALUES ($1, $2, 'narrow', 'test', 'industry', 'sandbox', 'counts', $3, 'accepted', $4)`,
        [scenarioId, OPERATOR_ORG, JSON.stringify(scope), userIdFor("operator@demo.pdx.cn")],
      );
      const hashes = { scopeHash: scopeHash(scope), scenarioHash: scenarioHash({ id: scenarioId }) };
      await tx.query(
        `INSERT INTO authorizations (id, scenario_id, operator_org_id, scope, scope_hash, scenario_hash, compute_mode,
           valid_from, valid_until, status, required_approvals, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, 'sandbox', $7, $8, 'active', '[]', $9)`,
        [
          authorizationId,
          scenarioId,
          OPERATOR_ORG,
          JSON.stringify(scope),
          hashes.scopeHash,
          hashes.scenarioHash,
          validFrom,
          validUntil,
          userIdFor("operator@demo.pdx.cn"),
        ],
      );
      await enqueueChainWrite(tx, {
        kind: "authorization.record",
        subjectId: authorizationId,
        payload: { operatorOrgId: OPERATOR_ORG, ...hashes, validFrom, validUntil },
      });
      await tx.query("UPDATE products SET authorization_id = $2 WHERE id = $1", [
        PRODUCT_ID,
        authorizationId,
      ]);
    });
    try {
      expect((await processChainWrites(kit.db, authChain.registries)).failed).toBeNull();
      const user = (await buyer.auth.me())!;
      const err = await startRun(kit.deps, user, { productId: PRODUCT_ID }).catch((e: unknown) => e);
      expect(err).toMatchObject({
        code: "ENCLAVE_REFUSED",
        userMessage: expect.stringContaining("outside its operation authorization's scope"),
        internalDetail: expect.stringContaining("FIELD_OUT_OF_SCOPE"),
      });
    } finally {
      await kit.db.query("UPDATE products SET authorization_id = $2 WHERE id = $1", [
        PRODUCT_ID,
        demoAuthorizationId,
      ]);
    }
  });

  it("an enclave that cannot read the registry: CHAIN_UNAVAILABLE with a safe message", async () => {
    const offline = await startTestEnclave({ seedCount: 100 });
    try {
      const deps = {
        ...kit.deps,
        enclave: createEnclaveClient({
          baseUrl: offline.url,
          serverSigningKey: offline.clientKeys.secretKey,
          enclavePublicKey: offline.enclaveKeys.publicKey,
        }),
      };
      const user = (await buyer.auth.me())!;
      const err = await startRun(deps, user, { productId: PRODUCT_ID }).catch((e: unknown) => e);
      expect(err).toMatchObject({
        code: "CHAIN_UNAVAILABLE",
        userMessage: "the authorization registry on chain cannot be read right now; please try again later",
      });
    } finally {
      await offline.stop();
    }
  });
});
