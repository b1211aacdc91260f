"use client";

/**
 * 数据入库 (vault ingest), the data-source department's page: the upload form with its progress
 * and result, the loaded versions of the chosen dataset, and the department's recent uploads.
 */
import type { TUploadState } from "@pdx/common/vault-api";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { RequireSession } from "@/components/session";
import { ErrorNotice, Loading } from "@/components/status";
import { useI18n } from "@/lib/i18n/i18n-provider";
import { useTRPC } from "@/lib/trpc/client";
import { UploadPanel, VersionsList } from "./upload-panel";

const STATE_TAG: Record<TUploadState, string> = {
  receiving: "tag tag-pending",
  validating: "tag tag-pending",
  loaded: "tag tag-success",
  rejected: "tag tag-danger",
  failed: "tag tag-danger",
  cancelled: "tag sd-tag-muted",
};

export function VaultView() {
  return <RequireSession roles={["data_source"]}>{() => <Vault />}</RequireSession>;
}

function Vault() {
  const { t } = useI18n();
  const trpc = useTRPC();
  const datasets = useQuery(trpc.vault.uploadableDatasets.queryOptions());
  const [datasetCode, setDatasetCode] = useState("");
  return (
    <div className="page sd-page">
      <div className="page-heading">
        <div>
          <h1>{t("vault.title")}</h1>
          <p className="muted">{t("vault.subtitle")}</p>
        </div>
      </div>
      {datasets.isPending && <Loading />}
      {datasets.isError && <ErrorNotice error={datasets.error} onRetry={() => datasets.refetch()} />}
      {datasets.data && (
        <UploadPanel datasets={datasets.data} datasetCode={datasetCode} onDatasetChange={setDatasetCode} />
      )}
      <section className="cat-section" aria-labelledby="versions-title">
        <h2 id="versions-title">
          {t("vault.versions.title")}
          {datasetCode && <span className="mono muted small"> · {datasetCode}</span>}
        </h2>
        <VersionsList datasetCode={datasetCode} />
      </section>
      <MyUploads />
    </div>
  );
}

function MyUploads() {
  const { t, pick, formatDateTime, formatNumber } = useI18n();
  const trpc = useTRPC();
  const uploads = useQuery(trpc.vault.listMyUploads.queryOptions());
  return (
    <section className="cat-section" aria-labelledby="my-uploads-title">
      <h2 id="my-uploads-title">{t("vault.mine.title")}</h2>
      {uploads.isPending && <Loading />}
      {uploads.isError && <ErrorNotice error={uploads.error} onRetry={() => uploads.refetch()} />}
      {uploads.data && uploads.data.length === 0 && <p className="empty">{t("vault.mine.empty")}</p>}
      {uploads.data && uploads.data.length > 0 && (
        <div className="card table-card">
          <table className="table" data-testid="vault-my-uploads">
            <thead>
              <tr>
                <th scope="col">{t("vault.col.dataset")}</th>
                <th scope="col">{t("vault.col.version")}</th>
                <th scope="col">{t("vault.col.file")}</th>
                <th scope="col" className="num">
                  {t("vault.col.size")}
                </th>
                <th scope="col">{t("vault.col.state")}</th>
                <th scope="col" className="num">
                  {t("vault.col.rows")}
                </th>
                <th scope="col" className="num">
                  {t("vault.col.errors")}
                </th>
                <th scope="col">{t("vault.col.by")}</th>
                <th scope="col">{t("vault.col.at")}</th>
              </tr>
            </thead>
            <tbody>
              {uploads.data.map((u) => (
                <tr
                  key={u.uploadId}
                  data-testid="vault-upload-row"
                  data-state={u.state}
                  data-version={u.version}
                >
                  <td>
                    {pick(u.datasetName)}
                    <div className="mono muted small">{u.datasetCode}</div>
                  </td>
                  <td className="mono">{u.version}</td>
                  <td className="small truncate" title={u.fileName}>
                    {u.fileName}
                  </td>
                  <td className="small num">{formatNumber(u.totalBytes / 1e6, 1)} MB</td>
                  <td>
                    <span className={STATE_TAG[u.state]}>{t(`vault.state.${u.state}`)}</span>
                  </td>
                  <td className="num">{u.state === "loaded" ? formatNumber(u.rowsLoaded, 0) : "—"}</td>
                  <td className={u.errorCount > 0 ? "num sd-bad" : "num"}>
                    {u.errorCount > 0 ? formatNumber(u.errorCount, 0) : "—"}
                  </td>
                  <td className="small">{u.uploadedBy}</td>
                  <td className="small">{formatDateTime(u.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
