"use client";

import { localizeUnit } from "@/lib/i18n/dictionaries";
import { useI18n } from "@/lib/i18n/i18n-provider";
import { numericValue } from "@/lib/result-layout";
import type { TRouterOutputs } from "@/lib/trpc/app-router";
import { ResultHeatmap } from "./result-heatmap";

/** One run as runs.start / runs.get return it. */
export type TRun = TRouterOutputs["runs"]["start"];
export type TResultColumn = TRun["columns"][number];
export type TResultRow = TRun["rows"][number];

/** A column header with its unit, e.g. "注册资本合计（万元）". */
function ColumnHeader({ column }: { column: TResultColumn }) {
  const { pick, locale, t } = useI18n();
  const label = pick(column.label);
  if (!column.unit) return <>{label}</>;
  const unit = localizeUnit(column.unit, t);
  return <>{locale === "en" ? `${label} (${unit})` : `${label}（${unit}）`}</>;
}

/** The released rows as a table; measures right-aligned and formatted for the locale. */
export function ResultTable({ columns, rows }: { columns: TResultColumn[]; rows: TResultRow[] }) {
  const { formatNumber } = useI18n();
  return (
    <div className="table-scroll" data-testid="result-table">
      <table className="table">
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.key} scope="col" className={column.kind === "measure" ? "num" : undefined}>
                <ColumnHeader column={column} />
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const rowKey = columns
              .filter((c) => c.kind === "dimension")
              .map((c) => String(row[c.key] ?? ""))
              .join("\u0000");
            return (
              <tr key={rowKey}>
                {columns.map((column) => {
                  const raw = row[column.key];
                  if (column.kind !== "measure") return <td key={column.key}>{raw ?? ""}</td>;
                  const n = numericValue(raw);
                  return (
                    <td key={column.key} className="num">
                      {n === null ? String(raw ?? "") : formatNumber(n)}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The enclave's signed receipt as the server checked it, and the usage record it produced. */
export function ReceiptPanel({ run }: { run: TRun }) {
  const { t, formatNumber, formatDateTime } = useI18n();
  const { receipt } = run;
  return (
    <section className="card" data-testid="receipt" aria-labelledby="receipt-title">
      <h3 id="receipt-title">{t("run.receipt")}</h3>
      <dl className="kv">
        <div>
          <dt>{t("run.usageRecord")}</dt>
          <dd className="mono" data-testid="usage-record-id">
            {run.usageRecordId}
          </dd>
        </div>
        <div>
          <dt>{t("run.createdAt")}</dt>
          <dd>{formatDateTime(run.createdAt)}</dd>
        </div>
        <div>
          <dt>{t("run.jobId")}</dt>
          <dd className="mono" data-testid="receipt-job-id">
            {receipt.jobId}
          </dd>
        </div>
        <div>
          <dt>{t("run.rowsRead")}</dt>
          <dd data-testid="receipt-rows-read">{formatNumber(receipt.rowsRead, 0)}</dd>
        </div>
        <div>
          <dt>{t("run.outputHash")}</dt>
          <dd className="mono break">{receipt.outputHash}</dd>
        </div>
        <div>
          <dt>{t("run.enclaveKeyId")}</dt>
          <dd className="mono">{receipt.enclaveKeyId}</dd>
        </div>
        <div>
          <dt>{t("run.signature")}</dt>
          <dd
            className={receipt.signatureValid ? "ok" : "bad"}
            data-testid="receipt-signature"
            data-valid={String(receipt.signatureValid)}
          >
            {receipt.signatureValid ? t("run.signatureValid") : t("run.signatureInvalid")}
          </dd>
        </div>
      </dl>
    </section>
  );
}

/** A run's outcome: the privacy notice, the chart, the table and the receipt. */
export function RunResult({ run }: { run: TRun }) {
  const { t } = useI18n();
  const { suppression } = run;
  return (
    <section className="run-result" data-testid="run-result" aria-labelledby="run-result-title">
      <h2 id="run-result-title">{t("run.resultTitle")}</h2>
      <div
        className={suppression.suppressedCells > 0 ? "notice notice-privacy" : "notice notice-info"}
        role="status"
        data-testid="suppression-notice"
        data-suppressed-cells={suppression.suppressedCells}
        data-k={suppression.k}
      >
        {suppression.suppressedCells > 0
          ? t("run.suppressedNotice", {
              n: suppression.suppressedCells,
              k: suppression.k,
              released: suppression.releasedCells,
            })
          : t("run.noneSuppressed", { k: suppression.k, released: suppression.releasedCells })}
      </div>
      <div className="result-grid">
        <section className="card" aria-labelledby="chart-title">
          <h3 id="chart-title">{t("run.chart")}</h3>
          <ResultHeatmap columns={run.columns} rows={run.rows} k={suppression.k} />
        </section>
        <section className="card" aria-labelledby="table-title">
          <h3 id="table-title">
            {t("run.table")} <span className="muted small">{t("run.rowsCount", { n: run.rows.length })}</span>
          </h3>
          <ResultTable columns={run.columns} rows={run.rows} />
        </section>
        <ReceiptPanel run={run} />
      </div>
    </section>
  );
}
