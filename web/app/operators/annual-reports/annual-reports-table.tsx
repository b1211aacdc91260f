"use client";

import { useI18n } from "@/lib/i18n/i18n-provider";
import type { TRouterOutputs } from "@/lib/trpc/app-router";
import { OperatorStatusTag } from "../operator-ui";

export type TAnnualReport = TRouterOutputs["operators"]["listAnnualReports"][number];

/** Annual reports with their key figures, hash check and signed evaluation. */
export function AnnualReportsTable({
  reports,
  onEvaluate,
}: {
  reports: TAnnualReport[];
  /** Shows an "evaluate" button on reports the caller may evaluate; null hides it. */
  onEvaluate: ((report: TAnnualReport) => void) | null;
}) {
  const { t, formatNumber, formatDateTime } = useI18n();
  return (
    <div className="card table-card">
      <table className="table" data-testid="annual-reports-table">
        <thead>
          <tr>
            <th scope="col">{t("operators.reports.org")}</th>
            <th scope="col">{t("operators.reports.year")}</th>
            <th scope="col">{t("operators.reports.status")}</th>
            <th scope="col" className="num">
              {t("operators.reports.products")} / {t("operators.reports.scenarios")}
            </th>
            <th scope="col" className="num">
              {t("operators.reports.revenue")}
            </th>
            <th scope="col" className="num">
              {t("operators.reports.buyers")}
            </th>
            <th scope="col" className="num">
              {t("operators.reports.incidents")}
            </th>
            <th scope="col">{t("operators.reports.evaluation")}</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {reports.map((r) => (
            <tr
              key={r.id}
              data-testid="annual-report-row"
              data-report-id={r.id}
              data-org-name={r.org.name}
              data-year={r.year}
              data-status={r.status}
            >
              <td>
                {r.org.name}
                {r.operatorStatus && (
                  <div>
                    <OperatorStatusTag status={r.operatorStatus} />
                  </div>
                )}
              </td>
              <td>{r.year}</td>
              <td>
                <span className={`tag ${r.status === "evaluated" ? "tag-success" : "tag-pending"}`}>
                  {t(`operators.reportStatus.${r.status}`)}
                </span>
              </td>
              <td className="num">
                {formatNumber(r.report.productsCount, 0)} / {formatNumber(r.report.scenariosCount, 0)}
              </td>
              <td className="num">{formatNumber(r.report.revenueCny, 2)}</td>
              <td className="num">{formatNumber(r.report.buyersCount, 0)}</td>
              <td className="num">{formatNumber(r.report.securityIncidents, 0)}</td>
              <td className="small">
                <details>
                  <summary className="mono" title={r.reportHash}>
                    {t("operators.reports.hash")} {r.reportHash.slice(0, 12)}…
                  </summary>
                  <p className="prose">
                    <strong>{t("operators.reports.compliance")}：</strong>
                    {r.report.complianceStatement}
                  </p>
                  {r.report.incidentSummary && (
                    <p className="prose">
                      <strong>{t("operators.reports.incidentSummary")}：</strong>
                      {r.report.incidentSummary}
                    </p>
                  )}
                </details>
                {!r.reportHashMatches && <div className="bad">{t("operators.reports.hashBroken")}</div>}
                {r.evaluation && (
                  <div data-testid="report-evaluation" data-decision={r.evaluation.decision}>
                    <strong>{formatNumber(r.evaluation.score, 0)}</strong> ·{" "}
                    {t(`operators.decision.${r.evaluation.decision}`)}
                    {r.evaluation.comment && <div className="muted">{r.evaluation.comment}</div>}
                    {r.evaluation.approval && (
                      <div className={r.evaluation.approval.verified ? "ok" : "bad"}>
                        {r.evaluation.approval.verified
                          ? t("operators.detail.verified")
                          : t("operators.detail.notVerified")}{" "}
                        <span className="muted">
                          {t("operators.reports.signedBy", { name: r.evaluation.approval.signerName })} ·{" "}
                          {formatDateTime(r.evaluation.evaluatedAt)}
                        </span>
                      </div>
                    )}
                  </div>
                )}
              </td>
              <td>
                {onEvaluate && r.allowedActions.includes("evaluate") && (
                  <button
                    type="button"
                    className="button button-small button-primary"
                    onClick={() => onEvaluate(r)}
                    data-testid="report-evaluate"
                  >
                    {t("operators.reports.evaluate")}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
