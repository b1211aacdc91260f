"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import {
  AreaTabs,
  AUTHORIZATION_STATUSES,
  AuthorizationStatusTag,
  type TAuthorizationStatus,
  TermText,
} from "@/app/authorizations/_shared/bits";
import { RequireSession } from "@/components/session";
import { ErrorNotice, Loading } from "@/components/status";
import { useI18n } from "@/lib/i18n/i18n-provider";
import type { TRole } from "@/lib/routes";
import { useTRPC } from "@/lib/trpc/client";

/**
 * Authorization agreements by role: an operator's own, a department's (those on its datasets,
 * with "awaiting me"), all for the regulator and auditors; filtered by status.
 */
export default function AuthorizationsPage() {
  return (
    <RequireSession roles={["operator", "data_source", "regulator", "auditor"]}>
      {(user) => <AuthorizationList role={user.role} />}
    </RequireSession>
  );
}

function AuthorizationList({ role }: { role: TRole }) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const approver = role === "data_source" || role === "regulator";
  const [status, setStatus] = useState<TAuthorizationStatus | "">("");
  const [awaitingMe, setAwaitingMe] = useState(false);
  const list = useQuery({
    ...trpc.authorizations.listAuthorizations.queryOptions({
      status: status || undefined,
      awaitingMe: (approver && awaitingMe) || undefined,
    }),
    placeholderData: keepPreviousData,
  });

  return (
    <div className="page">
      <AreaTabs role={role} />
      <div className="page-heading">
        <div>
          <h1>{t("authorizations.list.title")}</h1>
          <p className="muted">{t("authorizations.list.subtitle")}</p>
        </div>
      </div>
      <div className="card trail-filters">
        <label className="field">
          <span className="field-label">{t("authorizations.filter.status")}</span>
          <select
            value={status}
            onChange={(e) => setStatus(e.target.value as TAuthorizationStatus | "")}
            data-testid="authorization-filter-status"
          >
            <option value="">{t("authorizations.filter.all")}</option>
            {AUTHORIZATION_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`authorizations.status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        {approver && (
          <label className="field-checkbox">
            <input
              type="checkbox"
              checked={awaitingMe}
              onChange={(e) => setAwaitingMe(e.target.checked)}
              data-testid="authorization-filter-awaiting"
            />
            {t("authorizations.filter.awaitingMe")}
          </label>
        )}
      </div>
      {list.isPending && <Loading />}
      {list.isError && <ErrorNotice error={list.error} onRetry={() => list.refetch()} />}
      {list.data && list.data.length === 0 && <p className="empty">{t("authorizations.list.empty")}</p>}
      {list.data && list.data.length > 0 && (
        <div className="card table-card">
          <table className="table" data-testid="authorization-table">
            <thead>
              <tr>
                <th scope="col">{t("authorizations.list.col.scenario")}</th>
                {role !== "operator" && <th scope="col">{t("authorizations.list.col.operator")}</th>}
                <th scope="col">{t("authorizations.list.col.datasets")}</th>
                <th scope="col">{t("authorizations.list.col.term")}</th>
                <th scope="col">{t("authorizations.list.col.steps")}</th>
                <th scope="col">{t("authorizations.list.col.status")}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((a) => {
                const done = a.steps.filter((s) => s.status === "approved").length;
                return (
                  <tr key={a.id} data-testid="authorization-row" data-id={a.id} data-status={a.status}>
                    <td>
                      <Link
                        href={`/authorizations/${encodeURIComponent(a.id)}`}
                        data-testid="authorization-link"
                      >
                        {a.scenario.title}
                      </Link>
                      {a.awaitingMe && (
                        <span className="tag az-awaiting" data-testid="awaiting-me">
                          {t("authorizations.list.awaitingMe")}
                        </span>
                      )}
                    </td>
                    {role !== "operator" && <td>{a.operatorOrg.name}</td>}
                    <td className="mono small">{a.datasetCodes.join(" · ")}</td>
                    <td className="small">
                      <TermText from={a.validFrom} until={a.validUntil} />
                    </td>
                    <td>
                      <span className="small">
                        {t("authorizations.list.stepsDone", { done, total: a.steps.length })}
                      </span>
                      <div className="az-step-dots" aria-hidden="true">
                        {a.steps.map((s) => (
                          <span
                            key={s.step}
                            className={`az-dot az-dot-${s.status}`}
                            title={s.orgName ?? s.step}
                          />
                        ))}
                      </div>
                    </td>
                    <td>
                      <AuthorizationStatusTag status={a.status} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
