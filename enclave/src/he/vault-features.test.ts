/**
 * The directory and features of encrypted-query products read from a real vault (PostgreSQL with
 * DATABASE_URL, PGlite without): LE-BASE loaded through the ingest pipeline and a shop register
 * with sealed fields. Directories come in ascending entity order whatever the row order; feature
 * values equal the transforms computed here from the source rows (sealed values opened, NULLs as
 * the rule says); keyset pages give the same result; every policy refuses with a named reason.
 */
import type { THeFeature } from "@pdx/common/he/features";
import { generateLegalEntities } from "@pdx/seeds/legal-entities";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EnclaveError } from "../errors";
import { ensureLegalEntitiesVersion } from "../ingest/generated-versions";
import { sealedAad } from "../ingest/load-version";
import { startIngestHarness, type TIngestHarness } from "../ingest/test-support";
import { valueCipher } from "../keys/key-store";
import type { TStoredDataset } from "../vault/stored-dataset";
import {
  heColumnsDataOf,
  heScoringDataOf,
  planHeFeatures,
  type THeFeaturePlan,
  type THeFeatureQuery,
} from "./vault-features";
import {
  HE_SHOP_FEATURES,
  HE_SHOP_KINDS,
  heShopRows,
  loadHeShops,
  type THeShop,
} from "./vault-features-fixture";

const LE_ROWS = 800;
const SHOP_ROWS = 300;
const LIMITS = { statementTimeoutMs: 10_000 };
const register = [...generateLegalEntities({ count: LE_ROWS })];
const shops = heShopRows(SHOP_ROWS);

const LE_FEATURES: THeFeature[] = [
  {
    as: "capital_band",
    field: "registered_capital",
    transform: "band",
    edges: [10, 100, 500, 1000, 5000],
    label: { zh: "档", en: "band" },
  },
  { as: "founded_year", field: "founded_on", transform: "year", label: { zh: "年", en: "year" } },
  {
    as: "status_code",
    field: "status",
    transform: "category",
    values: ["存续", "在业", "吊销", "注销", "迁出"],
    label: { zh: "状态", en: "status" },
  },
];
const LE_ACTIVE: THeFeatureQuery = {
  entityField: "uscc",
  filters: [{ field: "status", values: ["存续", "在业"] }],
  features: LE_FEATURES,
};
const LE_DECLARED = ["uscc", "registered_capital", "founded_on", "status"];
const SHOP_DECLARED = ["uscc", "district", "floor_area", "capital", "opened_on", "kind"];

let h: TIngestHarness;
let leBase: TStoredDataset;
let shopStore: TStoredDataset;

beforeAll(async () => {
  h = await startIngestHarness();
  leBase = (await ensureLegalEntitiesVersion({ store: h.store, keyStore: h.keyStore }, { count: LE_ROWS }))
    .stored;
  shopStore = (await loadHeShops({ store: h.store, keyStore: h.keyStore }, shops, "2026.1")).stored;
});
afterAll(async () => {
  await h?.stop();
});

function openerOf(stored: TStoredDataset) {
  const key = h.keyStore.unwrapDataKey(stored.code, stored.version, stored.wrappedDataKey);
  return (field: { name: string }, row: number, sealed: Buffer) =>
    valueCipher.open(key, sealedAad(stored.code, stored.version, field.name, row), sealed);
}

function read(plan: THeFeaturePlan, pageRows?: number) {
  const open = openerOf(plan.stored);
  return h.vault.readHeFeatures(plan, { ...LIMITS, open, ...(pageRows ? { pageRows } : {}) });
}

function refusal(fn: () => unknown): EnclaveError {
  try {
    fn();
  } catch (err) {
    if (err instanceof EnclaveError) return err;
    throw err;
  }
  throw new Error("expected a refusal");
}

const ascending = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const bandOf = (v: number, edges: readonly number[]) => edges.filter((e) => v >= e).length;

describe("LE-BASE: the active enterprises' directory and features", () => {
  it("lists the USCCs of the rows passing the filters in ascending order, with their features", async () => {
    const plan = planHeFeatures(leBase, LE_ACTIVE, LE_DECLARED);
    expect(plan.fieldsTouched).toEqual(["uscc", "registered_capital", "founded_on", "status"]);
    const table = await read(plan);
    const active = register.filter((e) => e.status === "存续" || e.status === "在业");
    const expected = [...active].sort((a, b) => ascending(a.uscc, b.uscc));
    expect(table.entities).toEqual(expected.map((e) => e.uscc));
    expect(table.rowsRead).toBe(active.length);
    expect(table.columns.capital_band).toEqual(
      Float64Array.from(expected, (e) => bandOf(Number(e.registered_capital), [10, 100, 500, 1000, 5000])),
    );
    expect(table.columns.founded_year).toEqual(
      Float64Array.from(expected, (e) => Number(e.founded_on.slice(0, 4))),
    );
    expect(table.columns.status_code).toEqual(
      Float64Array.from(expected, (e) => (e.status === "存续" ? 0 : 1)),
    );
    expect(table.columns.capital_band!.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it("reads page by page to the same result", async () => {
    const plan = planHeFeatures(leBase, LE_ACTIVE, LE_DECLARED);
    const whole = await read(plan);
    const paged = await read(plan, 97);
    expect(paged).toEqual(whole);
  });

  it("gives scoring data entity-major and column data keyed by feature name", async () => {
    const table = await read(planHeFeatures(leBase, LE_ACTIVE, LE_DECLARED));
    const n = table.entities.length;
    const scoring = heScoringDataOf(table, LE_FEATURES);
    expect(scoring).toMatchObject({ entityCount: n, featureCount: 3 });
    for (const j of [0, 1, n - 1]) {
      expect([...scoring.features.subarray(j * 3, j * 3 + 3)]).toEqual(
        LE_FEATURES.map((f) => table.columns[f.as]![j]),
      );
    }
    const columns = heColumnsDataOf(table);
    expect(columns.entityCount).toBe(n);
    expect(Object.keys(columns.columns)).toEqual(["capital_band", "founded_year", "status_code"]);
  });
});

describe("a register with sealed fields and NULLs", () => {
  it("opens sealed values inside the enclave and computes every transform from them", async () => {
    const plan = planHeFeatures(
      shopStore,
      { entityField: "uscc", filters: [], features: HE_SHOP_FEATURES },
      SHOP_DECLARED,
    );
    expect(plan.featureFields.filter((f) => f.storage === "sealed").map((f) => f.name)).toEqual(["capital"]);
    const table = await read(plan);
    const expected: THeShop[] = [...shops].sort((a, b) => ascending(a.uscc, b.uscc));
    expect(table.entities).toEqual(expected.map((s) => s.uscc));
    // The stored order is not the directory order.
    expect(shops.map((s) => s.uscc)).not.toEqual(table.entities);
    expect(table.columns.area).toEqual(Float64Array.from(expected, (s) => Number(s.floor_area)));
    expect(table.columns.capital_band).toEqual(
      Float64Array.from(expected, (s) => bandOf(Number(s.capital), [100, 1000, 10_000])),
    );
    expect(table.columns.opened_year).toEqual(
      Float64Array.from(expected, (s) => Number(s.opened_on.slice(0, 4))),
    );
    // A NULL category is the "not listed" index.
    expect(table.columns.kind_code).toEqual(
      Float64Array.from(expected, (s) =>
        s.kind === null
          ? HE_SHOP_KINDS.length
          : HE_SHOP_KINDS.indexOf(s.kind as (typeof HE_SHOP_KINDS)[number]),
      ),
    );
    expect(expected.some((s) => s.kind === null)).toBe(true);
  });

  it("filters on a cleartext category", async () => {
    const plan = planHeFeatures(
      shopStore,
      {
        entityField: "uscc",
        filters: [{ field: "district", values: ["南湾区"] }],
        features: HE_SHOP_FEATURES,
      },
      SHOP_DECLARED,
    );
    const table = await read(plan);
    expect(table.entities).toEqual(
      shops
        .filter((s) => s.district === "南湾区")
        .map((s) => s.uscc)
        .sort(ascending),
    );
  });
});

describe("refusals", () => {
  const query = (over: Partial<THeFeatureQuery>): THeFeatureQuery => ({ ...LE_ACTIVE, ...over });

  it("refuses an entity field that is not the dataset's one-row-per-unit privacy unit", () => {
    const err = refusal(() =>
      planHeFeatures(leBase, query({ entityField: "name" }), [...LE_DECLARED, "name"]),
    );
    expect(err.code).toBe("FIELD_NOT_ALLOWED");
    expect(err.safeMessage).toMatch(
      /entityField: "name" is not the privacy unit of LE-BASE.*its unit is "uscc"/,
    );
    const noUnit = { ...leBase, spec: { ...leBase.spec, privacyUnit: null } };
    expect(refusal(() => planHeFeatures(noUnit, LE_ACTIVE, LE_DECLARED)).safeMessage).toMatch(
      /it names none/,
    );
    const manyRows = {
      ...leBase,
      spec: { ...leBase.spec, privacyUnit: { field: "uscc", onePerUnit: false, rowsPerUnit: 10 } },
    };
    expect(refusal(() => planHeFeatures(manyRows, LE_ACTIVE, LE_DECLARED)).safeMessage).toMatch(
      /with several rows per unit/,
    );
  });

  it("refuses an entity field that cannot be published (personal, masked or sealed)", () => {
    const personal = {
      ...leBase,
      spec: {
        ...leBase.spec,
        fields: leBase.spec.fields.map((f) => (f.name === "uscc" ? { ...f, personalInfo: true } : f)),
      },
    };
    const err = refusal(() => planHeFeatures(personal, LE_ACTIVE, LE_DECLARED));
    expect(err.code).toBe("FIELD_NOT_ALLOWED");
    expect(err.safeMessage).toMatch(/cannot be published in a directory/);
  });

  it("refuses a feature that breaks the per-entity rule, naming the feature and the field", () => {
    const raw: THeFeature = {
      as: "capital",
      field: "registered_capital",
      transform: "number",
      label: { zh: "资本", en: "capital" },
    };
    const err = refusal(() => planHeFeatures(leBase, query({ features: [raw] }), LE_DECLARED));
    expect(err.code).toBe("FIELD_NOT_ALLOWED");
    expect(err.safeMessage).toBe(
      'feature "capital" (field "registered_capital"): important data may be output per entity only coarsened (transform "band" or "category")',
    );
  });

  it("refuses fields outside the declared ones, unknown fields and repeated feature names", () => {
    const out = refusal(() => planHeFeatures(leBase, LE_ACTIVE, ["uscc", "registered_capital", "status"]));
    expect(out.code).toBe("FIELD_OUT_OF_SCOPE");
    expect(out.safeMessage).toBe('features.1.field: field "founded_on" is outside the authorized fields');
    const unknown = refusal(() =>
      planHeFeatures(leBase, query({ filters: [{ field: "colour", values: ["red"] }] }), [
        ...LE_DECLARED,
        "colour",
      ]),
    );
    expect(unknown).toMatchObject({
      code: "QUERY_INVALID",
      safeMessage: 'filters.0.field: LE-BASE has no field "colour"',
    });
    const twice = refusal(() =>
      planHeFeatures(leBase, query({ features: [LE_FEATURES[0]!, LE_FEATURES[0]!] }), LE_DECLARED),
    );
    expect(twice.safeMessage).toMatch(/feature names \(as\) must be distinct/);
  });

  it("refuses a filter on a field that may not filter (important, continuous)", () => {
    const err = refusal(() =>
      planHeFeatures(
        leBase,
        query({ filters: [{ field: "registered_capital", values: ["100"] }] }),
        LE_DECLARED,
      ),
    );
    expect(err.code).toBe("FIELD_NOT_ALLOWED");
    expect(err.safeMessage).toMatch(/^filters\.0: "registered_capital" cannot filter the entities/);
  });

  it("refuses an entity field holding a value twice", async () => {
    // A spec that (wrongly) claims district names one entity per row.
    const fake = {
      ...shopStore,
      spec: {
        ...shopStore.spec,
        privacyUnit: { field: "district", onePerUnit: true, rowsPerUnit: 1 },
      },
    };
    const plan = planHeFeatures(
      fake,
      { entityField: "district", filters: [], features: [HE_SHOP_FEATURES[0]!] },
      SHOP_DECLARED,
    );
    await expect(read(plan)).rejects.toMatchObject({
      code: "FIELD_NOT_ALLOWED",
      safeMessage:
        'entityField: "district" holds a value on more than one row, so it does not name one entity per row',
    });
  });
});
