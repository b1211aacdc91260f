"use client";

import { COMPUTE_MODE_LABELS, COMPUTE_MODES, FIELD_ACCESS_LABELS } from "@pdx/common/catalog/grade-policy";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { RequireSession } from "@/components/session";
import { ErrorNotice, Loading } from "@/components/status";
import { useI18n } from "@/lib/i18n/i18n-provider";
import type { TRouterOutputs } from "@/lib/trpc/app-router";
import { useTRPC } from "@/lib/trpc/client";
import {
  ChainWriteList,
  GradeBadge,
  KindText,
  OpenBadge,
  RegistrationStatusTag,
  SharingBadge,
} from "../catalog-badges";
import { DataDictionary, EntryFacts } from "../entry-parts";

type TDataset = TRouterOutputs["datasets"]["get"];

const MOCK_ROWS = 10;

/** One dataset of the catalog: facts, registration and chain record, dictionary, access, mock rows, history. */
export function DatasetView({ code }: { code: string }) {
  return <RequireSession>{() => <Dataset code={code} />}</RequireSession>;
}

function Dataset({ code }: { code: string }) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const dataset = useQuery(trpc.datasets.get.queryOptions({ code }));
  return (
    <div className="page">
      <nav className="breadcrumb">
        <Link href="/datasets">← {t("datasets.backToList")}</Link>
      </nav>
      {dataset.isPending && <Loading />}
      {dataset.isError && <ErrorNotice error={dataset.error} onRetry={() => dataset.refetch()} />}
      {dataset.data && <DatasetDetail dataset={dataset.data} />}
    </div>
  );
}

function DatasetDetail({ dataset }: { dataset: TDataset }) {
  const { t, pick, formatDateTime } = useI18n();
  return (
    <>
      <div className="page-heading">
        <div>
          <h1 data-testid="dataset-name">{pick(dataset.name)}</h1>
          <p className="cat-heading-tags">
            <span className="tag tag-code mono">{dataset.code}</span>
            <GradeBadge grade={dataset.grade} />
            <SharingBadge sharing={dataset.sharing} />
            <OpenBadge open={dataset.open} />
            <span
              className={`tag ${dataset.status === "coded" ? "tag-ok" : "tag-danger"}`}
              data-testid="dataset-status"
              data-status={dataset.status}
            >
              {t(`datasets.status.${dataset.status}`)}
            </span>
          </p>
          <p className="muted">{pick(dataset.description)}</p>
        </div>
      </div>

      <div className="detail-grid">
        <section className="card" aria-labelledby="facts-title">
          <h2 id="facts-title">{t("datasets.facts")}</h2>
          <dl className="kv">
            <div>
              <dt>{t("datasets.fact.source")}</dt>
              <dd data-testid="dataset-source">
                {dataset.sourceOrg.name}
                {dataset.sourceOrg.agencyCode && (
                  <span className="muted small">
                    {" "}
                    · {t("datasets.fact.agencyCode")}{" "}
                    <span className="mono">{dataset.sourceOrg.agencyCode}</span>
                  </span>
                )}
              </dd>
            </div>
          </dl>
          <EntryFacts entry={dataset.entry} />
        </section>

        <section className="card" aria-labelledby="registration-title" data-testid="dataset-registration">
          <h2 id="registration-title">{t("datasets.registration")}</h2>
          <dl className="kv">
            <div>
              <dt>{t("datasets.reg.code")}</dt>
              <dd className="mono" data-testid="registration-code">
                {dataset.registrationCode ?? t("datasets.notCoded")}
              </dd>
            </div>
            <div>
              <dt>{t("datasets.reg.codedAt")}</dt>
              <dd>{dataset.codedAt ? formatDateTime(dataset.codedAt) : "—"}</dd>
            </div>
            <div>
              <dt>{t("datasets.reg.validUntil")}</dt>
              <dd data-testid="valid-until">
                {dataset.validUntil ? formatDateTime(dataset.validUntil) : "—"}
              </dd>
            </div>
            {dataset.entryHash && (
              <div>
                <dt>{t("datasets.reg.entryHash")}</dt>
                <dd className="mono small break">{dataset.entryHash}</dd>
              </div>
            )}
          </dl>
          <h3>{t("datasets.reg.chain")}</h3>
          <ChainWriteList writes={dataset.chainWrites} />
          {dataset.registrationId &&
            dataset.history.some((h) => h.id === dataset.registrationId && h.canOpen) && (
              <p>
                <Link href={`/registrations/${dataset.registrationId}`}>{t("datasets.reg.open")}</Link>
              </p>
            )}
        </section>
      </div>

      <section className="card cat-section" aria-labelledby="dictionary-title">
        <h2 id="dictionary-title">{t("datasets.dictionary")}</h2>
        <p className="muted small">{t("datasets.dictionary.subtitle")}</p>
        <DataDictionary entry={dataset.entry} itemSources={dataset.itemSources} />
      </section>

      <AccessMatrix dataset={dataset} />
      <MockRows dataset={dataset} />
      <History dataset={dataset} />
    </>
  );
}

/** Grade policy: how each field may be authorized in each compute mode. */
function AccessMatrix({ dataset }: { dataset: TDataset }) {
  const { t, pick } = useI18n();
  const labelOf = new Map(dataset.entry.fields.map((f) => [f.name, f.label]));
  return (
    <section className="card cat-section" aria-labelledby="access-title" data-testid="field-access">
      <h2 id="access-title">{t("datasets.access")}</h2>
      <p className="muted small">{t("datasets.access.subtitle")}</p>
      {dataset.authorizationBlock && (
        <div className="notice notice-warning" data-testid="authorization-block">
          {t("datasets.access.blocked", { reason: dataset.authorizationBlock })}
        </div>
      )}
      <div className="table-scroll">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t("datasets.dict.field")}</th>
              {COMPUTE_MODES.map((mode) => (
                <th key={mode} scope="col" title={pick(COMPUTE_MODE_LABELS[mode].description)}>
                  {pick(COMPUTE_MODE_LABELS[mode])}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {dataset.fieldAccess.map((row) => (
              <tr key={row.field} data-testid="access-row" data-field={row.field}>
                <td>
                  {labelOf.get(row.field) ? pick(labelOf.get(row.field)!) : row.field}{" "}
                  <span className="mono muted small">{row.field}</span>
                </td>
                {COMPUTE_MODES.map((mode) => {
                  const access = row.access[mode];
                  return (
                    <td
                      key={mode}
                      className={`cat-access cat-access-${access}`}
                      title={pick(FIELD_ACCESS_LABELS[access].description)}
                      data-mode={mode}
                      data-access={access}
                    >
                      {pick(FIELD_ACCESS_LABELS[access])}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Rows generated from the schema only — labelled as such, never real data. */
function MockRows({ dataset }: { dataset: TDataset }) {
  const { t, pick } = useI18n();
  const trpc = useTRPC();
  const [seed, setSeed] = useState(1);
  const rows = useQuery({
    ...trpc.datasets.mockRows.queryOptions({ code: dataset.code, n: MOCK_ROWS, seed }),
    placeholderData: keepPreviousData,
  });
  return (
    <section className="card cat-section cat-mock" aria-labelledby="mock-title" data-testid="mock-rows">
      <div className="cat-section-head">
        <h2 id="mock-title" data-testid="mock-rows-label">
          {t("datasets.mock")}
        </h2>
        <button type="button" className="button button-small" onClick={() => setSeed((s) => s + 1)}>
          {t("datasets.mock.another")}
        </button>
      </div>
      <p className="notice notice-info small">{t("datasets.mock.subtitle")}</p>
      {rows.isPending && <Loading />}
      {rows.isError && <ErrorNotice error={rows.error} onRetry={() => rows.refetch()} />}
      {rows.data && (
        <div className="table-scroll">
          <table className="table cat-mock-table">
            <caption className="muted small">{t("datasets.mock.seed", { seed: rows.data.seed })}</caption>
            <thead>
              <tr>
                {rows.data.columns.map((c) => (
                  <th key={c.name} scope="col">
                    {pick(c.label)}
                    <div className="mono muted small">{c.name}</div>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.data.rows.map((row, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: generated rows have no identity of their own.
                <tr key={i} data-testid="mock-row">
                  {rows.data.columns.map((c) => {
                    const value = row[c.name];
                    return (
                      <td key={c.name} className="mono small">
                        {value === null || value === undefined ? (
                          <span className="muted">{t("datasets.mock.suppressed")}</span>
                        ) : typeof value === "boolean" ? (
                          t(value ? "datasets.yes" : "datasets.no")
                        ) : (
                          String(value)
                        )}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function History({ dataset }: { dataset: TDataset }) {
  const { t, formatDateTime } = useI18n();
  const when = (iso: string | null) => (iso ? formatDateTime(iso) : "—");
  return (
    <section className="card cat-section" aria-labelledby="history-title" data-testid="dataset-history">
      <h2 id="history-title">{t("datasets.history")}</h2>
      {dataset.history.length === 0 ? (
        <p className="muted">{t("datasets.history.empty")}</p>
      ) : (
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t("datasets.history.kind")}</th>
                <th scope="col">{t("datasets.history.status")}</th>
                <th scope="col">{t("datasets.history.code")}</th>
                <th scope="col">{t("datasets.history.submittedAt")}</th>
                <th scope="col">{t("datasets.history.codedAt")}</th>
                <th scope="col">{t("datasets.reg.validUntil")}</th>
                <th scope="col">{t("datasets.history.updatedAt")}</th>
              </tr>
            </thead>
            <tbody>
              {dataset.history.map((h) => (
                <tr key={h.id} data-testid="history-row" data-status={h.status}>
                  <td>
                    {h.canOpen ? (
                      <Link href={`/registrations/${h.id}`}>
                        <KindText kind={h.kind} />
                      </Link>
                    ) : (
                      <KindText kind={h.kind} />
                    )}
                  </td>
                  <td>
                    <RegistrationStatusTag status={h.status} />
                  </td>
                  <td className="mono small">{h.registrationCode ?? "—"}</td>
                  <td className="nowrap">{when(h.submittedAt)}</td>
                  <td className="nowrap">{when(h.codedAt)}</td>
                  <td className="nowrap">{when(h.validUntil)}</td>
                  <td className="nowrap">{when(h.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
