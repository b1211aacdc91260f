/**
 * The authorization check of every job, at job time (无授权不运行): the job names the
 * authorization it runs under; the enclave reads that authorization from the chain and refuses
 * unless
 *   - it is recorded and Active (not suspended or revoked),
 *   - the enclave's clock is within [validFrom, validUntil],
 *   - its operator is the one the job claims (keccak256("org:" + operatorOrgId)),
 *   - keccak256 of the job's canonical scope equals the recorded scope hash (so the scope the job
 *     carries is exactly the authorized one), and
 *   - every field the job reads is in that scope for the job's dataset.
 * The first four refuse with AUTHORIZATION_INACTIVE, the last with FIELD_OUT_OF_SCOPE (naming the
 * fields). Messages name the authorization and the rule, never anything read from the vault.
 */
import {
  authorizationChainId,
  fieldsOutOfScope,
  operatorChainId,
  scopeHash,
} from "@pdx/common/authorization-scope";
import type { TAggregateJobRequest } from "@pdx/common/enclave-api";
import { EnclaveError } from "../errors";
import type { TAuthorizationRegistryReader, TChainAuthorization } from "./authorization-registry";

/** Checks a job's claim against the chain record (null = not recorded). Throws EnclaveError. */
export function checkAuthorization(
  onChain: TChainAuthorization | null,
  claim: TAggregateJobRequest["authorization"],
  job: { datasetCode: string; fieldsRead: readonly string[] },
  now: Date,
): void {
  const name = `authorization ${claim.id}`;
  const inactive = (why: string) =>
    new EnclaveError("AUTHORIZATION_INACTIVE", `${name} ${why}; the job was not run`);
  if (!onChain) throw inactive("is not recorded on chain");
  if (onChain.status !== "active") throw inactive(`is ${onChain.status}`);
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (nowSeconds < onChain.validFrom) throw inactive("is not yet in force");
  if (nowSeconds > onChain.validUntil) throw inactive("has expired");
  if (operatorChainId(claim.operatorOrgId) !== onChain.operatorId) {
    throw inactive("belongs to another operator than the one named by the job");
  }
  if (scopeHash(claim.scope) !== onChain.scopeHash) {
    throw inactive("does not match the job's scope (the scope hash on chain differs)");
  }
  const outside = fieldsOutOfScope(claim.scope, job.datasetCode, job.fieldsRead);
  if (outside.length > 0) {
    throw new EnclaveError(
      "FIELD_OUT_OF_SCOPE",
      `${name} does not cover field${outside.length > 1 ? "s" : ""} ${outside.map((f) => `"${f}"`).join(", ")} of dataset ${job.datasetCode}; the job was not run`,
    );
  }
}

/** Reads the claimed authorization from the chain now and checks the job against it. */
export async function verifyJobAuthorization(
  registry: TAuthorizationRegistryReader,
  request: TAggregateJobRequest,
  fieldsRead: readonly string[],
  now: Date,
): Promise<void> {
  const onChain = await registry.read(authorizationChainId(request.authorization.id));
  checkAuthorization(onChain, request.authorization, { datasetCode: request.datasetCode, fieldsRead }, now);
}
