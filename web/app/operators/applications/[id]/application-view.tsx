"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { RequireSession } from "@/components/session";
import { ErrorNotice, Loading } from "@/components/status";
import { useI18n } from "@/lib/i18n/i18n-provider";
import { useTRPC } from "@/lib/trpc/client";
import { describeError } from "@/lib/trpc/errors";
import {
  ApplicationStatusTag,
  ApplicationTimeline,
  ApprovalsTable,
  AuditEventsTable,
  DocumentsTable,
  ReasonDialog,
  StatementView,
  type TApplication,
  type TApplicationAction,
} from "../../operator-ui";

type TReviewAction = Exclude<TApplicationAction, "submit" | "withdraw">;
const SIGNED: readonly TApplicationAction[] = ["pre_review", "expert_review", "approve", "reject"];
const STEP_VERBS = ["pre_review", "expert_review", "approve", "reject"] as const;

/** One admission application: facts, documents with hashes, signed reviews, actions and trail. */
export function ApplicationView({ applicationId }: { applicationId: string }) {
  return (
    <RequireSession roles={["operator", "regulator", "auditor"]}>
      {(user) => <Application applicationId={applicationId} isOperator={user.role === "operator"} />}
    </RequireSession>
  );
}

function Application({ applicationId, isOperator }: { applicationId: string; isOperator: boolean }) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const application = useQuery(trpc.operators.getApplication.queryOptions({ applicationId }));
  return (
    <div className="page">
      <nav className="breadcrumb">
        {isOperator ? (
          <Link href="/operators/admission">← {t("operators.detail.backToAdmission")}</Link>
        ) : (
          <Link href="/operators">← {t("operators.detail.back")}</Link>
        )}
      </nav>
      {application.isPending && <Loading />}
      {application.isError && <ErrorNotice error={application.error} onRetry={() => application.refetch()} />}
      {application.data && <ApplicationDetail application={application.data} />}
    </div>
  );
}

function ApplicationDetail({ application }: { application: TApplication }) {
  const { t, formatDateTime } = useI18n();
  const stepLabel = (step: string) =>
    (STEP_VERBS as readonly string[]).includes(step)
      ? t(`operators.event.${step as (typeof STEP_VERBS)[number]}`)
      : step;
  return (
    <div
      data-testid="application-detail"
      data-application-id={application.id}
      data-status={application.status}
    >
      <div className="page-heading">
        <div>
          <h1>
            {t("operators.detail.title")} <ApplicationStatusTag status={application.status} />
          </h1>
          <p className="muted">
            {application.org.name}
            {application.org.uscc && <span className="mono small"> · {application.org.uscc}</span>}
          </p>
        </div>
      </div>

      <div className="detail-grid">
        <ApplicationTimeline application={application} />
        <section className="card" aria-labelledby="facts-title">
          <h2 id="facts-title">{t("operators.detail.status")}</h2>
          <dl className="kv kv-wide">
            <div>
              <dt>{t("operators.detail.org")}</dt>
              <dd>{application.org.name}</dd>
            </div>
            <div>
              <dt>{t("operators.detail.submittedAt")}</dt>
              <dd>{application.submittedAt ? formatDateTime(application.submittedAt) : "—"}</dd>
            </div>
            {application.noticeEndsAt && (
              <div>
                <dt>{t("operators.detail.noticeEndsAt")}</dt>
                <dd>{formatDateTime(application.noticeEndsAt)}</dd>
              </div>
            )}
            {application.decidedAt && (
              <div>
                <dt>{t("operators.detail.decidedAt")}</dt>
                <dd>{formatDateTime(application.decidedAt)}</dd>
              </div>
            )}
            {application.reason && (
              <div>
                <dt>{t("operators.detail.reason")}</dt>
                <dd className="prose bad" data-testid="application-reason">
                  {application.reason}
                </dd>
              </div>
            )}
            <div>
              <dt>{t("operators.detail.contentHash")}</dt>
              <dd
                className="mono small break-all"
                title={t("operators.detail.contentHashHint")}
                data-testid="content-hash"
              >
                {application.contentHash}
              </dd>
            </div>
          </dl>
        </section>
      </div>

      <ActionsCard application={application} />

      <div className="detail-grid">
        <section className="card">
          <h2>{t("operators.admission.statement")}</h2>
          <StatementView statement={application.statement} />
        </section>
        <section className="card">
          <h2>{t("operators.admission.documents")}</h2>
          {application.documents.length > 0 ? (
            <DocumentsTable documents={application.documents} />
          ) : (
            <p className="muted">{t("operators.admission.notUploaded")}</p>
          )}
        </section>
      </div>

      <section className="card section" aria-labelledby="approvals-title">
        <h2 id="approvals-title">{t("operators.detail.approvals")}</h2>
        <ApprovalsTable approvals={application.approvals} stepLabel={stepLabel} />
      </section>

      <section className="card section" aria-labelledby="trail-title">
        <h2 id="trail-title">{t("operators.detail.trail")}</h2>
        <AuditEventsTable events={application.auditEvents} />
      </section>
    </div>
  );
}

function ActionsCard({ application }: { application: TApplication }) {
  const { t, formatDateTime } = useI18n();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [dialog, setDialog] = useState<TReviewAction | null>(null);
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.operators.pathKey() });
  const review = useMutation({
    ...trpc.operators.reviewApplication.mutationOptions(),
    onSuccess: async () => {
      setDialog(null);
      await invalidate();
    },
  });
  const submit = useMutation({
    ...trpc.operators.submitApplication.mutationOptions(),
    onSuccess: invalidate,
  });
  const actions = application.allowedActions;
  if (actions.length === 0 && !application.canEdit) {
    return (
      <section className="card section" data-testid="application-actions">
        <h2>{t("operators.detail.actions")}</h2>
        <p className="muted">{t("operators.detail.noActions")}</p>
      </section>
    );
  }
  const noticeRunning = application.status === "public_notice" && !application.noticeOver;
  return (
    <section className="card section" data-testid="application-actions">
      <h2>{t("operators.detail.actions")}</h2>
      {application.status === "public_notice" && application.noticeEndsAt && (
        <p
          className={`notice ${noticeRunning ? "notice-warning" : "notice-info"}`}
          data-testid="notice-state"
        >
          {noticeRunning
            ? t("operators.detail.noticeRunning", { date: formatDateTime(application.noticeEndsAt) })
            : t("operators.detail.noticeOver")}
        </p>
      )}
      <div className="operators-row-actions">
        {actions.map((action) => {
          if (action === "submit") {
            return (
              <button
                key={action}
                type="button"
                className="button button-primary"
                disabled={submit.isPending || application.missingKinds.length > 0}
                onClick={() => submit.mutate({ applicationId: application.id })}
                data-testid="action-submit"
              >
                {t("operators.action.submit")}
              </button>
            );
          }
          if (action === "withdraw") {
            return (
              <Link key={action} href="/operators/admission" className="button" data-testid="action-edit">
                {t("operators.detail.backToAdmission")}
              </Link>
            );
          }
          if (action === "admit") {
            return (
              <button
                key={action}
                type="button"
                className="button button-primary"
                disabled={noticeRunning || review.isPending}
                onClick={() => review.mutate({ applicationId: application.id, action: "admit", comment: "" })}
                data-testid="action-admit"
              >
                {t("operators.action.admit")}
              </button>
            );
          }
          return (
            <button
              key={action}
              type="button"
              className={`button ${action === "reject" ? "button-danger" : "button-primary"}`}
              onClick={() => {
                review.reset();
                setDialog(action);
              }}
              data-testid={`action-${action}`}
            >
              {t(`operators.action.${action}`)}
            </button>
          );
        })}
      </div>
      {((review.isError && dialog === null) || submit.isError) && (
        <div className="notice notice-danger section" role="alert" data-testid="action-error">
          {describeError(review.error ?? submit.error, t)}
        </div>
      )}
      {dialog && (
        <ReasonDialog
          title={t(`operators.action.${dialog}`)}
          label={dialog === "reject" ? t("operators.dialog.reason") : t("operators.dialog.commentOptional")}
          required={dialog === "reject"}
          note={SIGNED.includes(dialog) ? t("operators.detail.signedNote") : undefined}
          pending={review.isPending}
          error={review.error}
          confirmLabel={t(`operators.action.${dialog}`)}
          onCancel={() => setDialog(null)}
          onConfirm={(comment) => review.mutate({ applicationId: application.id, action: dialog, comment })}
        />
      )}
    </section>
  );
}
