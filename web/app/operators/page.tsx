"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { RequireSession } from "@/components/session";
import { ErrorNotice, Loading } from "@/components/status";
import { useI18n } from "@/lib/i18n/i18n-provider";
import type { TRouterOutputs } from "@/lib/trpc/app-router";
import { useTRPC } from "@/lib/trpc/client";
import {
  ApplicationStatusTag,
  OperatorStatusTag,
  ReasonDialog,
  type TApplicationStatus,
  type TOperatorStatus,
} from "./operator-ui";

type TOverview = TRouterOutputs["operators"]["list"];
type TOperatorRow = TOverview["operators"][number];
type TStatusAction = TOperatorRow["allowedActions"][number];
type TStatusChange = TRouterOutputs["operators"]["changeStatus"];

const FILTERS: readonly TApplicationStatus[] = [
  "submitted",
  "pre_reviewed",
  "expert_reviewed",
  "public_notice",
  "admitted",
  "rejected",
];

/** The regulator's (and auditors') view: the admission queue by status and the admitted operators. */
export default function OperatorsPage() {
  return (
    <RequireSession roles={["regulator", "auditor"]}>
      {(user) => <Operators canAct={user.role === "regulator"} />}
    </RequireSession>
  );
}

function Operators({ canAct }: { canAct: boolean }) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const [filter, setFilter] = useState<TApplicationStatus | "">("");
  const overview = useQuery({
    ...trpc.operators.list.queryOptions(filter ? { applicationStatus: filter } : undefined),
    placeholderData: keepPreviousData,
  });
  const [changing, setChanging] = useState<{ operator: TOperatorRow; action: TStatusAction } | null>(null);
  const [lastChange, setLastChange] = useState<TStatusChange | null>(null);

  return (
    <div className="page">
      <div className="page-heading">
        <div>
          <h1>{t("operators.list.title")}</h1>
          <p className="muted">{t("operators.list.subtitle")}</p>
        </div>
        <Link href="/operators/annual-reports" className="button" data-testid="annual-reports-link">
          {t("operators.list.annualReports")}
        </Link>
      </div>
      {overview.isPending && <Loading />}
      {overview.isError && <ErrorNotice error={overview.error} onRetry={() => overview.refetch()} />}
      {lastChange && <StatusChangeNotice change={lastChange} />}
      {overview.data && (
        <>
          <section className="section">
            <div className="operators-section-head">
              <h2>{t("operators.list.applications")}</h2>
              <label className="field field-inline">
                <span className="field-label">{t("operators.list.filter")}</span>
                <select
                  value={filter}
                  onChange={(e) => setFilter(e.target.value as TApplicationStatus | "")}
                  data-testid="applications-filter"
                >
                  <option value="">{t("operators.list.all")}</option>
                  {FILTERS.map((s) => (
                    <option key={s} value={s}>
                      {t(`operators.appStatus.${s}`)}
                    </option>
                  ))}
                </select>
              </label>
            </div>
            <ApplicationsTable applications={overview.data.applications} canAct={canAct} />
          </section>
          <section className="section">
            <h2>{t("operators.list.operators")}</h2>
            <OperatorsTable
              operators={overview.data.operators}
              canAct={canAct}
              onAction={(operator, action) => {
                setLastChange(null);
                setChanging({ operator, action });
              }}
            />
          </section>
        </>
      )}
      {changing && (
        <StatusDialog
          operator={changing.operator}
          action={changing.action}
          onClose={() => setChanging(null)}
          onDone={(change) => {
            setChanging(null);
            setLastChange(change);
          }}
        />
      )}
    </div>
  );
}

function ApplicationsTable({
  applications,
  canAct,
}: {
  applications: TOverview["applications"];
  canAct: boolean;
}) {
  const { t, formatDateTime } = useI18n();
  if (applications.length === 0) return <p className="empty">{t("operators.list.noApplications")}</p>;
  return (
    <div className="card table-card">
      <table className="table" data-testid="applications-table">
        <thead>
          <tr>
            <th scope="col">{t("operators.detail.org")}</th>
            <th scope="col">{t("operators.detail.uscc")}</th>
            <th scope="col">{t("operators.detail.status")}</th>
            <th scope="col">{t("operators.detail.submittedAt")}</th>
            <th scope="col">{t("operators.detail.noticeEndsAt")}</th>
            <th scope="col" className="num">
              {t("operators.list.documents")}
            </th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {applications.map((a) => (
            <tr
              key={a.id}
              data-testid="application-row"
              data-application-id={a.id}
              data-org-name={a.org.name}
              data-status={a.status}
            >
              <td>{a.org.name}</td>
              <td className="mono small">{a.org.uscc ?? "—"}</td>
              <td>
                <ApplicationStatusTag status={a.status} />
              </td>
              <td className="nowrap small">{a.submittedAt ? formatDateTime(a.submittedAt) : "—"}</td>
              <td className="nowrap small">{a.noticeEndsAt ? formatDateTime(a.noticeEndsAt) : "—"}</td>
              <td className="num">{a.documentsCount}</td>
              <td>
                <Link href={`/operators/applications/${a.id}`} data-testid="application-open">
                  {canAct ? t("operators.list.open") : t("operators.list.view")}
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function OperatorsTable({
  operators,
  canAct,
  onAction,
}: {
  operators: TOverview["operators"];
  canAct: boolean;
  onAction: (operator: TOperatorRow, action: TStatusAction) => void;
}) {
  const { t, formatDateTime } = useI18n();
  if (operators.length === 0) return <p className="empty">{t("operators.list.noOperators")}</p>;
  return (
    <div className="card table-card">
      <table className="table" data-testid="operators-table">
        <thead>
          <tr>
            <th scope="col">{t("operators.reports.org")}</th>
            <th scope="col">{t("operators.detail.status")}</th>
            <th scope="col">{t("operators.admission.admittedSince")}</th>
            <th scope="col">{t("operators.admission.statusReason")}</th>
            <th scope="col" className="num">
              {t("operators.list.authorizations")}
            </th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {operators.map((o) => (
            <tr
              key={o.org.id}
              data-testid="operator-row"
              data-org-id={o.org.id}
              data-org-name={o.org.name}
              data-status={o.status}
            >
              <td>
                {o.org.name}
                <div className="mono small muted">{o.org.uscc ?? ""}</div>
                {o.applicationId && (
                  <Link href={`/operators/applications/${o.applicationId}`} className="small">
                    {t("operators.admission.viewDetail")}
                  </Link>
                )}
              </td>
              <td>
                <OperatorStatusTag status={o.status as TOperatorStatus} />
                <div className="small muted nowrap">{formatDateTime(o.statusChangedAt)}</div>
              </td>
              <td className="nowrap small">{formatDateTime(o.admittedAt)}</td>
              <td className="small">{o.statusReason ?? "—"}</td>
              <td className="num" data-testid="operator-authorizations">
                {o.authorizations.active} / {o.authorizations.suspended} / {o.authorizations.revoked} /{" "}
                {o.authorizations.pending}
              </td>
              <td>
                {canAct && (
                  <div className="operators-row-actions">
                    {o.allowedActions.map((action) => (
                      <button
                        key={action}
                        type="button"
                        className={`button button-small ${action === "terminate" || action === "suspend" ? "button-danger" : ""}`}
                        onClick={() => onAction(o, action)}
                        data-testid={`operator-action-${action}`}
                      >
                        {t(`operators.statusAction.${action}`)}
                      </button>
                    ))}
                  </div>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function StatusDialog({
  operator,
  action,
  onClose,
  onDone,
}: {
  operator: TOperatorRow;
  action: TStatusAction;
  onClose: () => void;
  onDone: (change: TStatusChange) => void;
}) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const change = useMutation({
    ...trpc.operators.changeStatus.mutationOptions(),
    onSuccess: async (result) => {
      await queryClient.invalidateQueries({ queryKey: trpc.operators.pathKey() });
      onDone(result);
    },
  });
  return (
    <ReasonDialog
      title={`${t(`operators.statusAction.${action}`)} · ${operator.org.name}`}
      label={t("operators.dialog.reason")}
      required
      note={t("operators.detail.signedNote")}
      pending={change.isPending}
      error={change.error}
      confirmLabel={t(`operators.statusAction.${action}`)}
      onCancel={onClose}
      onConfirm={(reason) => change.mutate({ orgId: operator.org.id, action, reason })}
      testId="status-dialog"
    />
  );
}

function StatusChangeNotice({ change }: { change: TStatusChange }) {
  const { t } = useI18n();
  const a = change.authorizations;
  return (
    <div className="notice notice-success" role="status" data-testid="status-change-notice">
      {t("operators.list.statusChanged", {
        from: t(`operators.status.${change.from}`),
        to: t(`operators.status.${change.to}`),
      })}{" "}
      {t("operators.list.cascade", {
        suspended: a.suspended,
        restored: a.restored,
        revoked: a.revoked,
        rejected: a.rejected,
      })}
    </div>
  );
}
