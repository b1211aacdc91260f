/**
 * The product-job client's verification of enclave answers (productJobStatusProblems), with
 * receipts really signed (ed25519) the way the enclave signs them: a genuine answer verifies;
 * a wrong key, an altered output, a receipt for another job, version or request, or an ended job
 * without a receipt are each named.
 */
import { generateKeyPair } from "@pdx/common/ed25519";
import type { TProductJobStatus } from "@pdx/common/enclave-jobs";
import { signReceiptV2 } from "@pdx/common/receipt";
import { describe, expect, it } from "vitest";
import {
  productJobOutputHashOf,
  productJobStatusProblems,
  type TProductJobExpectation,
} from "./product-jobs";

const enclaveKeys = generateKeyPair();
const JOB_ID = "7b0f3c52-4c55-4a4c-9a0e-0f5d1d2c3b4a";
const AUTH_ID = "1c7a7e0e-2f3b-4a4e-8b39-5d0b7d1f0e21";
const expectation: TProductJobExpectation = {
  jobId: JOB_ID,
  product: { code: "le-district-industry", version: 2, versionHash: "a".repeat(64) },
  mode: "real",
  authorizationId: AUTH_ID,
  requesterOrgId: "org-1",
  requestHash: "b".repeat(64),
};
const output = { columns: [{ key: "district" }], rows: [{ district: "福田区" }] };

function releasedStatus(
  over: { output?: unknown; receipt?: Record<string, unknown>; keys?: typeof enclaveKeys } = {},
) {
  const keys = over.keys ?? enclaveKeys;
  const signed = signReceiptV2(
    {
      jobId: JOB_ID,
      product: "le-district-industry@2",
      productVersionHash: "a".repeat(64),
      mode: "real",
      authorizationId: AUTH_ID,
      requesterOrgId: "org-1",
      state: "released",
      datasets: [{ code: "LE-BASE", version: "v1" }],
      fieldsTouched: ["LE-BASE.district"],
      rowsRead: 5000,
      queries: 1,
      verifications: 0,
      epsilonSpent: 1,
      outputHash: productJobOutputHashOf(output),
      blockedBy: null,
      requestHash: "b".repeat(64),
      startedAt: "2026-01-01T00:00:00.000Z",
      finishedAt: "2026-01-01T00:00:01.000Z",
      ...over.receipt,
    },
    keys.secretKey,
    keys.publicKey,
  );
  const status: TProductJobStatus = {
    jobId: JOB_ID,
    state: "released",
    output: over.output ?? output,
    blockedBy: null,
    failure: null,
    stats: {
      queries: 1,
      verifications: 0,
      rowsRead: 5000,
      epsilonSpent: 1,
      cpuMs: 1,
      wallMs: 1,
      outputBytes: 10,
    },
    logs: [],
    signedReceipt: signed,
    queuedAt: "2026-01-01T00:00:00.000Z",
    finishedAt: "2026-01-01T00:00:01.000Z",
  };
  return status;
}

describe("productJobStatusProblems", () => {
  it("accepts a genuine answer", () => {
    expect(productJobStatusProblems(releasedStatus(), expectation, enclaveKeys.publicKey)).toEqual([]);
  });

  it("names each mismatch", () => {
    const check = (s: TProductJobStatus) => productJobStatusProblems(s, expectation, enclaveKeys.publicKey);
    expect(check(releasedStatus({ keys: generateKeyPair() }))).toContain("receipt signature invalid");
    expect(check(releasedStatus({ output: { rows: [] } }))).toEqual(["output hash mismatch"]);
    expect(check(releasedStatus({ receipt: { productVersionHash: "c".repeat(64) } }))).toEqual([
      "version hash mismatch",
    ]);
    expect(check(releasedStatus({ receipt: { product: "le-district-industry@1" } }))).toEqual([
      "product mismatch",
    ]);
    expect(check(releasedStatus({ receipt: { requestHash: "d".repeat(64) } }))).toEqual([
      "request hash mismatch",
    ]);
    expect(check(releasedStatus({ receipt: { mode: "mock" } }))).toEqual(["mode mismatch"]);
    expect(check(releasedStatus({ receipt: { authorizationId: null } }))).toEqual(["authorization mismatch"]);
    expect(check(releasedStatus({ receipt: { state: "blocked" } }))).toEqual(["state mismatch"]);
    expect(check({ ...releasedStatus(), signedReceipt: null })).toEqual(["ended job without a receipt"]);
    expect(check({ ...releasedStatus(), jobId: "00000000-0000-4000-8000-000000000000" })).toContain(
      "job id mismatch",
    );
  });

  it("accepts an unfinished job without receipt or output, refuses one with an output", () => {
    const running: TProductJobStatus = {
      ...releasedStatus(),
      state: "running",
      output: null,
      signedReceipt: null,
      finishedAt: null,
    };
    expect(productJobStatusProblems(running, expectation, enclaveKeys.publicKey)).toEqual([]);
    expect(
      productJobStatusProblems({ ...running, output: { x: 1 } }, expectation, enclaveKeys.publicKey),
    ).toEqual(["output outside state released"]);
  });
});
