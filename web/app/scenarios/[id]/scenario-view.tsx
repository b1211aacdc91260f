"use client";

import { COMPUTE_MODE_LABELS } from "@pdx/common/catalog/grade-policy";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import {
  AuthorizationStatusTag,
  EventList,
  operatorStatusKey,
  ScenarioStatusTag,
  ScopeProblems,
  ScopeTable,
} from "@/app/authorizations/_shared/bits";
import { RequireSession } from "@/components/session";
import { ErrorNotice, Loading } from "@/components/status";
import { useI18n } from "@/lib/i18n/i18n-provider";
import type { TRouterOutputs } from "@/lib/trpc/app-router";
import { useTRPC } from "@/lib/trpc/client";
import { ScenarioForm } from "../scenario-form";

type TScenario = TRouterOutputs["authorizations"]["getScenario"];

/** One scenario: its content and scope, what the caller may do with it, its authorization and history. */
export function ScenarioView({ id }: { id: string }) {
  return (
    <RequireSession roles={["operator", "regulator", "auditor"]}>{() => <Scenario id={id} />}</RequireSession>
  );
}

function Scenario({ id }: { id: string }) {
  const { t, pick, formatDateTime } = useI18n();
  const trpc = useTRPC();
  const scenario = useQuery(trpc.authorizations.getScenario.queryOptions({ id }));
  const [editing, setEditing] = useState(false);

  if (scenario.isPending) return <Loading />;
  if (scenario.isError) return <ErrorNotice error={scenario.error} onRetry={() => scenario.refetch()} />;
  const s = scenario.data;

  return (
    <div className="page">
      <nav className="breadcrumb">
        <Link href="/scenarios">← {t("authorizations.scenario.backToList")}</Link>
      </nav>
      <div className="page-heading">
        <div>
          <p className="az-heading-tags">
            <ScenarioStatusTag status={s.status} />
            <span className="muted">{s.operatorOrg.name}</span>
          </p>
          <h1 data-testid="scenario-title">{s.title}</h1>
        </div>
      </div>

      {editing ? (
        <section className="card">
          <h2>{t("authorizations.form.editTitle")}</h2>
          <ScenarioForm
            scenarioId={s.id}
            initial={{
              title: s.title,
              purpose: s.purpose,
              beneficiaryClass: s.beneficiaryClass,
              computeMode: s.computeMode,
              expectedOutputs: s.expectedOutputs,
              requestedScope: s.requestedScope.map((d) => ({
                datasetCode: d.datasetCode,
                fields: d.fields.map((f) => f.name),
              })),
            }}
            onSaved={() => setEditing(false)}
            onCancel={() => setEditing(false)}
          />
        </section>
      ) : (
        <ScenarioActions scenario={s} onEdit={() => setEditing(true)} />
      )}

      <div className="detail-grid">
        <section className="card" aria-labelledby="scenario-facts">
          <h2 id="scenario-facts">{t("authorizations.scenario.purpose")}</h2>
          <p className="prose" data-testid="scenario-purpose">
            {s.purpose}
          </p>
          <h2>{t("authorizations.scenario.outputs")}</h2>
          <p className="prose">{s.expectedOutputs}</p>
        </section>
        <section className="card">
          <dl className="kv">
            <div>
              <dt>{t("authorizations.scenario.operator")}</dt>
              <dd>{s.operatorOrg.name}</dd>
            </div>
            <div>
              <dt>{t("authorizations.scenario.operatorStatus")}</dt>
              <dd data-testid="operator-status">{t(operatorStatusKey(s.operatorStatus))}</dd>
            </div>
            <div>
              <dt>{t("authorizations.scenario.beneficiary")}</dt>
              <dd>{t(`authorizations.beneficiary.${s.beneficiaryClass}`)}</dd>
            </div>
            <div>
              <dt>{t("authorizations.scenario.mode")}</dt>
              <dd data-testid="scenario-mode">{pick(COMPUTE_MODE_LABELS[s.computeMode])}</dd>
            </div>
            {s.filedAt && (
              <div>
                <dt>{t("authorizations.scenario.filedAt")}</dt>
                <dd>{formatDateTime(s.filedAt)}</dd>
              </div>
            )}
            {s.decidedAt && (
              <div>
                <dt>{t("authorizations.scenario.decidedAt")}</dt>
                <dd>{formatDateTime(s.decidedAt)}</dd>
              </div>
            )}
            {s.contentHash && (
              <div>
                <dt>{t("authorizations.scenario.contentHash")}</dt>
                <dd className="mono small break" data-testid="content-hash">
                  {s.contentHash}
                </dd>
              </div>
            )}
            {s.reason && (
              <div>
                <dt>{t("authorizations.scenario.reason")}</dt>
                <dd data-testid="scenario-reason">{s.reason}</dd>
              </div>
            )}
            {s.authorization && (
              <div>
                <dt>{t("authorizations.scenario.authorization")}</dt>
                <dd>
                  <Link
                    href={`/authorizations/${encodeURIComponent(s.authorization.id)}`}
                    data-testid="scenario-authorization-link"
                  >
                    <AuthorizationStatusTag
                      status={s.authorization.status}
                      testId="scenario-authorization-status"
                    />{" "}
                    {t("authorizations.scenario.viewAuthorization")}
                  </Link>
                </dd>
              </div>
            )}
          </dl>
        </section>
      </div>

      <section className="card az-section" aria-labelledby="scenario-scope">
        <h2 id="scenario-scope">{t("authorizations.scenario.scope")}</h2>
        {(s.status === "draft" || s.status === "filed" || s.status === "accepted") && (
          <ScopeProblems scope={s.requestedScope} />
        )}
        <ScopeTable scope={s.requestedScope} testId="scenario-scope-table" />
      </section>

      <EventList events={s.events} />
    </div>
  );
}

/** The buttons of the actions the caller may take; "apply" opens the application form. */
function ScenarioActions({ scenario: s, onEdit }: { scenario: TScenario; onEdit: () => void }) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState("");
  const onSuccess = () => queryClient.invalidateQueries({ queryKey: trpc.authorizations.pathKey() });
  const file = useMutation({ ...trpc.authorizations.fileScenario.mutationOptions(), onSuccess });
  const withdraw = useMutation({ ...trpc.authorizations.withdrawScenario.mutationOptions(), onSuccess });
  const accept = useMutation({ ...trpc.authorizations.acceptScenario.mutationOptions(), onSuccess });
  const reject = useMutation({ ...trpc.authorizations.rejectScenario.mutationOptions(), onSuccess });
  const busy = file.isPending || withdraw.isPending || accept.isPending || reject.isPending;
  const error = file.error ?? withdraw.error ?? accept.error ?? reject.error;
  const actions = s.allowedActions;
  const buttons = actions.filter((a) => a !== "apply");

  return (
    <>
      {buttons.length > 0 && (
        <section
          className="card az-actions"
          aria-labelledby="scenario-actions-title"
          data-testid="scenario-actions"
        >
          <h2 id="scenario-actions-title">{t("authorizations.scenario.actions")}</h2>
          {s.operatorStatus !== "admitted" && actions.includes("file") && (
            <div className="notice notice-warning" role="status">
              {t("authorizations.scenario.notAdmittedHint")}
            </div>
          )}
          {actions.includes("reject") && (
            <label className="field">
              <span className="field-label">{t("authorizations.scenario.rejectReason")}</span>
              <textarea
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                maxLength={2000}
                data-testid="scenario-reject-reason"
              />
            </label>
          )}
          <div className="card-actions">
            {actions.includes("edit") && (
              <button
                type="button"
                className="button"
                onClick={onEdit}
                disabled={busy}
                data-testid="scenario-edit"
              >
                {t("authorizations.scenario.edit")}
              </button>
            )}
            {actions.includes("file") && (
              <button
                type="button"
                className="button button-primary"
                onClick={() => file.mutate({ id: s.id })}
                disabled={busy}
                data-testid="scenario-file"
              >
                {t("authorizations.scenario.file")}
              </button>
            )}
            {actions.includes("withdraw") && (
              <button
                type="button"
                className="button button-danger"
                onClick={() => withdraw.mutate({ id: s.id })}
                disabled={busy}
                data-testid="scenario-withdraw"
              >
                {t("authorizations.scenario.withdraw")}
              </button>
            )}
            {actions.includes("accept") && (
              <button
                type="button"
                className="button button-primary"
                onClick={() => accept.mutate({ id: s.id })}
                disabled={busy}
                data-testid="scenario-accept"
              >
                {t("authorizations.scenario.accept")}
              </button>
            )}
            {actions.includes("reject") && (
              <button
                type="button"
                className="button button-danger"
                onClick={() => reject.mutate({ id: s.id, reason })}
                disabled={busy || reason.trim().length === 0}
                data-testid="scenario-reject"
              >
                {t("authorizations.scenario.reject")}
              </button>
            )}
          </div>
          {error && <ErrorNotice error={error} />}
        </section>
      )}
      {actions.includes("apply") && <ApplyPanel scenario={s} />}
    </>
  );
}

const pad = (n: number) => String(n).padStart(2, "0");
const dateInputValue = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

/**
 * The term: from the chosen day (now, when it is today, so it does not start in the past) for
 * whole years. Any number of years may be entered; the server refuses more than 5.
 */
function termOf(fromDate: string, years: number): { validFrom: Date; validUntil: Date } | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(fromDate) || !Number.isInteger(years) || years < 1) return null;
  const today = dateInputValue(new Date());
  const validFrom = fromDate === today ? new Date() : new Date(`${fromDate}T00:00:00`);
  if (Number.isNaN(validFrom.getTime())) return null;
  const validUntil = new Date(validFrom);
  validUntil.setFullYear(validUntil.getFullYear() + years);
  return { validFrom, validUntil };
}

/** The operator's application for the authorization of its accepted scenario. */
function ApplyPanel({ scenario: s }: { scenario: TScenario }) {
  const { t, pick, formatDateTime } = useI18n();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [chosen, setChosen] = useState<Set<string>>(
    () => new Set(s.requestedScope.flatMap((d) => d.fields.map((f) => `${d.datasetCode}.${f.name}`))),
  );
  const [fromDate, setFromDate] = useState(() => dateInputValue(new Date()));
  const [years, setYears] = useState("3");
  const apply = useMutation({
    ...trpc.authorizations.applyForAuthorization.mutationOptions(),
    onSuccess: async (r) => {
      await queryClient.invalidateQueries({ queryKey: trpc.authorizations.pathKey() });
      router.push(`/authorizations/${encodeURIComponent(r.id)}`);
    },
  });
  const term = termOf(fromDate, Number(years));

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!term) return;
    const scope = s.requestedScope
      .map((d) => ({
        datasetCode: d.datasetCode,
        fields: d.fields.map((f) => f.name).filter((f) => chosen.has(`${d.datasetCode}.${f}`)),
      }))
      .filter((d) => d.fields.length > 0);
    apply.mutate({
      scenarioId: s.id,
      scope,
      validFrom: term.validFrom.toISOString(),
      validUntil: term.validUntil.toISOString(),
    });
  }

  return (
    <section className="card az-actions" aria-labelledby="apply-title" data-testid="apply-panel">
      <h2 id="apply-title">{t("authorizations.apply.title")}</h2>
      <p className="muted">{t("authorizations.apply.intro")}</p>
      <form className="form" onSubmit={submit}>
        <div className="az-apply-fields">
          {s.requestedScope.map((d) => (
            <fieldset key={d.datasetCode} className="az-apply-dataset">
              <legend>
                {d.name ? pick(d.name) : d.datasetCode}{" "}
                <span className="mono muted small">{d.datasetCode}</span>
              </legend>
              {d.fields.map((f) => {
                const key = `${d.datasetCode}.${f.name}`;
                return (
                  <label key={key} className="field-checkbox">
                    <input
                      type="checkbox"
                      checked={chosen.has(key)}
                      onChange={(e) =>
                        setChosen((current) => {
                          const next = new Set(current);
                          if (e.target.checked) next.add(key);
                          else next.delete(key);
                          return next;
                        })
                      }
                      data-testid="apply-field"
                      data-dataset={d.datasetCode}
                      data-field={f.name}
                    />
                    <span className="mono">{f.name}</span>
                    <span>{f.label ? pick(f.label) : ""}</span>
                  </label>
                );
              })}
            </fieldset>
          ))}
        </div>
        <div className="az-form-row">
          <label className="field">
            <span className="field-label">{t("authorizations.apply.validFrom")}</span>
            <input
              type="date"
              value={fromDate}
              onChange={(e) => setFromDate(e.target.value)}
              required
              data-testid="apply-valid-from"
            />
          </label>
          <label className="field">
            <span className="field-label">{t("authorizations.apply.termYears")}</span>
            <input
              type="number"
              min={1}
              max={10}
              step={1}
              value={years}
              onChange={(e) => setYears(e.target.value)}
              required
              data-testid="apply-term-years"
            />
            <span className="muted small">{t("authorizations.apply.maxTerm")}</span>
          </label>
          <div className="field">
            <span className="field-label">{t("authorizations.apply.validUntil")}</span>
            <span data-testid="apply-valid-until">
              {term ? formatDateTime(term.validUntil.toISOString()) : "—"}
            </span>
          </div>
        </div>
        {apply.error && <ErrorNotice error={apply.error} />}
        <div className="card-actions">
          <button
            type="submit"
            className="button button-primary"
            disabled={apply.isPending || !term || chosen.size === 0}
            data-testid="apply-submit"
          >
            {apply.isPending ? t("authorizations.apply.submitting") : t("authorizations.apply.submit")}
          </button>
        </div>
      </form>
    </section>
  );
}
