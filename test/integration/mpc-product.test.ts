/**
 * A joint-statistics product end to end with real parts: three real enclaves (tax, social,
 * health — each its own vault database, keys and port, each holding its department's dataset
 * generated through the ingest pipeline), a real dev chain holding the seeded MPC authorization
 * (approved by the three source departments and the regulator through the real workflow), the
 * marketplace database, and a buyer running the product through the server's mpc.* procedures.
 *
 * Checked: the released table has exactly the groups whose joint count reaches k, the joint
 * totals the coordinator reconstructed equal the plaintext computation over the three
 * departments' rows exactly, and every released count and sum is within 12 noise scales (as the
 * result states them) of it; the usage record carries the coordinator's signed receipt. Refusals:
 * a non-buyer; an authorization suspended on chain (every node refuses before reading); an
 * authorization whose scope does not cover one node's dataset (the job fails naming that node);
 * a node down (the job fails naming it).
 */
import { randomUUID } from "node:crypto";
import { canonicalJson } from "@pdx/common/canonical-json";
import { sha256Hex } from "@pdx/common/hash";
import type { TMpcJobSpec } from "@pdx/common/mpc-api";
import { ZMpcJobSpec } from "@pdx/common/mpc-api";
import { verifyReceiptV2 } from "@pdx/common/receipt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureCatalogSampleVersion } from "../../enclave/src/ingest/generated-versions";
import type { TJointGroupTotals } from "../../enclave/src/mpc/joint-vector";
import {
  startTestEnclaveCluster,
  type TTestEnclaveCluster,
} from "../../enclave/src/testing/test-enclave-cluster";
import { verifyUsageRecord } from "../../server/src/domain/audit/verify-usage-record";
import { DEMO_MPC_AUTHORIZATION_ID } from "../../server/src/domain/authorizations/seed-demo-authorization";
import { processChainWrites } from "../../server/src/domain/chain-writes/outbox";
import { jointJobSpecOf } from "../../server/src/domain/mpc/joint-jobs";
import { orgIdFor, productIdFor } from "../../server/src/domain/seed/seed-demo-data";
import { createMpcJobsClient, type TMpcJobsClient } from "../../server/src/enclave-client/mpc-jobs";
import {
  createServerTestKit,
  type TCaller,
  type TServerTestKit,
} from "../../server/src/testing/server-test-kit";
import { startAuthorizationChain, type TAuthorizationChain } from "../support/authorization-chain";
import { codeOf } from "../support/call-outcome";
import {
  MPC_DEMO_MANIFEST,
  MPC_DEMO_NODES,
  maxRowsPerUnit,
  plaintextJointTotals,
} from "../support/mpc-departments";

const PRODUCT = productIdFor(MPC_DEMO_MANIFEST.code, MPC_DEMO_MANIFEST.version);
const K = MPC_DEMO_MANIFEST.privacyRule.k;

let authChain: TAuthorizationChain;
let cluster: TTestEnclaveCluster;
let kit: TServerTestKit;
let mpc: TMpcJobsClient;
let buyer: TCaller;
const totalsByJob = new Map<string, readonly TJointGroupTotals[]>();

/** Polls mpc.refresh until the job ended (at most 30 s). */
async function runToEnd(caller: TCaller, jobId: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const job = await caller.mpc.refresh({ jobId });
    if (job.state !== "running") return job;
    if (Date.now() > deadline) throw new Error(`mpc job ${jobId} still running after 30 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  authChain = await startAuthorizationChain();
  cluster = await startTestEnclaveCluster(
    MPC_DEMO_NODES.map((n) => n.nodeId),
    {
      enclave: { authorizationRegistry: authChain.readerOptions },
      inspect: (nodeId) =>
        nodeId === MPC_DEMO_MANIFEST.logic.coordinator
          ? { totals: (jobId, totals) => totalsByJob.set(jobId, totals) }
          : undefined,
    },
  );
  for (const { nodeId, dataset } of MPC_DEMO_NODES) {
    const enclave = cluster.enclave(nodeId);
    await ensureCatalogSampleVersion(
      { store: enclave.vault.ingestStore(), keyStore: enclave.keyStore },
      dataset,
    );
  }
  mpc = createMpcJobsClient({
    nodes: [...cluster.enclaves].map(([nodeId, e]) => ({
      nodeId,
      url: e.url,
      signingPublicKey: e.enclaveKeys.publicKey,
    })),
    serverSigningKey: cluster.client.secretKey,
  });
  kit = await createServerTestKit({ registries: authChain.registries, mpc });
  const written = await processChainWrites(kit.db, authChain.registries, { limit: 1000 });
  if (written.failed !== null || written.pending !== 0)
    throw new Error(`the demo authorizations could not be written to the chain: ${JSON.stringify(written)}`);
  buyer = await kit.callerAs("buyer@demo.pdx.cn");
}, 240_000);

afterAll(async () => {
  await kit?.close();
  await cluster?.stop();
  await authChain?.stop();
});

describe("joint statistics across three department nodes (mpc.*)", () => {
  it("releases the k-suppressed noisy joint table, equal to the plaintext up to the stated noise", async () => {
    const product = await buyer.catalog.getProduct({ id: PRODUCT });
    expect(product.deliveryForm).toBe("joint_statistics");
    expect(product.jointStatistics?.parties.map((p) => p.node)).toEqual(["tax", "social", "health"]);

    const started = await buyer.mpc.start({ productId: PRODUCT });
    expect(started.state).toBe("running");
    const job = await runToEnd(buyer, started.jobId);
    expect(job.failure).toBeNull();
    expect(job.state).toBe("released");
    const result = job.result!;

    // Every unit's rows fit its party's bound, so the vault keeps every row (exact oracle).
    expect(maxRowsPerUnit("TAX-INVOICE-SUMMARY", "uscc")).toBeLessThanOrEqual(2);
    expect(maxRowsPerUnit("SS-EMPLOYER-CONTRIBUTION", "employer_uscc")).toBeLessThanOrEqual(2);
    const plain = plaintextJointTotals();
    // The coordinator's reconstruction equals the plaintext joint totals exactly.
    const reconstructed = totalsByJob.get(job.jobId)!;
    for (const t of reconstructed) {
      expect(t.count).toBe(plain.get(t.key)!.count);
      expect(Number(t.sum)).toBe(plain.get(t.key)!.sum);
    }
    // Exactly the groups whose joint count reaches k are released (their counts are far from k).
    const expected = [...plain.values()].filter((g) => g.count >= K).map((g) => g.group);
    for (const g of plain.values()) expect(Math.abs(g.count - K)).toBeGreaterThan(150);
    expect(result.rows.map((r) => r.group)).toEqual(expected);
    expect(result.columns.map((c) => c.key)).toEqual(["group", "count", "sum", "mean", "variance"]);
    expect(result.minGroupSize).toBe(K);
    expect(result.rowsPerUnit).toBe(5);
    expect(result.epsilonSpent).toBeCloseTo(0.9, 10);
    const scale = (measure: string) => result.noise.find((n) => n.measure === measure)!.scale;
    expect(scale("count")).toBeCloseTo(5 / 0.3, 6);
    for (const row of result.rows) {
      const truth = plain.get(String(row.group))!;
      expect(Math.abs(Number(row.count) - truth.count)).toBeLessThanOrEqual(12 * scale("count"));
      expect(Math.abs(Number(row.sum) - truth.sum)).toBeLessThanOrEqual(12 * scale("sum"));
      expect(Number(row.mean)).toBeGreaterThanOrEqual(0);
      expect(Number(row.mean)).toBeLessThanOrEqual(30_000);
    }

    // The usage record carries the coordinator's receipt over exactly this result.
    const receipt = job.receipt!;
    expect(receipt.coordinator).toBe("tax");
    expect(receipt.outputHash).toBe(sha256Hex(canonicalJson(result)));
    const { rows } = await kit.db.query<{
      receipt: Parameters<typeof verifyReceiptV2>[0];
      dataset_code: string;
    }>("SELECT receipt, dataset_code FROM usage_records WHERE id = $1::bigint", [receipt.usageRecordId]);
    expect(rows[0]!.dataset_code).toBe("TAX-INVOICE-SUMMARY");
    expect(verifyReceiptV2(rows[0]!.receipt, cluster.enclave("tax").enclaveKeys.publicKey)).toBe(true);
    expect(rows[0]!.receipt.receipt.computation).toMatchObject({
      kind: "mpc",
      coordinator: "tax",
      parties: ["tax", "social", "health"],
    });
    expect((await buyer.mpc.listMine()).map((j) => j.jobId)).toContain(job.jobId);
    // The auditor's check verifies it with the coordinator node's configured key — and only then.
    const audited = await verifyUsageRecord(kit.deps, receipt.usageRecordId);
    expect(audited.checks.find((c) => c.name === "receipt_signature")).toMatchObject({ ok: true });
    const withoutNodes = await verifyUsageRecord({ ...kit.deps, mpc: null }, receipt.usageRecordId);
    expect(withoutNodes.checks.find((c) => c.name === "receipt_signature")).toMatchObject({ ok: false });
  });

  it("is for buyers only, and a job is its organization's own", async () => {
    const operator = await kit.callerAs("operator@demo.pdx.cn");
    expect(await codeOf(operator.mpc.start({ productId: PRODUCT }))).toBe("FORBIDDEN");
    expect(await codeOf(buyer.mpc.get({ jobId: randomUUID() }))).toBe("NOT_FOUND");
    const psiProduct = productIdFor("le-status-check", 1);
    expect(await codeOf(buyer.mpc.start({ productId: psiProduct }))).toBe("BAD_REQUEST");
  });

  it("fails on every node when the authorization is suspended on chain", async () => {
    await authChain.setStatus(DEMO_MPC_AUTHORIZATION_ID, "suspended");
    try {
      const started = await buyer.mpc.start({ productId: PRODUCT });
      const job = await runToEnd(buyer, started.jobId);
      expect(job.state).toBe("failed");
      expect(job.result).toBeNull();
      expect(job.failure?.step).toBe("local-aggregate");
      expect(job.failure?.reason).toMatch(/refused: AUTHORIZATION_INACTIVE: authorization .* is suspended/);
      expect(["tax", "social", "health"]).toContain(job.failure?.node);
    } finally {
      await authChain.setStatus(DEMO_MPC_AUTHORIZATION_ID, "active");
    }
  });

  it("fails naming the node whose dataset the authorization does not cover", async () => {
    const operatorOrgId = orgIdFor("city-data-operator");
    const scope = [
      { datasetCode: "SS-EMPLOYER-CONTRIBUTION", fields: ["insured_count", "month"] },
      { datasetCode: "TAX-INVOICE-SUMMARY", fields: ["customers", "month"] },
    ];
    const claim = await authChain.recordAuthorization({ id: randomUUID(), operatorOrgId, scope });
    const specInput = jointJobSpecOf(MPC_DEMO_MANIFEST, {
      jobId: randomUUID(),
      buyerOrgId: "buyer-mpc-scope-test",
      authorization: claim,
    });
    const spec: TMpcJobSpec = ZMpcJobSpec.parse(specInput);
    await mpc.start(specInput);
    const status = await pollStatus(spec);
    expect(status.state).toBe("failed");
    expect(status.failure).toMatchObject({ node: "health", step: "local-aggregate" });
    expect(status.failure?.reason).toMatch(/^health refused: FIELD_OUT_OF_SCOPE: .*dataset HC-VACCINATION/);
  });

  it("fails cleanly naming a node that is down", async () => {
    await cluster.enclave("health").stopApp();
    const started = await buyer.mpc.start({ productId: PRODUCT });
    const job = await runToEnd(buyer, started.jobId);
    expect(job.state).toBe("failed");
    expect(job.result).toBeNull();
    expect(job.receipt).toBeNull();
    expect(job.failure).toMatchObject({ node: "health", step: "propose" });
    const { rows } = await kit.db.query("SELECT 1 FROM usage_records WHERE run_id = $1", [job.jobId]);
    expect(rows).toHaveLength(0);
  });
});

async function pollStatus(spec: TMpcJobSpec) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const status = await mpc.status(spec);
    if (status.state !== "running") return status;
    if (Date.now() > deadline) throw new Error("still running");
    await new Promise((r) => setTimeout(r, 50));
  }
}
