/**
 * Product jobs: one run of operator logic in the sandbox (common/enclave-jobs.ts). Plain
 * orchestration — no HTTP, no SQL: the engines (vault, query compiler, privacy engine, budget
 * ledger, sandbox) are injected (product-job-engines.ts wires the real ones).
 *
 * Order of checks, each before any row is read:
 *   1. every declared dataset is held (real: the named or newest version; mock: its mock version);
 *   2. real mode: the authorization is read from the chain and must cover every declared field;
 *   3. real mode: the job's whole ε allowance is reserved on every declared dataset's budget of
 *      the requesting buyer (atomic; BUDGET_EXCEEDED names what remains);
 * then the logic runs; every query it makes is planned against the declared fields and the column
 * policy, run on the vault, protected (k + complementary suppression + DP, ε charged from the
 * reservation) before the logic sees it. The logic's return value is checked (shape, size) and
 * released, or the job ends blocked naming the rule. The unspent reservation is returned. Every
 * ended job gets a receipt signed by the enclave.
 */
import { canonicalJson } from "@pdx/common/canonical-json";
import {
  JOB_LIMIT_DEFAULTS,
  type TBlockedBy,
  type TJobStats,
  type TProductJobRequestParsed,
  type TProductJobStatus,
  type TSignedJobReceiptV2,
} from "@pdx/common/enclave-jobs";
import type { TAggregateQueryResult, TVerifyAnswer } from "@pdx/common/enclave-query";
import { sha256Hex } from "@pdx/common/hash";
import { signReceiptV2 } from "@pdx/common/receipt";
import { EnclaveError } from "../errors";
import { VerificationMeter } from "../query";
import type { TStoredDataset } from "../vault/stored-dataset";

/** Sandbox outcome (enclave/src/sandbox). */
export type TSandboxOutcome =
  | { ok: true; output: unknown; stats: { cpuMs: number; wallMs: number; outputBytes: number } }
  | {
      ok: false;
      kind: "compile" | "runtime" | "limit";
      limit?: string;
      message: string;
      stats?: { cpuMs: number; wallMs: number };
    };

export interface TSandboxCall {
  source: string;
  language: "typescript" | "javascript";
  params: Record<string, unknown>;
  host: Record<string, (...args: unknown[]) => Promise<unknown>>;
  limits: { cpuMs: number; wallMs: number; memoryBytes: number; outputBytes: number };
}

/** What a query charges against: the job's reservation on one dataset's budget. */
export type TCharge = (epsilon: number, detail: string) => Promise<void>;

export interface TJobEngines {
  /** A loaded version: `version` absent = newest real version; "mock" = the mock version (made on demand). */
  dataset(code: string, version: string | undefined, mode: "mock" | "real"): Promise<TStoredDataset | null>;
  aggregate(
    stored: TStoredDataset,
    query: unknown,
    declaredFields: readonly string[],
    ctx: { charge: TCharge | null; epsilon: number; timeoutMs: number },
  ): Promise<{ result: TAggregateQueryResult; rowsRead: number; fieldsTouched: string[] }>;
  verify(
    stored: TStoredDataset,
    query: unknown,
    declaredFields: readonly string[],
    /** `meter` is the job's one cap on questions; the engine charges it once per question answered. */
    ctx: { timeoutMs: number; meter: VerificationMeter },
  ): Promise<TVerifyAnswer & { fieldsTouched: string[] }>;
  budget: {
    reserve(
      jobId: string,
      buyerOrgId: string,
      datasetCode: string,
      epsilon: number,
      total: number,
    ): Promise<void>;
    charge(
      jobId: string,
      buyerOrgId: string,
      datasetCode: string,
      epsilon: number,
      detail: string,
    ): Promise<void>;
    release(jobId: string): Promise<void>;
  };
  /** Reads the authorization from the chain and checks it covers the fields (throws EnclaveError). */
  checkAuthorization(
    request: TProductJobRequestParsed,
    datasetCode: string,
    fields: readonly string[],
    now: Date,
  ): Promise<void>;
  sandbox(call: TSandboxCall): Promise<TSandboxOutcome>;
  /** Output rules on the logic's return value: null = may be released. */
  checkOutput(output: unknown, maxBytes: number): TBlockedBy | null;
}

export interface TProductJobDeps {
  engines: TJobEngines;
  signer: { secretKey: string; publicKey: string };
  now?: () => Date;
  /** Called on each lifecycle transition (persisting it is the caller's business). */
  onState?: (state: "running" | "checking") => Promise<void> | void;
  /** True once the job was cancelled: host calls refuse, and the job ends cancelled. */
  isCancelled?: () => boolean;
  /** End the job at once without running it (a job interrupted by a restart, or cancelled while queued). */
  endAs?: { state: "failed" | "cancelled"; failure: { code: string; message: string } | null };
}

/** The ended part of a job's status. */
export type TEndedJob = Pick<
  TProductJobStatus,
  "state" | "output" | "blockedBy" | "failure" | "stats" | "logs" | "signedReceipt"
>;

const MAX_LOG_LINES = 100;
const MAX_LOG_CHARS = 500;

/** SHA-256 of the canonical JSON of what a job released (null when nothing was). */
export function productOutputHashOf(output: unknown): string {
  return sha256Hex(canonicalJson(output ?? null));
}

/** SHA-256 of the canonical JSON of the accepted request. */
export function productRequestHashOf(request: TProductJobRequestParsed): string {
  return sha256Hex(canonicalJson(request));
}

/** Maps an EnclaveError raised while the logic queried to the rule named in a blocked job. */
function blockedByOf(err: EnclaveError): TBlockedBy | null {
  switch (err.code) {
    case "BUDGET_EXCEEDED":
      return { rule: "privacy-budget", message: err.safeMessage };
    case "FIELD_NOT_ALLOWED":
      return { rule: "column-policy", message: err.safeMessage };
    case "FIELD_OUT_OF_SCOPE":
    case "AUTHORIZATION_INACTIVE":
      return { rule: "authorization", message: err.safeMessage };
    case "PRIVACY_BLOCKED":
      return { rule: "min-group-size", message: err.safeMessage };
    case "LIMIT_EXCEEDED":
      return { rule: "record-cap", message: err.safeMessage };
    default:
      return null;
  }
}

/** Runs one product job to its end. Never throws for a refusal: it ends failed or blocked. */
export async function runProductJob(
  deps: TProductJobDeps,
  request: TProductJobRequestParsed,
): Promise<TEndedJob> {
  const now = deps.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const e = deps.engines;
  const limits = {
    cpuMs: request.limits.cpuMs ?? JOB_LIMIT_DEFAULTS.cpuMs,
    wallMs: request.limits.wallMs ?? JOB_LIMIT_DEFAULTS.wallMs,
    memoryBytes: request.limits.memoryBytes ?? JOB_LIMIT_DEFAULTS.memoryBytes,
    outputBytes: request.limits.outputBytes ?? JOB_LIMIT_DEFAULTS.outputBytes,
    queries: request.limits.queries ?? JOB_LIMIT_DEFAULTS.queries,
  };
  const stats: TJobStats = {
    queries: 0,
    verifications: 0,
    rowsRead: 0,
    epsilonSpent: 0,
    cpuMs: 0,
    wallMs: 0,
    outputBytes: 0,
  };
  const logs: string[] = [];
  const touched = new Set<string>();
  const datasets = new Map<string, TStoredDataset>();
  const wallStart = performance.now();
  let reserved = false;
  /** The first refusal raised inside a host call: it decides the job's end even if the logic caught it. */
  let refusal: EnclaveError | null = null;

  const end = async (
    state: "released" | "blocked" | "failed" | "cancelled",
    rest: {
      output?: unknown;
      blockedBy?: TBlockedBy | null;
      failure?: { code: string; message: string } | null;
    },
  ): Promise<TEndedJob> => {
    if (reserved) await e.budget.release(request.jobId);
    stats.wallMs = Math.round(performance.now() - wallStart);
    const output = state === "released" ? (rest.output ?? null) : null;
    const signedReceipt: TSignedJobReceiptV2 = signReceiptV2(
      {
        jobId: request.jobId,
        product: `${request.product.code}@${request.product.version}`,
        productVersionHash: request.product.versionHash,
        mode: request.mode,
        authorizationId: request.authorization?.id ?? null,
        requesterOrgId: request.requester.orgId,
        state,
        datasets: [...datasets.values()].map((d) => ({ code: d.code, version: d.version })),
        fieldsTouched: [...touched].sort(),
        rowsRead: stats.rowsRead,
        queries: stats.queries,
        verifications: stats.verifications,
        epsilonSpent: round6(stats.epsilonSpent),
        outputHash: productOutputHashOf(output),
        blockedBy: rest.blockedBy ?? null,
        requestHash: productRequestHashOf(request),
        startedAt,
        finishedAt: now().toISOString(),
      },
      deps.signer.secretKey,
      deps.signer.publicKey,
    );
    return {
      state,
      output,
      blockedBy: rest.blockedBy ?? null,
      failure: rest.failure ?? null,
      stats: { ...stats, epsilonSpent: round6(stats.epsilonSpent) },
      logs: request.mode === "mock" ? logs : [],
      signedReceipt,
    };
  };
  if (deps.isCancelled?.() === true) return end("cancelled", {});
  if (deps.endAs) {
    reserved = request.mode === "real"; // a reservation made before a restart is returned too
    return end(deps.endAs.state, { failure: deps.endAs.failure });
  }
  const fail = (err: unknown) => {
    if (err instanceof EnclaveError)
      return end("failed", { failure: { code: err.code, message: err.safeMessage } });
    throw err;
  };

  try {
    // 1. Datasets.
    const codes = Object.keys(request.fields).sort();
    if (codes.length === 0)
      throw new EnclaveError("INVALID_REQUEST", "fields: the logic declares no dataset");
    for (const code of codes) {
      const version = request.mode === "mock" ? "mock" : request.datasetVersions[code];
      const stored = await e.dataset(code, version, request.mode);
      if (!stored) {
        throw new EnclaveError(
          "DATASET_UNKNOWN",
          `dataset ${code}${version && version !== "mock" ? `@${version}` : ""} is not held by this enclave`,
        );
      }
      const known = new Set(stored.spec.fields.map((f) => f.name));
      const unknown = (request.fields[code] ?? []).filter((f) => !known.has(f));
      if (unknown.length > 0) {
        throw new EnclaveError(
          "QUERY_INVALID",
          `fields.${code}: dataset ${code} has no field ${unknown.map((f) => `"${f}"`).join(", ")}`,
        );
      }
      datasets.set(code, stored);
    }
    // 2–3. Authorization and budget (real data only).
    if (request.mode === "real") {
      if (!request.authorization) {
        throw new EnclaveError("AUTHORIZATION_INACTIVE", "a job on real data must name its authorization");
      }
      for (const code of codes) {
        await e.checkAuthorization(request, code, request.fields[code] ?? [], now());
      }
      reserved = true;
      for (const code of codes) {
        const stored = datasets.get(code)!;
        await e.budget.reserve(
          request.jobId,
          request.requester.orgId,
          code,
          request.epsilon.maxPerJob,
          stored.spec.epsilonBudget,
        );
      }
    }
  } catch (err) {
    if (err instanceof EnclaveError && err.code === "BUDGET_EXCEEDED") {
      return end("blocked", { blockedBy: { rule: "privacy-budget", message: err.safeMessage } });
    }
    return fail(err);
  }

  await deps.onState?.("running");
  const cancelled = () => deps.isCancelled?.() === true;
  const storedFor = (query: unknown): TStoredDataset => {
    const code =
      query && typeof query === "object" && "dataset" in query
        ? String((query as { dataset: unknown }).dataset)
        : "";
    const stored = datasets.get(code);
    if (!stored) {
      throw new EnclaveError(
        "FIELD_OUT_OF_SCOPE",
        `dataset ${code.slice(0, 40) || "(none)"} is not declared in the logic's fields`,
      );
    }
    return stored;
  };
  /** Wraps a host call: cancellation, refusals remembered, caller-safe messages into the sandbox. */
  const host =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (cancelled()) throw new Error("the job was cancelled");
      if (refusal) throw new Error(refusal.safeMessage);
      try {
        return await fn(...args);
      } catch (err) {
        if (err instanceof EnclaveError) {
          if (err.code !== "QUERY_INVALID") refusal ??= err;
          throw new Error(err.safeMessage);
        }
        throw new Error("the query could not be run");
      }
    };
  const queryTimeoutMs = Math.max(1000, limits.wallMs);
  /** The job's cap on verification questions (VERIFY_QUESTIONS_PER_JOB); past it: LIMIT_EXCEEDED → "record-cap". */
  const verifications = new VerificationMeter();
  /** Real data: the authorization is read from the chain again before every query (a revocation mid-job stops it). */
  const recheckAuthorization = async (code: string) => {
    if (request.mode === "real") await e.checkAuthorization(request, code, request.fields[code] ?? [], now());
  };

  const hostFunctions: TSandboxCall["host"] = {
    aggregate: host(async (query: unknown) => {
      if (stats.queries >= limits.queries) {
        throw new EnclaveError("LIMIT_EXCEEDED", `the job may run at most ${limits.queries} queries`);
      }
      stats.queries++;
      const stored = storedFor(query);
      await recheckAuthorization(stored.code);
      const charge: TCharge | null =
        request.mode === "real"
          ? async (epsilon, detail) => {
              await e.budget.charge(request.jobId, request.requester.orgId, stored.code, epsilon, detail);
              stats.epsilonSpent += epsilon;
            }
          : async (epsilon) => {
              stats.epsilonSpent += epsilon;
            };
      const { result, rowsRead, fieldsTouched } = await e.aggregate(
        stored,
        query,
        request.fields[stored.code] ?? [],
        {
          charge,
          epsilon: request.epsilon.perQuery,
          timeoutMs: queryTimeoutMs,
        },
      );
      stats.rowsRead += rowsRead;
      for (const f of fieldsTouched) touched.add(`${stored.code}.${f}`);
      return result;
    }),
    verify: host(async (query: unknown) => {
      const stored = storedFor(query);
      await recheckAuthorization(stored.code);
      const { answer, revealed, fieldsTouched } = await e.verify(
        stored,
        query,
        request.fields[stored.code] ?? [],
        { timeoutMs: queryTimeoutMs, meter: verifications },
      );
      stats.verifications = verifications.asked; // questions answered: what usage metering bills
      for (const f of fieldsTouched) touched.add(`${stored.code}.${f}`);
      return { answer, revealed };
    }),
    sha256: async (text: unknown) => sha256Hex(String(text)),
    log: async (...parts: unknown[]) => {
      if (logs.length < MAX_LOG_LINES)
        logs.push(
          parts
            .map((p) => String(p))
            .join(" ")
            .slice(0, MAX_LOG_CHARS),
        );
      return null;
    },
  };

  const outcome = await e.sandbox({
    source: request.logic.source,
    language: request.logic.language,
    params: request.params,
    host: hostFunctions,
    limits,
  });
  stats.cpuMs = Math.round(outcome.stats?.cpuMs ?? 0);
  if (cancelled()) return end("cancelled", {});
  // Set inside host calls (closures), which the compiler's narrowing does not see.
  const refused = refusal as EnclaveError | null;
  if (refused) {
    const blockedBy = blockedByOf(refused);
    if (blockedBy) return end("blocked", { blockedBy });
    return end("failed", { failure: { code: refused.code, message: refused.safeMessage } });
  }
  if (!outcome.ok) {
    if (outcome.kind === "limit" && outcome.limit === "output") {
      return end("blocked", {
        blockedBy: {
          rule: "output-size",
          message: `the output is over the job's limit of ${limits.outputBytes} bytes`,
        },
      });
    }
    if (outcome.kind === "limit") {
      return end("failed", {
        failure: {
          code: "LIMIT_EXCEEDED",
          message: `the job went over its ${outcome.limit ?? ""} limit: ${outcome.message}`.slice(0, 1000),
        },
      });
    }
    return end("failed", { failure: { code: "SANDBOX_ERROR", message: outcome.message.slice(0, 1000) } });
  }

  await deps.onState?.("checking");
  const blockedBy = e.checkOutput(outcome.output, limits.outputBytes);
  if (blockedBy) return end("blocked", { blockedBy });
  stats.outputBytes = Buffer.byteLength(canonicalJson(outcome.output ?? null));
  return end("released", { output: outcome.output });
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
