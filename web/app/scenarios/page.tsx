"use client";

import { COMPUTE_MODE_LABELS } from "@pdx/common/catalog/grade-policy";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import {
  AreaTabs,
  AuthorizationStatusTag,
  SCENARIO_STATUSES,
  ScenarioStatusTag,
  type TScenarioStatus,
} from "@/app/authorizations/_shared/bits";
import { RequireSession } from "@/components/session";
import { ErrorNotice, Loading } from "@/components/status";
import { useI18n } from "@/lib/i18n/i18n-provider";
import type { TRole } from "@/lib/routes";
import { useTRPC } from "@/lib/trpc/client";

/** Scenario filings: an operator's own (with "file a new scenario"); the regulator's and auditors' all. */
export default function ScenariosPage() {
  return (
    <RequireSession roles={["operator", "regulator", "auditor"]}>
      {(user) => <ScenarioList role={user.role} />}
    </RequireSession>
  );
}

function ScenarioList({ role }: { role: TRole }) {
  const { t, pick, formatDateTime } = useI18n();
  const trpc = useTRPC();
  const [status, setStatus] = useState<TScenarioStatus | "">("");
  const scenarios = useQuery({
    ...trpc.authorizations.listScenarios.queryOptions(status ? { status } : {}),
    placeholderData: keepPreviousData,
  });
  const showOperator = role !== "operator";

  return (
    <div className="page">
      <AreaTabs role={role} />
      <div className="page-heading">
        <div>
          <h1>{t("authorizations.scenarios.title")}</h1>
          <p className="muted">{t("authorizations.scenarios.subtitle")}</p>
        </div>
        {role === "operator" && (
          <Link href="/scenarios/new" className="button button-primary" data-testid="new-scenario">
            {t("authorizations.scenarios.new")}
          </Link>
        )}
      </div>
      <div className="card trail-filters">
        <label className="field">
          <span className="field-label">{t("authorizations.filter.status")}</span>
          <select
            value={status}
            onChange={(e) => setStatus(e.target.value as TScenarioStatus | "")}
            data-testid="scenario-filter-status"
          >
            <option value="">{t("authorizations.filter.all")}</option>
            {SCENARIO_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`authorizations.scenarioStatus.${s}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {scenarios.isPending && <Loading />}
      {scenarios.isError && <ErrorNotice error={scenarios.error} onRetry={() => scenarios.refetch()} />}
      {scenarios.data && scenarios.data.length === 0 && (
        <p className="empty">{t("authorizations.scenarios.empty")}</p>
      )}
      {scenarios.data && scenarios.data.length > 0 && (
        <div className="card table-card">
          <table className="table" data-testid="scenario-table">
            <thead>
              <tr>
                <th scope="col">{t("authorizations.scenarios.col.title")}</th>
                {showOperator && <th scope="col">{t("authorizations.scenarios.col.operator")}</th>}
                <th scope="col">{t("authorizations.scenarios.col.mode")}</th>
                <th scope="col">{t("authorizations.scenarios.col.datasets")}</th>
                <th scope="col">{t("authorizations.scenarios.col.status")}</th>
                <th scope="col">{t("authorizations.scenarios.col.authorization")}</th>
                <th scope="col">{t("authorizations.scenarios.col.updated")}</th>
              </tr>
            </thead>
            <tbody>
              {scenarios.data.map((s) => (
                <tr key={s.id} data-testid="scenario-row" data-id={s.id} data-status={s.status}>
                  <td>
                    <Link href={`/scenarios/${encodeURIComponent(s.id)}`} data-testid="scenario-link">
                      {s.title}
                    </Link>
                    <div className="muted small">{t(`authorizations.beneficiary.${s.beneficiaryClass}`)}</div>
                  </td>
                  {showOperator && <td>{s.operatorOrg.name}</td>}
                  <td>{pick(COMPUTE_MODE_LABELS[s.computeMode])}</td>
                  <td>
                    <div className="mono small">{s.datasetCodes.join(" · ")}</div>
                    <div className="muted small">
                      {t("authorizations.scenarios.fieldCount", { n: s.fieldCount })}
                    </div>
                  </td>
                  <td>
                    <ScenarioStatusTag status={s.status} />
                  </td>
                  <td>
                    {s.authorization ? (
                      <Link href={`/authorizations/${encodeURIComponent(s.authorization.id)}`}>
                        <AuthorizationStatusTag status={s.authorization.status} />
                      </Link>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td className="nowrap">{formatDateTime(s.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
