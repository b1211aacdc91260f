/**
 * Versions the enclave generates itself, loaded through the same pipeline as uploads (validate →
 * protect → load, all or nothing) with rows from a generator instead of a file:
 *   - `ensureMockVersion`: version "mock" of any catalog dataset, from `rawMockRows` (plainly fake
 *     rows), which product jobs read in mock mode;
 *   - `ensureLegalEntitiesVersion`: LE-BASE "2026.11" from the synthetic register
 *     (seeds/legal-entities.ts), under the spec of its catalog entry;
 *   - `ensureCatalogSampleVersion`: any catalog dataset at a real version label, from the same
 *     deterministic generator (rawMockRows, seeded by the dataset code), e.g. the department
 *     datasets the demo's MPC nodes hold (ENCLAVE_GENERATED_DATASETS); `catalogSampleRows` gives
 *     the same rows to tests that recompute a joint result in plaintext.
 * Each is idempotent: a version already loaded is left as it is.
 */
import { randomUUID } from "node:crypto";
import type { TDatasetEntry } from "@pdx/common/catalog/dataset-entry";
import { rawMockRows } from "@pdx/common/catalog/mock-rows";
import { MOCK_VERSION_LABEL, type TVaultDatasetSpec, vaultDatasetSpecOf } from "@pdx/common/vault-api";
import { CATALOG_DATASETS } from "@pdx/seeds/catalog/index";
import { generateLegalEntities, LE_BASE_DATASET, LE_FIELDS } from "@pdx/seeds/legal-entities";
import type { TStoredDataset } from "../vault/stored-dataset";
import { loadVersion, type TLoadVersionDeps } from "./load-version";
import { objectRows } from "./row-sources";

/** Version label of mock versions (reserved: no upload may use it). */
export const MOCK_VERSION = MOCK_VERSION_LABEL;

export interface TEnsureResult {
  status: "loaded" | "already-loaded";
  stored: TStoredDataset;
  ms: number;
}

/** Loads `rows` as `spec`@`version` unless that version is loaded; throws if a row is invalid. */
export async function ensureGeneratedVersion(
  deps: TLoadVersionDeps,
  spec: TVaultDatasetSpec,
  version: string,
  rows: () => Iterable<Record<string, unknown>>,
  options: { batchRows?: number } = {},
): Promise<TEnsureResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const existing = await deps.store.storedDataset(spec.code, version);
  if (existing) return { status: "already-loaded", stored: existing, ms: elapsed() };
  const outcome = await loadVersion(deps, {
    spec,
    version,
    rows: objectRows(spec, rows()),
    loadId: randomUUID(),
    batchRows: options.batchRows,
  });
  if (outcome.kind === "loaded") return { status: "loaded", stored: outcome.stored, ms: elapsed() };
  if (outcome.kind === "version-exists") {
    const raced = await deps.store.storedDataset(spec.code, version);
    if (raced) return { status: "already-loaded", stored: raced, ms: elapsed() };
    throw new Error(`ingest: ${spec.code}@${version} vanished after another load`);
  }
  const first = outcome.errors[0];
  throw new Error(
    `ingest: generated rows of ${spec.code}@${version} do not pass validation (${outcome.errorCount} errors` +
      `${outcome.failure ? `; ${outcome.failure}` : ""}${first ? `; first: row ${first.row} ${first.field ?? ""} ${first.reason}` : ""})`,
  );
}

/** Version "mock" of a catalog dataset: `rows` fake rows (default 5,000) from rawMockRows. */
export function ensureMockVersion(
  deps: TLoadVersionDeps,
  entry: TDatasetEntry,
  options: { rows?: number; seed?: number; batchRows?: number } = {},
): Promise<TEnsureResult> {
  const spec = vaultDatasetSpecOf(entry);
  return ensureGeneratedVersion(
    deps,
    spec,
    MOCK_VERSION,
    () => rawMockRows(entry, options.rows ?? 5000, options.seed ?? 1),
    {
      batchRows: options.batchRows,
    },
  );
}

/** The vault spec of LE-BASE from its catalog entry; throws if its fields differ from the register's. */
export function legalEntitiesSpec(): TVaultDatasetSpec {
  const entry = CATALOG_DATASETS.find((e) => e.code === LE_BASE_DATASET.code);
  if (!entry) throw new Error("ingest: the catalog has no LE-BASE entry");
  const spec = vaultDatasetSpecOf(entry);
  const specNames = spec.fields.map((f) => f.name).join(",");
  const rowNames = LE_FIELDS.map((f) => f.field).join(",");
  if (specNames !== rowNames) {
    throw new Error(`ingest: LE-BASE catalog fields (${specNames}) differ from the register's (${rowNames})`);
  }
  return spec;
}

/** LE-BASE "2026.11" in the generic layout, from `count` generated legal entities. */
export function ensureLegalEntitiesVersion(
  deps: TLoadVersionDeps,
  options: { count?: number; batchRows?: number } = {},
): Promise<TEnsureResult> {
  return ensureGeneratedVersion(
    deps,
    legalEntitiesSpec(),
    LE_BASE_DATASET.version,
    () => generateLegalEntities({ count: options.count }) as Iterable<Record<string, unknown>>,
    { batchRows: options.batchRows },
  );
}

/** The generator seed of a catalog dataset's sample version (stable per code). */
function sampleSeedOf(code: string): number {
  let seed = 17;
  for (const ch of code) seed = (seed * 31 + ch.charCodeAt(0)) % 1_000_003;
  return seed;
}

/** The catalog entry of `code`; throws naming it when the catalog has none. */
export function catalogEntryOf(code: string): TDatasetEntry {
  const entry = CATALOG_DATASETS.find((e) => e.code === code);
  if (!entry) throw new Error(`ingest: the catalog has no dataset ${code}`);
  return entry;
}

/** The deterministic rows of a catalog dataset's sample version (what ensureCatalogSampleVersion loads). */
export function catalogSampleRows(code: string, rows: number) {
  return rawMockRows(catalogEntryOf(code), rows, sampleSeedOf(code));
}

/** `code`@`version` from `rows` deterministic generated rows, unless that version is loaded. */
export function ensureCatalogSampleVersion(
  deps: TLoadVersionDeps,
  dataset: { code: string; version: string; rows: number },
  options: { batchRows?: number } = {},
): Promise<TEnsureResult> {
  if (dataset.version === MOCK_VERSION)
    throw new Error(`ingest: version "${MOCK_VERSION}" is reserved for mock versions`);
  return ensureGeneratedVersion(
    deps,
    vaultDatasetSpecOf(catalogEntryOf(dataset.code)),
    dataset.version,
    () => catalogSampleRows(dataset.code, dataset.rows),
    options,
  );
}
