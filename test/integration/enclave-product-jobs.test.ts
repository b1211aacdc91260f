/**
 * Product jobs end to end on a real enclave (HTTP, signed), a real vault database, a real dev
 * chain holding the authorization, and the QuickJS sandbox: mock and real runs, the lifecycle and
 * the signed v2 receipt, the ε budget (reserve, charge, refund, refusal naming what remains),
 * limits, output rules, cancellation and recovery after a restart.
 */
import { randomUUID } from "node:crypto";
import { canonicalJson } from "@pdx/common/canonical-json";
import { maskValue, rawMockRows, type TMockRow } from "@pdx/common/catalog/mock-rows";
import { ZJobCostPreview, ZProductJobStatus } from "@pdx/common/enclave-jobs";
import { sha256Hex } from "@pdx/common/hash";
import { verifyReceiptV2 } from "@pdx/common/receipt";
import { vaultDatasetSpecOf } from "@pdx/common/vault-api";
import { ensureGeneratedVersion } from "@pdx/enclave/src/ingest/generated-versions";
import { sendSigned, startTestEnclave, type TTestEnclave } from "@pdx/enclave/src/testing/test-enclave";
import { CATALOG_DATASETS } from "@pdx/seeds/catalog/index";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startAuthorizationChain,
  type TAuthorizationChain,
  type TAuthorizationClaim,
} from "../support/authorization-chain";
import { productJobRequest, runJob } from "../support/product-jobs";

const OPERATOR = "0b6c1f2e-3d4a-4b5c-8d6e-7f8091a2b3c4";
const SCOPE = [{ datasetCode: "LE-BASE", fields: ["district", "industry", "registered_capital", "status"] }];

let authChain: TAuthorizationChain;
let enclave: TTestEnclave;
let authorization: TAuthorizationClaim;

beforeAll(async () => {
  authChain = await startAuthorizationChain();
  enclave = await startTestEnclave({ seedCount: 3000, authorizationRegistry: authChain.readerOptions });
  authorization = await authChain.recordAuthorization({
    id: randomUUID(),
    operatorOrgId: OPERATOR,
    scope: SCOPE,
  });
});
afterAll(async () => {
  await enclave?.stop();
  await authChain?.stop();
});

const buyer = () => ({ orgId: `buyer-${randomUUID().slice(0, 8)}`, userId: "user-1" });

describe("a product job on real data", () => {
  it("runs the logic in the sandbox, releases protected results and ends with a verifying v2 receipt", async () => {
    const request = productJobRequest(authorization, { requester: buyer() });
    const status = await runJob(enclave, request);
    expect(status.state).toBe("released");
    const output = status.output as {
      districts: { district: string; enterprises: number; mean_capital: number }[];
    };
    expect(output.districts.length).toBeGreaterThan(3);
    for (const row of output.districts) {
      expect(row.enterprises).toBeGreaterThanOrEqual(0);
      expect(Number.isInteger(row.enterprises)).toBe(true);
    }
    const signed = status.signedReceipt!;
    expect(verifyReceiptV2(signed, enclave.enclaveKeys.publicKey)).toBe(true);
    expect(signed.receipt).toMatchObject({
      jobId: request.jobId,
      product: "le-district-profile@1",
      productVersionHash: request.product.versionHash,
      mode: "real",
      authorizationId: authorization.id,
      state: "released",
      datasets: [{ code: "LE-BASE", version: "2026.11" }],
      fieldsTouched: ["LE-BASE.district", "LE-BASE.registered_capital"],
      rowsRead: 3000,
      queries: 1,
      epsilonSpent: 0.5,
      blockedBy: null,
    });
    expect(signed.receipt.outputHash).toBe(sha256Hex(canonicalJson(status.output)));
    // An edited receipt no longer verifies.
    expect(
      verifyReceiptV2(
        { ...signed, receipt: { ...signed.receipt, epsilonSpent: 0 } },
        enclave.enclaveKeys.publicKey,
      ),
    ).toBe(false);
  });

  it("charges the buyer's budget only what the queries spent and returns the rest of the reservation", async () => {
    const who = buyer();
    const request = productJobRequest(authorization, { requester: who });
    const before = ZJobCostPreview.parse(
      (await sendSigned(enclave.url, enclave.clientKeys, "POST", "/v1/product-jobs/preview", request)).json,
    );
    expect(before).toMatchObject({ maxEpsilon: 1, affordable: true });
    expect(before.budgets).toEqual([{ datasetCode: "LE-BASE", total: 5, spent: 0, remaining: 5 }]);
    await runJob(enclave, request);
    const after = ZJobCostPreview.parse(
      (
        await sendSigned(enclave.url, enclave.clientKeys, "POST", "/v1/product-jobs/preview", {
          ...request,
          jobId: randomUUID(),
        })
      ).json,
    );
    expect(after.budgets).toEqual([{ datasetCode: "LE-BASE", total: 5, spent: 0.5, remaining: 4.5 }]);
  });

  it("is blocked by the privacy budget, naming what remains, once the buyer's ε is used up", async () => {
    const who = buyer();
    await enclave.vault.privacyBudgetLedger().setTotal(who.orgId, "LE-BASE", 0.75);
    const first = await runJob(
      enclave,
      productJobRequest(authorization, { requester: who, epsilon: { perQuery: 0.25, maxPerJob: 0.5 } }),
    );
    expect(first.state).toBe("released");
    const second = await runJob(
      enclave,
      productJobRequest(authorization, { requester: who, epsilon: { perQuery: 0.25, maxPerJob: 0.5 } }),
    );
    expect(second.state).toBe("blocked");
    expect(second.blockedBy?.rule).toBe("privacy-budget");
    expect(second.blockedBy?.message).toMatch(/LE-BASE.*0\.25 of 0\.75 remains/);
    expect(second.output).toBeNull();
    expect(second.signedReceipt?.receipt.state).toBe("blocked");
  });

  it("is blocked when the logic queries a field it did not declare", async () => {
    const source = `export default async (pdx) => pdx.aggregate({ dataset: "LE-BASE", groupBy: ["status"], measures: [{ fn: "count", as: "n" }] })`;
    const status = await runJob(enclave, productJobRequest(authorization, { requester: buyer(), source }));
    expect(status.state).toBe("blocked");
    expect(status.blockedBy).toMatchObject({ rule: "authorization" });
    expect(status.blockedBy?.message).toMatch(/status/);
  });

  it("fails before running when the authorization is revoked, and the receipt says so", async () => {
    const revoked = await authChain.recordAuthorization({
      id: randomUUID(),
      operatorOrgId: OPERATOR,
      scope: SCOPE,
    });
    await authChain.setStatus(revoked.id, "revoked");
    const status = await runJob(enclave, productJobRequest(revoked, { requester: buyer() }));
    expect(status.state).toBe("failed");
    expect(status.failure).toMatchObject({ code: "AUTHORIZATION_INACTIVE" });
    expect(status.stats.queries).toBe(0);
    expect(status.signedReceipt?.receipt).toMatchObject({ state: "failed", rowsRead: 0 });
  });

  it("stops logic that loops forever at its CPU limit", async () => {
    const status = await runJob(
      enclave,
      productJobRequest(authorization, {
        requester: buyer(),
        source: "export default async () => { for(;;){} }",
        limits: { cpuMs: 200 },
      }),
    );
    expect(status.state).toBe("failed");
    expect(status.failure?.code).toBe("LIMIT_EXCEEDED");
    expect(status.failure?.message).toMatch(/cpu/);
  });

  it("blocks an output over the size limit", async () => {
    const source = `export default async () => "x".repeat(5000)`;
    const status = await runJob(
      enclave,
      productJobRequest(authorization, { requester: buyer(), source, limits: { outputBytes: 1000 } }),
    );
    expect(status.state).toBe("blocked");
    expect(status.blockedBy?.rule).toBe("output-size");
  });
});

describe("a product job on mock data", () => {
  it("needs no authorization, charges no budget, and keeps the logic's log lines", async () => {
    const who = buyer();
    const source = `export default async (pdx) => { await pdx.log("hello", 1); const r = await pdx.aggregate({ dataset: "LE-BASE", groupBy: ["district"], measures: [{ fn: "count", as: "n" }] }); return r.rows.length }`;
    const status = await runJob(
      enclave,
      productJobRequest(undefined, { requester: who, mode: "mock", source }),
    );
    expect(status.state).toBe("released");
    expect(typeof status.output).toBe("number");
    expect(status.logs).toEqual(["hello 1"]);
    expect(status.signedReceipt?.receipt).toMatchObject({
      mode: "mock",
      authorizationId: null,
      datasets: [{ code: "LE-BASE", version: "mock" }],
    });
    const [budget] = await enclave.vault.privacyBudgetLedger().previewBudget(who.orgId, ["LE-BASE"], 5);
    expect(budget).toMatchObject({ spent: 0, remaining: 5 });
  });

  it("reports a TypeScript compile error with its line", async () => {
    const source = "export default async (pdx: any) => {\n  const x: number = ;\n}";
    const status = await runJob(
      enclave,
      productJobRequest(undefined, { mode: "mock", source, language: "typescript" }),
    );
    expect(status.state).toBe("failed");
    expect(status.failure?.code).toBe("SANDBOX_ERROR");
    expect(status.failure?.message).toMatch(/2/);
  });
});

describe("the job endpoints", () => {
  it("refuses an unsigned request and an unknown job", async () => {
    const res = await fetch(`${enclave.url}/v1/product-jobs/${randomUUID()}`);
    expect(res.status).toBe(401);
    const unknown = await sendSigned(
      enclave.url,
      enclave.clientKeys,
      "GET",
      `/v1/product-jobs/${randomUUID()}`,
    );
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ error: { code: "JOB_UNKNOWN" } });
  });

  it("refuses a real job without an authorization, naming the field", async () => {
    const res = await sendSigned(
      enclave.url,
      enclave.clientKeys,
      "POST",
      "/v1/product-jobs",
      productJobRequest(undefined),
    );
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({
      error: { code: "INVALID_REQUEST", message: expect.stringMatching(/authorization/) },
    });
  });

  it("accepts the same job twice idempotently and refuses its id for another request", async () => {
    const request = productJobRequest(authorization, { requester: buyer(), mode: "mock" });
    await runJob(enclave, request);
    const again = await sendSigned(enclave.url, enclave.clientKeys, "POST", "/v1/product-jobs", request);
    expect(again.status).toBe(202);
    expect(ZProductJobStatus.parse(again.json).state).toBe("released");
    const other = await sendSigned(enclave.url, enclave.clientKeys, "POST", "/v1/product-jobs", {
      ...request,
      params: { x: 1 },
    });
    expect(other.status).toBe(400);
  });

  it("ends a job left unfinished by a stopped enclave as failed at the next start, with a receipt", async () => {
    const request = ZProductJobStatus.shape.jobId.parse(randomUUID());
    const parsed = productJobRequest(undefined, { jobId: request, mode: "mock" });
    const { ZProductJobRequest } = await import("@pdx/common/enclave-jobs");
    await enclave.vault
      .productJobStore()
      .insert(ZProductJobRequest.parse(parsed), "0".repeat(64), new Date());
    await enclave.restartApp();
    const { json } = await sendSigned(enclave.url, enclave.clientKeys, "GET", `/v1/product-jobs/${request}`);
    const status = ZProductJobStatus.parse(json);
    expect(status.state).toBe("failed");
    expect(status.failure?.message).toMatch(/restarted/);
    expect(verifyReceiptV2(status.signedReceipt!, enclave.enclaveKeys.publicKey)).toBe(true);
  });

  it("cancels a running job: it ends cancelled and releases nothing", async () => {
    const source = `export default async (pdx) => { const out = []; for (let i = 0; i < 40; i++) out.push(await pdx.aggregate({ dataset: "LE-BASE", groupBy: ["district"], measures: [{ fn: "count", as: "n" }] })); return out.length }`;
    const request = productJobRequest(authorization, {
      requester: buyer(),
      source,
      mode: "mock",
      limits: { queries: 50 },
    });
    const submitted = await sendSigned(enclave.url, enclave.clientKeys, "POST", "/v1/product-jobs", request);
    expect(submitted.status).toBe(202);
    const cancelled = await sendSigned(
      enclave.url,
      enclave.clientKeys,
      "POST",
      `/v1/product-jobs/${request.jobId}/cancel`,
    );
    expect(cancelled.status).toBe(200);
    await enclave.productJobs.idle();
    const { json } = await sendSigned(
      enclave.url,
      enclave.clientKeys,
      "GET",
      `/v1/product-jobs/${request.jobId}`,
    );
    const status = ZProductJobStatus.parse(json);
    expect(status.state).toBe("cancelled");
    expect(status.output).toBeNull();
    expect(status.signedReceipt?.receipt.state).toBe("cancelled");
  });
});

describe("verification with masked output (核验)", () => {
  const CODE = "POP-RESIDENT";
  const FIELDS = ["person_id", "name", "residence_address", "birth_date", "gender"];
  let rows: TMockRow[];
  let personal: TAuthorizationClaim;

  beforeAll(async () => {
    const entry = CATALOG_DATASETS.find((e) => e.code === CODE)!;
    rows = [...rawMockRows(entry, 300, 11)];
    await ensureGeneratedVersion(
      { store: enclave.vault.ingestStore(), keyStore: enclave.keyStore },
      vaultDatasetSpecOf(entry),
      "2026.11",
      () => rows,
    );
    personal = await authChain.recordAuthorization({
      id: randomUUID(),
      operatorOrgId: OPERATOR,
      scope: [{ datasetCode: CODE, fields: FIELDS }],
    });
  });

  const verifyJob = (question: object) =>
    productJobRequest(personal, {
      requester: buyer(),
      fields: { [CODE]: FIELDS },
      source: `export default async (pdx, params) => pdx.verify(params.question)`,
      params: { question },
    });

  it("answers yes with the matched person's name, address and birth date masked — opened only inside the enclave", async () => {
    const target = rows[7]!;
    const status = await runJob(
      enclave,
      verifyJob({
        dataset: CODE,
        match: { person_id: target.person_id },
        reveal: ["name", "residence_address", "birth_date"],
      }),
    );
    expect(status.state).toBe("released");
    expect(status.output).toEqual({
      answer: true,
      revealed: {
        name: maskValue("mask_name", target.name!),
        residence_address: maskValue("mask_middle", target.residence_address!),
        birth_date: maskValue("generalize", target.birth_date!),
      },
    });
    // Masked, never the value itself.
    const out = JSON.stringify(status.output);
    for (const field of ["name", "residence_address", "birth_date", "person_id"]) {
      expect(out).not.toContain(String(target[field]));
    }
    expect(status.signedReceipt?.receipt).toMatchObject({ verifications: 1, queries: 0, epsilonSpent: 0 });
    expect(status.signedReceipt?.receipt.fieldsTouched).toEqual(
      expect.arrayContaining([
        `${CODE}.person_id`,
        `${CODE}.name`,
        `${CODE}.residence_address`,
        `${CODE}.birth_date`,
      ]),
    );
  });

  it("answers no, with nothing revealed, for an unknown person", async () => {
    const status = await runJob(
      enclave,
      verifyJob({ dataset: CODE, match: { person_id: "44990019800101000X" }, reveal: ["name"] }),
    );
    expect(status.output).toEqual({ answer: false, revealed: null });
  });

  it("refuses to reveal masked fields of a record singled out by attributes instead of its identifier", async () => {
    const target = rows[3]!;
    const status = await runJob(
      enclave,
      verifyJob({ dataset: CODE, match: { gender: target.gender }, reveal: ["name"] }),
    );
    expect(status.state).toBe("blocked");
    expect(status.blockedBy?.message).toMatch(/matched by its identifier/);
  });

  it("refuses to reveal a field whose policy is not 'masked' (a raw attribute, the core identifier)", async () => {
    for (const field of ["gender", "person_id"]) {
      const status = await runJob(
        enclave,
        verifyJob({ dataset: CODE, match: { person_id: rows[0]!.person_id }, reveal: [field] }),
      );
      expect(status.state).toBe("blocked");
      expect(status.blockedBy?.rule).toBe("column-policy");
      expect(status.blockedBy?.message).toContain(`${CODE}.${field}`);
    }
  });
});
