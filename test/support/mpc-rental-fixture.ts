/**
 * The dataset the MPC integration tests share out among their nodes: UG-RENTAL (rental contract
 * filings, several district offices each holding their own rows), with the clamp bounds and the
 * floor-area filter their joint jobs use.
 */
import { vaultDatasetSpecOf } from "@pdx/common/vault-api";
import { CATALOG_DATASETS } from "@pdx/seeds/catalog/index";

export const RENTAL_CODE = "UG-RENTAL";
export const RENTAL_VERSION = "2026.11";
/** Monthly rent is clamped to these bounds before summing. */
export const RENTAL_BOUNDS: [number, number] = [0, 12_000];
/** Jobs count contracts of at least this floor area. */
export const MIN_FLOOR_AREA = 40;

export const rentalEntry = CATALOG_DATASETS.find((e) => e.code === RENTAL_CODE)!;
export const rentalSpec = vaultDatasetSpecOf(rentalEntry);
/** The district values of the dataset (the joint job's group domain). */
export const RENTAL_DISTRICTS = rentalSpec.fields.find((f) => f.name === "district")!.values!;
