/**
 * How a product job is stored (product_jobs) and shown: the row, and the view a caller gets. The
 * output is in the view only when the caller may see it: released by the enclave and not held or
 * withheld by the regulator's output review (the regulator, reviewing, sees it).
 */
import type { TBlockedBy, TJobState, TJobStats, TSignedJobReceiptV2 } from "@pdx/common/enclave-jobs";
import { verifyReceiptV2 } from "@pdx/common/receipt";
import type { TProductJobExpectation } from "../../enclave-client/product-jobs";

export type TJobReviewState = "not_needed" | "held" | "released_by_regulator" | "withheld_by_regulator";

export interface TProductJobRow {
  id: string;
  product_id: string;
  product_code: string;
  product_name: { zh: string; en: string } | null;
  product_logic_version_id: string | null;
  version_number: number;
  version_hash: string;
  requester_org_id: string;
  requester_org_name: string;
  requester_user_id: string;
  mode: "mock" | "real";
  authorization_id: string | null;
  params: Record<string, unknown>;
  request_hash: string;
  state: TJobState;
  output: unknown;
  logs: string[];
  blocked_by: TBlockedBy | null;
  failure: { code: string; message: string } | null;
  stats: TJobStats | null;
  receipt: TSignedJobReceiptV2 | null;
  review_state: TJobReviewState;
  reviewed_at: Date | null;
  review_comment: string | null;
  reviewer_name: string | null;
  usage_record_id: string | null;
  queued_at: Date;
  finished_at: Date | null;
}

export const JOB_SELECT = `
  SELECT j.id, j.product_id, p.code AS product_code, p.manifest->'name' AS product_name,
         j.product_logic_version_id, j.version_number, j.version_hash, j.requester_org_id,
         o.name AS requester_org_name, j.requester_user_id, j.mode, j.authorization_id, j.params,
         j.request_hash, j.state, j.output, j.logs, j.blocked_by, j.failure, j.stats, j.receipt,
         j.review_state, j.reviewed_at, j.review_comment, ru.display_name AS reviewer_name,
         j.usage_record_id::text AS usage_record_id, j.queued_at, j.finished_at
    FROM product_jobs j
    JOIN products p ON p.id = j.product_id
    JOIN organizations o ON o.id = j.requester_org_id
    LEFT JOIN users ru ON ru.id = j.reviewed_by`;

/** What the job's enclave answers must agree with. */
export function expectationOf(row: TProductJobRow): TProductJobExpectation {
  return {
    jobId: row.id,
    product: { code: row.product_code, version: row.version_number, versionHash: row.version_hash },
    mode: row.mode,
    authorizationId: row.authorization_id,
    requesterOrgId: row.requester_org_id,
    requestHash: row.request_hash,
  };
}

export interface TJobReceiptView {
  authorizationId: string | null;
  productVersionHash: string;
  datasets: { code: string; version: string }[];
  fieldsTouched: string[];
  rowsRead: number;
  queries: number;
  verifications: number;
  outputHash: string;
  epsilonSpent: number;
  requestHash: string;
  enclaveKeyId: string;
  signature: string;
  signatureValid: boolean;
  startedAt: string;
  finishedAt: string;
}

export interface TProductJobView {
  jobId: string;
  product: { id: string; code: string; name: { zh: string; en: string } };
  version: { id: string | null; number: number; hash: string };
  mode: "mock" | "real";
  requesterOrg: { id: string; name: string };
  state: TJobState;
  reviewState: TJobReviewState;
  /** The output, when the caller may see it (see the module comment); null otherwise. */
  output: unknown;
  outputVisible: boolean;
  logs: string[];
  blockedBy: TBlockedBy | null;
  failure: { code: string; message: string } | null;
  stats: TJobStats | null;
  receipt: TJobReceiptView | null;
  review: { comment: string | null; reviewedAt: string | null; reviewer: string | null };
  usageRecordId: string | null;
  queuedAt: string;
  finishedAt: string | null;
}

/** The view of `row`; `asReviewer` shows a held output (the regulator reviews it). */
export function toJobView(
  row: TProductJobRow,
  enclavePublicKey: string,
  asReviewer = false,
): TProductJobView {
  const releasedByEnclave = row.state === "released";
  const reviewAllows =
    row.review_state === "not_needed" ||
    row.review_state === "released_by_regulator" ||
    (asReviewer && row.review_state === "held");
  const outputVisible = releasedByEnclave && reviewAllows;
  const r = row.receipt?.receipt;
  return {
    jobId: row.id,
    product: {
      id: row.product_id,
      code: row.product_code,
      name: row.product_name ?? { zh: row.product_code, en: row.product_code },
    },
    version: { id: row.product_logic_version_id, number: row.version_number, hash: row.version_hash },
    mode: row.mode,
    requesterOrg: { id: row.requester_org_id, name: row.requester_org_name },
    state: row.state,
    reviewState: row.review_state,
    output: outputVisible ? (row.output ?? null) : null,
    outputVisible,
    logs: row.logs ?? [],
    blockedBy: row.blocked_by,
    failure: row.failure,
    stats: row.stats,
    receipt:
      row.receipt && r
        ? {
            authorizationId: r.authorizationId,
            productVersionHash: r.productVersionHash,
            datasets: r.datasets,
            fieldsTouched: r.fieldsTouched,
            rowsRead: r.rowsRead,
            queries: r.queries,
            verifications: r.verifications,
            outputHash: r.outputHash,
            epsilonSpent: r.epsilonSpent,
            requestHash: r.requestHash,
            enclaveKeyId: r.enclaveKeyId,
            signature: row.receipt.signature,
            signatureValid: verifyReceiptV2(row.receipt, enclavePublicKey),
            startedAt: r.startedAt,
            finishedAt: r.finishedAt,
          }
        : null,
    review: {
      comment: row.review_comment,
      reviewedAt: row.reviewed_at?.toISOString() ?? null,
      reviewer: row.reviewer_name,
    },
    usageRecordId: row.usage_record_id,
    queuedAt: row.queued_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}
