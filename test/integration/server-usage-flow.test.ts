/**
 * The whole server-side flow with real parts: a real enclave (its app over HTTP, its own vault
 * database), a real dev chain (hardhat node) and the marketplace database. The seeded demo
 * authorization of the product is recorded on chain through the chain-write outbox (on a second
 * dev chain, so the anchor chain's reset below leaves it alone), and the enclave checks it at job
 * time. A buyer runs the product; the usage record is hashed, batched into a Merkle tree and
 * anchored; the auditor's verification passes, fails after the record is altered in the database,
 * and passes again after a chain reset once the stored batches are re-anchored.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { generateKeyPair } from "@pdx/common/ed25519";
import { freePort } from "@pdx/common/embedded-postgres";
import { verifyReceipt } from "@pdx/common/receipt";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEnclave, type TTestEnclave } from "../../enclave/src/testing/test-enclave";
import { startDevChain, type TDevChain } from "../../scripts/lib/dev-chain";
import { createChainClient, DEV_CHAIN_ACCOUNT0_PRIVATE_KEY, type TChainClient } from "../../server/src/chain";
import { USAGE_ANCHOR_ARTIFACT_PATH } from "../../server/src/chain/usage-anchor-artifact";
import { verifyUsageRecord } from "../../server/src/domain/audit/verify-usage-record";
import { processChainWrites } from "../../server/src/domain/chain-writes/outbox";
import { productIdFor } from "../../server/src/domain/seed/seed-demo-data";
import { anchorPendingRecords, reanchorAfterChainReset } from "../../server/src/domain/usage/anchoring";
import {
  type TUsageRecordContentRow,
  USAGE_RECORD_CONTENT_COLUMNS,
  usageRecordContentFromRow,
  usageRecordHash,
} from "../../server/src/domain/usage/usage-record";
import { createEnclaveClient } from "../../server/src/enclave-client";
import { startAnchoringTimer } from "../../server/src/jobs/anchoring-timer";
import {
  addSecondBuyer,
  createServerTestKit,
  type TCaller,
  type TServerTestKit,
} from "../../server/src/testing/server-test-kit";
import { startAuthorizationChain, type TAuthorizationChain } from "../support/authorization-chain";

const ROOT = resolve(import.meta.dirname, "../..");
const PRODUCT_ID = productIdFor("le-district-industry", 1);

let devChain: TDevChain;
let authChain: TAuthorizationChain;
let enclave: TTestEnclave;
let chain: TChainClient;
let kit: TServerTestKit;
let buyer: TCaller;
let auditor: TCaller;
let regulator: TCaller;
/** evm_snapshot taken before anything was deployed: reverting to it = a dev chain restart. */
let emptyChainSnapshot: string;

async function rpc(method: string, params: unknown[] = []): Promise<unknown> {
  const res = await fetch(devChain.rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

beforeAll(async () => {
  if (!existsSync(USAGE_ANCHOR_ARTIFACT_PATH)) {
    execFileSync(resolve(ROOT, "node_modules/.bin/hardhat"), ["compile", "--quiet"], {
      cwd: ROOT,
      stdio: "inherit",
    });
  }
  [devChain, authChain] = await Promise.all([
    startDevChain({ port: await freePort() }),
    startAuthorizationChain(),
  ]);
  enclave = await startTestEnclave({ authorizationRegistry: authChain.readerOptions });
  emptyChainSnapshot = (await rpc("evm_snapshot")) as string;
  chain = createChainClient({ rpcUrl: devChain.rpcUrl, privateKey: DEV_CHAIN_ACCOUNT0_PRIVATE_KEY });
  kit = await createServerTestKit({
    chain,
    registries: authChain.registries,
    enclavePublicKey: enclave.enclaveKeys.publicKey,
    enclave: createEnclaveClient({
      baseUrl: enclave.url,
      serverSigningKey: enclave.clientKeys.secretKey,
      enclavePublicKey: enclave.enclaveKeys.publicKey,
    }),
  });
  // The seed queued the catalog's and the demo authorization's chain records: send them.
  const written = await processChainWrites(kit.db, authChain.registries, { limit: 1000 });
  expect(written).toMatchObject({ failed: null, pending: 0 });
  expect(written.confirmed.map((w) => w.kind)).toContain("authorization.record");
  const first = await reanchorAfterChainReset(kit.db, chain);
  expect(first).toMatchObject({ chainId: "31337", deployedNow: true, reanchoredBatches: 0 });
  [buyer, auditor, regulator] = await Promise.all([
    kit.callerAs("buyer@demo.pdx.cn"),
    kit.callerAs("auditor@demo.pdx.cn"),
    kit.callerAs("regulator@demo.pdx.cn"),
  ]);
});

afterAll(async () => {
  await kit?.close(); // closes the chain client too
  await Promise.all([devChain?.stop(), enclave?.stop(), authChain?.stop()]);
});

async function recordRow(id: string) {
  const { rows } = await kit.db.query<
    TUsageRecordContentRow & { record_hash: string; batch_id: string | null; leaf_index: number | null }
  >(
    `SELECT ${USAGE_RECORD_CONTENT_COLUMNS}, r.record_hash, r.batch_id::text AS batch_id, r.leaf_index
       FROM usage_records r WHERE r.id = $1::bigint`,
    [id],
  );
  return rows[0]!;
}

function checksOf(v: { checks: { name: string; ok: boolean }[] }) {
  return Object.fromEntries(v.checks.map((c) => [c.name, c.ok]));
}

const runIds: string[] = [];
const recordIds: string[] = [];
/** Id of the first anchored batch (ids come from a sequence; a failed attempt uses one up). */
let batchId = "";

describe("a buyer runs the product", () => {
  it("gets the district × industry table with small cells withheld and a verified receipt", async () => {
    const run = await buyer.runs.start({ productId: PRODUCT_ID });
    runIds.push(run.runId);
    recordIds.push(run.usageRecordId);
    expect(run.productId).toBe(PRODUCT_ID);
    expect(run.product).toMatchObject({ code: "le-district-industry", version: 1 });
    expect(run.columns.map((c) => c.key)).toEqual([
      "district",
      "industry",
      "enterprises",
      "registered_capital_total",
    ]);
    expect(run.rows.length).toBeGreaterThan(0);
    for (const row of run.rows) {
      expect(typeof row.district).toBe("string");
      expect(typeof row.industry).toBe("string");
      expect(row.enterprises as number).toBeGreaterThanOrEqual(10);
    }
    expect(run.suppression.k).toBe(10);
    expect(run.suppression.releasedCells).toBe(run.rows.length);
    expect(run.receipt.signatureValid).toBe(true);
    expect(run.receipt.jobId).toBe(run.runId);
    expect(run.receipt.rowsRead).toBe(5000);
  });

  it("writes one usage record: who, product, dataset version, fields, rows read, hashes, the signed receipt", async () => {
    const row = await recordRow(recordIds[0]!);
    const { content } = usageRecordContentFromRow(row);
    expect(content).toMatchObject({
      runId: runIds[0],
      productCode: "le-district-industry",
      productVersion: 1,
      datasetCode: "LE-BASE",
      rowsRead: 5000,
    });
    expect(content.fields).toEqual(expect.arrayContaining(["district", "industry", "registered_capital"]));
    const signed = content.receipt;
    if (signed.receipt.version !== 1) throw new Error("a declarative run is receipted as v1");
    expect(content.datasetVersion).toBe(signed.receipt.datasetVersion);
    expect(verifyReceipt({ ...signed, receipt: signed.receipt }, enclave.enclaveKeys.publicKey)).toBe(true);
    expect(row.record_hash).toBe(usageRecordHash(content));
    expect(row.batch_id).toBeNull();
  });

  it("runs.get returns the run to its organization; listMine lists it", async () => {
    const again = await buyer.runs.get({ runId: runIds[0]! });
    expect(again.usageRecordId).toBe(recordIds[0]);
    expect(again.receipt.signatureValid).toBe(true);
    const mine = await buyer.runs.listMine();
    expect(mine.map((r) => r.runId)).toContain(runIds[0]);
  });

  it("refuses another organization's buyer: runs.get is FORBIDDEN, listMine does not show it", async () => {
    const email = await addSecondBuyer(kit.db);
    const other = await kit.callerAs(email);
    await expect(other.runs.get({ runId: runIds[0]! })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: "this run belongs to another organization",
    });
    expect(await other.runs.listMine()).toEqual([]);
  });
});

describe("before anchoring", () => {
  it("the record is listed as pending and verifies as pending", async () => {
    const page = await auditor.audit.listUsageRecords({ limit: 10 });
    expect(page.items[0]).toMatchObject({ id: recordIds[0], anchorStatus: "pending", batchId: null });
    const v = await auditor.audit.verifyUsageRecord({ id: recordIds[0]! });
    expect(v.verdict).toBe("pending");
    expect(v.anchor).toBeNull();
    expect(checksOf(v)).toEqual({
      record_hash: true,
      receipt_signature: true,
      chain_root: false,
      merkle_proof: false,
    });
  });

  it("a failed anchoring leaves the records pending and writes no batch", async () => {
    const deadChain = createChainClient({
      rpcUrl: "http://127.0.0.1:9",
      privateKey: DEV_CHAIN_ACCOUNT0_PRIVATE_KEY,
    });
    await expect(anchorPendingRecords(kit.db, deadChain)).rejects.toMatchObject({
      code: "CHAIN_UNREACHABLE",
    });
    await deadChain.close();
    const { rows } = await kit.db.query<{ n: string }>("SELECT count(*)::text AS n FROM usage_batches");
    expect(rows[0]!.n).toBe("0");
    expect((await recordRow(recordIds[0]!)).batch_id).toBeNull();
  });
});

describe("anchoring and verification", () => {
  it("batches every pending record into one Merkle tree and anchors its root on chain", async () => {
    for (let i = 0; i < 2; i++) {
      const run = await buyer.runs.start({ productId: PRODUCT_ID });
      runIds.push(run.runId);
      recordIds.push(run.usageRecordId);
    }
    const batch = await anchorPendingRecords(kit.db, chain);
    expect(batch).toMatchObject({ recordCount: 3 });
    batchId = batch!.batchId;
    expect(await anchorPendingRecords(kit.db, chain)).toBeNull();
    const onChain = await chain.readBatch(BigInt(batchId));
    expect(onChain).toMatchObject({ root: batch!.root, recordCount: 3 });
    const leafIndexes = await Promise.all(recordIds.map(async (id) => (await recordRow(id)).leaf_index));
    expect(leafIndexes).toEqual([0, 1, 2]);
  });

  it("the auditor sees every record verified: hash, receipt signature, root read from chain, proof", async () => {
    for (const id of recordIds) {
      const v = await auditor.audit.verifyUsageRecord({ id });
      expect(v.verdict, id).toBe("verified");
      expect(checksOf(v)).toEqual({
        record_hash: true,
        receipt_signature: true,
        chain_root: true,
        merkle_proof: true,
      });
      expect(v.anchor).toMatchObject({
        batchId,
        chainId: "31337",
        root: (await chain.readBatch(BigInt(batchId)))!.root,
      });
      expect(v.anchor!.txHash).toMatch(/^0x[0-9a-f]{64}$/);
      expect(v.anchor!.blockNumber).toBeGreaterThan(0);
      expect(v.record.recordHash).toMatch(/^[0-9a-f]{64}$/);
      expect(v.record.receipt?.receipt.jobId).toBe(v.record.runId);
    }
    const list = await regulator.audit.listUsageRecords({ limit: 10 });
    expect(list.items).toHaveLength(3);
    expect(list.items.every((i) => i.anchorStatus === "anchored" && i.batchId === batchId)).toBe(true);
  });

  it("finds records by id, product, organization; pages with a cursor", async () => {
    const byId = await auditor.audit.listUsageRecords({ q: recordIds[1]!, limit: 10 });
    expect(byId.items.map((i) => i.id)).toContain(recordIds[1]);
    const byProduct = await auditor.audit.listUsageRecords({ q: "district-industry", limit: 10 });
    expect(byProduct.items).toHaveLength(3);
    const byOrg = await auditor.audit.listUsageRecords({ q: "鹏城", limit: 10 });
    expect(byOrg.items).toHaveLength(3);
    expect(byOrg.items[0]!.buyerOrg.name).toBe("鹏城商业银行股份有限公司");
    const none = await auditor.audit.listUsageRecords({ q: "no-such-thing%", limit: 10 });
    expect(none.items).toEqual([]);
    const p1 = await auditor.audit.listUsageRecords({ limit: 2 });
    expect(p1.items.map((i) => i.id)).toEqual([recordIds[2], recordIds[1]]);
    expect(p1.nextCursor).toBe(recordIds[1]);
    const p2 = await auditor.audit.listUsageRecords({ limit: 2, cursor: p1.nextCursor });
    expect(p2.items.map((i) => i.id)).toEqual([recordIds[0]]);
    expect(p2.nextCursor).toBeNull();
  });
});

describe("tampering", () => {
  it("rows_read + 1 in the database makes the record fail (hash, receipt, proof); its neighbours still verify", async () => {
    const target = recordIds[1]!;
    await kit.db.query("UPDATE usage_records SET rows_read = rows_read + 1 WHERE id = $1::bigint", [target]);
    const v = await auditor.audit.verifyUsageRecord({ id: target });
    expect(v.verdict).toBe("failed");
    expect(checksOf(v)).toEqual({
      record_hash: false,
      receipt_signature: false,
      chain_root: true,
      merkle_proof: false,
    });
    expect(v.checks.find((c) => c.name === "record_hash")!.detail).toContain("altered");
    expect(v.checks.find((c) => c.name === "receipt_signature")!.detail).toContain("rows read");
    expect(v.record.rowsRead).toBe(5001);
    for (const other of [recordIds[0]!, recordIds[2]!]) {
      expect((await auditor.audit.verifyUsageRecord({ id: other })).verdict).toBe("verified");
    }
    await kit.db.query("UPDATE usage_records SET rows_read = rows_read - 1 WHERE id = $1::bigint", [target]);
    expect((await auditor.audit.verifyUsageRecord({ id: target })).verdict).toBe("verified");
  });

  it("a forged receipt signature fails receipt_signature and the hash", async () => {
    const target = recordIds[2]!;
    const { rows } = await kit.db.query<{ receipt: { signature: string } }>(
      "SELECT receipt FROM usage_records WHERE id = $1::bigint",
      [target],
    );
    const original = rows[0]!.receipt.signature;
    const forged = (original[0] === "0" ? "1" : "0") + original.slice(1);
    await kit.db.query(
      "UPDATE usage_records SET receipt = jsonb_set(receipt, '{signature}', to_jsonb($2::text)) WHERE id = $1::bigint",
      [target, forged],
    );
    const v = await auditor.audit.verifyUsageRecord({ id: target });
    expect(v.verdict).toBe("failed");
    expect(checksOf(v).receipt_signature).toBe(false);
    expect(checksOf(v).record_hash).toBe(false);
    await kit.db.query(
      "UPDATE usage_records SET receipt = jsonb_set(receipt, '{signature}', to_jsonb($2::text)) WHERE id = $1::bigint",
      [target, original],
    );
    expect((await auditor.audit.verifyUsageRecord({ id: target })).verdict).toBe("verified");
  });

  it("rewriting the stored hash to match the altered fields still fails: the chain's root disagrees", async () => {
    const target = recordIds[0]!;
    const before = await recordRow(target);
    await kit.db.query("UPDATE usage_records SET dataset_version = 'forged' WHERE id = $1::bigint", [target]);
    const altered = usageRecordContentFromRow(await recordRow(target)).content;
    await kit.db.query("UPDATE usage_records SET record_hash = $2 WHERE id = $1::bigint", [
      target,
      usageRecordHash(altered),
    ]);
    const v = await auditor.audit.verifyUsageRecord({ id: target });
    expect(v.verdict).toBe("failed");
    expect(checksOf(v)).toMatchObject({
      record_hash: true,
      chain_root: false,
      merkle_proof: false,
      receipt_signature: false,
    });
    await kit.db.query(
      "UPDATE usage_records SET dataset_version = $2, record_hash = $3 WHERE id = $1::bigint",
      [target, before.dataset_version, before.record_hash],
    );
    expect((await auditor.audit.verifyUsageRecord({ id: target })).verdict).toBe("verified");
  });
});

describe("dev chain reset", () => {
  it("after the chain loses its state, verification fails until the stored batches are re-anchored", async () => {
    // Leave one record altered across the reset: re-anchoring must not make it pass.
    const tampered = recordIds[1]!;
    await kit.db.query("UPDATE usage_records SET rows_read = 1 WHERE id = $1::bigint", [tampered]);

    expect(await rpc("evm_revert", [emptyChainSnapshot])).toBe(true);
    const lost = await auditor.audit.verifyUsageRecord({ id: recordIds[0]! });
    expect(lost.verdict).toBe("failed");
    expect(lost.checks.find((c) => c.name === "chain_root")).toMatchObject({
      ok: false,
      detail: expect.stringContaining("not on the chain"),
    });

    const summary = await reanchorAfterChainReset(kit.db, chain);
    expect(summary).toMatchObject({ deployedNow: true, reanchoredBatches: 1 });
    const { rows } = await kit.db.query<{ reanchor_pending: boolean }>(
      "SELECT reanchor_pending FROM chain_deployments",
    );
    expect(rows).toEqual([{ reanchor_pending: false }]);

    const restored = await auditor.audit.verifyUsageRecord({ id: recordIds[0]! });
    expect(restored.verdict).toBe("verified");
    expect(await chain.readBatch(BigInt(batchId))).toMatchObject({
      root: restored.anchor!.root,
      recordCount: 3,
    });
    const { rows: batches } = await kit.db.query<{ reanchor_count: number }>(
      "SELECT reanchor_count FROM usage_batches",
    );
    expect(batches).toEqual([{ reanchor_count: 1 }]);
    expect((await auditor.audit.verifyUsageRecord({ id: recordIds[2]! })).verdict).toBe("verified");
    const stillBad = await auditor.audit.verifyUsageRecord({ id: tampered });
    expect(stillBad.verdict).toBe("failed");
    expect(checksOf(stillBad).record_hash).toBe(false);

    // A second start on the same chain finds the contract and re-anchors nothing.
    expect(await reanchorAfterChainReset(kit.db, chain)).toMatchObject({
      deployedNow: false,
      reanchoredBatches: 0,
    });
    await kit.db.query("UPDATE usage_records SET rows_read = 5000 WHERE id = $1::bigint", [tampered]);
    expect((await auditor.audit.verifyUsageRecord({ id: tampered })).verdict).toBe("verified");
  });
});

describe("the anchoring timer", () => {
  it("anchors new records on its own and stops cleanly", async () => {
    const run = await buyer.runs.start({ productId: PRODUCT_ID });
    const timer = startAnchoringTimer({ db: kit.db, chain, intervalMs: 200 });
    try {
      const deadline = Date.now() + 30_000;
      while ((await recordRow(run.usageRecordId)).batch_id === null) {
        if (Date.now() > deadline) throw new Error("the timer did not anchor the record within 30 s");
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await timer.stop();
    }
    expect(Number((await recordRow(run.usageRecordId)).batch_id)).toBeGreaterThan(Number(batchId));
    expect((await auditor.audit.verifyUsageRecord({ id: run.usageRecordId })).verdict).toBe("verified");
  });
});

describe("the enclave's answer is checked before anything is recorded", () => {
  async function recordCount(): Promise<number> {
    const { rows } = await kit.db.query<{ n: string }>("SELECT count(*)::text AS n FROM usage_records");
    return Number(rows[0]!.n);
  }

  it("a receipt signed by another key than ENCLAVE_PUBLIC_KEY is refused (BAD_GATEWAY), nothing recorded", async () => {
    const before = await recordCount();
    const wrongKeyKit = {
      ...kit.deps,
      enclave: createEnclaveClient({
        baseUrl: enclave.url,
        serverSigningKey: enclave.clientKeys.secretKey,
        enclavePublicKey: generateKeyPair().publicKey,
      }),
    };
    const { startRun } = await import("../../server/src/domain/runs/runs");
    const user = (await buyer.auth.me())!;
    await expect(startRun(wrongKeyKit, user, { productId: PRODUCT_ID })).rejects.toMatchObject({
      code: "ENCLAVE_RESPONSE_INVALID",
      internalDetail: expect.stringContaining("receipt signature invalid"),
    });
    expect(await recordCount()).toBe(before);
  });

  it("requests signed with a key the enclave does not trust are refused; the buyer sees a safe message", async () => {
    const before = await recordCount();
    const untrusted = createEnclaveClient({
      baseUrl: enclave.url,
      serverSigningKey: generateKeyPair().secretKey,
      enclavePublicKey: enclave.enclaveKeys.publicKey,
    });
    const { startRun } = await import("../../server/src/domain/runs/runs");
    const user = (await buyer.auth.me())!;
    const err = await startRun({ ...kit.deps, enclave: untrusted }, user, { productId: PRODUCT_ID }).catch(
      (e) => e,
    );
    expect(err).toMatchObject({
      code: "ENCLAVE_UNAVAILABLE",
      internalDetail: expect.stringContaining("KEY_UNKNOWN"),
    });
    expect(err.userMessage).not.toContain("KEY_UNKNOWN");
    expect(await recordCount()).toBe(before);
  });

  it("an unreachable enclave gives SERVICE_UNAVAILABLE through tRPC", async () => {
    const unreachable = await (async () => {
      const { createContext } = await import("../../server/src/trpc/context");
      const { createAppCaller } = await import("../../server/src/trpc/app-router");
      const { login } = await import("../../server/src/domain/auth/sessions");
      const deps = {
        ...kit.deps,
        enclave: createEnclaveClient({
          baseUrl: "http://127.0.0.1:9",
          serverSigningKey: enclave.clientKeys.secretKey,
          enclavePublicKey: enclave.enclaveKeys.publicKey,
          timeoutMs: 2000,
        }),
      };
      const { token } = await login(
        kit.db,
        { email: "buyer@demo.pdx.cn", password: "Demo#2026" },
        { ttlMinutes: 5 },
      );
      const ctx = await createContext(
        deps,
        { sessionToken: token, csrfHeader: "1", origin: null },
        {
          setSession() {},
          clearSession() {},
        },
      );
      return createAppCaller(ctx);
    })();
    const err = await unreachable.runs.start({ productId: PRODUCT_ID }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).code).toBe("SERVICE_UNAVAILABLE");
    expect((err as TRPCError).message).toBe(
      "the secure computing domain is unavailable; please try again later",
    );
  });
});

describe("verifyUsageRecord (domain)", () => {
  it("reports NOT_FOUND for an unknown record", async () => {
    await expect(
      verifyUsageRecord({ db: kit.db, chain, enclavePublicKey: enclave.enclaveKeys.publicKey }, "424242"),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
