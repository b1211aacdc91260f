/**
 * Product jobs end to end with real parts (test/support/enclave-marketplace.ts): a real enclave (its app over HTTP, its own vault
 * database, the sandbox), a real dev chain holding the seeded demo authorization (recorded
 * through the chain-write outbox) and the marketplace database. An operator runs logic on mock
 * data and saves versions; a buyer previews and starts real jobs, whose first released output is
 * held until the regulator releases it; later jobs of the approved version are released at once.
 * Every ended real job writes one usage record carrying the enclave's v2 receipt, which the
 * auditor's verification accepts. Other organizations' jobs and versions read as unknown.
 */

import { generateKeyPair } from "@pdx/common/ed25519";
import { JOB_END_STATES } from "@pdx/common/enclave-jobs";
import { verifyReceiptV2 } from "@pdx/common/receipt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TTestEnclave } from "../../enclave/src/testing/test-enclave";
import { verifyUsageRecord } from "../../server/src/domain/audit/verify-usage-record";
import { EXAMPLE_LOGIC } from "../../server/src/domain/product-jobs/example-logic";
import { refreshJob, refreshUnfinishedJobs } from "../../server/src/domain/product-jobs/job-sync";
import { budgetRefusal } from "../../server/src/domain/product-jobs/jobs";
import { logicVersionHash } from "../../server/src/domain/product-jobs/logic-versions";
import { productIdFor } from "../../server/src/domain/seed/seed-demo-data";
import { createEnclaveClient } from "../../server/src/enclave-client";
import { productJobOutputHashOf } from "../../server/src/enclave-client/product-jobs";
import { startProductJobsTimer } from "../../server/src/jobs/product-jobs-timer";
import {
  addOrgWithUser,
  addSecondBuyer,
  type TCaller,
  type TServerTestKit,
} from "../../server/src/testing/server-test-kit";
import { codeOf } from "../support/call-outcome";
import { startEnclaveMarketplace, type TEnclaveMarketplace } from "../support/enclave-marketplace";

const PRODUCT_ID = productIdFor("le-district-industry", 1);

let world: TEnclaveMarketplace;
let enclave: TTestEnclave;
let kit: TServerTestKit;
let operator: TCaller;
let buyer: TCaller;
let regulator: TCaller;
let otherBuyer: TCaller;
let otherOperator: TCaller;

type TJob = Awaited<ReturnType<TCaller["productJobs"]["get"]>>;

async function waitForEnd(caller: TCaller, jobId: string, timeoutMs = 90_000): Promise<TJob> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await caller.productJobs.get({ jobId });
    if ((JOB_END_STATES as readonly string[]).includes(job.state)) return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job.state} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function usageRecordsOfJob(jobId: string): Promise<string[]> {
  const { rows } = await kit.db.query<{ id: string }>(
    "SELECT id::text AS id FROM usage_records WHERE run_id = $1",
    [jobId],
  );
  return rows.map((r) => r.id);
}

beforeAll(async () => {
  world = await startEnclaveMarketplace();
  ({ enclave, kit } = world);
  await addOrgWithUser(
    kit.db,
    { key: "test-other-operator", name: "另一运营机构", nameEn: "Other operator", type: "operator" },
    { email: "operator2@test.pdx.cn", displayName: "Operator Two", role: "operator" },
  );
  const secondBuyerEmail = await addSecondBuyer(kit.db);
  [operator, buyer, regulator, otherBuyer, otherOperator] = await Promise.all([
    kit.callerAs("operator@demo.pdx.cn"),
    kit.callerAs("buyer@demo.pdx.cn"),
    kit.callerAs("regulator@demo.pdx.cn"),
    kit.callerAs(secondBuyerEmail),
    kit.callerAs("operator2@test.pdx.cn"),
  ]);
}, 240_000);

afterAll(async () => {
  await world?.stop();
});

/** Version 2 of the demo product, saved by the operator below. */
const V2 = { ...EXAMPLE_LOGIC, source: `${EXAMPLE_LOGIC.source}// v2: same query, new version\n` };
let v2Hash = "";
let heldJobId = "";

describe("the operator", () => {
  it("sees its product with the seeded logic version awaiting its first review", async () => {
    const products = await operator.productJobs.myProducts();
    const demo = products.find((p) => p.id === PRODUCT_ID);
    expect(demo?.latestVersion).toMatchObject({
      version: 1,
      reviewState: "awaiting_first_review",
      versionHash: logicVersionHash(EXAMPLE_LOGIC),
    });
    expect(await otherOperator.productJobs.myProducts()).toEqual([]);
  });

  it("runs the example on mock data: output, logs, stats and the ε a real run would spend; no usage record", async () => {
    const submitted = await operator.productJobs.runMock({ productId: PRODUCT_ID, ...EXAMPLE_LOGIC });
    expect(submitted.mode).toBe("mock");
    const job = await waitForEnd(operator, submitted.jobId);
    expect(job.failure).toBeNull();
    expect(job.state).toBe("released");
    expect(job.reviewState).toBe("not_needed");
    expect(job.outputVisible).toBe(true);
    const output = job.output as { columns: { key: string }[]; rows: Record<string, unknown>[] };
    expect(output.columns.map((c) => c.key)).toEqual([
      "district",
      "industry",
      "enterprises",
      "registered_capital_total",
    ]);
    expect(output.rows.length).toBeGreaterThan(0);
    expect(job.logs.join("\n")).toMatch(/cells released: \d+/);
    expect(job.stats?.queries).toBe(1);
    expect(job.stats?.epsilonSpent).toBeGreaterThan(0);
    expect(job.receipt).toMatchObject({
      authorizationId: null,
      productVersionHash: logicVersionHash(EXAMPLE_LOGIC),
      signatureValid: true,
      outputHash: productJobOutputHashOf(job.output),
    });
    expect(job.version).toMatchObject({ number: 1 });
    expect(job.usageRecordId).toBeNull();
    expect(await usageRecordsOfJob(job.jobId)).toEqual([]);
  });

  it("reports a logic error as a failed job naming the problem", async () => {
    const submitted = await operator.productJobs.runMock({
      productId: PRODUCT_ID,
      language: "javascript",
      source: "export default async function (pdx) { throw new Error('no districts today'); }",
      fields: { "LE-BASE": ["district"] },
    });
    const job = await waitForEnd(operator, submitted.jobId);
    expect(job.state).toBe("failed");
    expect(job.failure?.message).toMatch(/no districts today/);
    expect(job.outputVisible).toBe(false);
  });

  it("saves a new version with its hash; the same content twice is a conflict", async () => {
    const saved = await operator.productJobs.saveVersion({ productId: PRODUCT_ID, ...V2 });
    v2Hash = logicVersionHash(V2);
    expect(saved).toMatchObject({ version: 2, versionHash: v2Hash, reviewState: "awaiting_first_review" });
    expect(await codeOf(operator.productJobs.saveVersion({ productId: PRODUCT_ID, ...V2 }))).toBe("CONFLICT");
    const versions = await operator.productJobs.listVersions({ productId: PRODUCT_ID });
    expect(versions.map((v) => v.version)).toEqual([2, 1]);
    const { rows } = await kit.db.query<{ action: string }>(
      "SELECT action FROM audit_events WHERE object_id = $1",
      [saved.id],
    );
    expect(rows.map((r) => r.action)).toEqual(["product_logic.save_version"]);
  });

  it("cannot see or change another operator's product (answered as unknown)", async () => {
    expect(await codeOf(otherOperator.productJobs.listVersions({ productId: PRODUCT_ID }))).toBe("NOT_FOUND");
    expect(await codeOf(otherOperator.productJobs.saveVersion({ productId: PRODUCT_ID, ...V2 }))).toBe(
      "NOT_FOUND",
    );
    expect(await codeOf(otherOperator.productJobs.runMock({ productId: PRODUCT_ID, ...V2 }))).toBe(
      "NOT_FOUND",
    );
    const [v] = await operator.productJobs.listVersions({ productId: PRODUCT_ID });
    expect(await codeOf(otherOperator.productJobs.getVersion({ versionId: v!.id }))).toBe("NOT_FOUND");
  });
});

describe("a buyer's first job on a new version", () => {
  it("previews the cost: ε needed and the remaining budget", async () => {
    const runnable = await buyer.productJobs.runnable({ productId: PRODUCT_ID });
    expect(runnable).toMatchObject({ version: 2, versionHash: v2Hash, reviewState: "awaiting_first_review" });
    const preview = await buyer.productJobs.preview({ productId: PRODUCT_ID });
    expect(preview.versionHash).toBe(v2Hash);
    expect(preview.maxEpsilon).toBeGreaterThan(0);
    expect(preview.affordable).toBe(true);
    expect(preview.budgets.map((b) => b.datasetCode)).toEqual(["LE-BASE"]);
    expect(preview.budgets[0]!.remaining).toBeGreaterThanOrEqual(preview.maxEpsilon);
  });

  it("ends released by the enclave but held for the regulator: no output for the buyer", async () => {
    const started = await buyer.productJobs.start({ productId: PRODUCT_ID });
    heldJobId = started.jobId;
    expect(started.mode).toBe("real");
    const job = await waitForEnd(buyer, heldJobId);
    expect(job.state).toBe("released");
    expect(job.reviewState).toBe("held");
    expect(job.outputVisible).toBe(false);
    expect(job.output).toBeNull();
    expect(job.receipt).toMatchObject({ productVersionHash: v2Hash, signatureValid: true });
    expect(job.receipt?.authorizationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(job.receipt?.datasets[0]?.code).toBe("LE-BASE");
    expect(job.receipt?.fieldsTouched).toEqual([
      "LE-BASE.district",
      "LE-BASE.industry",
      "LE-BASE.registered_capital",
    ]);
    expect(job.receipt?.rowsRead).toBeGreaterThan(0);
    expect(job.receipt?.epsilonSpent).toBeGreaterThan(0);
  });

  it("writes exactly one usage record with the v2 receipt, which the auditor's verification accepts", async () => {
    const job = await buyer.productJobs.get({ jobId: heldJobId });
    expect(job.usageRecordId).not.toBeNull();
    // Retried refreshes and polls change nothing.
    await refreshJob({ db: kit.db, productJobs: kit.deps.enclave.productJobs }, heldJobId);
    await refreshUnfinishedJobs({ db: kit.db, productJobs: kit.deps.enclave.productJobs });
    expect(await usageRecordsOfJob(heldJobId)).toEqual([job.usageRecordId]);

    const verification = await verifyUsageRecord(
      { db: kit.db, chain: kit.deps.chain, enclavePublicKey: enclave.enclaveKeys.publicKey },
      job.usageRecordId!,
    );
    const checks = Object.fromEntries(verification.checks.map((c) => [c.name, c.ok]));
    expect(checks).toMatchObject({ record_hash: true, receipt_signature: true });
    expect(verification.verdict).toBe("pending");
    expect(verification.record.datasetCode).toBe("LE-BASE");
    expect(verification.record.fields).toEqual(job.receipt?.fieldsTouched);

    // Altering the stored receipt's row count breaks the record hash and the signature.
    await kit.db.query(
      `UPDATE usage_records SET receipt = jsonb_set(receipt, '{receipt,rowsRead}', '1') WHERE id = $1::bigint`,
      [job.usageRecordId],
    );
    const tampered = await verifyUsageRecord(
      { db: kit.db, chain: kit.deps.chain, enclavePublicKey: enclave.enclaveKeys.publicKey },
      job.usageRecordId!,
    );
    expect(tampered.verdict).toBe("failed");
    expect(tampered.checks.find((c) => c.name === "receipt_signature")?.ok).toBe(false);
    await kit.db.query("UPDATE usage_records SET receipt = $2 WHERE id = $1::bigint", [
      job.usageRecordId,
      JSON.stringify(
        (
          await kit.db.query<{ receipt: unknown }>("SELECT receipt FROM product_jobs WHERE id = $1", [
            heldJobId,
          ])
        ).rows[0]!.receipt,
      ),
    ]);
    const restored = await verifyUsageRecord(
      { db: kit.db, chain: kit.deps.chain, enclavePublicKey: enclave.enclaveKeys.publicKey },
      job.usageRecordId!,
    );
    expect(restored.verdict).toBe("pending");
  });

  it("is answered as unknown to another organization", async () => {
    expect(await codeOf(otherBuyer.productJobs.get({ jobId: heldJobId }))).toBe("NOT_FOUND");
    expect(await codeOf(otherBuyer.productJobs.cancel({ jobId: heldJobId }))).toBe("NOT_FOUND");
    expect((await otherBuyer.productJobs.listMine()).map((j) => j.jobId)).not.toContain(heldJobId);
    expect(await codeOf(operator.productJobs.get({ jobId: heldJobId }))).toBe("NOT_FOUND");
  });

  it("cannot be cancelled once ended", async () => {
    expect(await codeOf(buyer.productJobs.cancel({ jobId: heldJobId }))).toBe("CONFLICT");
  });
});

describe("the regulator's output review", () => {
  it("shows the held output; withholding needs a comment", async () => {
    const queue = await regulator.productJobs.reviewQueue();
    const held = queue.find((j) => j.jobId === heldJobId);
    expect(held?.outputVisible).toBe(true);
    expect((held!.output as { rows: unknown[] }).rows.length).toBeGreaterThan(0);
    expect(await codeOf(regulator.productJobs.withhold({ jobId: heldJobId, comment: "  " }))).toBe(
      "BAD_REQUEST",
    );
    expect(await codeOf(buyer.productJobs.release({ jobId: heldJobId }))).toBe("FORBIDDEN");
  });

  it("releases it: the buyer sees the output, the version is approved, the trail records it", async () => {
    const released = await regulator.productJobs.release({
      jobId: heldJobId,
      comment: "抽查无个体可识别信息",
    });
    expect(released.reviewState).toBe("released_by_regulator");
    const job = await buyer.productJobs.get({ jobId: heldJobId });
    expect(job.outputVisible).toBe(true);
    expect(productJobOutputHashOf(job.output)).toBe(job.receipt?.outputHash);
    expect(job.review.comment).toBe("抽查无个体可识别信息");
    expect(await codeOf(regulator.productJobs.release({ jobId: heldJobId }))).toBe("CONFLICT");
    const versions = await operator.productJobs.listVersions({ productId: PRODUCT_ID });
    expect(versions.find((v) => v.version === 2)?.reviewState).toBe("approved");
    expect((await regulator.productJobs.reviewQueue()).map((j) => j.jobId)).not.toContain(heldJobId);
    const { rows } = await kit.db.query<{ action: string }>(
      "SELECT action FROM audit_events WHERE object_id = $1 ORDER BY seq",
      [heldJobId],
    );
    expect(rows.map((r) => r.action)).toEqual([
      "product_job.submit",
      "product_job.held",
      "product_job.review_release",
    ]);
  });

  it("later jobs of the approved version are released automatically (picked up by the polling timer)", async () => {
    const timer = startProductJobsTimer({
      db: kit.db,
      productJobs: kit.deps.enclave.productJobs,
      intervalMs: 100,
    });
    try {
      const started = await buyer.productJobs.start({ productId: PRODUCT_ID });
      const deadline = Date.now() + 90_000;
      let state = "queued";
      while (!(JOB_END_STATES as readonly string[]).includes(state) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        const { rows } = await kit.db.query<{ state: string }>(
          "SELECT state FROM product_jobs WHERE id = $1",
          [started.jobId],
        );
        state = rows[0]!.state;
      }
      const job = await buyer.productJobs.get({ jobId: started.jobId });
      expect(job.state).toBe("released");
      expect(job.reviewState).toBe("not_needed");
      expect(job.outputVisible).toBe(true);
      expect(await usageRecordsOfJob(started.jobId)).toHaveLength(1);
    } finally {
      await timer.stop();
    }
  });
});

describe("cancelling and refusals", () => {
  it("a buyer cancels a running job; it ends cancelled with a receipt", async () => {
    // Many verification questions (each a host call, so the cancel request is served meanwhile).
    const slow = `export default async function (pdx) {
  for (let i = 0; i < 900; i++) await pdx.verify({ dataset: "LE-BASE", match: { district: "d" + i } });
  return 1;
}`;
    const saved = await operator.productJobs.saveVersion({
      productId: PRODUCT_ID,
      language: "javascript",
      source: slow,
      fields: { "LE-BASE": ["district"] },
    });
    expect(saved.version).toBe(3);
    const started = await buyer.productJobs.start({ productId: PRODUCT_ID });
    const cancelled = await buyer.productJobs.cancel({ jobId: started.jobId });
    expect(["cancelled", "queued", "running", "checking"]).toContain(cancelled.state);
    const job = await waitForEnd(buyer, started.jobId);
    expect(job.state).toBe("cancelled");
    expect(job.outputVisible).toBe(false);
    expect(job.receipt?.signatureValid).toBe(true);
    // A cancelled real job is metered too: one usage record.
    expect(await usageRecordsOfJob(job.jobId)).toHaveLength(1);
    // Restore a quick version for anyone after.
    await operator.productJobs.saveVersion({ productId: PRODUCT_ID, ...EXAMPLE_LOGIC });
  });

  it("a refusal for budget names the remaining budget per dataset", () => {
    const err = budgetRefusal({
      maxEpsilon: 3,
      affordable: false,
      budgets: [{ datasetCode: "LE-BASE", total: 10, spent: 8.5, remaining: 1.5 }],
    });
    expect(err.code).toBe("PRECONDITION_FAILED");
    expect(err.userMessage).toContain("up to ε 3");
    expect(err.userMessage).toContain("LE-BASE: ε 1.5 of 10 remaining");
  });

  it("an enclave answer that does not verify (wrong enclave key) is refused and nothing changes", async () => {
    const untrusted = createEnclaveClient({
      baseUrl: enclave.url,
      serverSigningKey: enclave.clientKeys.secretKey,
      enclavePublicKey: generateKeyPair().publicKey,
    });
    const { rows } = await kit.db.query<{ receipt: { receipt: { requestHash: string } } }>(
      "SELECT receipt FROM product_jobs WHERE id = $1",
      [heldJobId],
    );
    const r = rows[0]!.receipt;
    await expect(
      untrusted.productJobs.status({
        jobId: heldJobId,
        product: { code: "le-district-industry", version: 2, versionHash: v2Hash },
        mode: "real",
        authorizationId: (await buyer.productJobs.get({ jobId: heldJobId })).receipt!.authorizationId,
        requesterOrgId: (await buyer.productJobs.get({ jobId: heldJobId })).requesterOrg.id,
        requestHash: r.receipt.requestHash,
      }),
    ).rejects.toMatchObject({ code: "ENCLAVE_RESPONSE_INVALID" });
    const stored = await kit.db.query<{ receipt: Parameters<typeof verifyReceiptV2>[0] }>(
      "SELECT receipt FROM product_jobs WHERE id = $1",
      [heldJobId],
    );
    expect(verifyReceiptV2(stored.rows[0]!.receipt, enclave.enclaveKeys.publicKey)).toBe(true);
  });
});
