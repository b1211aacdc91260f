"use client";

/**
 * The upload form and its progress: choose one of the department's coded datasets, a version
 * label and a CSV or JSON Lines file; the file goes up in chunks (bytes, MB/s, ETA; retried, then
 * paused with "resume"), then the vault's validation is followed (rows processed, polled every
 * 500 ms; a lost connection is retried with backoff and said so, the vault carries on meanwhile)
 * until the version is loaded, rejected (row-level error table) or failed. An unfinished upload of
 * the same file as the same version (remembered in localStorage) is resumed.
 */
import { type TUploadFormat, type TUploadStatus, ZDatasetVersionLabel } from "@pdx/common/vault-api";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { useEffect, useRef, useState } from "react";
import { ErrorNotice, Loading } from "@/components/status";
import { useI18n } from "@/lib/i18n/i18n-provider";
import type { TRouterOutputs } from "@/lib/trpc/app-router";
import { useTRPC, useTRPCClient } from "@/lib/trpc/client";
import {
  ChunkRefusedError,
  estimateRows,
  formatOfFileName,
  rememberedUploadId,
  rememberUploadId,
  resumeKeyOf,
  UploadPausedError,
  uploadChunks,
} from "./chunked-upload";
import { FieldStorageTable, UploadResult } from "./upload-result";

type TDataset = TRouterOutputs["vault"]["uploadableDatasets"][number];

/** How often the validation progress is polled. */
const POLL_MS = 500;

type TPhase =
  | { kind: "idle" }
  | {
      kind: "uploading";
      uploadId: string;
      received: number;
      /** Bytes sent so far, the chunk in flight included (≥ received). */
      sent: number;
      retry: { attempt: number; seconds: number } | null;
    }
  | { kind: "paused"; uploadId: string; received: number }
  | { kind: "validating"; uploadId: string; status: TUploadStatus; connectionLost: boolean }
  | { kind: "done"; status: TUploadStatus };

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

/** Longest wait between two status reads while the connection is lost. */
const MAX_POLL_BACKOFF_MS = 10_000;

/** A status read that failed for want of a connection (no answer, or a gateway's). */
function isConnectionLoss(err: unknown): boolean {
  if (!(err instanceof TRPCClientError)) return err instanceof TypeError;
  const code = (err.data as { code?: unknown } | undefined)?.code;
  return code === undefined || code === "BAD_GATEWAY" || code === "GATEWAY_TIMEOUT";
}

export function UploadPanel({
  datasets,
  datasetCode,
  onDatasetChange,
}: {
  datasets: readonly TDataset[];
  datasetCode: string;
  onDatasetChange: (code: string) => void;
}) {
  const { t, pick, formatNumber } = useI18n();
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const [version, setVersion] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState<TUploadFormat>("csv");
  const [phase, setPhase] = useState<TPhase>({ kind: "idle" });
  const [error, setError] = useState<unknown>(null);
  const [estimate, setEstimate] = useState(1);
  const abort = useRef<AbortController | null>(null);
  /** Bytes and time at the start of this sending session (for MB/s and ETA). */
  const session = useRef({ bytes: 0, at: 0 });
  const dataset = datasets.find((d) => d.code === datasetCode);
  const versionProblem = version && !ZDatasetVersionLabel.safeParse(version).success;
  const loadedVersions = useQuery({
    ...trpc.vault.listVersions.queryOptions({ datasetCode }),
    enabled: datasetCode !== "",
  });
  /** Versions are immutable: a label already loaded is refused before anything is sent. */
  const versionTaken = Boolean(version) && (loadedVersions.data ?? []).some((v) => v.version === version);
  const resumeKey = file && dataset && version ? resumeKeyOf(dataset.code, version, file) : null;
  const [resumable, setResumable] = useState(false);

  useEffect(() => () => abort.current?.abort(), []);
  useEffect(() => {
    setResumable(resumeKey !== null && rememberedUploadId(resumeKey) !== null);
  }, [resumeKey]);

  const refreshLists = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.vault.listMyUploads.queryKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.vault.listVersions.queryKey() });
  };
  const readStatus = (uploadId: string) => client.vault.uploadStatus.query({ uploadId });

  /**
   * Follows validation until the version is loaded, rejected or failed. The vault validates on
   * its own: a lost connection only delays the news, so reads are retried (backing off to 10 s).
   */
  async function follow(uploadId: string, first: TUploadStatus, signal: AbortSignal) {
    let status = first;
    let failures = 0;
    while (status.state === "validating" || status.state === "receiving") {
      setPhase({ kind: "validating", uploadId, status, connectionLost: failures > 0 });
      await new Promise((r) => setTimeout(r, Math.min(POLL_MS * 2 ** failures, MAX_POLL_BACKOFF_MS)));
      if (signal.aborted) return;
      try {
        status = await readStatus(uploadId);
        failures = 0;
      } catch (err) {
        if (!isConnectionLoss(err)) throw err;
        failures++;
      }
    }
    if (resumeKey) rememberUploadId(resumeKey, null);
    setPhase({ kind: "done", status });
    refreshLists();
  }

  /** Sends the file from `from` on, then follows validation. */
  async function send(uploadId: string, from: number) {
    if (!file) return;
    const controller = new AbortController();
    abort.current = controller;
    session.current = { bytes: from, at: performance.now() };
    setPhase({ kind: "uploading", uploadId, received: from, sent: from, retry: null });
    try {
      const last = await uploadChunks({
        file,
        uploadId,
        fromOffset: from,
        readStatus: () => readStatus(uploadId),
        onProgress: (received) =>
          setPhase({ kind: "uploading", uploadId, received, sent: received, retry: null }),
        onSending: (sent) =>
          setPhase((p) => (p.kind === "uploading" ? { ...p, sent: Math.max(p.received, sent) } : p)),
        onRetry: (attempt, delayMs) =>
          setPhase((p) =>
            p.kind === "uploading" ? { ...p, retry: { attempt, seconds: Math.round(delayMs / 1000) } } : p,
          ),
        signal: controller.signal,
      });
      await follow(uploadId, last, controller.signal);
    } catch (err) {
      if (controller.signal.aborted) return;
      if (err instanceof UploadPausedError) {
        setPhase({ kind: "paused", uploadId, received: err.offset });
        return;
      }
      setError(err);
      setPhase({ kind: "idle" });
    }
  }

  async function start() {
    if (!file || !dataset || !resumeKey) return;
    setError(null);
    setEstimate(await estimateRows(file, format));
    try {
      const remembered = rememberedUploadId(resumeKey);
      if (remembered) {
        const status = await readStatus(remembered).catch(() => null);
        if (status?.state === "receiving") return await send(remembered, status.receivedBytes);
        if (status?.state === "validating") {
          const controller = new AbortController();
          abort.current = controller;
          return await follow(remembered, status, controller.signal);
        }
        rememberUploadId(resumeKey, null);
      }
      const status = await client.vault.startUpload.mutate({
        datasetCode: dataset.code,
        version,
        format,
        totalBytes: file.size,
        fileName: file.name,
      });
      rememberUploadId(resumeKey, status.uploadId);
      refreshLists();
      await send(status.uploadId, 0);
    } catch (err) {
      setError(err);
      setPhase({ kind: "idle" });
    }
  }

  async function resume(uploadId: string) {
    setError(null);
    try {
      const status = await readStatus(uploadId);
      if (status.state === "receiving") await send(uploadId, status.receivedBytes);
      else {
        const controller = new AbortController();
        abort.current = controller;
        await follow(uploadId, status, controller.signal);
      }
    } catch (err) {
      setError(err);
    }
  }

  async function cancel(uploadId: string) {
    abort.current?.abort();
    try {
      const status = await client.vault.cancelUpload.mutate({ uploadId });
      if (resumeKey) rememberUploadId(resumeKey, null);
      setPhase({ kind: "done", status });
      refreshLists();
    } catch (err) {
      setError(err);
    }
  }

  const reset = () => {
    setPhase({ kind: "idle" });
    setFile(null);
    setVersion("");
    setError(null);
  };

  const busy = phase.kind !== "idle";
  const total = file?.size ?? 0;

  return (
    <section className="card" aria-labelledby="upload-title" data-testid="vault-upload">
      <h2 id="upload-title">{t("vault.form.title")}</h2>
      {datasets.length === 0 ? (
        <p className="empty">{t("vault.form.noDatasets")}</p>
      ) : (
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            void start();
          }}
        >
          <label className="field">
            <span className="field-label">{t("vault.form.dataset")}</span>
            <select
              value={datasetCode}
              disabled={busy}
              onChange={(e) => onDatasetChange(e.target.value)}
              data-testid="vault-dataset"
            >
              <option value="">{t("vault.form.datasetPlaceholder")}</option>
              {datasets.map((d) => (
                <option key={d.code} value={d.code}>
                  {d.code} · {pick(d.name)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field-label">{t("vault.form.version")}</span>
            <input
              value={version}
              disabled={busy}
              onChange={(e) => setVersion(e.target.value.trim())}
              placeholder="2026.12"
              aria-invalid={versionProblem || versionTaken ? true : undefined}
              data-testid="vault-version"
            />
            <span
              className={versionProblem ? "small sd-field-error" : "muted small"}
              role={versionProblem ? "alert" : undefined}
            >
              {versionProblem && <strong>{t("vault.form.versionInvalid")} </strong>}
              {t("vault.form.versionHint")}
            </span>
            {versionTaken && phase.kind === "idle" && (
              <span className="small sd-field-error" role="alert" data-testid="vault-version-taken">
                <strong>{t("vault.form.versionTaken", { version })}</strong>
              </span>
            )}
          </label>
          <div className="field">
            <span className="field-label" id="vault-file-label">
              {t("vault.form.file")}
            </span>
            {/* The browser's own file button speaks the browser's language; this one speaks the page's. */}
            <label className={busy ? "sd-file is-disabled" : "sd-file"}>
              <input
                type="file"
                className="visually-hidden"
                accept=".csv,.jsonl,.ndjson,text/csv,application/x-ndjson"
                disabled={busy}
                aria-labelledby="vault-file-label"
                onChange={(e) => {
                  const chosen = e.target.files?.[0] ?? null;
                  setFile(chosen);
                  if (chosen) setFormat(formatOfFileName(chosen.name));
                }}
                data-testid="vault-file"
              />
              <span className="button button-small sd-file-button" aria-hidden="true">
                {file ? t("vault.form.fileChange") : t("vault.form.fileChoose")}
              </span>
              <span className={file ? "sd-file-name" : "sd-file-name muted"}>
                {file ? (
                  <>
                    <strong>{file.name}</strong> · {mb(file.size)} MB
                  </>
                ) : (
                  t("vault.form.fileNone")
                )}
              </span>
            </label>
            <span className="muted small">{t("vault.form.fileHint")}</span>
          </div>
          <label className="field">
            <span className="field-label">{t("vault.form.format")}</span>
            <select
              value={format}
              disabled={busy}
              onChange={(e) => setFormat(e.target.value as TUploadFormat)}
              data-testid="vault-format"
            >
              <option value="csv">{t("vault.format.csv")}</option>
              <option value="jsonl">{t("vault.format.jsonl")}</option>
            </select>
          </label>
          {dataset && phase.kind !== "done" && (
            <div>
              <p className="muted small">{t("vault.form.columns")}</p>
              <FieldStorageTable fields={dataset.fields} />
            </div>
          )}
          {resumable && phase.kind === "idle" && (
            <div className="notice notice-info" data-testid="vault-resume-hint">
              {t("vault.form.resumeHint")}
            </div>
          )}
          {error !== null && <UploadError error={error} />}
          {phase.kind === "idle" && (
            <div>
              <button
                type="submit"
                className="button button-primary"
                disabled={!dataset || !file || !version || Boolean(versionProblem) || versionTaken}
                data-testid="vault-start"
              >
                {t("vault.form.start")}
              </button>
            </div>
          )}
        </form>
      )}

      {(phase.kind === "uploading" || phase.kind === "paused") && (
        <div className="vault-progress" data-testid="vault-upload-progress">
          <ProgressBar
            label={t("vault.progress.upload")}
            value={phase.kind === "uploading" ? phase.sent : phase.received}
            max={total}
            tone={phase.kind === "paused" ? "paused" : "active"}
            detail={t("vault.progress.uploadDetail", {
              sent: mb(phase.kind === "uploading" ? phase.sent : phase.received),
              total: mb(total),
              ...(phase.kind === "paused"
                ? { speed: "—", eta: "—" }
                : speedAndEta(phase.sent, total, session.current, t)),
            })}
          />
          {phase.kind === "uploading" && phase.retry && (
            <p className="notice notice-warning" role="status">
              {t("vault.retrying", { attempt: phase.retry.attempt, seconds: phase.retry.seconds })}
            </p>
          )}
          {phase.kind === "paused" && (
            <div className="notice notice-warning sd-notice-row" role="alert" data-testid="vault-paused">
              <span>{t("vault.paused")}</span>
              <button
                type="button"
                className="button button-small button-primary"
                onClick={() => void resume(phase.uploadId)}
                data-testid="vault-resume"
              >
                {t("vault.resume")}
              </button>
            </div>
          )}
          <div className="sd-row">
            <button
              type="button"
              className="button"
              onClick={() => void cancel(phase.uploadId)}
              data-testid="vault-cancel"
            >
              {t("vault.cancel")}
            </button>
          </div>
        </div>
      )}

      {phase.kind === "validating" && (
        <div className="vault-progress" data-testid="vault-validate-progress">
          <ProgressBar
            label={t("vault.progress.upload")}
            value={total}
            max={total}
            tone="done"
            detail={t("vault.progress.uploaded", { total: mb(total) })}
          />
          <ProgressBar
            label={t("vault.progress.validate")}
            tone={phase.connectionLost ? "paused" : "active"}
            value={Math.min(phase.status.rowsProcessed, estimate * 0.99)}
            max={estimate}
            detail={t("vault.progress.validateDetail", {
              rows: formatNumber(phase.status.rowsProcessed, 0),
              estimate: formatNumber(estimate, 0),
            })}
          />
          {phase.connectionLost && (
            <p className="notice notice-warning" role="status" data-testid="vault-connection-lost">
              {t("vault.connectionLost")}
            </p>
          )}
        </div>
      )}

      {phase.kind === "done" && (
        <>
          <UploadResult status={phase.status} datasetFields={dataset?.fields} />
          <div className="sd-row sd-after">
            <button
              type="button"
              className="button button-primary"
              onClick={reset}
              data-testid="vault-another"
            >
              {t("vault.another")}
            </button>
          </div>
        </>
      )}
    </section>
  );
}

function speedAndEta(
  received: number,
  total: number,
  session: { bytes: number; at: number },
  t: ReturnType<typeof useI18n>["t"],
): { speed: string; eta: string } {
  const seconds = (performance.now() - session.at) / 1000;
  const rate = seconds > 0 ? (received - session.bytes) / seconds : 0;
  if (rate <= 0) return { speed: "—", eta: "—" };
  return {
    speed: (rate / 1e6).toFixed(1),
    eta: t("vault.progress.seconds", { n: Math.ceil((total - received) / rate) }),
  };
}

/** A labelled progress bar; `tone` colours it (moving, paused or stalled, done). */
export function ProgressBar({
  label,
  value,
  max,
  detail,
  tone = "active",
}: {
  label: string;
  value: number;
  max: number;
  detail: string;
  tone?: "active" | "paused" | "done";
}) {
  const percent = max > 0 ? Math.min(100, Math.round((value / max) * 100)) : 0;
  return (
    <div className="sd-progress">
      <div className="sd-progress-head">
        <span>{label}</span>
        <span className="sd-progress-percent">{percent}%</span>
      </div>
      <div
        className="sd-progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
      >
        <div className={`sd-progress-fill is-${tone}`} style={{ width: `${percent}%` }} />
      </div>
      <div className="muted small" data-testid="progress-detail">
        {detail}
      </div>
    </div>
  );
}

/** A failed start or chunk: the chunk route's own message, or the tRPC error notice. */
function UploadError({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (error instanceof ChunkRefusedError) {
    return (
      <div className="notice notice-error" role="alert" data-testid="error-notice">
        <strong>{t("common.error")}</strong> {error.message}
      </div>
    );
  }
  return <ErrorNotice error={error} />;
}

/** Loaded versions of the chosen dataset, newest first. */
export function VersionsList({ datasetCode }: { datasetCode: string }) {
  const { t, formatDateTime, formatNumber } = useI18n();
  const trpc = useTRPC();
  const versions = useQuery({
    ...trpc.vault.listVersions.queryOptions({ datasetCode }),
    enabled: datasetCode !== "",
  });
  if (datasetCode === "") return <p className="muted">{t("vault.versions.choose")}</p>;
  if (versions.isPending) return <Loading />;
  if (versions.isError) return <ErrorNotice error={versions.error} onRetry={() => versions.refetch()} />;
  if (versions.data.length === 0) return <p className="empty">{t("vault.versions.empty")}</p>;
  return (
    <div className="card table-card">
      <table className="table" data-testid="vault-versions">
        <thead>
          <tr>
            <th scope="col">{t("vault.col.version")}</th>
            <th scope="col" className="num">
              {t("vault.col.rows")}
            </th>
            <th scope="col">{t("vault.result.contentHash")}</th>
            <th scope="col">{t("vault.versions.loadedAt")}</th>
          </tr>
        </thead>
        <tbody>
          {versions.data.map((v) => (
            <tr key={v.version} data-testid="vault-version-row" data-version={v.version}>
              <td className="mono">{v.version}</td>
              <td className="num">{formatNumber(v.rows, 0)}</td>
              <td className="mono small" title={v.contentHash}>
                {v.contentHash.slice(0, 16)}…
              </td>
              <td>{formatDateTime(v.loadedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
