/**
 * The seeded public-data catalog (一本账) of 鹏城市: data-source departments with their demo
 * users, and catalog entries across the five base libraries and the theme libraries. Plain,
 * deterministic data; every entry passes `parseDatasetEntry`, every data item has at most one
 * authoritative field in the whole catalog, and LE-BASE keeps the vault's field names.
 */
import type { TDatasetEntry } from "@pdx/common/catalog/dataset-entry";
import type { TCatalogDatasetSeed } from "./build";
import { CREDIT_DATASETS } from "./datasets/credit";
import { E_CERTIFICATE_DATASETS } from "./datasets/e-certificate";
import { ECOLOGY_DATASETS } from "./datasets/ecology";
import { EDUCATION_DATASETS } from "./datasets/education";
import { ENERGY_DATASETS } from "./datasets/energy";
import { HEALTHCARE_DATASETS } from "./datasets/healthcare";
import { LEGAL_ENTITY_DATASETS } from "./datasets/legal-entity";
import { NATURAL_RESOURCES_DATASETS } from "./datasets/natural-resources";
import { POPULATION_DATASETS } from "./datasets/population";
import { SOCIAL_SECURITY_DATASETS } from "./datasets/social-security";
import { TAX_DATASETS } from "./datasets/tax";
import { TRANSPORT_DATASETS } from "./datasets/transport";
import { URBAN_GOVERNANCE_DATASETS } from "./datasets/urban-governance";

export type { TCatalogDatasetSeed } from "./build";
export {
  CATALOG_DEPARTMENT_USERS,
  CATALOG_DEPARTMENTS,
  catalogDepartment,
  type TCatalogDepartment,
} from "./departments";

/** Every seeded entry with the seed key of its source department, base libraries first. */
export const CATALOG_DATASET_SEEDS: readonly TCatalogDatasetSeed[] = [
  ...POPULATION_DATASETS,
  ...LEGAL_ENTITY_DATASETS,
  ...CREDIT_DATASETS,
  ...NATURAL_RESOURCES_DATASETS,
  ...E_CERTIFICATE_DATASETS,
  ...HEALTHCARE_DATASETS,
  ...TRANSPORT_DATASETS,
  ...SOCIAL_SECURITY_DATASETS,
  ...TAX_DATASETS,
  ...ENERGY_DATASETS,
  ...EDUCATION_DATASETS,
  ...URBAN_GOVERNANCE_DATASETS,
  ...ECOLOGY_DATASETS,
];

/** Every seeded catalog entry. */
export const CATALOG_DATASETS: readonly TDatasetEntry[] = CATALOG_DATASET_SEEDS.map((s) => s.entry);

/** The seed key of the department that is the source of dataset `code`; throws naming the code. */
export function catalogSourceOf(code: string): string {
  const found = CATALOG_DATASET_SEEDS.find((s) => s.entry.code === code);
  if (!found) throw new RangeError(`no catalog dataset "${code}"`);
  return found.sourceOrgKey;
}
