"use client";

import {
  GRADE_LABELS,
  GRADES,
  LIBRARY_KIND_LABELS,
  LIBRARY_KINDS,
  LIBRARY_LABELS,
  OPEN_ATTRIBUTES,
  OPEN_LABELS,
  SHARING_ATTRIBUTES,
  SHARING_LABELS,
  type TGrade,
  type TLibraryCode,
  type TLibraryKind,
  type TOpenAttribute,
  type TSharingAttribute,
} from "@pdx/common/catalog/dataset-entry";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useDeferredValue, useState } from "react";
import { RequireSession } from "@/components/session";
import { ErrorNotice, Loading } from "@/components/status";
import { useI18n } from "@/lib/i18n/i18n-provider";
import type { TRouterOutputs } from "@/lib/trpc/app-router";
import { useTRPC } from "@/lib/trpc/client";
import { FrequencyText, GradeBadge, LibraryText, OpenBadge, SharingBadge } from "./catalog-badges";

const PAGE_SIZE = 20;
const STATUS_FILTERS = ["coded", "expired", "deregistered", "all"] as const;

type TPage = TRouterOutputs["datasets"]["list"];
type TFacet = TPage["facets"]["library"];

interface TFilters {
  library?: TLibraryKind;
  libraryCode?: TLibraryCode;
  grade?: TGrade;
  sourceOrgId?: string;
  sharing?: TSharingAttribute;
  open?: TOpenAttribute;
  status: (typeof STATUS_FILTERS)[number];
}

/** The catalog (一本账) for every signed-in role: search, filters with counts, results, pages. */
export function DatasetsView() {
  return <RequireSession>{() => <Datasets />}</RequireSession>;
}

function Datasets() {
  const { t, formatNumber } = useI18n();
  const trpc = useTRPC();
  const [search, setSearch] = useState("");
  const q = useDeferredValue(search.trim());
  const [filters, setFilters] = useState<TFilters>({ status: "coded" });
  const [page, setPage] = useState(1);
  const stats = useQuery(trpc.datasets.stats.queryOptions());
  const list = useQuery({
    ...trpc.datasets.list.queryOptions({ ...filters, q: q || undefined, page, pageSize: PAGE_SIZE }),
    placeholderData: keepPreviousData,
  });
  const choose = (next: Partial<TFilters>) => {
    setFilters((f) => ({ ...f, ...next }));
    setPage(1);
  };
  const pages = list.data ? Math.max(1, Math.ceil(list.data.total / list.data.pageSize)) : 1;

  return (
    <div className="page">
      <div className="page-heading">
        <div>
          <h1>{t("datasets.title")}</h1>
          <p className="muted">{t("datasets.subtitle")}</p>
        </div>
        <label className="field field-inline search-field">
          <span className="field-label">{t("datasets.search")}</span>
          <input
            type="search"
            value={search}
            placeholder={t("datasets.searchPlaceholder")}
            onChange={(e) => {
              setSearch(e.target.value);
              setPage(1);
            }}
            data-testid="datasets-search"
          />
        </label>
      </div>

      {stats.data && (
        <ul className="cat-stats" data-testid="catalog-stats" aria-label={t("datasets.stats.total")}>
          <li>
            <strong data-testid="stats-total">{formatNumber(stats.data.total, 0)}</strong>
            <span>{t("datasets.stats.total")}</span>
          </li>
          <li>
            <strong>{formatNumber(stats.data.byLibrary.base, 0)}</strong>
            <span>{t("datasets.stats.base")}</span>
          </li>
          <li>
            <strong>{formatNumber(stats.data.byLibrary.theme, 0)}</strong>
            <span>{t("datasets.stats.theme")}</span>
          </li>
          <li className="cat-stats-grades">
            <span>
              <GradeBadge grade="core" /> {formatNumber(stats.data.byGrade.core, 0)}
            </span>
            <span>
              <GradeBadge grade="important" /> {formatNumber(stats.data.byGrade.important, 0)}
            </span>
            <span>
              <GradeBadge grade="general" /> {formatNumber(stats.data.byGrade.general, 0)}
            </span>
          </li>
          <li>
            <strong>{formatNumber(stats.data.departments, 0)}</strong>
            <span>{t("datasets.stats.departments")}</span>
          </li>
          <li>
            <strong>{formatNumber(stats.data.authoritativeItems, 0)}</strong>
            <span>{t("datasets.stats.items")}</span>
          </li>
        </ul>
      )}

      <div className="cat-layout">
        <aside className="card cat-filters" aria-label={t("datasets.filters")} data-testid="datasets-filters">
          <div className="cat-filters-head">
            <h2>{t("datasets.filters")}</h2>
            <button
              type="button"
              className="button button-small"
              onClick={() => {
                setFilters({ status: "coded" });
                setSearch("");
                setPage(1);
              }}
              data-testid="filter-clear"
            >
              {t("datasets.filter.clear")}
            </button>
          </div>
          <FacetGroup
            name="library"
            title={t("datasets.filter.library")}
            values={LIBRARY_KINDS}
            facet={list.data?.facets.library}
            selected={filters.library}
            labelOf={(v) => LIBRARY_KIND_LABELS[v]}
            onChoose={(library) => choose({ library, libraryCode: undefined })}
          />
          <FacetGroup
            name="libraryCode"
            title={t("datasets.filter.libraryCode")}
            values={(list.data?.facets.libraryCode ?? []).map((f) => f.value as TLibraryCode)}
            facet={list.data?.facets.libraryCode}
            selected={filters.libraryCode}
            labelOf={(v) => LIBRARY_LABELS[v]}
            onChoose={(libraryCode) => choose({ libraryCode })}
          />
          <FacetGroup
            name="grade"
            title={t("datasets.filter.grade")}
            values={GRADES}
            facet={list.data?.facets.grade}
            selected={filters.grade}
            labelOf={(v) => GRADE_LABELS[v]}
            onChoose={(grade) => choose({ grade })}
          />
          <label className="field">
            <span className="field-label">{t("datasets.filter.source")}</span>
            <select
              value={filters.sourceOrgId ?? ""}
              onChange={(e) => choose({ sourceOrgId: e.target.value || undefined })}
              data-testid="filter-source"
            >
              <option value="">{t("datasets.filter.allSources")}</option>
              {(list.data?.facets.sourceOrgId ?? []).map((f) => (
                <option key={f.value} value={f.value}>
                  {f.label ?? f.value} ({f.count})
                </option>
              ))}
            </select>
          </label>
          <FacetGroup
            name="sharing"
            title={t("datasets.filter.sharing")}
            values={SHARING_ATTRIBUTES}
            facet={list.data?.facets.sharing}
            selected={filters.sharing}
            labelOf={(v) => SHARING_LABELS[v]}
            onChoose={(sharing) => choose({ sharing })}
          />
          <FacetGroup
            name="open"
            title={t("datasets.filter.open")}
            values={OPEN_ATTRIBUTES}
            facet={list.data?.facets.open}
            selected={filters.open}
            labelOf={(v) => OPEN_LABELS[v]}
            onChoose={(open) => choose({ open })}
          />
          <fieldset className="cat-facet">
            <legend className="field-label">{t("datasets.filter.status")}</legend>
            {STATUS_FILTERS.map((status) => (
              <label key={status} className="cat-facet-option">
                <input
                  type="radio"
                  name="status"
                  checked={filters.status === status}
                  onChange={() => choose({ status })}
                  data-testid={`filter-status-${status}`}
                />
                <span>{t(`datasets.status.${status}`)}</span>
              </label>
            ))}
          </fieldset>
        </aside>

        <section className="cat-results">
          {list.isPending && <Loading />}
          {list.isError && <ErrorNotice error={list.error} onRetry={() => list.refetch()} />}
          {list.data && (
            <>
              <p className="muted cat-total" data-testid="datasets-total" data-total={list.data.total}>
                {t("datasets.total", { n: formatNumber(list.data.total, 0) })}
              </p>
              {list.data.items.length === 0 ? (
                <p className="empty">{t("datasets.empty")}</p>
              ) : (
                <ResultsTable items={list.data.items} />
              )}
              {pages > 1 && (
                <nav className="cat-pager" aria-label={t("datasets.page", { page, pages })}>
                  <button
                    type="button"
                    className="button"
                    disabled={page <= 1}
                    onClick={() => setPage((p) => p - 1)}
                    data-testid="page-prev"
                  >
                    {t("datasets.prev")}
                  </button>
                  <span data-testid="page-indicator">{t("datasets.page", { page, pages })}</span>
                  <button
                    type="button"
                    className="button"
                    disabled={page >= pages}
                    onClick={() => setPage((p) => p + 1)}
                    data-testid="page-next"
                  >
                    {t("datasets.next")}
                  </button>
                </nav>
              )}
            </>
          )}
        </section>
      </div>
    </div>
  );
}

/** One filter as radio options with the number of datasets each would give. */
function FacetGroup<V extends string>({
  name,
  title,
  values,
  facet,
  selected,
  labelOf,
  onChoose,
}: {
  name: string;
  title: string;
  values: readonly V[];
  facet: TFacet | undefined;
  selected: V | undefined;
  labelOf: (value: V) => { zh: string; en: string };
  onChoose: (value: V | undefined) => void;
}) {
  const { t, pick } = useI18n();
  const countOf = (value: string) => facet?.find((f) => f.value === value)?.count ?? 0;
  const shown = selected && !values.includes(selected) ? [...values, selected] : values;
  return (
    <fieldset className="cat-facet" data-testid={`filter-${name}`}>
      <legend className="field-label">{title}</legend>
      <label className="cat-facet-option">
        <input
          type="radio"
          name={name}
          checked={selected === undefined}
          onChange={() => onChoose(undefined)}
        />
        <span>{t("datasets.filter.all")}</span>
      </label>
      {shown.map((value) => (
        <label key={value} className="cat-facet-option">
          <input
            type="radio"
            name={name}
            checked={selected === value}
            onChange={() => onChoose(value)}
            data-testid={`filter-${name}-${value}`}
          />
          <span>{pick(labelOf(value))}</span>
          <span className="cat-facet-count" data-testid="facet-count">
            {countOf(value)}
          </span>
        </label>
      ))}
    </fieldset>
  );
}

function ResultsTable({ items }: { items: TPage["items"] }) {
  const { t, pick, formatNumber } = useI18n();
  return (
    <div className="card table-card">
      <table className="table" data-testid="datasets-table">
        <thead>
          <tr>
            <th scope="col">{t("datasets.col.dataset")}</th>
            <th scope="col">{t("datasets.col.source")}</th>
            <th scope="col">{t("datasets.col.library")}</th>
            <th scope="col">{t("datasets.col.grade")}</th>
            <th scope="col">{t("datasets.col.attributes")}</th>
            <th scope="col">{t("datasets.col.frequency")}</th>
            <th scope="col" className="num">
              {t("datasets.col.volume")}
            </th>
            <th scope="col">{t("datasets.col.registrationCode")}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((d) => (
            <tr key={d.code} data-testid="dataset-row" data-code={d.code} data-status={d.status}>
              <td>
                <Link href={`/datasets/${encodeURIComponent(d.code)}`} className="cat-dataset-name">
                  {pick(d.name)}
                </Link>
                <div className="mono muted small">{d.code}</div>
              </td>
              <td>{d.sourceOrg.name}</td>
              <td className="nowrap">
                <LibraryText library={d.library} libraryCode={d.libraryCode} />
              </td>
              <td>
                <GradeBadge grade={d.grade} />
              </td>
              <td className="cat-badges">
                <SharingBadge sharing={d.sharing} />
                <OpenBadge open={d.open} />
              </td>
              <td className="nowrap">
                <FrequencyText frequency={d.updateFrequency} />
              </td>
              <td className="num">{formatNumber(d.volume.rows, 0)}</td>
              <td className="mono small nowrap" data-testid="dataset-registration-code">
                {d.registrationCode ?? t("datasets.notCoded")}
                {d.status !== "coded" && (
                  <div>
                    <span className="tag tag-danger">{t(`datasets.status.${d.status}`)}</span>
                  </div>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
