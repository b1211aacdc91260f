"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { RequireSession } from "@/components/session";
import { ErrorNotice, Loading } from "@/components/status";
import { useI18n } from "@/lib/i18n/i18n-provider";
import type { TRouterOutputs } from "@/lib/trpc/app-router";
import { useTRPC } from "@/lib/trpc/client";
import { KindText, RegistrationStatusTag } from "../datasets/catalog-badges";

type TSummary = TRouterOutputs["registrations"]["listMine"][number];
type TStatus = TSummary["status"];

/** Registrations: the source department's own (and its coded datasets), or the regulator's queue. */
export function RegistrationsView() {
  return (
    <RequireSession roles={["data_source", "regulator"]}>
      {(user) => (user.role === "regulator" ? <Queue /> : <SourceRegistrations orgId={user.org.id} />)}
    </RequireSession>
  );
}

function SourceRegistrations({ orgId }: { orgId: string }) {
  const { t, pick } = useI18n();
  const trpc = useTRPC();
  const router = useRouter();
  const mine = useQuery(trpc.registrations.listMine.queryOptions({}));
  const datasets = useQuery(trpc.datasets.list.queryOptions({ sourceOrgId: orgId, pageSize: 100, page: 1 }));
  const goTo = (r: { id: string }) => router.push(`/registrations/${r.id}/edit`);
  const startChange = useMutation({ ...trpc.registrations.startChange.mutationOptions(), onSuccess: goTo });
  const startCorrection = useMutation({
    ...trpc.registrations.startCorrection.mutationOptions(),
    onSuccess: goTo,
  });
  const busy = startChange.isPending || startCorrection.isPending;

  return (
    <div className="page">
      <div className="page-heading">
        <div>
          <h1>{t("registrations.title")}</h1>
          <p className="muted">{t("registrations.subtitle.source")}</p>
        </div>
        <Link className="button button-primary" href="/registrations/new" data-testid="new-registration">
          {t("registrations.new")}
        </Link>
      </div>

      <section className="cat-section" aria-labelledby="mine-title">
        <h2 id="mine-title">{t("registrations.mine")}</h2>
        {mine.isPending && <Loading />}
        {mine.isError && <ErrorNotice error={mine.error} onRetry={() => mine.refetch()} />}
        {mine.data && mine.data.length === 0 && <p className="empty">{t("registrations.mineEmpty")}</p>}
        {mine.data && mine.data.length > 0 && (
          <RegistrationTable items={mine.data} testId="my-registrations" />
        )}
      </section>

      <section className="cat-section" aria-labelledby="my-datasets-title">
        <h2 id="my-datasets-title">{t("registrations.myDatasets")}</h2>
        {(startChange.error ?? startCorrection.error) && (
          <ErrorNotice error={startChange.error ?? startCorrection.error} />
        )}
        {datasets.isPending && <Loading />}
        {datasets.isError && <ErrorNotice error={datasets.error} onRetry={() => datasets.refetch()} />}
        {datasets.data && datasets.data.items.length === 0 && (
          <p className="empty">{t("registrations.myDatasetsEmpty")}</p>
        )}
        {datasets.data && datasets.data.items.length > 0 && (
          <div className="card table-card">
            <table className="table" data-testid="my-datasets">
              <thead>
                <tr>
                  <th scope="col">{t("registrations.col.dataset")}</th>
                  <th scope="col">{t("registrations.col.code")}</th>
                  <th scope="col" />
                </tr>
              </thead>
              <tbody>
                {datasets.data.items.map((d) => (
                  <tr key={d.code} data-testid="my-dataset-row" data-code={d.code}>
                    <td>
                      <Link href={`/datasets/${encodeURIComponent(d.code)}`}>{pick(d.name)}</Link>
                      <div className="mono muted small">{d.code}</div>
                    </td>
                    <td className="mono small">{d.registrationCode}</td>
                    <td className="cat-row-actions">
                      <button
                        type="button"
                        className="button button-small"
                        disabled={busy}
                        onClick={() => startChange.mutate({ datasetCode: d.code })}
                        data-testid="start-change"
                      >
                        {t("registrations.startChange")}
                      </button>
                      <button
                        type="button"
                        className="button button-small"
                        disabled={busy}
                        onClick={() => startCorrection.mutate({ datasetCode: d.code })}
                        data-testid="start-correction"
                      >
                        {t("registrations.startCorrection")}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}

const QUEUE_TABS: readonly (TStatus | "open")[] = [
  "open",
  "submitted",
  "accepted",
  "reviewed",
  "public_notice",
  "returned",
  "coded",
  "rejected",
  "deregistered",
];

function Queue() {
  const { t } = useI18n();
  const trpc = useTRPC();
  const [tab, setTab] = useState<TStatus | "open">("open");
  const queue = useQuery(trpc.registrations.listQueue.queryOptions(tab === "open" ? {} : { status: tab }));
  const countOf = (status: TStatus) => queue.data?.counts.find((c) => c.status === status)?.count ?? 0;
  return (
    <div className="page">
      <div className="page-heading">
        <div>
          <h1>{t("registrations.queue")}</h1>
          <p className="muted">{t("registrations.subtitle.regulator")}</p>
        </div>
      </div>
      <div className="cat-tabs" role="tablist">
        {QUEUE_TABS.map((status) => (
          <button
            key={status}
            type="button"
            role="tab"
            aria-selected={tab === status}
            className={`cat-tab${tab === status ? " cat-tab-active" : ""}`}
            onClick={() => setTab(status)}
            data-testid={`queue-filter-${status}`}
          >
            {status === "open" ? t("registrations.queue.open") : t(`registrations.status.${status}`)}
            {status !== "open" && <span className="cat-facet-count">{countOf(status)}</span>}
          </button>
        ))}
      </div>
      {queue.isPending && <Loading />}
      {queue.isError && <ErrorNotice error={queue.error} onRetry={() => queue.refetch()} />}
      {queue.data && queue.data.items.length === 0 && (
        <p className="empty">{t("registrations.queueEmpty")}</p>
      )}
      {queue.data && queue.data.items.length > 0 && (
        <RegistrationTable items={queue.data.items} testId="registration-queue" showSource />
      )}
    </div>
  );
}

function RegistrationTable({
  items,
  testId,
  showSource = false,
}: {
  items: readonly TSummary[];
  testId: string;
  showSource?: boolean;
}) {
  const { t, pick, formatDateTime } = useI18n();
  const when = (iso: string | null) => (iso ? formatDateTime(iso) : "—");
  return (
    <div className="card table-card">
      <table className="table" data-testid={testId}>
        <thead>
          <tr>
            <th scope="col">{t("registrations.col.dataset")}</th>
            <th scope="col">{t("registrations.col.kind")}</th>
            <th scope="col">{t("registrations.col.status")}</th>
            {showSource && <th scope="col">{t("registrations.col.source")}</th>}
            <th scope="col">{t("registrations.col.code")}</th>
            <th scope="col">{t("registrations.col.submittedAt")}</th>
            <th scope="col">{t("registrations.col.noticeEndsAt")}</th>
            <th scope="col">{t("registrations.col.updatedAt")}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((r) => (
            <tr key={r.id} data-testid="registration-row" data-code={r.datasetCode} data-status={r.status}>
              <td>
                <Link href={`/registrations/${r.id}`} data-testid="registration-link">
                  {pick(r.name)}
                </Link>
                <div className="mono muted small">{r.datasetCode}</div>
              </td>
              <td className="nowrap">
                <KindText kind={r.kind} />
              </td>
              <td>
                <RegistrationStatusTag status={r.status} />
              </td>
              {showSource && <td>{r.sourceOrg.name}</td>}
              <td className="mono small">{r.registrationCode ?? "—"}</td>
              <td className="nowrap">{when(r.submittedAt)}</td>
              <td className="nowrap">{r.status === "public_notice" ? when(r.noticeEndsAt) : "—"}</td>
              <td className="nowrap">{when(r.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
