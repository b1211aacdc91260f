"use client";

/**
 * The outcome of an upload: loaded (rows, content hash and how each field is stored, as the
 * vault reports for the version), rejected (total error count and the row-level table: row,
 * field, reason — the first UPLOAD_ERRORS_KEPT), failed (the reason) or cancelled.
 */
import type { TFieldStorage, TUploadStatus } from "@pdx/common/vault-api";
import { useQuery } from "@tanstack/react-query";
import { useI18n } from "@/lib/i18n/i18n-provider";
import type { TMessageKey } from "@/lib/i18n/types";
import { useTRPC } from "@/lib/trpc/client";
import { failureKey, rowReasonKey } from "./reason-text";

interface TFieldStorageRow {
  name: string;
  label?: { zh: string; en: string };
  type?: string;
  storage: TFieldStorage;
  fingerprint: boolean;
}

const STORAGE_TAG: Record<TFieldStorage, string> = {
  cleartext: "tag tag-info",
  sealed: "tag tag-pending",
  dropped: "tag tag-danger",
};

/** Fields with how the vault stores each (cleartext / sealed / dropped, plus fingerprint). */
export function FieldStorageTable({ fields }: { fields: readonly TFieldStorageRow[] }) {
  const { t, pick } = useI18n();
  return (
    <div className="card table-card">
      <table className="table" data-testid="vault-field-storage">
        <thead>
          <tr>
            <th scope="col">{t("vault.col.field")}</th>
            <th scope="col">{t("vault.col.storage")}</th>
          </tr>
        </thead>
        <tbody>
          {fields.map((f) => (
            <tr key={f.name} data-testid="vault-field-row" data-field={f.name} data-storage={f.storage}>
              <td>
                <span className="mono">{f.name}</span>
                {f.label && <span className="muted small"> · {pick(f.label)}</span>}
                {f.type && <span className="muted small mono"> ({f.type})</span>}
              </td>
              <td>
                <span className={STORAGE_TAG[f.storage]}>
                  {t(`vault.storage.${f.storage}` as TMessageKey)}
                </span>{" "}
                {f.fingerprint && <span className="tag tag-ok">{t("vault.storage.fingerprint")}</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A vault text (row reason, failure) in the page's words when known, with the vault's own words. */
function VaultText({ text, known }: { text: string; known: ReturnType<typeof rowReasonKey> }) {
  const { t, locale } = useI18n();
  if (!known || locale === "en") return <>{text}</>;
  return (
    <>
      {t(known.key, known.values)}
      <div className="muted small sd-original" lang="en">
        {text}
      </div>
    </>
  );
}

/**
 * `datasetFields` (the catalog's view of the dataset, with labels and types) completes the
 * vault's per-field storage report, which names fields only.
 */
export function UploadResult({
  status,
  datasetFields,
}: {
  status: TUploadStatus;
  datasetFields?: readonly TFieldStorageRow[];
}) {
  const { t, formatNumber } = useI18n();
  const trpc = useTRPC();
  const versions = useQuery({
    ...trpc.vault.listVersions.queryOptions({ datasetCode: status.datasetCode }),
    enabled: status.state === "loaded",
  });
  const loaded = versions.data?.find((v) => v.version === status.version);

  switch (status.state) {
    case "loaded":
      return (
        <div data-testid="vault-result" data-state="loaded">
          <div className="notice notice-success" role="status">
            <strong>
              {t("vault.result.loaded", {
                version: status.version,
                rows: formatNumber(status.rowsLoaded, 0),
              })}
            </strong>
            <div className="small">
              {t("vault.result.contentHash")}:{" "}
              <span className="mono sd-break" data-testid="vault-content-hash">
                {status.contentHash}
              </span>
            </div>
          </div>
          {loaded && (
            <>
              <h3>{t("vault.result.fields")}</h3>
              <FieldStorageTable
                fields={loaded.fields.map((f) => {
                  const known = datasetFields?.find((d) => d.name === f.name);
                  return { ...f, label: known?.label, type: known?.type };
                })}
              />
            </>
          )}
        </div>
      );
    case "rejected":
      return (
        <div data-testid="vault-result" data-state="rejected">
          <div className="notice notice-error" role="alert">
            <strong>
              {t("vault.result.rejected", {
                version: status.version,
                count: formatNumber(status.errorCount, 0),
              })}
            </strong>
            {status.failure && (
              <div data-testid="vault-failure">
                <VaultText text={status.failure} known={failureKey(status.failure)} />
              </div>
            )}
            {status.errors.length > 0 && (
              <div className="small">
                {status.errors.length < status.errorCount
                  ? t("vault.result.shownFirst", { n: formatNumber(status.errors.length, 0) })
                  : t("vault.result.shownAll")}{" "}
                {t("vault.result.fixHint")}
              </div>
            )}
          </div>
          {status.errors.length > 0 && <RowErrorTable errors={status.errors} />}
        </div>
      );
    case "failed":
      return (
        <div data-testid="vault-result" data-state="failed">
          <div className="notice notice-error" role="alert">
            <strong>{t("vault.result.failed", { version: status.version })}</strong>
            <div data-testid="vault-failure">
              {status.failure ? <VaultText text={status.failure} known={failureKey(status.failure)} /> : "—"}
            </div>
          </div>
        </div>
      );
    case "cancelled":
      return (
        <div data-testid="vault-result" data-state="cancelled">
          <div className="notice notice-info" role="status">
            {t("vault.result.cancelled")}
          </div>
        </div>
      );
    default:
      return null;
  }
}

function RowErrorTable({ errors }: { errors: TUploadStatus["errors"] }) {
  const { t, formatNumber } = useI18n();
  return (
    <div className="table-scroll sd-errors">
      <table className="table" data-testid="vault-row-errors">
        <thead>
          <tr>
            <th scope="col" className="num">
              {t("vault.errors.row")}
            </th>
            <th scope="col">{t("vault.errors.field")}</th>
            <th scope="col">{t("vault.errors.reason")}</th>
          </tr>
        </thead>
        <tbody>
          {errors.map((e, i) => (
            <tr
              // biome-ignore lint/suspicious/noArrayIndexKey: a row may have several errors; the list never reorders
              key={i}
              data-testid="vault-row-error"
              data-row={e.row}
              data-field={e.field ?? ""}
            >
              <td className="num">{formatNumber(e.row, 0)}</td>
              <td className="mono">{e.field ?? t("vault.errors.wholeRow")}</td>
              <td>
                <VaultText text={e.reason} known={rowReasonKey(e.reason)} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
