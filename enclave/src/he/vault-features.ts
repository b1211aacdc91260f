/**
 * The plaintext side of an encrypted-query product, read from a stored dataset version: the
 * entity directory (the values of the product's entity field among the rows that pass its `in`
 * filters) and each entity's features (common/src/he/features.ts), as the typed arrays the
 * evaluations take (data.ts). Nothing here is released as is: the directory holds identifiers
 * only, and the features enter the homomorphic evaluation.
 *
 * Policy (planHeFeatures, on top of the authorization and the catalog check of the caller):
 *   - the entity field must be the dataset's privacy unit with one row per unit (a register's
 *     key, which ingest keeps unique), so one row is one entity and a feature is that entity's;
 *     and since the directory publishes its values, it must be a text field stored in clear that
 *     is neither personal information, core data nor masked;
 *   - each feature must pass the per-entity rule against the version's own field spec
 *     (heFeatureProblems; the caller checks the current catalog too) and be stored (not dropped);
 *   - filter fields as for a private set intersection: allowed as verification where-filters,
 *     text stored in clear (a filter decides who is in the public directory);
 *   - every field read must be among the job's declared (authorized) fields.
 *
 * Reading: keyset pages by `_row` (bounded statements), cleartext values as canonical text
 * (dates "YYYY-MM-DD", numbers as plain decimals), sealed ones opened inside the enclave with the
 * version's data key; rows whose entity value is NULL are not entities. The directory's public
 * order is ascending entity value by UTF-16 code units (deterministic, locale-free); a value seen
 * twice is refused (the field would not name one entity per row). Feature columns live on
 * SharedArrayBuffers, so the HE worker threads read them without a copy.
 */
import { heFeatureProblems, heFeatureValue, type THeFeature } from "@pdx/common/he/features";
import { HE_MAX_ENTITIES } from "@pdx/common/he/presets";
import type { TVaultField } from "@pdx/common/vault-api";
import { EnclaveError } from "../errors";
import { columnPolicyOf, fieldUseProblem } from "../query/column-policy";
import { quoteIdentifier } from "../query/compile-sql";
import { type TVaultQueryable, withReadOnlyTransaction } from "../query/run-query";
import { rowsTableOf, type TStoredDataset } from "../vault/stored-dataset";
import type { THeColumnsData, THeScoringData } from "./data";

/** Longest entity identifier a directory carries (common/src/enclave-he.ts). */
export const HE_ENTITY_MAX_CHARS = 100;
/** Rows per page when reading. */
export const HE_FEATURE_PAGE_ROWS = 50_000;

/** What the product names: its entity field, filters and features. */
export interface THeFeatureQuery {
  entityField: string;
  filters: readonly { field: string; values: readonly string[] }[];
  features: readonly THeFeature[];
}

export interface THeFeaturePlan {
  stored: TStoredDataset;
  entityField: TVaultField;
  filters: { field: TVaultField; values: string[] }[];
  features: readonly THeFeature[];
  /** The distinct dataset fields the features read, in feature order. */
  featureFields: TVaultField[];
  /** Field names read: entity field, feature fields, filter fields (distinct). */
  fieldsTouched: string[];
}

export interface THeFeatureTable {
  /** Entity identifiers in the public order (entity i is slot i). */
  entities: string[];
  /** One column per feature, keyed by the feature's `as`, in entity order. */
  columns: Readonly<Record<string, Float64Array>>;
  /** Rows that passed the filters (entities plus rows without an entity value). */
  rowsRead: number;
}

/** Opens one sealed value (field, row, bytes) → canonical text. */
export type THeSealedOpener = (field: TVaultField, row: number, sealed: Buffer) => string;

function notAllowed(message: string): never {
  throw new EnclaveError("FIELD_NOT_ALLOWED", message);
}

/** Checks the product's fields against the version's spec and `declared`; see the module comment. */
export function planHeFeatures(
  stored: TStoredDataset,
  query: THeFeatureQuery,
  declared: readonly string[],
): THeFeaturePlan {
  const { spec } = stored;
  const fieldOf = (name: string, path: string): TVaultField => {
    const field = spec.fields.find((f) => f.name === name);
    if (!field) throw new EnclaveError("QUERY_INVALID", `${path}: ${stored.code} has no field "${name}"`);
    if (!declared.includes(name))
      throw new EnclaveError(
        "FIELD_OUT_OF_SCOPE",
        `${path}: field "${name}" is outside the authorized fields`,
      );
    return field;
  };

  const entityField = fieldOf(query.entityField, "entityField");
  const unit = spec.privacyUnit;
  if (!unit || unit.field !== entityField.name || !unit.onePerUnit)
    notAllowed(
      `entityField: "${entityField.name}" is not the privacy unit of ${stored.code} with one row per unit ` +
        `(a register's key${unit ? `; its unit is "${unit.field}"${unit.onePerUnit ? "" : " with several rows per unit"}` : "; it names none"}), so its values do not name one entity per row`,
    );
  if (
    entityField.type !== "text" ||
    entityField.storage !== "cleartext" ||
    entityField.personalInfo ||
    entityField.grade === "core" ||
    entityField.masking !== "none"
  )
    notAllowed(
      `entityField: "${entityField.name}" cannot be published in a directory: it must be a text field stored in clear that is not personal information, core data or masked`,
    );

  const names = query.features.map((f) => f.as);
  if (new Set(names).size !== names.length)
    throw new EnclaveError("QUERY_INVALID", "features: feature names (as) must be distinct");
  const featureFields: TVaultField[] = [];
  query.features.forEach((feature, i) => {
    const field = fieldOf(feature.field, `features.${i}.field`);
    if (field.storage === "dropped")
      notAllowed(`features.${i}: field "${field.name}" is not stored (masking "${field.masking}")`);
    if (!featureFields.includes(field)) featureFields.push(field);
  });
  const problems = heFeatureProblems(query.features, spec.fields);
  if (problems.length > 0) notAllowed(problems.join("; "));

  const filters = query.filters.map((f, i) => {
    const field = fieldOf(f.field, `filters.${i}.field`);
    const problem = fieldUseProblem(field, columnPolicyOf(field, spec.grade), "verify_where");
    if (problem) notAllowed(`filters.${i}: "${f.field}" cannot filter the entities: ${problem}`);
    if (field.type !== "text" || field.storage !== "cleartext")
      notAllowed(`filters.${i}: "${f.field}" is not a text field stored in clear`);
    return { field, values: f.values.map((v) => v.normalize("NFC")) };
  });

  return {
    stored,
    entityField,
    filters,
    features: query.features,
    featureFields,
    fieldsTouched: [
      ...new Set([
        entityField.name,
        ...featureFields.map((f) => f.name),
        ...filters.map((f) => f.field.name),
      ]),
    ],
  };
}

/** SQL expression giving a cleartext column's canonical text. */
function canonicalTextSql(field: TVaultField): string {
  const column = quoteIdentifier(field.name);
  return field.type === "date" ? `to_char(${column}, 'YYYY-MM-DD')` : `${column}::text`;
}

/** Reads the directory and the feature columns of a plan; see the module comment. */
export async function readHeFeatures(
  db: TVaultQueryable,
  plan: THeFeaturePlan,
  options: { statementTimeoutMs: number; open?: THeSealedOpener; pageRows?: number },
): Promise<THeFeatureTable> {
  const table = quoteIdentifier(rowsTableOf(plan.stored.id));
  const selected = plan.featureFields.map((field, i) => {
    const sealed = field.storage === "sealed";
    if (sealed && !options.open) throw new Error("HE features: a sealed field needs an opener");
    return {
      field,
      sealed,
      sql: `${sealed ? quoteIdentifier(`${field.name}__sealed`) : canonicalTextSql(field)} AS "f${i}"`,
    };
  });
  const params: unknown[] = [];
  const conditions = plan.filters.map((f) => {
    params.push(f.values);
    return `${quoteIdentifier(f.field.name)} = ANY($${params.length}::text[])`;
  });
  const pageRows = options.pageRows ?? HE_FEATURE_PAGE_ROWS;
  const text =
    `SELECT "_row"::text AS row, ${quoteIdentifier(plan.entityField.name)} AS entity` +
    selected.map((s) => `, ${s.sql}`).join("") +
    ` FROM ${table} WHERE ${[...conditions, `"_row" > $${params.length + 1}::bigint`].join(" AND ")}` +
    ` ORDER BY "_row" LIMIT $${params.length + 2}`;

  // Feature values per read entity (read order); the directory order is applied at the end.
  const entities: string[] = [];
  const values = plan.features.map(() => [] as number[]);
  const featureIndex = plan.features.map((feature) =>
    plan.featureFields.findIndex((f) => f.name === feature.field),
  );
  let rowsRead = 0;
  let after = 0;
  for (;;) {
    const result = await withReadOnlyTransaction(db, options, (client) =>
      client.query<Record<string, string | Buffer | null>>(text, [...params, after, pageRows]),
    );
    for (const r of result.rows) {
      rowsRead += 1;
      const entity = r.entity as string | null;
      if (entity === null) continue;
      if (entity.length > HE_ENTITY_MAX_CHARS)
        notAllowed(
          `entityField: "${plan.entityField.name}" holds values longer than ${HE_ENTITY_MAX_CHARS} characters`,
        );
      if (entities.length === HE_MAX_ENTITIES)
        throw new EnclaveError(
          "LIMIT_EXCEEDED",
          `more than ${HE_MAX_ENTITIES} entities pass the filters; an encrypted query takes at most ${HE_MAX_ENTITIES}`,
        );
      entities.push(entity);
      const row = Number(r.row);
      const texts = selected.map((s, i) => {
        const raw = r[`f${i}`] ?? null;
        if (raw === null) return null;
        return s.sealed ? options.open!(s.field, row, raw as Buffer) : (raw as string);
      });
      plan.features.forEach((feature, k) => {
        values[k]!.push(heFeatureValue(feature, texts[featureIndex[k]!] ?? null));
      });
    }
    if (result.rows.length < pageRows) break;
    after = Number(result.rows[result.rows.length - 1]!.row);
  }

  const order = Array.from(entities.keys()).sort((a, b) =>
    entities[a]! < entities[b]! ? -1 : entities[a]! > entities[b]! ? 1 : 0,
  );
  const sorted = order.map((i) => entities[i]!);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i] === sorted[i - 1])
      notAllowed(
        `entityField: "${plan.entityField.name}" holds a value on more than one row, so it does not name one entity per row`,
      );
  }
  const columns: Record<string, Float64Array> = {};
  plan.features.forEach((feature, k) => {
    const column = new Float64Array(new SharedArrayBuffer(order.length * Float64Array.BYTES_PER_ELEMENT));
    const read = values[k]!;
    for (let j = 0; j < order.length; j++) column[j] = read[order[j]!]!;
    columns[feature.as] = column;
  });
  return { entities: sorted, columns, rowsRead };
}

/** Scoring data: entity-major features in the order of `features` (SharedArrayBuffer-backed). */
export function heScoringDataOf(table: THeFeatureTable, features: readonly THeFeature[]): THeScoringData {
  const n = table.entities.length;
  const d = features.length;
  const matrix = new Float64Array(new SharedArrayBuffer(n * d * Float64Array.BYTES_PER_ELEMENT));
  features.forEach((feature, k) => {
    const column = table.columns[feature.as];
    if (!column) throw new Error(`HE features: no column for feature ${feature.as}`);
    for (let j = 0; j < n; j++) matrix[j * d + k] = column[j]!;
  });
  return { entityCount: n, featureCount: d, features: matrix };
}

/** Lookup / aggregate data: the feature columns keyed by `as`. */
export function heColumnsDataOf(table: THeFeatureTable): THeColumnsData {
  return { entityCount: table.entities.length, columns: table.columns };
}
