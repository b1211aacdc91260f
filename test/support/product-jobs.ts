/**
 * Test support for product jobs against a real test enclave (enclave/src/testing/test-enclave.ts):
 * a request builder with the demo logic's shape, and `runJob` which submits a signed job and polls
 * its signed status until it ends.
 */
import { randomUUID } from "node:crypto";
import { canonicalJson } from "@pdx/common/canonical-json";
import { type TProductJobRequest, type TProductJobStatus, ZProductJobStatus } from "@pdx/common/enclave-jobs";
import { sha256Hex } from "@pdx/common/hash";
import { sendSigned, type TTestEnclave } from "@pdx/enclave/src/testing/test-enclave";
import type { TAuthorizationClaim } from "./authorization-chain";

/** Counts and mean registered capital of LE-BASE enterprises per district (the demo logic). */
export const DISTRICT_LOGIC = `
export default async function (pdx, params) {
  const r = await pdx.aggregate({
    dataset: "LE-BASE",
    groupBy: ["district"],
    measures: [
      { fn: "count", as: "enterprises" },
      { fn: "mean", field: "registered_capital", as: "mean_capital", bounds: [0, 100000000] },
    ],
  });
  return { districts: r.rows, k: r.minGroupSize, epsilon: r.epsilonSpent };
}`;

export interface TJobOverrides extends Partial<Omit<TProductJobRequest, "logic">> {
  source?: string;
  language?: "typescript" | "javascript";
}

/** A product job request for LE-BASE (defaults: the district logic, real mode, ε 0.25 per statistic, 1 per job). */
export function productJobRequest(
  authorization: TAuthorizationClaim | undefined,
  overrides: TJobOverrides = {},
): TProductJobRequest {
  const { source = DISTRICT_LOGIC, language = "javascript", ...rest } = overrides;
  const fields = rest.fields ?? { "LE-BASE": ["district", "registered_capital"] };
  return {
    jobId: randomUUID(),
    product: {
      code: "le-district-profile",
      version: 1,
      versionHash: sha256Hex(canonicalJson({ language, source, fields })),
    },
    logic: { language, source },
    params: {},
    mode: "real",
    fields,
    epsilon: { perQuery: 0.25, maxPerJob: 1 },
    requester: { orgId: "org-buyer", userId: "user-buyer" },
    ...(authorization ? { authorization } : {}),
    ...rest,
  };
}

/** Submits a job and polls until it ends (or `timeoutMs`). */
export async function runJob(
  enclave: TTestEnclave,
  request: TProductJobRequest,
  timeoutMs = 60_000,
): Promise<TProductJobStatus> {
  const submitted = await sendSigned(enclave.url, enclave.clientKeys, "POST", "/v1/product-jobs", request);
  if (submitted.status !== 202) {
    throw new Error(`submit answered ${submitted.status}: ${JSON.stringify(submitted.json)}`);
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { json } = await sendSigned(
      enclave.url,
      enclave.clientKeys,
      "GET",
      `/v1/product-jobs/${request.jobId}`,
    );
    const status = ZProductJobStatus.parse(json);
    if (status.finishedAt) return status;
    if (Date.now() > deadline)
      throw new Error(`job ${request.jobId} still ${status.state} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
