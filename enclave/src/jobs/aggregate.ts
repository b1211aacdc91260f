/**
 * Aggregate jobs: check the request against the dataset's rules and the authorization on chain,
 * group in the vault, withhold small cells, and sign a receipt of what was read and released.
 * Plain functions — no HTTP.
 */
import { canonicalJson } from "@pdx/common/canonical-json";
import type { TAggregateJobRequest, TAggregateJobResponse } from "@pdx/common/enclave-api";
import { sha256Hex } from "@pdx/common/hash";
import { signReceipt } from "@pdx/common/receipt";
import type { TAuthorizationRegistryReader } from "../authorization/authorization-registry";
import { verifyJobAuthorization } from "../authorization/check-authorization";
import { EnclaveError } from "../errors";
import { planAggregate, type TAggregatePlan } from "../privacy/column-policy";
import { applyMinGroupSize } from "../privacy/min-group-size";
import type { TAggregateGroup, Vault } from "../vault/vault";

export interface TEnclaveSigner {
  secretKey: string;
  publicKey: string;
}

export interface TAggregateJobDeps {
  vault: Pick<Vault, "findDataset" | "aggregate">;
  signer: TEnclaveSigner;
  /** The AuthorizationRegistry, read at job time. */
  authorizations: TAuthorizationRegistryReader;
  now?: () => Date;
}

/** The released output: exactly what the receipt's output hash covers. */
export type TAggregateOutput = Pick<TAggregateJobResponse, "columns" | "rows" | "suppression">;

/** Result of a job: the response and the figures the job log line may carry. */
export interface TAggregateJobResult {
  response: TAggregateJobResponse;
  datasetVersion: string;
  rowsRead: number;
}

/** SHA-256 of the canonical JSON of the released output (what the receipt's outputHash is). */
export function outputHashOf(output: TAggregateOutput): string {
  return sha256Hex(
    canonicalJson({ columns: output.columns, rows: output.rows, suppression: output.suppression }),
  );
}

/** SHA-256 of the canonical JSON of an accepted request (what the receipt's requestHash is). */
export function requestHashOf(request: TAggregateJobRequest): string {
  return sha256Hex(canonicalJson(request));
}

/** Code-unit order: the same on every machine, unlike collations. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Decimal string of a sum → number with at most 2 decimals. */
function toAmount(sum: string | null): number {
  if (sum === null) return 0;
  return Number(Number(sum).toFixed(2));
}

/**
 * Builds the released output from all groups: cells under k are dropped (none of their values is
 * kept), the rest sorted by their dimension values in group-by order.
 */
export function buildAggregateOutput(
  plan: TAggregatePlan,
  groups: readonly TAggregateGroup[],
): TAggregateOutput {
  const { released, suppressedCells } = applyMinGroupSize(groups, plan.k);
  const sorted = [...released].sort((a, b) => {
    for (let i = 0; i < plan.groupBy.length; i++) {
      const c = compareStrings(a.dims[i]!, b.dims[i]!);
      if (c !== 0) return c;
    }
    return 0;
  });
  const rows = sorted.map((g) => {
    const row: Record<string, string | number> = {};
    plan.groupBy.forEach((field, i) => {
      row[field] = g.dims[i]!;
    });
    for (const m of plan.measures) {
      row[m.as] = m.fn === "count" ? g.rowCount : toAmount(g.sums[plan.sumFields.indexOf(m.field)] ?? null);
    }
    return row;
  });
  return {
    columns: [
      ...plan.groupBy.map((key) => ({ key, kind: "dimension" as const })),
      ...plan.measures.map((m) => ({ key: m.as, kind: "measure" as const })),
    ],
    rows,
    suppression: { rule: "min-group-size", k: plan.k, suppressedCells, releasedCells: rows.length },
  };
}

/** Runs one aggregate job end to end. Throws EnclaveError for refusals. */
export async function runAggregateJob(
  deps: TAggregateJobDeps,
  request: TAggregateJobRequest,
): Promise<TAggregateJobResult> {
  const now = deps.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const dataset = await deps.vault.findDataset(request.datasetCode);
  if (!dataset) {
    throw new EnclaveError("DATASET_UNKNOWN", `dataset ${request.datasetCode} is not held by this enclave`);
  }
  const plan = planAggregate(dataset, request);
  // At job time, after the column policy and before any row is read.
  await verifyJobAuthorization(deps.authorizations, request, plan.fieldsRead, now());
  const groups = await deps.vault.aggregate({
    datasetCode: dataset.code,
    version: dataset.version,
    groupBy: plan.groupBy,
    sums: plan.sumFields,
  });
  const rowsRead = groups.reduce((n, g) => n + g.rowCount, 0);
  const output = buildAggregateOutput(plan, groups);
  const signedReceipt = signReceipt(
    {
      jobId: request.jobId,
      product: request.product,
      datasetCode: dataset.code,
      datasetVersion: dataset.version,
      fields: plan.fieldsRead,
      rowsRead,
      requestHash: requestHashOf(request),
      outputHash: outputHashOf(output),
      privacyRule: `min-group-size:${plan.k}`,
      suppressedCells: output.suppression.suppressedCells,
      startedAt,
      finishedAt: now().toISOString(),
    },
    deps.signer.secretKey,
    deps.signer.publicKey,
  );
  return {
    response: { jobId: request.jobId, ...output, signedReceipt },
    datasetVersion: dataset.version,
    rowsRead,
  };
}
