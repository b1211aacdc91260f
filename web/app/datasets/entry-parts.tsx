"use client";

import { FIELD_TYPE_LABELS, MASKING_LABELS, type TDatasetEntry } from "@pdx/common/catalog/dataset-entry";
import { useI18n } from "@/lib/i18n/i18n-provider";
import { FrequencyText, GradeBadge, LibraryText, OpenBadge, SharingBadge } from "./catalog-badges";

export interface TItemSource {
  field: string;
  item: string;
  sourceOrgName: string | null;
  datasetCode: string | null;
}

/**
 * The data dictionary of an entry: every field with type, unit, grade, personal-information flag,
 * masking rule, data item code and whether the department is its authoritative source.
 */
export function DataDictionary({
  entry,
  itemSources = [],
}: {
  entry: TDatasetEntry;
  itemSources?: readonly TItemSource[];
}) {
  const { t, pick } = useI18n();
  const sourceOf = new Map(itemSources.map((s) => [s.field, s]));
  return (
    <div className="table-scroll">
      <table className="table cat-dictionary" data-testid="data-dictionary">
        <thead>
          <tr>
            <th scope="col">{t("datasets.dict.field")}</th>
            <th scope="col">{t("datasets.dict.type")}</th>
            <th scope="col">{t("datasets.dict.unit")}</th>
            <th scope="col">{t("datasets.dict.grade")}</th>
            <th scope="col">{t("datasets.dict.personal")}</th>
            <th scope="col">{t("datasets.dict.masking")}</th>
            <th scope="col">{t("datasets.dict.item")}</th>
            <th scope="col">{t("datasets.dict.source")}</th>
          </tr>
        </thead>
        <tbody>
          {entry.fields.map((f) => {
            const ref = sourceOf.get(f.name);
            return (
              <tr key={f.name} data-testid="dictionary-row" data-field={f.name}>
                <td>
                  <div className="cat-field-label">{pick(f.label)}</div>
                  <div className="mono muted small">{f.name}</div>
                  <div className="muted small">{pick(f.description)}</div>
                </td>
                <td className="nowrap">{pick(FIELD_TYPE_LABELS[f.type])}</td>
                <td className="nowrap">{f.unit ?? "—"}</td>
                <td>
                  <GradeBadge grade={f.grade} />
                </td>
                <td data-testid="field-personal" data-personal={String(f.personalInfo)}>
                  {f.personalInfo ? (
                    <span className="tag tag-danger">{t("datasets.yes")}</span>
                  ) : (
                    t("datasets.no")
                  )}
                </td>
                <td title={pick(MASKING_LABELS[f.masking].description)} className="nowrap">
                  {pick(MASKING_LABELS[f.masking])}
                </td>
                <td className="mono small">{f.item}</td>
                <td
                  className="small"
                  data-testid="field-authoritative"
                  data-authoritative={String(f.authoritative)}
                >
                  {f.authoritative ? (
                    <span className="tag tag-ok">{t("datasets.dict.authoritative")}</span>
                  ) : ref?.sourceOrgName ? (
                    t("datasets.dict.referenceOf", { org: ref.sourceOrgName, code: ref.datasetCode ?? "" })
                  ) : ref ? (
                    t("datasets.dict.referenceUnknown")
                  ) : (
                    t("datasets.dict.reference")
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The entry's catalog attributes as a key/value list. */
export function EntryFacts({ entry }: { entry: TDatasetEntry }) {
  const { t, pick, formatNumber } = useI18n();
  return (
    <dl className="kv">
      <div>
        <dt>{t("datasets.fact.code")}</dt>
        <dd className="mono" data-testid="entry-code">
          {entry.code}
        </dd>
      </div>
      <div>
        <dt>{t("datasets.fact.library")}</dt>
        <dd>
          <LibraryText library={entry.library} libraryCode={entry.libraryCode} />
        </dd>
      </div>
      <div>
        <dt>{t("datasets.fact.category")}</dt>
        <dd>
          {pick(entry.category.sector)} / {pick(entry.category.business)}
        </dd>
      </div>
      <div>
        <dt>{t("datasets.fact.grade")}</dt>
        <dd>
          <GradeBadge grade={entry.grade} />
        </dd>
      </div>
      <div>
        <dt>{t("datasets.fact.sharing")}</dt>
        <dd>
          <SharingBadge sharing={entry.sharing.attribute} />
          {entry.sharing.conditions && <div className="small">{entry.sharing.conditions}</div>}
          {entry.sharing.legalBasis && (
            <div className="small">
              {t("datasets.fact.legalBasis")}: {entry.sharing.legalBasis}
            </div>
          )}
        </dd>
      </div>
      <div>
        <dt>{t("datasets.fact.open")}</dt>
        <dd>
          <OpenBadge open={entry.open.attribute} />
          {entry.open.reason && <div className="small">{entry.open.reason}</div>}
        </dd>
      </div>
      <div>
        <dt>{t("datasets.fact.frequency")}</dt>
        <dd>
          <FrequencyText frequency={entry.updateFrequency} />
        </dd>
      </div>
      <div>
        <dt>{t("datasets.fact.volume")}</dt>
        <dd>
          {t("datasets.fact.volumeValue", {
            rows: formatNumber(entry.volume.rows, 0),
            asOf: entry.volume.asOf,
          })}
        </dd>
      </div>
    </dl>
  );
}
