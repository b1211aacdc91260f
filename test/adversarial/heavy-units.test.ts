/**
 * Adversarial: one enterprise with many rows. EN-ENTERPRISE-POWER holds one row per enterprise and
 * month, so an enterprise is several rows; differential privacy and the minimum group size must
 * protect the ENTERPRISE (the dataset's privacy unit, its fingerprinted USCC), not a row. The
 * attacker plants a target that has 100 rows — alone in its industry, each at the largest
 * consumption — and tries to see it: as a cell of its own (100 rows ≥ k), and as the difference
 * it makes to a total. Real product jobs on a real vault; the truth is computed from the rows
 * loaded.
 */
import { randomUUID } from "node:crypto";
import { rawMockRows } from "@pdx/common/catalog/mock-rows";
import type { TAggregateQueryResult } from "@pdx/common/enclave-query";
import { DEFAULT_ROWS_PER_UNIT, vaultDatasetSpecOf } from "@pdx/common/vault-api";
import { ensureGeneratedVersion } from "@pdx/enclave/src/ingest/generated-versions";
import { usccOf } from "@pdx/enclave/src/ingest/test-support";
import { CATALOG_DATASETS } from "@pdx/seeds/catalog/index";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TAuthorizationClaim } from "../support/authorization-chain";
import { productJobRequest } from "../support/product-jobs";
import {
  ATTACKER_OPERATOR,
  freshBuyer,
  js,
  run,
  startAdversarialWorld,
  type TAdversarialWorld,
} from "./support";

const CODE = "EN-ENTERPRISE-POWER";
const VERSION = "2026.10";
const FIELDS = ["industry", "district", "month", "electricity"];
const TARGET_INDUSTRY = "采矿业";
const TARGET_ROWS = 100;
const MAX_KWH = 9000;
const ENTERPRISES = 1000;

let world: TAdversarialWorld;
let authorization: TAuthorizationClaim;
/** Rows and electricity of the loaded version, and what bounding to 10 rows per unit keeps. */
const truth = { rows: 0, kwh: 0, boundedRows: 0, boundedKwh: 0 };

beforeAll(async () => {
  world = await startAdversarialWorld({ chain: true });
  const entry = CATALOG_DATASETS.find((e) => e.code === CODE);
  if (!entry) throw new Error(`the catalog has no ${CODE}`);
  const spec = vaultDatasetSpecOf(entry);
  expect(spec.privacyUnit).toEqual({ field: "uscc", onePerUnit: false, rowsPerUnit: DEFAULT_ROWS_PER_UNIT });

  // 1,000 ordinary enterprises with 1–3 months each (none in the target's industry), then the target.
  const template = [...rawMockRows(entry, ENTERPRISES * 3, 11)];
  const rows: Record<string, unknown>[] = [];
  let t = 0;
  for (let e = 1; e <= ENTERPRISES; e++) {
    for (let m = 0; m < 1 + (e % 3); m++) {
      const row: Record<string, unknown> = { ...template[t++]!, uscc: usccOf(e) };
      if (row.industry === TARGET_INDUSTRY) row.industry = "制造业";
      rows.push(row);
    }
  }
  for (let m = 0; m < TARGET_ROWS; m++)
    rows.push({ ...template[m]!, uscc: usccOf(999_999), industry: TARGET_INDUSTRY, electricity: MAX_KWH });
  for (const r of rows) {
    truth.rows++;
    truth.kwh += Number(r.electricity);
  }
  // Only the target has more than DEFAULT_ROWS_PER_UNIT rows, and all of them are MAX_KWH.
  const dropped = TARGET_ROWS - DEFAULT_ROWS_PER_UNIT;
  truth.boundedRows = truth.rows - dropped;
  truth.boundedKwh = truth.kwh - dropped * MAX_KWH;

  await ensureGeneratedVersion(
    { store: world.enclave.vault.ingestStore(), keyStore: world.enclave.keyStore },
    spec,
    VERSION,
    () => rows,
  );
  if (!world.chain) throw new Error("the adversarial world has no chain");
  authorization = await world.chain.recordAuthorization({
    id: randomUUID(),
    operatorOrgId: ATTACKER_OPERATOR,
    scope: [{ datasetCode: CODE, fields: FIELDS }],
  });
});
afterAll(async () => {
  await world?.stop();
});

function job(source: string, epsilon = { perQuery: 0.5, maxPerJob: 5 }) {
  return productJobRequest(authorization, {
    source,
    fields: { [CODE]: FIELDS },
    requester: freshBuyer(),
    epsilon,
  });
}

const byIndustry = (extra: Record<string, unknown> = {}) =>
  `pdx.aggregate(${js({ dataset: CODE, groupBy: ["industry"], measures: [{ fn: "count", as: "n" }], ...extra })})`;

describe("an enterprise with many rows", () => {
  it("is never a cell of its own: k counts enterprises, even when each may contribute all 100 rows", async () => {
    const status = await run(
      world,
      job(`export default async (pdx) => ({
        bounded: await ${byIndustry({ epsilon: 1 })},
        whole: await ${byIndustry({ epsilon: 1, rowsPerUnit: 100 })},
      })`),
    );
    expect(status.state, status.failure?.message).toBe("released");
    const { bounded, whole } = status.output as {
      bounded: TAggregateQueryResult;
      whole: TAggregateQueryResult;
    };
    for (const result of [bounded, whole]) {
      const industries = result.rows.map((r) => r.industry);
      expect(industries.length).toBeGreaterThan(3);
      expect(industries).not.toContain(TARGET_INDUSTRY);
    }
    // The noise is scaled by the bound each query used, and the bound is reported.
    expect(bounded.rowsPerUnit).toBe(DEFAULT_ROWS_PER_UNIT);
    expect(bounded.noise).toEqual([{ measure: "n", mechanism: "laplace", scale: DEFAULT_ROWS_PER_UNIT }]);
    expect(whole.rowsPerUnit).toBe(100);
    expect(whole.noise).toEqual([{ measure: "n", mechanism: "laplace", scale: 100 }]);
  });

  it("moves a total by at most rowsPerUnit rows: its other 90 rows and their consumption are left out", async () => {
    const status = await run(
      world,
      job(
        `export default async (pdx) => pdx.aggregate(${js({
          dataset: CODE,
          measures: [
            { fn: "count", as: "n" },
            { fn: "sum", field: "electricity", as: "kwh", bounds: [0, MAX_KWH] },
          ],
          epsilon: 2,
        })})`,
        { perQuery: 2, maxPerJob: 4 },
      ),
    );
    expect(status.state, status.failure?.message).toBe("released");
    const result = status.output as TAggregateQueryResult;
    const [row] = result.rows;
    const n = row!.n as number;
    const kwh = row!.kwh as number;
    // Count noise scale 10/2 = 5 (σ ≈ 7); the 90 left-out rows are 13 σ away.
    expect(Math.abs(n - truth.boundedRows)).toBeLessThan(45);
    expect(truth.rows - n).toBeGreaterThan(45);
    // Sum noise scale ≈ 10 · 9000 / 2 = 45,000 (σ ≈ 64,000); the left-out 810,000 kWh are 12 σ away.
    const sumScale = result.noise[1]!.scale;
    expect(sumScale).toBeGreaterThanOrEqual((DEFAULT_ROWS_PER_UNIT * MAX_KWH) / 2);
    expect(Math.abs(kwh - truth.boundedKwh)).toBeLessThan(405_000);
    expect(truth.kwh - kwh).toBeGreaterThan(405_000);
  });

  it("asking for more rows per unit than the cap of 100 is refused, naming the field", async () => {
    const status = await run(world, job(`export default async (pdx) => ${byIndustry({ rowsPerUnit: 101 })}`));
    expect(status.state).toBe("failed");
    expect(status.failure?.message).toMatch(/rowsPerUnit/);
  });
});
