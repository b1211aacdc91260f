/**
 * Product jobs as callers start and see them. An operator runs a logic draft of one of its own
 * products on mock data generated from the schema (mode mock: no authorization, no budget). A
 * buyer runs a listed product's newest logic version on the vault's data (mode real) under the
 * product's operation authorization, after a cost preview (ε needed, remaining budget); a job
 * the budget cannot cover is refused naming the remaining budget. Jobs run asynchronously in the
 * enclave; job-sync.ts mirrors their lifecycle. Another organization's job is answered like an
 * unknown one.
 */
import { randomUUID } from "node:crypto";
import type { TJobCostPreview, TProductJobRequest } from "@pdx/common/enclave-jobs";
import { z } from "zod";
import type { TDb, TQueryable } from "../../db";
import type { TProductJobsClient } from "../../enclave-client/product-jobs";
import type { TSessionUser } from "../auth/session-user";
import { DomainError } from "../domain-error";
import { authorizationForProduct } from "../runs/product-authorization";
import { appendAuditEvent } from "../trail/audit-trail";
import { isEnded, PRODUCT_JOB_OBJECT_TYPE, readJobRow, recordJobStatus, refreshJob } from "./job-sync";
import { expectationOf, JOB_SELECT, type TProductJobRow, type TProductJobView, toJobView } from "./job-view";
import {
  latestLogicVersion,
  logicVersionHash,
  normalizeFields,
  ownProduct,
  type TLogicDraft,
  type TLogicFields,
  versionWithHash,
  ZLogicDraft,
} from "./logic-versions";

/** ε every product job asks for: per measure of a query, and at most per job. */
export const PRODUCT_JOB_EPSILON = { perQuery: 0.5, maxPerJob: 3 } as const;

/** Job parameters a caller passes to the logic (bounded JSON). */
export const ZJobParams = z
  .record(z.string().min(1).max(64), z.unknown())
  .refine((p) => JSON.stringify(p).length <= 10_000, {
    message: "parameters must be at most 10,000 bytes of JSON",
  })
  .default({});

export interface TProductJobDeps {
  db: TDb;
  productJobs: TProductJobsClient;
  enclavePublicKey: string;
  now?: () => Date;
  log?: (line: string) => void;
}

const nowOf = (deps: Pick<TProductJobDeps, "now">) => deps.now?.() ?? new Date();

interface TJobSubject {
  productId: string;
  productCode: string;
  versionId: string | null;
  versionNumber: number;
  versionHash: string;
  draft: TLogicDraft;
}

function buildRequest(
  subject: TJobSubject,
  user: TSessionUser,
  mode: "mock" | "real",
  params: Record<string, unknown>,
  authorization: TProductJobRequest["authorization"],
): TProductJobRequest {
  return {
    jobId: randomUUID(),
    product: { code: subject.productCode, version: subject.versionNumber, versionHash: subject.versionHash },
    logic: { language: subject.draft.language, source: subject.draft.source },
    params,
    mode,
    fields: subject.draft.fields,
    epsilon: { ...PRODUCT_JOB_EPSILON },
    requester: { orgId: user.org.id, userId: user.id },
    ...(authorization ? { authorization } : {}),
  };
}

/** Submits `request` and stores the job; returns its view. */
async function submitAndStore(
  deps: TProductJobDeps,
  user: TSessionUser,
  subject: TJobSubject,
  request: TProductJobRequest,
): Promise<TProductJobView> {
  const { status, requestHash } = await deps.productJobs.submit(request);
  const now = nowOf(deps);
  await deps.db.withTransaction(async (tx) => {
    await tx.query(
      `INSERT INTO product_jobs (id, product_id, product_logic_version_id, version_number, version_hash,
          requester_org_id, requester_user_id, mode, authorization_id, params, request_hash, state, queued_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'queued', $12)`,
      [
        request.jobId,
        subject.productId,
        subject.versionId,
        subject.versionNumber,
        subject.versionHash,
        user.org.id,
        user.id,
        request.mode,
        request.authorization?.id ?? null,
        JSON.stringify(request.params ?? {}),
        requestHash,
        new Date(status.queuedAt),
      ],
    );
    await appendAuditEvent(
      tx,
      {
        actor: user,
        action: "product_job.submit",
        objectType: PRODUCT_JOB_OBJECT_TYPE,
        objectId: request.jobId,
        before: null,
        after: { jobId: request.jobId, mode: request.mode, versionHash: subject.versionHash, requestHash },
        detail: {
          product: `${subject.productCode}@${subject.versionNumber}`,
          mode: request.mode,
          versionHash: subject.versionHash,
          authorizationId: request.authorization?.id ?? null,
        },
      },
      now,
    );
  });
  if (status.state !== "queued") await recordJobStatus(deps, request.jobId, status);
  return getJobView(deps, user, request.jobId);
}

/**
 * Runs a logic draft of the caller's product `productId` on mock data (mode mock). The job
 * carries the saved version's number when the draft equals a saved version, otherwise the next
 * number (a draft).
 */
export async function runMockJob(
  deps: TProductJobDeps,
  user: TSessionUser,
  input: { productId: string; params?: Record<string, unknown> } & TLogicDraft,
): Promise<TProductJobView> {
  const draft = ZLogicDraft.parse({ language: input.language, source: input.source, fields: input.fields });
  const normalized: TLogicDraft = { ...draft, fields: normalizeFields(draft.fields) };
  const product = await ownProduct(deps.db, user, input.productId);
  const versionHash = logicVersionHash(normalized);
  const saved = await versionWithHash(deps.db, product.id, versionHash);
  const latest = saved ? null : await latestLogicVersion(deps.db, product.id);
  const subject: TJobSubject = {
    productId: product.id,
    productCode: product.code,
    versionId: saved?.id ?? null,
    versionNumber: saved?.version ?? (latest?.version ?? 0) + 1,
    versionHash,
    draft: normalized,
  };
  const params = ZJobParams.parse(input.params ?? {});
  return submitAndStore(deps, user, subject, buildRequest(subject, user, "mock", params, undefined));
}

/** The newest logic version of listed product `productId`, as a buyer may run it. */
async function runnableSubject(db: TQueryable, productId: string): Promise<TJobSubject> {
  const { rows } = await db.query<{ id: string; code: string }>(
    "SELECT id, code FROM products WHERE id = $1 AND status = 'listed'",
    [productId],
  );
  const product = rows[0];
  if (!product) throw new DomainError("NOT_FOUND", "product not found");
  const version = await latestLogicVersion(db, product.id);
  if (!version) {
    throw new DomainError(
      "PRECONDITION_FAILED",
      "this product has no logic version yet; its operator has to save one before it can run",
    );
  }
  return {
    productId: product.id,
    productCode: product.code,
    versionId: version.id,
    versionNumber: version.version,
    versionHash: version.version_hash,
    draft: { language: version.language, source: version.source, fields: version.fields },
  };
}

export interface TRunnableVersion {
  productId: string;
  version: number;
  versionHash: string;
  fields: TLogicFields;
  reviewState: "awaiting_first_review" | "approved";
  epsilon: { perQuery: number; maxPerJob: number };
}

/** What a buyer would run for product `productId` (null when it has no logic version yet). */
export async function runnableVersion(db: TQueryable, productId: string): Promise<TRunnableVersion | null> {
  const { rows } = await db.query<{ id: string }>(
    "SELECT id FROM products WHERE id = $1 AND status = 'listed'",
    [productId],
  );
  if (!rows[0]) throw new DomainError("NOT_FOUND", "product not found");
  const version = await latestLogicVersion(db, productId);
  if (!version) return null;
  return {
    productId,
    version: version.version,
    versionHash: version.version_hash,
    fields: version.fields,
    reviewState: version.review_state,
    epsilon: { ...PRODUCT_JOB_EPSILON },
  };
}

export interface TJobPreviewView extends TJobCostPreview {
  version: number;
  versionHash: string;
}

/** The cost of a real job of product `productId` for the caller (nothing runs). */
export async function previewRealJob(
  deps: TProductJobDeps,
  user: TSessionUser,
  input: { productId: string; params?: Record<string, unknown> },
): Promise<TJobPreviewView> {
  const subject = await runnableSubject(deps.db, input.productId);
  const authorization = await authorizationForProduct(deps.db, subject.productId, nowOf(deps));
  const params = ZJobParams.parse(input.params ?? {});
  const preview = await deps.productJobs.preview(buildRequest(subject, user, "real", params, authorization));
  return { ...preview, version: subject.versionNumber, versionHash: subject.versionHash };
}

/** The refusal of a job the budget cannot cover, naming what remains per dataset. */
export function budgetRefusal(preview: TJobCostPreview): DomainError {
  const remaining = preview.budgets
    .filter((b) => b.remaining < preview.maxEpsilon)
    .map((b) => `${b.datasetCode}: ε ${round(b.remaining)} of ${round(b.total)} remaining`)
    .join("; ");
  return new DomainError(
    "PRECONDITION_FAILED",
    `the privacy budget does not cover this job (it may spend up to ε ${round(preview.maxEpsilon)}; ${remaining})`,
  );
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/**
 * Starts a real job of product `productId` for the caller (a buyer): the newest logic version,
 * under the product's authorization, after a cost preview (refused naming the remaining budget
 * when it does not cover the job).
 */
export async function startRealJob(
  deps: TProductJobDeps,
  user: TSessionUser,
  input: { productId: string; params?: Record<string, unknown> },
): Promise<TProductJobView> {
  const subject = await runnableSubject(deps.db, input.productId);
  const authorization = await authorizationForProduct(deps.db, subject.productId, nowOf(deps));
  const params = ZJobParams.parse(input.params ?? {});
  const request = buildRequest(subject, user, "real", params, authorization);
  const preview = await deps.productJobs.preview(request);
  if (!preview.affordable) throw budgetRefusal(preview);
  return submitAndStore(deps, user, subject, request);
}

/** Job `jobId` of the caller's organization; NOT_FOUND for unknown and other organizations' jobs. */
async function ownJobRow(db: TQueryable, user: TSessionUser, jobId: string): Promise<TProductJobRow> {
  const row = await readJobRow(db, jobId);
  if (!row || row.requester_org_id !== user.org.id) throw new DomainError("NOT_FOUND", "job not found");
  return row;
}

/**
 * Job `jobId` of the caller's organization, brought up to date with the enclave first when it
 * is unfinished (if the enclave cannot be asked, the stored state is shown).
 */
export async function getJobView(
  deps: TProductJobDeps,
  user: TSessionUser,
  jobId: string,
): Promise<TProductJobView> {
  let row = await ownJobRow(deps.db, user, jobId);
  if (!isEnded(row.state)) {
    try {
      row = (await refreshJob(deps, jobId)) ?? row;
    } catch (err) {
      deps.log?.(
        `product job ${jobId}: refresh failed (${(err as { code?: string }).code ?? (err as Error).name})`,
      );
    }
  }
  return toJobView(row, deps.enclavePublicKey);
}

/** The caller's organization's jobs, newest first (mode filters mock or real). */
export async function listJobsOfOrg(
  deps: Pick<TProductJobDeps, "db" | "enclavePublicKey">,
  user: TSessionUser,
  opts: { limit?: number; mode?: "mock" | "real"; productId?: string } = {},
): Promise<TProductJobView[]> {
  const params: unknown[] = [user.org.id];
  const where = ["j.requester_org_id = $1"];
  if (opts.mode) {
    params.push(opts.mode);
    where.push(`j.mode = $${params.length}`);
  }
  if (opts.productId) {
    params.push(opts.productId);
    where.push(`j.product_id = $${params.length}`);
  }
  params.push(opts.limit ?? 50);
  const { rows } = await deps.db.query<TProductJobRow>(
    `${JOB_SELECT} WHERE ${where.join(" AND ")} ORDER BY j.queued_at DESC, j.id LIMIT $${params.length}`,
    params,
  );
  return rows.map((r) => toJobView(r, deps.enclavePublicKey));
}

/** Cancels the caller's organization's job `jobId` while it is queued or running. */
export async function cancelJob(
  deps: TProductJobDeps,
  user: TSessionUser,
  jobId: string,
): Promise<TProductJobView> {
  const row = await ownJobRow(deps.db, user, jobId);
  if (row.state !== "queued" && row.state !== "running") {
    throw new DomainError(
      "INVALID_STATE",
      `the job is ${row.state}; only a queued or running job can be cancelled`,
    );
  }
  const status = await deps.productJobs.cancel(expectationOf(row));
  await recordJobStatus(deps, jobId, status);
  await deps.db.withTransaction(async (tx) => {
    await appendAuditEvent(
      tx,
      {
        actor: user,
        action: "product_job.cancel",
        objectType: PRODUCT_JOB_OBJECT_TYPE,
        objectId: jobId,
        before: { state: row.state },
        after: { state: status.state },
        detail: { product: `${row.product_code}@${row.version_number}`, state: status.state },
      },
      nowOf(deps),
    );
  });
  return getJobView(deps, user, jobId);
}
