"use client";

/**
 * Parts of a product job shared by the buyer's job pages, the operator's mock run and the
 * regulator's review: the state tag (one clear word per outcome: released, awaiting review,
 * withheld, blocked, failed), the lifecycle steps, the released output as a table, the run
 * statistics, the enclave-signed receipt and the notice saying why nothing was released.
 */
import type { TBlockedBy } from "@pdx/common/enclave-jobs";
import { useI18n } from "@/lib/i18n/i18n-provider";
import type { TMessageKey } from "@/lib/i18n/types";
import type { TRouterOutputs } from "@/lib/trpc/app-router";

/** A product job as the API returns it (productJobs.get). */
export type TProductJob = TRouterOutputs["productJobs"]["get"];

const ENDED = ["released", "blocked", "failed", "cancelled"];

/** True while the job still moves (the page keeps polling). */
export function isUnfinished(job: Pick<TProductJob, "state">): boolean {
  return !ENDED.includes(job.state);
}

type TJobLook = { label: TMessageKey; tag: string; extra?: { label: TMessageKey; tag: string } };

/**
 * How a job's state reads to its user. A job the enclave released but whose output the regulator
 * still holds is NOT shown as released: its output is not visible yet.
 */
function lookOf(job: Pick<TProductJob, "state" | "reviewState">): TJobLook {
  if (job.state === "released") {
    switch (job.reviewState) {
      case "held":
        return { label: "jobs.look.held", tag: "tag tag-warn" };
      case "withheld_by_regulator":
        return { label: "jobs.look.withheld", tag: "tag tag-danger" };
      case "released_by_regulator":
        return {
          label: "jobs.state.released",
          tag: "tag tag-success",
          extra: { label: "jobs.look.reviewed", tag: "tag tag-ok" },
        };
      default:
        return { label: "jobs.state.released", tag: "tag tag-success" };
    }
  }
  const tags: Record<string, string> = {
    queued: "tag tag-pending",
    running: "tag sd-tag-active",
    checking: "tag sd-tag-active",
    blocked: "tag tag-danger",
    failed: "tag tag-danger",
    cancelled: "tag",
  };
  return { label: `jobs.state.${job.state}` as TMessageKey, tag: tags[job.state] ?? "tag" };
}

/** The state as the user should read it (data-state / data-review carry the raw states). */
export function JobStateTag({ job }: { job: Pick<TProductJob, "state" | "reviewState"> }) {
  const { t } = useI18n();
  const look = lookOf(job);
  return (
    <span className="sd-state" data-testid="job-state" data-state={job.state} data-review={job.reviewState}>
      <span className={look.tag}>{t(look.label)}</span>
      {look.extra && <span className={look.extra.tag}>{t(look.extra.label)}</span>}
    </span>
  );
}

type TStepStatus = "done" | "current" | "warn" | "bad" | "todo" | "skipped";

/**
 * The lifecycle as steps: submitted → running → output check → (regulator review) → outcome.
 * Shows where a job is while it moves and where it stopped when it did not release.
 */
export function JobLifecycle({ job }: { job: Pick<TProductJob, "state" | "reviewState"> }) {
  const { t } = useI18n();
  const order = ["queued", "running", "checking"] as const;
  const reached = job.state === "released" || job.state === "blocked" ? 3 : order.indexOf(job.state as never);
  const withReview = job.reviewState !== "not_needed";
  const steps: { key: string; label: string; status: TStepStatus }[] = [];
  const ended = !isUnfinished(job);
  const pre = (i: number): TStepStatus => {
    if (job.state === "failed" || job.state === "cancelled") return i === 0 ? "done" : "skipped";
    if (reached > i) return "done";
    if (reached === i) return "current";
    return "todo";
  };
  steps.push({ key: "queued", label: t("jobs.step.queued"), status: pre(0) });
  steps.push({
    key: "running",
    label: job.state === "failed" ? t("jobs.step.failed") : t("jobs.step.running"),
    status: job.state === "failed" ? "bad" : job.state === "cancelled" ? "skipped" : pre(1),
  });
  steps.push({
    key: "checking",
    label: job.state === "blocked" ? t("jobs.step.blocked") : t("jobs.step.checking"),
    status: job.state === "blocked" ? "bad" : pre(2),
  });
  if (withReview) {
    const review: Record<string, [TMessageKey, TStepStatus]> = {
      held: ["jobs.review.held", "warn"],
      released_by_regulator: ["jobs.review.released_by_regulator", "done"],
      withheld_by_regulator: ["jobs.review.withheld_by_regulator", "bad"],
    };
    const [label, status] = review[job.reviewState] ?? ["jobs.step.review", "todo"];
    steps.push({ key: "review", label: t(label), status: job.state === "released" ? status : "todo" });
  }
  const outcome: Record<string, [TMessageKey, TStepStatus]> = {
    released:
      job.reviewState === "held"
        ? ["jobs.step.outcome", "todo"]
        : job.reviewState === "withheld_by_regulator"
          ? ["jobs.look.withheld", "bad"]
          : ["jobs.state.released", "done"],
    blocked: ["jobs.state.blocked", "bad"],
    failed: ["jobs.state.failed", "bad"],
    cancelled: ["jobs.state.cancelled", "skipped"],
  };
  const [outcomeLabel, outcomeStatus] = ended
    ? outcome[job.state]!
    : ["jobs.step.outcome" as TMessageKey, "todo"];
  steps.push({ key: "outcome", label: t(outcomeLabel), status: outcomeStatus as TStepStatus });

  return (
    <ol className="sd-steps" data-testid="job-lifecycle" aria-label={t("jobs.lifecycle")}>
      {steps.map((s) => (
        <li
          key={s.key}
          className={`sd-step is-${s.status}`}
          aria-current={s.status === "current" ? "step" : undefined}
        >
          {s.label}
        </li>
      ))}
    </ol>
  );
}

interface TOutputColumn {
  key: string;
  kind?: "dimension" | "measure";
  label?: string | { zh: string; en: string };
}

interface TTableOutput {
  columns: TOutputColumn[];
  rows: Record<string, unknown>[];
  minGroupSize: number | null;
  /** Anything else the logic returned besides columns, rows and minGroupSize. */
  rest: Record<string, unknown>;
}

function asTable(output: unknown): TTableOutput | null {
  if (!output || typeof output !== "object" || Array.isArray(output)) return null;
  const { columns, rows, minGroupSize, ...rest } = output as Record<string, unknown>;
  if (!Array.isArray(columns) || !Array.isArray(rows)) return null;
  if (!columns.every((c) => c && typeof c === "object" && typeof (c as { key?: unknown }).key === "string"))
    return null;
  if (!rows.every((r) => r && typeof r === "object" && !Array.isArray(r))) return null;
  return {
    columns: columns as TOutputColumn[],
    rows: rows as Record<string, unknown>[],
    minGroupSize: typeof minGroupSize === "number" ? minGroupSize : null,
    rest,
  };
}

/** Decimals a numeric column is shown with: as many as its values need, at most 2. */
function decimalsOf(rows: Record<string, unknown>[], key: string): number {
  let most = 0;
  for (const row of rows) {
    const v = row[key];
    if (typeof v !== "number" || Number.isInteger(v)) continue;
    const frac = String(v).split(".")[1]?.length ?? 0;
    most = Math.max(most, Math.min(2, frac));
    if (most === 2) break;
  }
  return most;
}

/** The released output: a table when it has columns and rows (with its protection note), else its JSON. */
export function JobOutput({ output }: { output: unknown }) {
  const { t, locale, formatNumber } = useI18n();
  const table = asTable(output);
  if (!table) {
    return (
      <details className="sd-raw" open>
        <summary>{t("jobs.output.json")}</summary>
        <pre className="mono small sd-pre" data-testid="job-output-json">
          {JSON.stringify(output, null, 2)}
        </pre>
      </details>
    );
  }
  const numeric = new Map(
    table.columns.map((c) => {
      const isNumber =
        c.kind === "measure" ||
        (table.rows.length > 0 && table.rows.every((r) => typeof r[c.key] === "number"));
      const digits = decimalsOf(table.rows, c.key);
      const format = new Intl.NumberFormat(locale === "en" ? "en-US" : "zh-CN", {
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      });
      return [c.key, isNumber ? format : null] as const;
    }),
  );
  const labelOf = (c: TOutputColumn) =>
    typeof c.label === "string" ? c.label : c.label ? (locale === "en" ? c.label.en : c.label.zh) : null;
  const hasMeasures = table.columns.some((c) => c.kind === "measure");
  const restKeys = Object.keys(table.rest);
  return (
    <div className="sd-output">
      <div className="table-card sd-table-box">
        <table className="table" data-testid="job-output">
          <thead>
            <tr>
              {table.columns.map((c) => {
                const label = labelOf(c);
                return (
                  <th key={c.key} scope="col" className={numeric.get(c.key) ? "num" : undefined}>
                    {label ?? <span className="mono">{c.key}</span>}
                    {label && <div className="mono small muted sd-col-key">{c.key}</div>}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {table.rows.map((row, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: released rows have no identity of their own.
              <tr key={i} data-testid="job-output-row">
                {table.columns.map((c) => {
                  const v = row[c.key];
                  const format = numeric.get(c.key);
                  return (
                    <td key={c.key} className={format ? "num" : undefined}>
                      {typeof v === "number"
                        ? ((format ?? null)?.format(v) ?? formatNumber(v, 2))
                        : String(v ?? "—")}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
        {table.rows.length === 0 && <p className="empty sd-empty-inline">{t("jobs.output.noRows")}</p>}
      </div>
      <p className="sd-caption" data-testid="job-output-caption">
        {t("jobs.output.rows", { n: formatNumber(table.rows.length, 0) })}
        {table.minGroupSize !== null && (
          <>
            {" · "}
            <span data-testid="job-output-min-group">
              {t("jobs.output.minGroupSize", { k: formatNumber(table.minGroupSize, 0) })}
            </span>
          </>
        )}
        {hasMeasures && <> · {t("jobs.output.noisy")}</>}
      </p>
      {restKeys.length > 0 && (
        <details className="sd-raw">
          <summary>{t("jobs.output.otherFields", { keys: restKeys.join(", ") })}</summary>
          <pre className="mono small sd-pre">{JSON.stringify(table.rest, null, 2)}</pre>
        </details>
      )}
    </div>
  );
}

/** A duration in the locale's words: milliseconds below a second, else seconds. */
function useDuration() {
  const { t, formatNumber } = useI18n();
  return (ms: number) =>
    ms < 1000
      ? t("jobs.unit.ms", { n: formatNumber(ms, 0) })
      : t("jobs.unit.s", { n: formatNumber(ms / 1000, ms < 10_000 ? 2 : 1) });
}

/** Queries, rows read, ε and time of a job. */
export function JobStats({ stats }: { stats: NonNullable<TProductJob["stats"]> }) {
  const { t, formatNumber } = useI18n();
  const duration = useDuration();
  return (
    <dl className="sd-stats" data-testid="job-stats">
      <div className="sd-stat">
        <dt className="sd-stat-label">{t("jobs.stat.queries")}</dt>
        <dd className="sd-stat-value">{formatNumber(stats.queries, 0)}</dd>
      </div>
      {stats.verifications > 0 && (
        <div className="sd-stat">
          <dt className="sd-stat-label">{t("jobs.stat.verifications")}</dt>
          <dd className="sd-stat-value">{formatNumber(stats.verifications, 0)}</dd>
        </div>
      )}
      <div className="sd-stat">
        <dt className="sd-stat-label">{t("jobs.stat.rowsRead")}</dt>
        <dd className="sd-stat-value">{formatNumber(stats.rowsRead, 0)}</dd>
      </div>
      <div className="sd-stat">
        <dt className="sd-stat-label">{t("jobs.stat.epsilonSpent")}</dt>
        <dd className="sd-stat-value" data-testid="job-epsilon">
          {formatNumber(stats.epsilonSpent, 4)}
        </dd>
      </div>
      <div className="sd-stat">
        <dt className="sd-stat-label">{t("jobs.stat.cpuMs")}</dt>
        <dd className="sd-stat-value">{duration(stats.cpuMs)}</dd>
      </div>
      <div className="sd-stat">
        <dt className="sd-stat-label">{t("jobs.stat.wallMs")}</dt>
        <dd className="sd-stat-value">{duration(stats.wallMs)}</dd>
      </div>
    </dl>
  );
}

/**
 * The enclave's signed receipt: what the job read and released, and whether the signature
 * verifies. `embedded` draws it as a sub-section (inside the regulator's review card).
 */
export function JobReceipt({ job, embedded = false }: { job: TProductJob; embedded?: boolean }) {
  const { t, formatNumber, formatDateTime } = useI18n();
  const r = job.receipt;
  if (!r) return null;
  const Heading = embedded ? "h3" : "h2";
  return (
    <section className={embedded ? "sd-subsection" : "card"} data-testid="job-receipt">
      <Heading className="sd-title">
        {t("jobs.receipt")}
        <span data-testid="receipt-signature" data-valid={r.signatureValid ? "true" : "false"}>
          <span className={r.signatureValid ? "tag tag-success" : "tag tag-danger"}>
            {r.signatureValid
              ? t("jobs.receipt.valid", { keyId: r.enclaveKeyId })
              : t("jobs.receipt.invalid")}
          </span>
        </span>
      </Heading>
      <dl className="kv kv-wide sd-kv">
        <div>
          <dt>{t("jobs.receipt.authorization")}</dt>
          <dd className="mono small" data-testid="receipt-authorization">
            {r.authorizationId ?? "—"}
          </dd>
        </div>
        <div>
          <dt>{t("jobs.receipt.versionHash")}</dt>
          <dd className="mono small" data-testid="receipt-version-hash">
            {r.productVersionHash}
          </dd>
        </div>
        <div>
          <dt>{t("jobs.receipt.datasets")}</dt>
          <dd className="mono small">{r.datasets.map((d) => `${d.code}@${d.version}`).join(", ") || "—"}</dd>
        </div>
        <div>
          <dt>{t("jobs.receipt.fields")}</dt>
          <dd className="mono small" data-testid="receipt-fields">
            {r.fieldsTouched.join(", ") || "—"}
          </dd>
        </div>
        <div>
          <dt>{t("jobs.receipt.rowsRead")}</dt>
          <dd data-testid="receipt-rows-read">
            {formatNumber(r.rowsRead, 0)}
            <span className="muted small">
              {" "}
              · {t("jobs.receipt.queries", { n: formatNumber(r.queries, 0) })}
              {r.verifications > 0 && (
                <> · {t("jobs.receipt.verifications", { n: formatNumber(r.verifications, 0) })}</>
              )}
            </span>
          </dd>
        </div>
        <div>
          <dt>{t("jobs.receipt.epsilon")}</dt>
          <dd data-testid="receipt-epsilon">{formatNumber(r.epsilonSpent, 4)}</dd>
        </div>
        <div>
          <dt>{t("jobs.receipt.outputHash")}</dt>
          <dd className="mono small" data-testid="receipt-output-hash">
            {r.outputHash}
          </dd>
        </div>
        <div>
          <dt>{t("jobs.receipt.time")}</dt>
          <dd className="small">
            {formatDateTime(r.startedAt)} → {formatDateTime(r.finishedAt)}
          </dd>
        </div>
        {job.usageRecordId && (
          <div>
            <dt>{t("jobs.receipt.usageRecord")}</dt>
            <dd className="mono small">#{job.usageRecordId}</dd>
          </div>
        )}
      </dl>
      <details className="sd-raw">
        <summary>{t("jobs.receipt.raw")}</summary>
        <pre className="mono small sd-pre">{JSON.stringify(r, null, 2)}</pre>
      </details>
    </section>
  );
}

/** The blocking rule in the locale's words. */
export function blockedRuleKey(rule: TBlockedBy["rule"]): TMessageKey {
  return `jobs.rule.${rule}` as TMessageKey;
}

/** Why a job did not release: the blocking rule, the failure, or the regulator's decision. */
export function JobOutcomeNotice({ job }: { job: TProductJob }) {
  const { t } = useI18n();
  if (job.state === "blocked" && job.blockedBy) {
    return (
      <div className="notice notice-danger" role="alert" data-testid="job-blocked">
        <strong>{t("jobs.blockedBy", { rule: t(blockedRuleKey(job.blockedBy.rule)) })}</strong>
        <div className="small">{job.blockedBy.message}</div>
        {job.mode === "real" && <div className="small">{t("jobs.blockedHint")}</div>}
      </div>
    );
  }
  if (job.state === "failed" && job.failure) {
    return (
      <div className="notice notice-danger" role="alert" data-testid="job-failed">
        {t("jobs.failure", { message: job.failure.message })}
      </div>
    );
  }
  if (job.state === "cancelled") {
    return (
      <div className="notice notice-info" data-testid="job-cancelled">
        {t("jobs.cancelledNotice")}
      </div>
    );
  }
  if (job.reviewState === "held") {
    return (
      <div className="notice notice-warning" data-testid="job-awaiting-review">
        {t("jobs.awaitingReview")}
      </div>
    );
  }
  if (job.reviewState === "withheld_by_regulator") {
    return (
      <div className="notice notice-danger" data-testid="job-withheld">
        {t("jobs.withheld", { comment: job.review.comment ?? "—" })}
      </div>
    );
  }
  return null;
}
