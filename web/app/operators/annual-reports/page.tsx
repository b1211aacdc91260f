"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { RequireSession } from "@/components/session";
import { ErrorNotice, Loading } from "@/components/status";
import { useI18n } from "@/lib/i18n/i18n-provider";
import { useTRPC } from "@/lib/trpc/client";
import { ReasonDialog } from "../operator-ui";
import { AnnualReportsTable, type TAnnualReport } from "./annual-reports-table";

const DECISIONS = ["continue", "rectify", "suspend", "terminate"] as const;
type TDecision = (typeof DECISIONS)[number];

/** The regulator evaluates annual reports (score, decision, signed); auditors read them. */
export default function AnnualReportsPage() {
  return <RequireSession roles={["regulator", "auditor"]}>{() => <AnnualReports />}</RequireSession>;
}

function AnnualReports() {
  const { t } = useI18n();
  const trpc = useTRPC();
  const [status, setStatus] = useState<"" | "submitted" | "evaluated">("");
  const reports = useQuery(trpc.operators.listAnnualReports.queryOptions(status ? { status } : undefined));
  const [evaluating, setEvaluating] = useState<TAnnualReport | null>(null);

  return (
    <div className="page">
      <nav className="breadcrumb">
        <Link href="/operators">← {t("operators.detail.back")}</Link>
      </nav>
      <div className="page-heading">
        <div>
          <h1>{t("operators.reports.title")}</h1>
          <p className="muted">{t("operators.reports.subtitle")}</p>
        </div>
        <label className="field field-inline">
          <span className="field-label">{t("operators.list.filter")}</span>
          <select
            value={status}
            onChange={(e) => setStatus(e.target.value as typeof status)}
            data-testid="reports-status-filter"
          >
            <option value="">{t("operators.list.all")}</option>
            <option value="submitted">{t("operators.reportStatus.submitted")}</option>
            <option value="evaluated">{t("operators.reportStatus.evaluated")}</option>
          </select>
        </label>
      </div>
      {reports.isPending && <Loading />}
      {reports.isError && <ErrorNotice error={reports.error} onRetry={() => reports.refetch()} />}
      {reports.data &&
        (reports.data.length === 0 ? (
          <p className="empty">{t("operators.reports.none")}</p>
        ) : (
          <AnnualReportsTable reports={reports.data} onEvaluate={setEvaluating} />
        ))}
      {evaluating && <EvaluateDialog report={evaluating} onClose={() => setEvaluating(null)} />}
    </div>
  );
}

function EvaluateDialog({ report, onClose }: { report: TAnnualReport; onClose: () => void }) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [score, setScore] = useState("80");
  const [decision, setDecision] = useState<TDecision>("continue");
  const evaluate = useMutation({
    ...trpc.operators.evaluateAnnualReport.mutationOptions(),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: trpc.operators.pathKey() });
      onClose();
    },
  });
  return (
    <ReasonDialog
      title={`${t("operators.reports.evaluate")} · ${report.org.name} · ${report.year}`}
      label={decision === "continue" ? t("operators.dialog.commentOptional") : t("operators.reports.comment")}
      required={decision !== "continue"}
      note={t("operators.detail.signedNote")}
      pending={evaluate.isPending}
      error={evaluate.error}
      onCancel={onClose}
      onConfirm={(comment) =>
        evaluate.mutate({ reportId: report.id, score: Number(score), decision, comment })
      }
      testId="evaluate-dialog"
    >
      <div className="operators-form-row">
        <label className="field">
          <span className="field-label">{t("operators.reports.score")}</span>
          <input
            type="number"
            min="0"
            max="100"
            step="1"
            required
            value={score}
            onChange={(e) => setScore(e.target.value)}
            data-testid="evaluate-score"
          />
        </label>
        <label className="field">
          <span className="field-label">{t("operators.reports.decision")}</span>
          <select
            value={decision}
            onChange={(e) => setDecision(e.target.value as TDecision)}
            data-testid="evaluate-decision"
          >
            {DECISIONS.map((d) => (
              <option key={d} value={d}>
                {t(`operators.decision.${d}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {decision !== "continue" && <p className="muted small">{t("operators.reports.commentRequired")}</p>}
    </ReasonDialog>
  );
}
