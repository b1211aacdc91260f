"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { type ChangeEvent, type FormEvent, useState } from "react";
import { RequireSession } from "@/components/session";
import { ErrorNotice, Loading } from "@/components/status";
import { useI18n } from "@/lib/i18n/i18n-provider";
import type { TRouterOutputs } from "@/lib/trpc/app-router";
import { useTRPC } from "@/lib/trpc/client";
import { describeError } from "@/lib/trpc/errors";
import { AnnualReportsTable } from "../annual-reports/annual-reports-table";
import {
  ApplicationStatusTag,
  ApplicationTimeline,
  DOSSIER_KINDS,
  DocumentsTable,
  OperatorStatusTag,
  StatementView,
  type TApplication,
  type TDossierKind,
  useFormatBytes,
} from "../operator-ui";

type TStatement = TApplication["statement"];
type TMyStatus = TRouterOutputs["operators"]["myStatus"];

const OPEN_STATES = ["draft", "submitted", "pre_reviewed", "expert_reviewed", "public_notice"];
const MAX_BYTES = 5 * 1024 * 1024;
const MEDIA_TYPES = [
  "application/pdf",
  "image/png",
  "image/jpeg",
  "text/plain",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
] as const;
type TMediaType = (typeof MEDIA_TYPES)[number];
const BY_EXTENSION: Record<string, TMediaType> = {
  pdf: "application/pdf",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  txt: "text/plain",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

/** The operator's admission page: standing, application (statement, five documents, submit), annual reports. */
export default function AdmissionPage() {
  return <RequireSession roles={["operator"]}>{() => <Admission />}</RequireSession>;
}

function useInvalidateOperators() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: trpc.operators.pathKey() });
}

function Admission() {
  const { t } = useI18n();
  const trpc = useTRPC();
  const status = useQuery(trpc.operators.myStatus.queryOptions());
  const application = useQuery(trpc.operators.myApplication.queryOptions());
  const app = application.data ?? null;
  const open = app !== null && OPEN_STATES.includes(app.status);

  return (
    <div className="page">
      <div className="page-heading">
        <div>
          <h1>{t("operators.admission.title")}</h1>
          <p className="muted">{t("operators.admission.subtitle")}</p>
        </div>
      </div>
      {(status.isPending || application.isPending) && <Loading />}
      {status.isError && <ErrorNotice error={status.error} onRetry={() => status.refetch()} />}
      {application.isError && <ErrorNotice error={application.error} onRetry={() => application.refetch()} />}
      {status.data && application.isSuccess && (
        <>
          <Standing status={status.data} />
          {app && (open || !status.data.canApply) && <ApplicationPanel application={app} />}
          {status.data.canApply && !open && (
            <>
              {app && <PreviousApplication application={app} />}
              <section className="section">
                <h2>{t("operators.admission.start")}</h2>
                <StatementForm applicationId={null} initial={null} />
              </section>
            </>
          )}
          {status.data.canReport && <AnnualReportSection />}
        </>
      )}
    </div>
  );
}

function Standing({ status }: { status: TMyStatus }) {
  const { t, formatDateTime } = useI18n();
  return (
    <section className="card operators-standing" data-testid="operator-standing">
      <div className="operators-standing-head">
        <h2>{t("operators.admission.standing")}</h2>
        <span className="muted">{status.org.name}</span>
        <OperatorStatusTag status={status.status} />
      </div>
      {status.status && (
        <dl className="kv">
          {status.admittedAt && (
            <div>
              <dt>{t("operators.admission.admittedSince")}</dt>
              <dd>{formatDateTime(status.admittedAt)}</dd>
            </div>
          )}
          {status.statusChangedAt && status.statusChangedAt !== status.admittedAt && (
            <div>
              <dt>{t("operators.admission.statusChangedAt")}</dt>
              <dd>{formatDateTime(status.statusChangedAt)}</dd>
            </div>
          )}
          {status.statusReason && (
            <div>
              <dt>{t("operators.admission.statusReason")}</dt>
              <dd className="prose">{status.statusReason}</dd>
            </div>
          )}
        </dl>
      )}
    </section>
  );
}

function PreviousApplication({ application }: { application: TApplication }) {
  const { t } = useI18n();
  return (
    <section className="section card" data-testid="previous-application">
      <h2>
        {t("operators.admission.previous")} <ApplicationStatusTag status={application.status} />
      </h2>
      {application.reason && (
        <p>
          <strong>{t("operators.admission.rejectedReason")}：</strong>
          {application.reason}
        </p>
      )}
      <Link href={`/operators/applications/${application.id}`}>{t("operators.admission.viewDetail")}</Link>
    </section>
  );
}

function ApplicationPanel({ application }: { application: TApplication }) {
  const { t } = useI18n();
  return (
    <section className="section" data-testid="my-application" data-application-id={application.id}>
      <div className="operators-section-head">
        <h2>
          {t("operators.admission.current")} <ApplicationStatusTag status={application.status} />
        </h2>
        <Link href={`/operators/applications/${application.id}`} data-testid="application-detail-link">
          {t("operators.admission.viewDetail")}
        </Link>
      </div>
      <ApplicationTimeline application={application} />
      {application.reason && (
        <div className="notice notice-danger section" data-testid="rejection-reason">
          <strong>{t("operators.admission.rejectedReason")}：</strong>
          {application.reason}
        </div>
      )}
      {application.canEdit ? (
        <>
          <section className="section">
            <h2>{t("operators.admission.statement")}</h2>
            <StatementForm applicationId={application.id} initial={application.statement} />
          </section>
          <DocumentSlots application={application} />
          <SubmitBar application={application} />
        </>
      ) : (
        <div className="detail-grid section">
          <section className="card">
            <h2>{t("operators.admission.statement")}</h2>
            <StatementView statement={application.statement} />
          </section>
          <section className="card">
            <h2>{t("operators.admission.documents")}</h2>
            <DocumentsTable documents={application.documents} />
          </section>
        </div>
      )}
    </section>
  );
}

const EMPTY_STATEMENT: TStatement = {
  businessScope: "",
  securityOfficer: "",
  contactPhone: "",
  qualifications: "",
};

function StatementForm({
  applicationId,
  initial,
}: {
  applicationId: string | null;
  initial: TStatement | null;
}) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const invalidate = useInvalidateOperators();
  const [statement, setStatement] = useState<TStatement>(initial ?? EMPTY_STATEMENT);
  const create = useMutation({
    ...trpc.operators.createApplication.mutationOptions(),
    onSuccess: invalidate,
  });
  const update = useMutation({ ...trpc.operators.updateStatement.mutationOptions(), onSuccess: invalidate });
  const mutation = applicationId ? update : create;
  const set = (field: keyof TStatement) => (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
    setStatement((s) => ({ ...s, [field]: e.target.value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (applicationId) update.mutate({ applicationId, statement });
    else create.mutate({ statement });
  };
  return (
    <form className="card form-grid" onSubmit={submit} data-testid="statement-form">
      <label className="field">
        <span className="field-label">{t("operators.statement.businessScope")}</span>
        <textarea
          required
          maxLength={2000}
          value={statement.businessScope}
          onChange={set("businessScope")}
          data-testid="statement-businessScope"
        />
      </label>
      <div className="operators-form-row">
        <label className="field">
          <span className="field-label">{t("operators.statement.securityOfficer")}</span>
          <input
            required
            maxLength={100}
            value={statement.securityOfficer}
            onChange={set("securityOfficer")}
            data-testid="statement-securityOfficer"
          />
        </label>
        <label className="field">
          <span className="field-label">{t("operators.statement.contactPhone")}</span>
          <input
            required
            pattern="[0-9+\-() ]{5,30}"
            value={statement.contactPhone}
            onChange={set("contactPhone")}
            data-testid="statement-contactPhone"
          />
        </label>
      </div>
      <label className="field">
        <span className="field-label">{t("operators.statement.qualifications")}</span>
        <input
          maxLength={2000}
          value={statement.qualifications}
          onChange={set("qualifications")}
          data-testid="statement-qualifications"
        />
      </label>
      <div className="operators-form-actions">
        <button
          type="submit"
          className="button button-primary"
          disabled={mutation.isPending}
          data-testid="statement-save"
        >
          {applicationId
            ? t("operators.admission.saveStatement")
            : t("operators.admission.createApplication")}
        </button>
        {update.isSuccess && (
          <span className="ok" role="status">
            {t("operators.admission.saved")}
          </span>
        )}
      </div>
      {mutation.isError && (
        <div className="notice notice-danger" role="alert">
          {describeError(mutation.error, t)}
        </div>
      )}
    </form>
  );
}

function DocumentSlots({ application }: { application: TApplication }) {
  const { t } = useI18n();
  return (
    <section className="section">
      <h2>{t("operators.admission.documents")}</h2>
      <p className="muted small">{t("operators.admission.documentsHint")}</p>
      <ul className="operators-slots" data-testid="document-slots">
        {DOSSIER_KINDS.map((kind) => (
          <DocumentSlot
            key={kind}
            applicationId={application.id}
            kind={kind}
            document={application.documents.find((d) => d.kind === kind) ?? null}
          />
        ))}
      </ul>
    </section>
  );
}

/** Base64 of a file's bytes (chunked, so large files do not overflow the argument list). */
async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function DocumentSlot({
  applicationId,
  kind,
  document,
}: {
  applicationId: string;
  kind: TDossierKind;
  document: TApplication["documents"][number] | null;
}) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const invalidate = useInvalidateOperators();
  const formatBytes = useFormatBytes();
  const [localError, setLocalError] = useState<string | null>(null);
  const upload = useMutation({ ...trpc.operators.uploadDocument.mutationOptions(), onSuccess: invalidate });
  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = "";
    if (!file) return;
    setLocalError(null);
    upload.reset();
    if (file.size > MAX_BYTES) return setLocalError(t("operators.admission.fileTooLarge"));
    const extension = file.name.split(".").at(-1)?.toLowerCase() ?? "";
    const mediaType = (MEDIA_TYPES as readonly string[]).includes(file.type)
      ? (file.type as TMediaType)
      : BY_EXTENSION[extension];
    if (!mediaType) return setLocalError(t("operators.admission.fileTypeNotAllowed"));
    upload.mutate({
      applicationId,
      kind,
      fileName: file.name,
      mediaType,
      contentBase64: await base64Of(file),
    });
  };
  return (
    <li
      className="operators-slot card"
      data-testid="document-slot"
      data-kind={kind}
      data-uploaded={String(!!document)}
    >
      <div className="operators-slot-head">
        <strong>{t(`operators.kind.${kind}`)}</strong>
        <label className="button button-small operators-file-button">
          {upload.isPending
            ? t("operators.admission.uploading")
            : document
              ? t("operators.admission.replaceFile")
              : t("operators.admission.chooseFile")}
          <input
            type="file"
            className="visually-hidden"
            accept={[".pdf", ".png", ".jpg", ".jpeg", ".txt", ".docx", ".xlsx", ...MEDIA_TYPES].join(",")}
            onChange={onFile}
            disabled={upload.isPending}
            data-testid={`upload-${kind}`}
          />
        </label>
      </div>
      {document ? (
        <dl className="kv small">
          <div>
            <dt>{t("operators.doc.fileName")}</dt>
            <dd className="break-all" data-testid="slot-file-name">
              {document.fileName}
            </dd>
          </div>
          <div>
            <dt>{t("operators.doc.size")}</dt>
            <dd data-testid="slot-size">{formatBytes(document.sizeBytes)}</dd>
          </div>
          <div>
            <dt>{t("operators.doc.sha256")}</dt>
            <dd className="mono break-all" data-testid="slot-sha256">
              {document.sha256}
            </dd>
          </div>
        </dl>
      ) : (
        <p className="muted small">{t("operators.admission.notUploaded")}</p>
      )}
      {(localError || upload.isError) && (
        <div className="notice notice-danger" role="alert" data-testid="slot-error">
          {localError ?? describeError(upload.error, t)}
        </div>
      )}
    </li>
  );
}

function SubmitBar({ application }: { application: TApplication }) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const invalidate = useInvalidateOperators();
  const submit = useMutation({
    ...trpc.operators.submitApplication.mutationOptions(),
    onSuccess: invalidate,
  });
  const withdraw = useMutation({
    ...trpc.operators.withdrawApplication.mutationOptions(),
    onSuccess: invalidate,
  });
  const missing = application.missingKinds;
  return (
    <section className="section card operators-submit-bar">
      {missing.length > 0 ? (
        <p className="notice notice-warning" data-testid="missing-kinds">
          {t("operators.admission.missing", {
            kinds: missing.map((k) => t(`operators.kind.${k}`)).join("、"),
          })}
        </p>
      ) : (
        <p className="notice notice-info">{t("operators.admission.complete")}</p>
      )}
      <p className="muted small">{t("operators.admission.submitHint")}</p>
      <div className="operators-form-actions">
        <button
          type="button"
          className="button button-primary"
          disabled={missing.length > 0 || submit.isPending}
          onClick={() => submit.mutate({ applicationId: application.id })}
          data-testid="application-submit"
        >
          {t("operators.action.submit")}
        </button>
        <button
          type="button"
          className="button button-danger"
          disabled={withdraw.isPending}
          onClick={() => {
            if (window.confirm(t("operators.admission.confirmWithdraw"))) {
              withdraw.mutate({ applicationId: application.id });
            }
          }}
          data-testid="application-withdraw"
        >
          {t("operators.action.withdraw")}
        </button>
      </div>
      {(submit.isError || withdraw.isError) && (
        <div className="notice notice-danger" role="alert" data-testid="submit-error">
          {describeError(submit.error ?? withdraw.error, t)}
        </div>
      )}
    </section>
  );
}

const EMPTY_REPORT = {
  productsCount: "0",
  scenariosCount: "0",
  revenueCny: "0",
  buyersCount: "0",
  securityIncidents: "0",
  incidentSummary: "",
  complianceStatement: "",
};

function AnnualReportSection() {
  const { t } = useI18n();
  const trpc = useTRPC();
  const invalidate = useInvalidateOperators();
  const reports = useQuery(trpc.operators.listAnnualReports.queryOptions());
  const [year, setYear] = useState(String(new Date().getFullYear() - 1));
  const [form, setForm] = useState(EMPTY_REPORT);
  const submitReport = useMutation({
    ...trpc.operators.submitAnnualReport.mutationOptions(),
    onSuccess: () => {
      setForm(EMPTY_REPORT);
      return invalidate();
    },
  });
  const set =
    (field: keyof typeof EMPTY_REPORT) => (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
      setForm((f) => ({ ...f, [field]: e.target.value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    submitReport.mutate({
      year: Number(year),
      report: {
        productsCount: Number(form.productsCount),
        scenariosCount: Number(form.scenariosCount),
        revenueCny: Number(form.revenueCny),
        buyersCount: Number(form.buyersCount),
        securityIncidents: Number(form.securityIncidents),
        incidentSummary: form.incidentSummary,
        complianceStatement: form.complianceStatement,
      },
    });
  };
  const numberField = (field: keyof typeof EMPTY_REPORT, label: string, step = "1") => (
    <label className="field">
      <span className="field-label">{label}</span>
      <input
        type="number"
        min="0"
        step={step}
        required
        value={form[field]}
        onChange={set(field)}
        data-testid={`report-${field}`}
      />
    </label>
  );
  return (
    <section className="section" data-testid="annual-reports-section">
      <h2>{t("operators.reports.mine")}</h2>
      {reports.isError && <ErrorNotice error={reports.error} onRetry={() => reports.refetch()} />}
      {reports.data &&
        (reports.data.length === 0 ? (
          <p className="empty">{t("operators.reports.none")}</p>
        ) : (
          <AnnualReportsTable reports={reports.data} onEvaluate={null} />
        ))}
      <h2 className="section">{t("operators.reports.formTitle")}</h2>
      <form className="card form-grid" onSubmit={submit} data-testid="annual-report-form">
        <div className="operators-form-row">
          <label className="field">
            <span className="field-label">{t("operators.reports.year")}</span>
            <input
              type="number"
              min="2000"
              max="2100"
              required
              value={year}
              onChange={(e) => setYear(e.target.value)}
              data-testid="report-year"
            />
          </label>
          {numberField("productsCount", t("operators.reports.products"))}
          {numberField("scenariosCount", t("operators.reports.scenarios"))}
        </div>
        <div className="operators-form-row">
          {numberField("revenueCny", t("operators.reports.revenue"), "0.01")}
          {numberField("buyersCount", t("operators.reports.buyers"))}
          {numberField("securityIncidents", t("operators.reports.incidents"))}
        </div>
        <label className="field">
          <span className="field-label">{t("operators.reports.incidentSummary")}</span>
          <textarea
            maxLength={4000}
            required={Number(form.securityIncidents) > 0}
            value={form.incidentSummary}
            onChange={set("incidentSummary")}
            data-testid="report-incidentSummary"
          />
        </label>
        <label className="field">
          <span className="field-label">{t("operators.reports.compliance")}</span>
          <textarea
            required
            maxLength={4000}
            value={form.complianceStatement}
            onChange={set("complianceStatement")}
            data-testid="report-complianceStatement"
          />
        </label>
        <div className="operators-form-actions">
          <button
            type="submit"
            className="button button-primary"
            disabled={submitReport.isPending}
            data-testid="report-submit"
          >
            {t("operators.reports.submit")}
          </button>
          {submitReport.isSuccess && (
            <span className="ok" role="status">
              {t("operators.reports.submitted")}
            </span>
          )}
        </div>
        {submitReport.isError && (
          <div className="notice notice-danger" role="alert">
            {describeError(submitReport.error, t)}
          </div>
        )}
      </form>
    </section>
  );
}
