/**
 * The checks every released v2 receipt must pass against what this server asked for, whichever
 * protocol produced it (PSI session, encrypted query, joint MPC job): signature under the expected
 * key, job id, product and its version hash, authorization, requester, request hash, state
 * "released" in real mode, and output hash. Each client adds the checks of its own computation.
 */
import type { TSignedJobReceiptV2 } from "@pdx/common/enclave-jobs";
import { verifyReceiptV2 } from "@pdx/common/receipt";

export interface TReleasedReceiptExpectation {
  jobId: string;
  /** Absent when the job names no product (a joint job started outside a product). */
  product?: { code: string; version: number; versionHash: string };
  authorizationId: string | null;
  requesterOrgId: string;
  requestHash: string;
  outputHash: string;
}

/** What does not match; empty when the receipt verifies. `jobIdName` names the id in problems. */
export function releasedReceiptProblems(
  signed: TSignedJobReceiptV2,
  expect: TReleasedReceiptExpectation,
  publicKey: string,
  jobIdName = "job id",
): string[] {
  const r = signed.receipt;
  const problems: string[] = [];
  if (!verifyReceiptV2(signed, publicKey)) problems.push("receipt signature invalid");
  if (r.jobId !== expect.jobId) problems.push(`${jobIdName} mismatch`);
  if (expect.product) {
    if (r.product !== `${expect.product.code}@${expect.product.version}`) problems.push("product mismatch");
    if (r.productVersionHash !== expect.product.versionHash) problems.push("version hash mismatch");
  }
  if (r.authorizationId !== expect.authorizationId) problems.push("authorization mismatch");
  if (r.requesterOrgId !== expect.requesterOrgId) problems.push("requester mismatch");
  if (r.requestHash !== expect.requestHash) problems.push("request hash mismatch");
  if (r.state !== "released" || r.mode !== "real") problems.push("state mismatch");
  if (r.outputHash !== expect.outputHash) problems.push("output hash mismatch");
  return problems;
}
