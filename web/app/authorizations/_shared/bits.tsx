"use client";

/** Pieces shared by the scenario and authorization pages: status tags, tabs, scope table, history. */
import { GRADE_LABELS, type TGrade } from "@pdx/common/catalog/dataset-entry";
import { FIELD_ACCESS_LABELS, type TFieldAccess } from "@pdx/common/catalog/grade-policy";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useI18n } from "@/lib/i18n/i18n-provider";
import type { TMessageKey } from "@/lib/i18n/types";
import type { TRole } from "@/lib/routes";
import type { TRouterOutputs } from "@/lib/trpc/app-router";

export type TScenarioStatus = TRouterOutputs["authorizations"]["getScenario"]["status"];
export type TAuthorizationStatus = TRouterOutputs["authorizations"]["getAuthorization"]["status"];
type TResolvedScope = TRouterOutputs["authorizations"]["getScenario"]["requestedScope"];
type TEvents = TRouterOutputs["authorizations"]["getScenario"]["events"];

export const SCENARIO_STATUSES: readonly TScenarioStatus[] = [
  "draft",
  "filed",
  "accepted",
  "rejected",
  "withdrawn",
];
export const AUTHORIZATION_STATUSES: readonly TAuthorizationStatus[] = [
  "pending_approval",
  "active",
  "suspended",
  "revoked",
  "expired",
  "rejected",
];

const SCENARIO_TONE: Record<TScenarioStatus, string> = {
  draft: "az-tone-neutral",
  filed: "az-tone-waiting",
  accepted: "az-tone-ok",
  rejected: "az-tone-bad",
  withdrawn: "az-tone-muted",
};

const AUTHORIZATION_TONE: Record<TAuthorizationStatus, string> = {
  pending_approval: "az-tone-waiting",
  active: "az-tone-ok",
  suspended: "az-tone-warn",
  revoked: "az-tone-bad",
  expired: "az-tone-muted",
  rejected: "az-tone-bad",
};

/** A scenario's filing status as a coloured tag. */
export function ScenarioStatusTag({ status }: { status: TScenarioStatus }) {
  const { t } = useI18n();
  return (
    <span
      className={`tag az-status ${SCENARIO_TONE[status]}`}
      data-testid="scenario-status"
      data-status={status}
    >
      {t(`authorizations.scenarioStatus.${status}`)}
    </span>
  );
}

/** An authorization's status as a coloured tag (生效 / 已暂停 …). */
export function AuthorizationStatusTag({
  status,
  testId = "authorization-status",
}: {
  status: string;
  testId?: string;
}) {
  const { t } = useI18n();
  const known = (AUTHORIZATION_STATUSES as readonly string[]).includes(status)
    ? (status as TAuthorizationStatus)
    : null;
  return (
    <span
      className={`tag az-status ${known ? AUTHORIZATION_TONE[known] : "az-tone-neutral"}`}
      data-testid={testId}
      data-status={status}
    >
      {known ? t(`authorizations.status.${known}`) : status}
    </span>
  );
}

/** An operator's admission status in words. */
export function operatorStatusKey(status: string | null): TMessageKey {
  switch (status) {
    case "admitted":
    case "rectifying":
    case "suspended":
    case "terminated":
      return `authorizations.operatorStatus.${status}`;
    default:
      return "authorizations.operatorStatus.none";
  }
}

/** A grade (核心 / 重要 / 一般) as a tag with its explanation as tooltip. */
export function GradeTag({ grade }: { grade: TGrade | null }) {
  const { pick } = useI18n();
  if (!grade) return <span className="muted">—</span>;
  const label = GRADE_LABELS[grade];
  return (
    <span className={`tag az-grade az-grade-${grade}`} title={pick(label.description)} data-grade={grade}>
      {pick(label)}
    </span>
  );
}

/** What the grade policy lets a field do in a computation mode, as a tag. */
export function AccessTag({ access }: { access: TFieldAccess }) {
  const { pick } = useI18n();
  const label = FIELD_ACCESS_LABELS[access];
  return (
    <span
      className={`tag az-access ${access === "never" ? "az-access-never" : "az-access-ok"}`}
      title={pick(label.description)}
      data-access={access}
    >
      {pick(label)}
    </span>
  );
}

/** Tabs between scenario filings and authorization agreements (for the roles that use both). */
export function AreaTabs({ role }: { role: TRole }) {
  const { t } = useI18n();
  const pathname = usePathname();
  const tabs: { href: string; label: TMessageKey; roles: readonly TRole[] }[] = [
    {
      href: "/scenarios",
      label: "authorizations.tabs.scenarios",
      roles: ["operator", "regulator", "auditor"],
    },
    {
      href: "/authorizations",
      label: "authorizations.tabs.authorizations",
      roles: ["operator", "data_source", "regulator", "auditor"],
    },
  ];
  const visible = tabs.filter((tab) => tab.roles.includes(role));
  if (visible.length < 2) return null;
  return (
    <nav className="az-tabs" aria-label={t("authorizations.tabs.label")}>
      {visible.map((tab) => {
        const current = pathname === tab.href || pathname.startsWith(`${tab.href}/`);
        return (
          <Link
            key={tab.href}
            href={tab.href}
            className={current ? "az-tab az-tab-current" : "az-tab"}
            aria-current={current ? "page" : undefined}
            data-testid={`tab-${tab.href.slice(1)}`}
          >
            {t(tab.label)}
          </Link>
        );
      })}
    </nav>
  );
}

/** A scope resolved against the catalog: dataset, source, fields with label, grade and access. */
export function ScopeTable({ scope, testId }: { scope: TResolvedScope; testId: string }) {
  const { t, pick } = useI18n();
  return (
    <div className="table-scroll">
      <table className="table az-scope" data-testid={testId}>
        <thead>
          <tr>
            <th scope="col">{t("authorizations.scenarios.col.datasets")}</th>
            <th scope="col">{t("authorizations.field.name")}</th>
            <th scope="col">{t("authorizations.field.label")}</th>
            <th scope="col">{t("authorizations.field.grade")}</th>
            <th scope="col">{t("authorizations.field.access")}</th>
          </tr>
        </thead>
        <tbody>
          {scope.flatMap((dataset) =>
            dataset.fields.map((field, i) => (
              <tr
                key={`${dataset.datasetCode}.${field.name}`}
                data-testid="scope-field"
                data-dataset={dataset.datasetCode}
                data-field={field.name}
              >
                {i === 0 && (
                  <th scope="rowgroup" rowSpan={dataset.fields.length} className="az-scope-dataset">
                    <div>{dataset.name ? pick(dataset.name) : dataset.datasetCode}</div>
                    <div className="mono muted small">{dataset.datasetCode}</div>
                    {dataset.sourceOrg && <div className="muted small">{dataset.sourceOrg.name}</div>}
                  </th>
                )}
                <td className="mono">{field.name}</td>
                <td>{field.label ? pick(field.label) : t("authorizations.field.missing")}</td>
                <td>
                  <GradeTag grade={field.grade} />
                </td>
                <td>
                  <AccessTag access={field.access} />
                </td>
              </tr>
            )),
          )}
        </tbody>
      </table>
    </div>
  );
}

/** Problems that would prevent authorizing a scope today (catalog or grading changed). */
export function ScopeProblems({ scope }: { scope: TResolvedScope }) {
  const { t } = useI18n();
  const problems = scope.flatMap((d) => d.problems);
  if (problems.length === 0) return null;
  return (
    <div className="notice notice-warning" role="alert" data-testid="scope-problems">
      {t("authorizations.scenario.scopeProblems")}
      <ul className="az-problems">
        {problems.map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
    </div>
  );
}

const EVENT_KEYS: Record<string, TMessageKey> = {
  "scenario.create": "authorizations.event.scenario.create",
  "scenario.update": "authorizations.event.scenario.update",
  "scenario.file": "authorizations.event.scenario.file",
  "scenario.accept": "authorizations.event.scenario.accept",
  "scenario.reject": "authorizations.event.scenario.reject",
  "scenario.withdraw": "authorizations.event.scenario.withdraw",
  "authorization.apply": "authorizations.event.authorization.apply",
  "authorization.approve": "authorizations.event.authorization.approve",
  "authorization.reject": "authorizations.event.authorization.reject",
  "authorization.activate": "authorizations.event.authorization.activate",
  "authorization.suspend": "authorizations.event.authorization.suspend",
  "authorization.resume": "authorizations.event.authorization.resume",
  "authorization.revoke": "authorizations.event.authorization.revoke",
  "authorization.expire": "authorizations.event.authorization.expire",
};

/** The audit events of a scenario or an authorization, oldest first. */
export function EventList({ events }: { events: TEvents }) {
  const { t, formatDateTime } = useI18n();
  return (
    <section className="card" aria-labelledby="az-events-title" data-testid="events">
      <h2 id="az-events-title">{t("authorizations.events.title")}</h2>
      <ol className="az-events">
        {events.map((e) => {
          const key = EVENT_KEYS[e.action];
          const reason = typeof e.detail.reason === "string" ? e.detail.reason : null;
          return (
            <li key={e.seq} className="az-event" data-testid="event" data-action={e.action}>
              <div className="az-event-head">
                <strong>{key ? t(key) : e.action}</strong>
                {e.approvalId && <span className="tag tag-ok">{t("authorizations.events.signed")}</span>}
                <span className="muted small nowrap">{formatDateTime(e.occurredAt)}</span>
              </div>
              <div className="muted small">
                {e.actorName
                  ? `${e.actorName}${e.actorOrgName ? ` · ${e.actorOrgName}` : ""}`
                  : t("authorizations.events.system")}
                {" · "}
                <span className="mono">#{e.seq}</span>
              </div>
              {reason && <div className="az-event-reason">{reason}</div>}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

/** A date-time range "from – until". */
export function TermText({ from, until }: { from: string; until: string }) {
  const { formatDateTime } = useI18n();
  return (
    <span className="nowrap" data-testid="term">
      {formatDateTime(from)} – {formatDateTime(until)}
    </span>
  );
}
