"use client";

import { type FormEvent, type ReactNode, useState } from "react";
import { useI18n } from "@/lib/i18n/i18n-provider";
import type { TRouterOutputs } from "@/lib/trpc/app-router";
import { useTRPCClient } from "@/lib/trpc/client";
import { describeError } from "@/lib/trpc/errors";

export type TApplication = TRouterOutputs["operators"]["getApplication"];
export type TApplicationStatus = TApplication["status"];
export type TApplicationAction = TApplication["allowedActions"][number];
export type TOperatorStatus = TRouterOutputs["operators"]["myStatus"]["status"] & string;
export type TDocument = TApplication["documents"][number];
export type TDossierKind = TDocument["kind"];

/** The five dossier kinds, in the order the regulation lists them. */
export const DOSSIER_KINDS: readonly TDossierKind[] = [
  "audit_report",
  "financial_statements",
  "security_commitment",
  "risk_self_assessment",
  "emergency_plan",
];

const APPLICATION_TONE: Record<TApplicationStatus, string> = {
  draft: "tag-pending",
  submitted: "tag-code",
  pre_reviewed: "tag-code",
  expert_reviewed: "tag-code",
  public_notice: "operators-tag-notice",
  admitted: "tag-success",
  rejected: "tag-danger",
  withdrawn: "tag-pending",
};

export function ApplicationStatusTag({ status }: { status: TApplicationStatus }) {
  const { t } = useI18n();
  return (
    <span className={`tag ${APPLICATION_TONE[status]}`} data-testid="application-status" data-status={status}>
      {t(`operators.appStatus.${status}`)}
    </span>
  );
}

const OPERATOR_TONE: Record<TOperatorStatus, string> = {
  admitted: "tag-success",
  rectifying: "operators-tag-notice",
  suspended: "tag-danger",
  terminated: "tag-pending",
};

export function OperatorStatusTag({ status }: { status: TOperatorStatus | null }) {
  const { t } = useI18n();
  return (
    <span
      className={`tag ${status ? OPERATOR_TONE[status] : "tag-pending"}`}
      data-testid="operator-status"
      data-status={status ?? "none"}
    >
      {t(status ? `operators.status.${status}` : "operators.status.none")}
    </span>
  );
}

/** "1.2 MB", "532 B". */
export function useFormatBytes() {
  const { formatNumber } = useI18n();
  return (bytes: number) => {
    if (bytes < 1024) return `${formatNumber(bytes, 0)} B`;
    if (bytes < 1024 * 1024) return `${formatNumber(bytes / 1024, 1)} KB`;
    return `${formatNumber(bytes / 1024 / 1024, 2)} MB`;
  };
}

/** The path an application walks to admission. */
const TIMELINE: readonly TApplicationStatus[] = [
  "draft",
  "submitted",
  "pre_reviewed",
  "expert_reviewed",
  "public_notice",
  "admitted",
];
/** The audit-event verb that enters each state. */
const ENTERED_BY: Partial<Record<TApplicationStatus, string>> = {
  draft: "create",
  submitted: "submit",
  pre_reviewed: "pre_review",
  expert_reviewed: "expert_review",
  public_notice: "approve",
  admitted: "admit",
  rejected: "reject",
  withdrawn: "withdraw",
};

/** The application's steps with the time each was reached (from its audit events). */
export function ApplicationTimeline({ application }: { application: TApplication }) {
  const { t, formatDateTime } = useI18n();
  const reachedAt = (status: TApplicationStatus) => {
    const verb = ENTERED_BY[status];
    const event = [...application.auditEvents]
      .reverse()
      .find((e) => e.action === `operator_application.${verb}`);
    return event?.occurredAt ?? null;
  };
  const ended = application.status === "rejected" || application.status === "withdrawn";
  const currentIndex = ended
    ? TIMELINE.findLastIndex((s) => reachedAt(s) !== null)
    : TIMELINE.indexOf(application.status);
  const steps: { status: TApplicationStatus; state: "done" | "current" | "todo" | "ended" }[] = TIMELINE.map(
    (status, i) => ({
      status,
      state: i < currentIndex ? "done" : i === currentIndex ? (ended ? "done" : "current") : "todo",
    }),
  );
  if (ended) steps.splice(currentIndex + 1, steps.length, { status: application.status, state: "ended" });
  return (
    <section className="card" aria-labelledby="timeline-title">
      <h2 id="timeline-title">{t("operators.timeline.title")}</h2>
      <ol className="operators-timeline" data-testid="application-timeline">
        {steps.map((step) => {
          const at = reachedAt(step.status);
          return (
            <li
              key={step.status}
              className={`operators-step operators-step-${step.state}`}
              data-testid="timeline-step"
              data-status={step.status}
              data-state={step.state}
            >
              <span className="operators-step-dot" aria-hidden="true" />
              <span className="operators-step-label">{t(`operators.appStatus.${step.status}`)}</span>
              {at && step.state !== "todo" && (
                <span className="operators-step-time">{formatDateTime(at)}</span>
              )}
            </li>
          );
        })}
      </ol>
      {application.status === "public_notice" && application.noticeEndsAt && (
        <p className="muted small" data-testid="notice-ends">
          {t("operators.admission.inNotice", { date: formatDateTime(application.noticeEndsAt) })}
        </p>
      )}
    </section>
  );
}

/** The applicant's statement, read-only. */
export function StatementView({ statement }: { statement: TApplication["statement"] }) {
  const { t } = useI18n();
  return (
    <dl className="kv kv-wide" data-testid="statement">
      {(["businessScope", "securityOfficer", "contactPhone", "qualifications"] as const).map((field) => (
        <div key={field}>
          <dt>{t(`operators.statement.${field}`)}</dt>
          <dd className="prose">{statement[field] || "—"}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Saves a document fetched through operators.getDocument as a file. */
export function useDocumentDownload() {
  const client = useTRPCClient();
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState<string | null>(null);
  const download = async (documentId: string) => {
    setError(null);
    setPending(documentId);
    try {
      const doc = await client.operators.getDocument.query({ documentId });
      const bytes = Uint8Array.from(atob(doc.contentBase64), (c) => c.charCodeAt(0));
      const url = URL.createObjectURL(new Blob([bytes], { type: doc.mediaType }));
      const a = document.createElement("a");
      a.href = url;
      a.download = doc.fileName;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError(err);
    } finally {
      setPending(null);
    }
  };
  return { download, error, pending };
}

/** The dossier documents with their hashes, each downloadable. */
export function DocumentsTable({ documents }: { documents: TDocument[] }) {
  const { t, formatDateTime } = useI18n();
  const formatBytes = useFormatBytes();
  const { download, error, pending } = useDocumentDownload();
  return (
    <>
      {error !== null && (
        <div className="notice notice-danger" role="alert">
          {describeError(error, t)}
        </div>
      )}
      <div className="table-scroll">
        <table className="table compact" data-testid="documents-table">
          <thead>
            <tr>
              <th scope="col">{t("operators.doc.kind")}</th>
              <th scope="col">{t("operators.doc.fileName")}</th>
              <th scope="col" className="num">
                {t("operators.doc.size")}
              </th>
              <th scope="col">{t("operators.doc.sha256")}</th>
              <th scope="col">{t("operators.doc.uploadedAt")}</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {documents.map((d) => (
              <tr key={d.id} data-testid="document-row" data-kind={d.kind}>
                <td className="nowrap">{t(`operators.kind.${d.kind}`)}</td>
                <td className="break-all" data-testid="document-file-name">
                  {d.fileName}
                </td>
                <td className="num">{formatBytes(d.sizeBytes)}</td>
                <td className="mono small break-all" data-testid="document-sha256">
                  {d.sha256}
                </td>
                <td className="nowrap small">
                  {formatDateTime(d.uploadedAt)}
                  <div className="muted">{d.uploadedBy}</div>
                </td>
                <td>
                  <button
                    type="button"
                    className="button button-small"
                    data-testid="document-download"
                    disabled={pending === d.id}
                    onClick={() => download(d.id)}
                  >
                    {t("operators.doc.download")}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

type TApproval = TApplication["approvals"][number];

/** Signed approvals with signer, key and the verification of each. */
export function ApprovalsTable({
  approvals,
  stepLabel,
}: {
  approvals: TApproval[];
  stepLabel: (step: string) => string;
}) {
  const { t, formatDateTime } = useI18n();
  if (approvals.length === 0) return <p className="muted">{t("operators.detail.noApprovals")}</p>;
  return (
    <ul className="operators-approvals" data-testid="approvals">
      {approvals.map((a) => (
        <li
          key={a.id}
          className={`operators-approval ${a.verified ? "check-ok" : "check-bad"}`}
          data-testid="approval-row"
          data-step={a.step}
          data-decision={a.decision}
          data-verified={String(a.verified)}
        >
          <div className="operators-approval-head">
            <strong>{stepLabel(a.step)}</strong>
            <span className={`tag ${a.decision === "approve" ? "tag-success" : "tag-danger"}`}>
              {t(`operators.detail.decision.${a.decision}`)}
            </span>
            <span className={a.verified ? "ok" : "bad"} data-testid="approval-verified">
              {a.verified ? t("operators.detail.verified") : t("operators.detail.notVerified")}
            </span>
          </div>
          <dl className="kv kv-wide small">
            <div>
              <dt>{t("operators.detail.signer")}</dt>
              <dd data-testid="approval-signer">
                {a.signerName} · {a.signerOrgName}
              </dd>
            </div>
            <div>
              <dt>{t("operators.detail.keyId")}</dt>
              <dd className="mono break-all" title={a.publicKey}>
                {a.keyId}
              </dd>
            </div>
            <div>
              <dt>{t("operators.detail.signedAt")}</dt>
              <dd>{formatDateTime(a.signedAt)}</dd>
            </div>
            {a.comment && (
              <div>
                <dt>{t("operators.detail.comment")}</dt>
                <dd className="prose">{a.comment}</dd>
              </div>
            )}
            <div>
              <dt>{t("operators.detail.verification")}</dt>
              <dd>
                <ul className="operators-checks">
                  {a.checks.map((c) => (
                    <li key={c.name} className={c.ok ? "ok" : "bad"} title={c.detail} data-check={c.name}>
                      {c.ok ? "✓" : "✗"} {t(`operators.check.${c.name}`)}
                    </li>
                  ))}
                </ul>
              </dd>
            </div>
          </dl>
        </li>
      ))}
    </ul>
  );
}

type TAuditEvent = TApplication["auditEvents"][number];

const EVENT_VERBS = [
  "create",
  "update_statement",
  "upload_document",
  "submit",
  "withdraw",
  "pre_review",
  "expert_review",
  "approve",
  "admit",
  "reject",
] as const;

/** The audit events of an object, oldest first. */
export function AuditEventsTable({ events }: { events: TAuditEvent[] }) {
  const { t, formatDateTime } = useI18n();
  const label = (action: string) => {
    const verb = action.split(".").at(-1) ?? "";
    return (EVENT_VERBS as readonly string[]).includes(verb)
      ? t(`operators.event.${verb as (typeof EVENT_VERBS)[number]}`)
      : action;
  };
  return (
    <div className="table-scroll">
      <table className="table compact" data-testid="audit-events">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">{t("operators.detail.time")}</th>
            <th scope="col">{t("operators.detail.event")}</th>
            <th scope="col">{t("operators.detail.actor")}</th>
            <th scope="col">{t("operators.detail.signature")}</th>
            <th scope="col">{t("operators.detail.eventHash")}</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.seq} data-testid="audit-event-row" data-action={e.action}>
              <td className="mono small">{e.seq}</td>
              <td className="nowrap small">{formatDateTime(e.occurredAt)}</td>
              <td>
                {label(e.action)}
                {typeof e.detail.kind === "string" && (
                  <span className="muted small">
                    {" "}
                    · {t(`operators.kind.${e.detail.kind as TDossierKind}`)}
                  </span>
                )}
              </td>
              <td className="small">
                {e.actorName ?? "—"}
                {e.actorOrgName && <div className="muted">{e.actorOrgName}</div>}
              </td>
              <td className="mono small">{e.approvalId ? "✓" : ""}</td>
              <td className="mono small" title={e.eventHash}>
                {e.eventHash.slice(0, 16)}…
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * A modal asking for a comment or reason before an action is taken (required when `required`).
 * Extra fields (e.g. score and decision) come as children.
 */
export function ReasonDialog({
  title,
  label,
  required,
  note,
  pending,
  error,
  confirmLabel,
  onConfirm,
  onCancel,
  children,
  testId = "reason-dialog",
}: {
  title: string;
  label: string;
  required: boolean;
  note?: string;
  pending: boolean;
  error: unknown;
  confirmLabel?: string;
  onConfirm: (text: string) => void;
  onCancel: () => void;
  children?: ReactNode;
  testId?: string;
}) {
  const { t } = useI18n();
  const [text, setText] = useState("");
  const [missing, setMissing] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (required && !text.trim()) {
      setMissing(true);
      return;
    }
    onConfirm(text.trim());
  };
  return (
    <div className="operators-dialog-backdrop">
      <div
        className="operators-dialog card"
        role="dialog"
        aria-modal="true"
        aria-labelledby="reason-dialog-title"
      >
        <h2 id="reason-dialog-title">{title}</h2>
        {note && <p className="muted small">{note}</p>}
        <form className="form" onSubmit={submit} data-testid={testId}>
          {children}
          <label className="field">
            <span className="field-label">{label}</span>
            <textarea
              value={text}
              maxLength={2000}
              onChange={(e) => {
                setText(e.target.value);
                setMissing(false);
              }}
              data-testid="dialog-comment"
            />
          </label>
          {missing && (
            <div className="notice notice-warning" role="alert">
              {t("operators.dialog.reasonRequired")}
            </div>
          )}
          {error !== null && error !== undefined && (
            <div className="notice notice-danger" role="alert" data-testid="dialog-error">
              {describeError(error, t)}
            </div>
          )}
          <div className="operators-dialog-actions">
            <button type="button" className="button" onClick={onCancel} disabled={pending}>
              {t("operators.dialog.cancel")}
            </button>
            <button
              type="submit"
              className="button button-primary"
              disabled={pending}
              data-testid="dialog-confirm"
            >
              {confirmLabel ?? t("operators.dialog.confirm")}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
