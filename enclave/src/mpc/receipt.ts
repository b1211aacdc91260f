/**
 * The coordinator's signed v2 receipt of a released joint job (common/src/enclave-jobs.ts,
 * computation kind "mpc"), which the platform verifies and records as the usage record's receipt.
 * Built from public facts only — the spec, the released result, the job's times — so it can be
 * signed again for every status request (ed25519 is deterministic: the same bytes every time).
 *
 * What it states: the parties and their datasets and versions, the fields each read ("CODE.field"
 * from the spec: group, value, filters), the ε each party charged, the hashes of the request (the
 * parsed spec's canonical JSON) and of the released output, the authorization and the buyer. Rows
 * read stay on each node: rowsRead is 0 here (each party's own count is in its own log).
 */
import { canonicalJson } from "@pdx/common/canonical-json";
import type { TSignedJobReceiptV2 } from "@pdx/common/enclave-jobs";
import { sha256Hex } from "@pdx/common/hash";
import type { TMpcJobSpec, TMpcJobStatus } from "@pdx/common/mpc-api";
import { signReceiptV2 } from "@pdx/common/receipt";
import { groupDomainOf } from "./joint-vector";
import { jointEpsilon } from "./release";

/** SHA-256 of the parsed spec's canonical JSON: the receipt's request hash. */
export function mpcRequestHashOf(spec: TMpcJobSpec): string {
  return sha256Hex(canonicalJson(spec));
}

/** "CODE.field" of every field the parties read, in party order. */
export function mpcFieldsTouched(spec: TMpcJobSpec): string[] {
  const touched: string[] = [];
  for (const p of spec.parties)
    for (const f of [p.groupField, p.valueField, ...p.filters.map((x) => x.field)])
      if (f && !touched.includes(`${p.dataset}.${f}`)) touched.push(`${p.dataset}.${f}`);
  return touched;
}

/** Signs the receipt of a job the coordinator released; null for any other status. */
export function signMpcReceipt(
  spec: TMpcJobSpec,
  status: TMpcJobStatus,
  keys: { secretKey: string; publicKey: string },
): TSignedJobReceiptV2 | null {
  if (status.role !== "coordinator" || status.state !== "released" || !status.result || !status.outputSha256)
    return null;
  const product = spec.product;
  return signReceiptV2(
    {
      jobId: spec.jobId,
      product: product ? `${product.code}@${product.version}` : "mpc-joint-aggregate@1",
      productVersionHash: product?.versionHash ?? mpcRequestHashOf(spec),
      mode: "real",
      authorizationId: spec.authorization?.id ?? null,
      requesterOrgId: spec.buyer.orgId,
      state: "released",
      datasets: spec.parties.map((p) => ({ code: p.dataset, version: p.version })),
      fieldsTouched: mpcFieldsTouched(spec),
      rowsRead: 0,
      queries: spec.parties.length,
      verifications: 0,
      epsilonSpent: jointEpsilon(spec),
      outputHash: status.outputSha256,
      blockedBy: null,
      requestHash: mpcRequestHashOf(spec),
      startedAt: status.startedAt,
      finishedAt: status.endedAt ?? status.startedAt,
      computation: {
        kind: "mpc",
        coordinator: spec.coordinator,
        parties: spec.parties.map((p) => p.node),
        groups: groupDomainOf(spec.groups).size,
        releasedGroups: status.result.rows.length,
        rowsPerUnit: status.result.rowsPerUnit,
      },
    },
    keys.secretKey,
    keys.publicKey,
  );
}
