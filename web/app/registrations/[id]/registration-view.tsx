"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { type FormEvent, useState } from "react";
import { RequireSession } from "@/components/session";
import { ErrorNotice, Loading } from "@/components/status";
import { useI18n } from "@/lib/i18n/i18n-provider";
import type { TMessageKey } from "@/lib/i18n/types";
import type { TRouterOutputs } from "@/lib/trpc/app-router";
import { useTRPC } from "@/lib/trpc/client";
import { ChainWriteList, KindText, RegistrationStatusTag } from "../../datasets/catalog-badges";
import { DataDictionary, EntryFacts } from "../../datasets/entry-parts";

type TRegistration = TRouterOutputs["registrations"]["get"];
type TAction = TRegistration["allowedActions"][number];

/** Actions that need a reason (required) or take an optional comment, and which are signed. */
const NEEDS_REASON: readonly TAction[] = ["return", "reject", "object", "deregister"];
const TAKES_COMMENT: readonly TAction[] = ["review"];
const SIGNED: readonly TAction[] = ["review", "reject"];

/** One registration: entry, progress, the caller's actions, signed approvals, chain record, trail. */
export function RegistrationView({ id }: { id: string }) {
  return (
    <RequireSession roles={["data_source", "regulator", "auditor"]}>
      {() => <Registration id={id} />}
    </RequireSession>
  );
}

function Registration({ id }: { id: string }) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const registration = useQuery(trpc.registrations.get.queryOptions({ id }));
  return (
    <div className="page">
      <nav className="breadcrumb">
        <Link href="/registrations">← {t("registrations.backToList")}</Link>
      </nav>
      {registration.isPending && <Loading />}
      {registration.isError && (
        <ErrorNotice error={registration.error} onRetry={() => registration.refetch()} />
      )}
      {registration.data && <RegistrationDetail r={registration.data} />}
    </div>
  );
}

function RegistrationDetail({ r }: { r: TRegistration }) {
  const { t, pick, formatDateTime } = useI18n();
  const when = (iso: string | null) => (iso ? formatDateTime(iso) : "—");
  return (
    <>
      <div className="page-heading">
        <div>
          <h1 data-testid="registration-title">{pick(r.name)}</h1>
          <p className="cat-heading-tags">
            <span className="tag tag-code mono">{r.datasetCode}</span>
            <span className="tag" data-testid="registration-kind" data-kind={r.kind}>
              <KindText kind={r.kind} />
            </span>
            <RegistrationStatusTag status={r.status} />
          </p>
        </div>
        {r.canEdit && (
          <Link className="button" href={`/registrations/${r.id}/edit`} data-testid="reg-edit">
            {t("registrations.edit")}
          </Link>
        )}
      </div>

      {r.reason && ["returned", "rejected", "deregistered"].includes(r.status) && (
        <div className="notice notice-warning" data-testid="registration-reason">
          {t("registrations.info.reason")}: {r.reason}
        </div>
      )}

      <Timeline r={r} />
      <Actions r={r} />

      <div className="detail-grid">
        <section className="card" aria-labelledby="info-title">
          <h2 id="info-title">{t("registrations.info")}</h2>
          <dl className="kv">
            <div>
              <dt>{t("registrations.info.source")}</dt>
              <dd data-testid="registration-source">{r.sourceOrg.name}</dd>
            </div>
            <div>
              <dt>{t("registrations.info.createdBy")}</dt>
              <dd>
                {r.createdBy.name} · {when(r.createdAt)}
              </dd>
            </div>
            <div>
              <dt>{t("registrations.info.submittedAt")}</dt>
              <dd>{when(r.submittedAt)}</dd>
            </div>
            {r.noticeEndsAt && (
              <div>
                <dt>{t("registrations.info.noticeEndsAt")}</dt>
                <dd data-testid="notice-ends-at">{when(r.noticeEndsAt)}</dd>
              </div>
            )}
            <div>
              <dt>{t("registrations.info.code")}</dt>
              <dd className="mono" data-testid="registration-code">
                {r.registrationCode ?? "—"}
              </dd>
            </div>
            <div>
              <dt>{t("registrations.info.validFrom")}</dt>
              <dd>{when(r.validFrom)}</dd>
            </div>
            <div>
              <dt>{t("registrations.info.validUntil")}</dt>
              <dd data-testid="registration-valid-until">{when(r.validUntil)}</dd>
            </div>
            <div>
              <dt>{t("registrations.info.entryHash")}</dt>
              <dd className="mono small break" data-testid="entry-hash">
                {r.entryHash}
              </dd>
            </div>
            {r.previousRegistrationId && (
              <div>
                <dt>{t("registrations.info.previous")}</dt>
                <dd>
                  <Link href={`/registrations/${r.previousRegistrationId}`} className="mono small">
                    {r.previousRegistrationId}
                  </Link>
                </dd>
              </div>
            )}
            {r.status === "coded" && (
              <div>
                <dt>{t("registrations.info.dataset")}</dt>
                <dd>
                  <Link href={`/datasets/${encodeURIComponent(r.datasetCode)}`} data-testid="dataset-link">
                    {r.datasetCode}
                  </Link>
                </dd>
              </div>
            )}
          </dl>
          <h3>{t("registrations.chain")}</h3>
          <ChainWriteList writes={r.chainWrites} />
        </section>

        <section className="card" aria-labelledby="entry-title">
          <h2 id="entry-title">{t("registrations.entry")}</h2>
          <p className="muted">{pick(r.entry.description)}</p>
          <EntryFacts entry={r.entry} />
        </section>
      </div>

      <section className="card cat-section" aria-labelledby="fields-title">
        <h2 id="fields-title">{t("datasets.dictionary")}</h2>
        <DataDictionary entry={r.entry} />
      </section>

      <Approvals r={r} />
      <Events r={r} />
    </>
  );
}

const STEPS = ["created", "submitted", "accepted", "reviewed", "public_notice", "coded"] as const;
/** How far along the main path each status is (index into STEPS). */
const REACHED: Record<TRegistration["status"], number> = {
  draft: 0,
  returned: 1,
  withdrawn: 0,
  submitted: 1,
  accepted: 2,
  rejected: 2,
  reviewed: 3,
  public_notice: 4,
  coded: 5,
  superseded: 5,
  deregistered: 5,
  expired: 5,
};

function Timeline({ r }: { r: TRegistration }) {
  const { t } = useI18n();
  const reached = REACHED[r.status];
  const skipsNotice = r.kind === "correction";
  return (
    <ol className="cat-timeline" aria-label={t("registrations.timeline")} data-testid="registration-timeline">
      {STEPS.filter((s) => !(skipsNotice && s === "public_notice")).map((step) => {
        const index = STEPS.indexOf(step);
        const state = index < reached ? "done" : index === reached ? "current" : "todo";
        return (
          <li key={step} className={`cat-step cat-step-${state}`} data-step={step} data-state={state}>
            {t(`registrations.step.${step}` as TMessageKey)}
          </li>
        );
      })}
    </ol>
  );
}

/** The buttons the server allows the caller now; reasons and comments in an inline dialog. */
function Actions({ r }: { r: TRegistration }) {
  const { t, formatDateTime } = useI18n();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState<TAction | null>(null);
  const [text, setText] = useState("");
  const [missingReason, setMissingReason] = useState(false);
  const onSuccess = async () => {
    setOpen(null);
    setText("");
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.registrations.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.datasets.pathKey() }),
    ]);
  };
  const m = {
    submit: useMutation({ ...trpc.registrations.submit.mutationOptions(), onSuccess }),
    withdraw: useMutation({ ...trpc.registrations.withdraw.mutationOptions(), onSuccess }),
    accept: useMutation({ ...trpc.registrations.accept.mutationOptions(), onSuccess }),
    return: useMutation({ ...trpc.registrations.return.mutationOptions(), onSuccess }),
    review: useMutation({ ...trpc.registrations.review.mutationOptions(), onSuccess }),
    reject: useMutation({ ...trpc.registrations.reject.mutationOptions(), onSuccess }),
    publish_notice: useMutation({ ...trpc.registrations.publishNotice.mutationOptions(), onSuccess }),
    code: useMutation({ ...trpc.registrations.code.mutationOptions(), onSuccess }),
    object: useMutation({ ...trpc.registrations.object.mutationOptions(), onSuccess }),
    deregister: useMutation({ ...trpc.registrations.deregister.mutationOptions(), onSuccess }),
  };
  const all = Object.values(m);
  const busy = all.some((x) => x.isPending);
  const error = all.find((x) => x.error)?.error;
  const actions = r.allowedActions.filter((a): a is keyof typeof m => a in m);

  const run = (action: keyof typeof m, value: string) => {
    for (const x of all) x.reset();
    const id = r.id;
    switch (action) {
      case "return":
      case "reject":
      case "object":
      case "deregister":
        m[action].mutate({ id, reason: value });
        return;
      case "review":
        m.review.mutate({ id, comment: value || undefined });
        return;
      default:
        m[action].mutate({ id });
    }
  };
  const confirm = (e: FormEvent) => {
    e.preventDefault();
    if (!open) return;
    if (NEEDS_REASON.includes(open) && !text.trim()) {
      setMissingReason(true);
      return;
    }
    run(open as keyof typeof m, text.trim());
  };

  return (
    <section className="card cat-section" aria-labelledby="actions-title" data-testid="registration-actions">
      <h2 id="actions-title">{t("registrations.actions")}</h2>
      {error && <ErrorNotice error={error} />}
      {r.status === "public_notice" &&
        r.noticeEndsAt &&
        !r.allowedActions.includes("code") &&
        r.allowedActions.length > 0 && (
          <p className="notice notice-info" data-testid="notice-running">
            {t("registrations.actions.noticeRunning", { time: formatDateTime(r.noticeEndsAt) })}
          </p>
        )}
      {actions.length === 0 && <p className="muted">{t("registrations.actions.none")}</p>}
      <div className="cat-action-bar">
        {actions.map((action) => {
          const needsDialog = NEEDS_REASON.includes(action) || TAKES_COMMENT.includes(action);
          const danger = ["return", "reject", "object", "deregister", "withdraw"].includes(action);
          return (
            <button
              key={action}
              type="button"
              className={`button ${danger ? "button-danger" : "button-primary"}`}
              disabled={busy}
              onClick={() => {
                setMissingReason(false);
                if (needsDialog) {
                  setOpen(action);
                  setText("");
                } else run(action, "");
              }}
              data-testid={`action-${action}`}
            >
              {m[action].isPending ? t("registrations.actions.working") : t(`registrations.action.${action}`)}
            </button>
          );
        })}
      </div>
      {open && (
        <form className="cat-dialog" onSubmit={confirm} data-testid="action-dialog" data-action={open}>
          <h3>{t(`registrations.action.${open}`)}</h3>
          {SIGNED.includes(open) && (
            <p className="notice notice-info small">{t("registrations.dialog.signNotice")}</p>
          )}
          <label className="field">
            <span className="field-label">
              {NEEDS_REASON.includes(open)
                ? t("registrations.dialog.reason")
                : t("registrations.dialog.comment")}
            </span>
            <textarea
              value={text}
              rows={3}
              maxLength={2000}
              onChange={(e) => setText(e.target.value)}
              data-testid="reason-input"
              aria-invalid={missingReason}
            />
            {missingReason && (
              <span className="cat-problem" role="alert">
                {t("registrations.dialog.reasonRequired")}
              </span>
            )}
          </label>
          <div className="cat-action-bar">
            <button
              type="submit"
              className="button button-primary"
              disabled={busy}
              data-testid="reason-confirm"
            >
              {busy ? t("registrations.actions.working") : t("registrations.dialog.confirm")}
            </button>
            <button
              type="button"
              className="button"
              onClick={() => setOpen(null)}
              data-testid="reason-cancel"
            >
              {t("registrations.dialog.cancel")}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

function Approvals({ r }: { r: TRegistration }) {
  const { t, formatDateTime } = useI18n();
  return (
    <section
      className="card cat-section"
      aria-labelledby="approvals-title"
      data-testid="registration-approvals"
    >
      <h2 id="approvals-title">{t("registrations.approvals")}</h2>
      {r.approvals.length === 0 && <p className="muted">{t("registrations.approvals.none")}</p>}
      <ul className="cat-approvals">
        {r.approvals.map((a) => (
          <li
            key={a.id}
            className="cat-approval"
            data-testid="approval"
            data-ok={String(a.verification.ok)}
            data-decision={a.decision}
          >
            <div className="cat-approval-head">
              <span className={`tag ${a.decision === "approve" ? "tag-success" : "tag-danger"}`}>
                {t(`registrations.approval.decision.${a.decision}`)}
              </span>
              <span className={a.verification.ok ? "ok" : "bad"} data-testid="approval-verified">
                {a.verification.ok
                  ? `✓ ${t("registrations.approval.verified")}`
                  : `✗ ${t("registrations.approval.notVerified")}`}
              </span>
            </div>
            <dl className="kv">
              <div>
                <dt>{t("registrations.approval.step")}</dt>
                <dd className="mono">{a.step}</dd>
              </div>
              <div>
                <dt>{t("registrations.approval.signer")}</dt>
                <dd data-testid="approval-signer">
                  {a.signerName} · {a.signerOrgName}
                </dd>
              </div>
              <div>
                <dt>{t("registrations.approval.keyId")}</dt>
                <dd className="mono" data-testid="approval-key-id">
                  {a.keyId}
                </dd>
              </div>
              <div>
                <dt>{t("registrations.approval.signedAt")}</dt>
                <dd>{formatDateTime(a.signedAt)}</dd>
              </div>
              {a.comment && (
                <div>
                  <dt>{t("registrations.approval.comment")}</dt>
                  <dd>{a.comment}</dd>
                </div>
              )}
            </dl>
            <ul className="cat-checks-list">
              {a.verification.checks.map((c) => (
                <li
                  key={c.name}
                  className={c.ok ? "ok" : "bad"}
                  data-testid={`approval-check-${c.name}`}
                  data-ok={String(c.ok)}
                >
                  {c.ok ? "✓" : "✗"} {t(`registrations.approval.check.${c.name}` as TMessageKey)}
                  <span className="muted small"> — {c.detail}</span>
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Events({ r }: { r: TRegistration }) {
  const { t, formatDateTime } = useI18n();
  const labelOf = (action: string) => {
    const key = `registrations.event.${action}` as TMessageKey;
    const text = t(key);
    return text === undefined || text === key ? action : text;
  };
  return (
    <section className="card cat-section" aria-labelledby="events-title" data-testid="registration-events">
      <h2 id="events-title">{t("registrations.events")}</h2>
      {r.auditEvents.length === 0 && <p className="muted">{t("registrations.events.none")}</p>}
      <ol className="cat-events">
        {r.auditEvents.map((e) => (
          <li key={e.seq} data-testid="audit-event" data-action={e.action}>
            <span className="nowrap muted small">{formatDateTime(e.occurredAt)}</span>
            <strong>{labelOf(e.action)}</strong>
            <span>
              {e.actorName ? `${e.actorName} · ${e.actorOrgName ?? ""}` : t("registrations.events.system")}
            </span>
            <span className="mono muted small" title={e.eventHash}>
              #{e.seq} {e.eventHash.slice(0, 12)}…
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
