"use client";

import { COMPUTE_MODE_LABELS } from "@pdx/common/catalog/grade-policy";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import {
  AuthorizationStatusTag,
  EventList,
  operatorStatusKey,
  ScopeTable,
  TermText,
} from "@/app/authorizations/_shared/bits";
import { RequireSession } from "@/components/session";
import { ErrorNotice, Loading } from "@/components/status";
import { useI18n } from "@/lib/i18n/i18n-provider";
import type { TRole } from "@/lib/routes";
import type { TRouterOutputs } from "@/lib/trpc/app-router";
import { useTRPC } from "@/lib/trpc/client";

type TAuthorization = TRouterOutputs["authorizations"]["getAuthorization"];

/** While a chain write waits to be confirmed, look again this often. */
const CHAIN_POLL_MS = 3_000;

/** One authorization: scope, term, signed steps (verified), chain record, the caller's actions, history. */
export function AuthorizationView({ id }: { id: string }) {
  return (
    <RequireSession roles={["operator", "data_source", "regulator", "auditor"]}>
      {(user) => <Authorization id={id} role={user.role} />}
    </RequireSession>
  );
}

function Authorization({ id, role }: { id: string; role: TRole }) {
  const { t, pick, formatDateTime } = useI18n();
  const trpc = useTRPC();
  const authorization = useQuery({
    ...trpc.authorizations.getAuthorization.queryOptions({ id }),
    refetchInterval: (query) =>
      query.state.data?.chainWrites.some((w) => w.status === "pending") ? CHAIN_POLL_MS : false,
  });

  if (authorization.isPending) return <Loading />;
  if (authorization.isError)
    return <ErrorNotice error={authorization.error} onRetry={() => authorization.refetch()} />;
  const a = authorization.data;
  const canSeeScenario = role === "operator" || role === "regulator" || role === "auditor";

  return (
    <div className="page">
      <nav className="breadcrumb">
        <Link href="/authorizations">← {t("authorizations.detail.backToList")}</Link>
      </nav>
      <div className="page-heading">
        <div>
          <p className="az-heading-tags">
            <AuthorizationStatusTag status={a.status} />
            <span className="muted">{t("authorizations.detail.title")}</span>
          </p>
          <h1 data-testid="authorization-title">{a.scenario.title}</h1>
          <p className="muted">{a.operatorOrg.name}</p>
        </div>
      </div>

      {a.statusReason && a.status !== "active" && a.status !== "pending_approval" && (
        <div
          className={`notice ${a.status === "suspended" ? "notice-warning" : "notice-info"}`}
          role="status"
          data-testid="status-reason"
        >
          <strong>{t("authorizations.detail.statusReason")}</strong>{" "}
          {a.suspendedByOperatorStatus ? t("authorizations.detail.suspendedByOperator") : a.statusReason}
        </div>
      )}

      <Actions authorization={a} />

      <div className="detail-grid">
        <section className="card" aria-labelledby="authorization-facts">
          <h2 id="authorization-facts">{t("authorizations.detail.title")}</h2>
          <dl className="kv">
            <div>
              <dt>{t("authorizations.detail.operator")}</dt>
              <dd>{a.operatorOrg.name}</dd>
            </div>
            <div>
              <dt>{t("authorizations.detail.operatorStatus")}</dt>
              <dd>{t(operatorStatusKey(a.operatorStatus))}</dd>
            </div>
            <div>
              <dt>{t("authorizations.detail.mode")}</dt>
              <dd>{pick(COMPUTE_MODE_LABELS[a.computeMode])}</dd>
            </div>
            <div>
              <dt>{t("authorizations.detail.term")}</dt>
              <dd>
                <TermText from={a.validFrom} until={a.validUntil} />
              </dd>
            </div>
            {a.activatedAt && (
              <div>
                <dt>{t("authorizations.detail.activatedAt")}</dt>
                <dd data-testid="activated-at">{formatDateTime(a.activatedAt)}</dd>
              </div>
            )}
          </dl>
        </section>
        <section className="card" aria-labelledby="authorization-scenario">
          <h2 id="authorization-scenario">{t("authorizations.detail.scenario")}</h2>
          <p className="prose">{a.scenario.purpose}</p>
          <dl className="kv">
            <div>
              <dt>{t("authorizations.scenario.beneficiary")}</dt>
              <dd>
                {a.scenario.beneficiaryClass === "public_welfare" ||
                a.scenario.beneficiaryClass === "industry"
                  ? t(`authorizations.beneficiary.${a.scenario.beneficiaryClass}`)
                  : a.scenario.beneficiaryClass}
              </dd>
            </div>
            <div>
              <dt>{t("authorizations.scenario.outputs")}</dt>
              <dd>{a.scenario.expectedOutputs}</dd>
            </div>
            {a.scenario.contentHash && (
              <div>
                <dt>{t("authorizations.scenario.contentHash")}</dt>
                <dd className="mono small break">{a.scenario.contentHash}</dd>
              </div>
            )}
          </dl>
          {canSeeScenario && (
            <p>
              <Link href={`/scenarios/${encodeURIComponent(a.scenario.id)}`}>
                {t("authorizations.detail.viewScenario")} →
              </Link>
            </p>
          )}
        </section>
      </div>

      <section className="card az-section" aria-labelledby="authorization-scope">
        <h2 id="authorization-scope">{t("authorizations.detail.scope")}</h2>
        <ScopeTable scope={a.scope} testId="authorization-scope-table" />
      </section>

      <Steps authorization={a} />
      <Chain authorization={a} />
      <EventList events={a.events} />
    </div>
  );
}

function Steps({ authorization: a }: { authorization: TAuthorization }) {
  const { t, formatDateTime } = useI18n();
  return (
    <section className="card az-section" aria-labelledby="authorization-steps" data-testid="steps">
      <h2 id="authorization-steps">{t("authorizations.detail.steps")}</h2>
      <p className="muted small">{t("authorizations.detail.stepsIntro")}</p>
      <p className="small">
        {t("authorizations.detail.subjectHash")}{" "}
        <span className="mono break" data-testid="subject-hash">
          {a.subjectHash}
        </span>
      </p>
      <ol className="az-steps">
        {a.steps.map((s) => (
          <li
            key={s.step}
            className={`az-step az-step-${s.status}`}
            data-testid="step"
            data-step={s.step}
            data-kind={s.kind}
            data-status={s.status}
          >
            <div className="az-step-head">
              <strong>{s.org ? s.org.name : t("authorizations.detail.stepRegulator")}</strong>
              <span className="muted small">
                {s.kind === "source"
                  ? t("authorizations.detail.stepSource")
                  : t("authorizations.detail.stepRegulator")}
              </span>
              <span className={`tag az-step-tag az-step-tag-${s.status}`} data-testid="step-status">
                {t(`authorizations.detail.stepStatus.${s.status}`)}
              </span>
            </div>
            {s.approval && (
              <dl className="kv az-step-kv">
                <div>
                  <dt>{t("authorizations.detail.signer")}</dt>
                  <dd data-testid="step-signer">
                    {s.approval.signerName} · {s.approval.signerOrgName}
                  </dd>
                </div>
                <div>
                  <dt>{t("authorizations.detail.signedAt")}</dt>
                  <dd>{formatDateTime(s.approval.signedAt)}</dd>
                </div>
                <div>
                  <dt>{t("authorizations.detail.keyId")}</dt>
                  <dd className="mono" data-testid="step-key-id">
                    {s.approval.keyId}
                  </dd>
                </div>
                <div>
                  <dt>{t("authorizations.detail.signature")}</dt>
                  <dd>
                    <span
                      className={s.approval.verified ? "ok" : "bad"}
                      data-testid="step-verified"
                      data-ok={String(s.approval.verified)}
                      title={s.approval.checks.map((c) => c.detail).join("\n")}
                    >
                      {s.approval.verified
                        ? t("authorizations.detail.verified")
                        : t("authorizations.detail.notVerified")}
                    </span>
                    <div className="mono small break muted">{s.approval.signature}</div>
                  </dd>
                </div>
                {s.approval.comment && (
                  <div>
                    <dt>{t("authorizations.detail.comment")}</dt>
                    <dd data-testid="step-comment">{s.approval.comment}</dd>
                  </div>
                )}
              </dl>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}

function Chain({ authorization: a }: { authorization: TAuthorization }) {
  const { t, formatDateTime, formatNumber } = useI18n();
  return (
    <section className="card az-section" aria-labelledby="authorization-chain" data-testid="chain">
      <h2 id="authorization-chain">{t("authorizations.detail.chain")}</h2>
      <p className="muted small">{t("authorizations.detail.chainIntro")}</p>
      <dl className="kv">
        <div>
          <dt>{t("authorizations.detail.chainId")}</dt>
          <dd className="mono small break">{a.chain.authorizationId}</dd>
        </div>
        <div>
          <dt>{t("authorizations.detail.operatorChainId")}</dt>
          <dd className="mono small break">{a.chain.operatorId}</dd>
        </div>
        <div>
          <dt>{t("authorizations.detail.scopeHash")}</dt>
          <dd className="mono small break" data-testid="scope-hash">
            {a.chain.scopeHash}
          </dd>
        </div>
        <div>
          <dt>{t("authorizations.detail.scenarioHash")}</dt>
          <dd className="mono small break">{a.chain.scenarioHash}</dd>
        </div>
      </dl>
      <h3>{t("authorizations.detail.chainWrites")}</h3>
      {a.chainWrites.length === 0 ? (
        <p className="muted" data-testid="no-chain-writes">
          {t("authorizations.detail.noChainWrites")}
        </p>
      ) : (
        <div className="table-scroll">
          <table className="table" data-testid="chain-writes">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t("authorizations.list.col.status")}</th>
                <th scope="col">{t("authorizations.detail.txHash")}</th>
                <th scope="col" className="num">
                  {t("authorizations.detail.block")}
                </th>
                <th scope="col" className="num">
                  {t("authorizations.detail.attempts")}
                </th>
              </tr>
            </thead>
            <tbody>
              {a.chainWrites.map((w) => (
                <tr key={w.id} data-testid="chain-write" data-kind={w.kind} data-status={w.status}>
                  <td>
                    {w.kind === "authorization.record" || w.kind === "authorization.status"
                      ? t(`authorizations.detail.chainKind.${w.kind}`)
                      : w.kind}
                    <div className="muted small nowrap">{formatDateTime(w.createdAt)}</div>
                  </td>
                  <td>
                    <span className={w.status === "confirmed" ? "tag tag-ok" : "tag tag-pending"}>
                      {t(`authorizations.detail.chainStatus.${w.status}`)}
                    </span>
                    {w.lastError && (
                      <div className="bad small" title={t("authorizations.detail.lastError")}>
                        {w.lastError}
                      </div>
                    )}
                  </td>
                  <td className="mono small break" data-testid="chain-tx">
                    {w.txHash ?? "—"}
                  </td>
                  <td className="num">{w.blockNumber === null ? "—" : formatNumber(w.blockNumber, 0)}</td>
                  <td className="num">{w.attempts}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** The caller's own actions: sign its open step, or the regulator's suspend / resume / revoke. */
function Actions({ authorization: a }: { authorization: TAuthorization }) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [comment, setComment] = useState("");
  const [reason, setReason] = useState("");
  const onSuccess = async () => {
    setComment("");
    setReason("");
    await queryClient.invalidateQueries({ queryKey: trpc.authorizations.pathKey() });
  };
  const approve = useMutation({ ...trpc.authorizations.approve.mutationOptions(), onSuccess });
  const reject = useMutation({ ...trpc.authorizations.reject.mutationOptions(), onSuccess });
  const suspend = useMutation({ ...trpc.authorizations.suspend.mutationOptions(), onSuccess });
  const resume = useMutation({ ...trpc.authorizations.resume.mutationOptions(), onSuccess });
  const revoke = useMutation({ ...trpc.authorizations.revoke.mutationOptions(), onSuccess });
  const busy = [approve, reject, suspend, resume, revoke].some((m) => m.isPending);
  const error = approve.error ?? reject.error ?? suspend.error ?? resume.error ?? revoke.error;
  const actions = a.allowedActions;
  const supervision = actions.filter((x) => x === "suspend" || x === "resume" || x === "revoke");

  if (actions.length === 0) return null;
  return (
    <section
      className="card az-actions"
      aria-labelledby="authorization-actions"
      data-testid="authorization-actions"
    >
      {a.myStep && (
        <>
          <h2 id="authorization-actions">{t("authorizations.detail.myStep")}</h2>
          <p className="muted small">{t("authorizations.detail.myStepIntro")}</p>
          <label className="field">
            <span className="field-label">{t("authorizations.detail.comment")}</span>
            <textarea
              value={comment}
              onChange={(e) => setComment(e.target.value)}
              maxLength={2000}
              data-testid="approval-comment"
            />
          </label>
          <div className="card-actions">
            <button
              type="button"
              className="button button-primary"
              disabled={busy}
              onClick={() => approve.mutate({ id: a.id, step: a.myStep ?? "", comment })}
              data-testid="approve"
            >
              {busy ? t("authorizations.detail.working") : t("authorizations.detail.approve")}
            </button>
            <button
              type="button"
              className="button button-danger"
              disabled={busy || comment.trim().length === 0}
              onClick={() => reject.mutate({ id: a.id, step: a.myStep ?? "", comment })}
              data-testid="reject"
            >
              {t("authorizations.detail.reject")}
            </button>
          </div>
        </>
      )}
      {supervision.length > 0 && (
        <>
          <h2 id={a.myStep ? undefined : "authorization-actions"}>
            {t("authorizations.detail.regulatorActions")}
          </h2>
          <label className="field">
            <span className="field-label">{t("authorizations.detail.reason")}</span>
            <textarea
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              maxLength={2000}
              data-testid="status-reason-input"
            />
          </label>
          <div className="card-actions">
            {supervision.includes("suspend") && (
              <button
                type="button"
                className="button"
                disabled={busy || reason.trim().length === 0}
                onClick={() => suspend.mutate({ id: a.id, reason })}
                data-testid="suspend"
              >
                {t("authorizations.detail.suspend")}
              </button>
            )}
            {supervision.includes("resume") && (
              <button
                type="button"
                className="button button-primary"
                disabled={busy || reason.trim().length === 0}
                onClick={() => resume.mutate({ id: a.id, reason })}
                data-testid="resume"
              >
                {t("authorizations.detail.resume")}
              </button>
            )}
            {supervision.includes("revoke") && (
              <button
                type="button"
                className="button button-danger"
                disabled={busy || reason.trim().length === 0}
                onClick={() => revoke.mutate({ id: a.id, reason })}
                title={t("authorizations.detail.revokeHint")}
                data-testid="revoke"
              >
                {t("authorizations.detail.revoke")}
              </button>
            )}
          </div>
        </>
      )}
      {error && <ErrorNotice error={error} />}
    </section>
  );
}
