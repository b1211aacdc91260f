/**
 * Adversarial: attacks on small groups of LE-BASE (k = 20) through aggregate queries run by real
 * product jobs — direct small cells, "total − released cells", differencing with overlapping
 * filters, trackers (padding a small target with a large set and subtracting), overlapping range
 * filters isolating one entity's registered capital, fine buckets, and oracles built on the
 * suppression decision itself. Every attack's reconstruction is compared with the ground truth
 * read straight from the vault.
 */
import type { TAggregateQueryResult } from "@pdx/common/enclave-query";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  dlapProbabilityEqual,
  dlapVariance,
  js,
  LE_VERSION,
  leJob,
  rowsTable,
  run,
  startAdversarialWorld,
  type TAdversarialWorld,
  vaultGroups,
} from "./support";

const K = 20;
let world: TAdversarialWorld;
let table: string;
/** A district × industry cell with 2 ≤ true count < k, inside a district with many entities. */
let small: { district: string; industry: string; count: number; districtTotal: number };
/** Every district × industry cell's true count. */
let cells: Map<string, number>;

const cellKey = (...dims: string[]) => JSON.stringify(dims);

beforeAll(async () => {
  world = await startAdversarialWorld({ chain: true });
  table = await rowsTable(world, "LE-BASE", LE_VERSION);
  const groups = await vaultGroups(
    world,
    `SELECT district AS d0, industry AS d1, count(*) AS n FROM "${table}" GROUP BY 1, 2`,
    [],
    2,
  );
  cells = new Map(groups.map((g) => [cellKey(...g.dims), g.count]));
  const totals = new Map<string, number>();
  const industryTotals = new Map<string, number>();
  for (const g of groups) {
    totals.set(g.dims[0]!, (totals.get(g.dims[0]!) ?? 0) + g.count);
    industryTotals.set(g.dims[1]!, (industryTotals.get(g.dims[1]!) ?? 0) + g.count);
  }
  // The tracker pads the target with its industry in the other districts: that pad must pass k.
  const candidates = groups
    .filter((g) => g.count >= 2 && g.count < K && industryTotals.get(g.dims[1]!)! - g.count >= 2 * K)
    .sort((a, b) => totals.get(b.dims[0]!)! - totals.get(a.dims[0]!)! || b.count - a.count);
  const pick = candidates[0];
  if (!pick) throw new Error("LE-BASE has no small district × industry cell");
  small = {
    district: pick.dims[0]!,
    industry: pick.dims[1]!,
    count: pick.count,
    districtTotal: totals.get(pick.dims[0]!)!,
  };
});
afterAll(async () => {
  await world?.stop();
});

const count = (filters: unknown[], extra: Record<string, unknown> = {}) =>
  `pdx.aggregate(${js({ dataset: "LE-BASE", filters, measures: [{ fn: "count", as: "n" }], ...extra })})`;

describe("small groups", () => {
  it("a direct count of a cell under k is withheld, alone and inside a grouped query", async () => {
    const target = [
      { field: "district", op: "eq", value: small.district },
      { field: "industry", op: "eq", value: small.industry },
    ];
    const source = `export default async (pdx) => {
      const direct = await ${count(target)};
      const grouped = await pdx.aggregate(${js({ dataset: "LE-BASE", filters: [target[0]], groupBy: ["industry"], measures: [{ fn: "count", as: "n" }] })});
      return { direct, grouped };
    }`;
    const status = await run(world, leJob(world.leAuthorization, source));
    expect(status.state).toBe("released");
    const { direct, grouped } = status.output as {
      direct: TAggregateQueryResult;
      grouped: TAggregateQueryResult;
    };
    expect(direct.rows).toEqual([]);
    expect(grouped.rows.map((r) => r.industry)).not.toContain(small.industry);
    // Not even how many cells were withheld is told (a small group would differ from an empty one).
    expect(direct).not.toHaveProperty("suppressedCells");
    expect(grouped).not.toHaveProperty("suppressedCells");
  });

  it("'total − released cells' never isolates a withheld cell: complementary suppression withholds a second one", async () => {
    // Exactly one small cell in the table: the small industry beside the district's two largest.
    const large = [...cells.entries()]
      .filter(([key, n]) => JSON.parse(key)[0] === small.district && n >= K)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 2)
      .map(([key]) => JSON.parse(key)[1] as string);
    expect(large).toHaveLength(2);
    const industries = [small.industry, ...large];
    const filters = [
      { field: "district", op: "eq", value: small.district },
      { field: "industry", op: "in", values: industries },
    ];
    const source = `export default async (pdx) => {
      const total = await ${count(filters)};
      const byIndustry = await pdx.aggregate(${js({ dataset: "LE-BASE", filters, groupBy: ["industry"], measures: [{ fn: "count", as: "n" }] })});
      return { total, byIndustry };
    }`;
    const status = await run(world, leJob(world.leAuthorization, source));
    expect(status.state).toBe("released");
    const { total, byIndustry } = status.output as {
      total: TAggregateQueryResult;
      byIndustry: TAggregateQueryResult;
    };
    expect(total.rows).toHaveLength(1);
    // The small cell and one complement are withheld: one of the three industries is listed.
    expect(byIndustry.rows).toHaveLength(1);
    // Even with EXACT values, total − released is the sum of two withheld cells, never the small one.
    const trueTotal = industries.reduce((sum, i) => sum + cells.get(cellKey(small.district, i))!, 0);
    const releasedTrue = cells.get(cellKey(small.district, String(byIndustry.rows[0]!.industry)))!;
    expect(trueTotal - releasedTrue).toBeGreaterThanOrEqual(small.count + K);
  });

  it("a 3-dimensional table releases only cells of at least k, and no withheld cell is alone in a marginal line", async () => {
    const source = `export default async (pdx) => pdx.aggregate(${js({ dataset: "LE-BASE", groupBy: ["district", "industry", "status"], measures: [{ fn: "count", as: "n" }], epsilon: 0.05 })})`;
    const status = await run(world, leJob(world.leAuthorization, source));
    expect(status.state).toBe("released");
    const result = status.output as TAggregateQueryResult;
    const truth = await vaultGroups(
      world,
      `SELECT district AS d0, industry AS d1, status AS d2, count(*) AS n FROM "${table}" GROUP BY 1, 2, 3`,
      [],
      3,
    );
    const trueCount = new Map(truth.map((g) => [cellKey(...g.dims), g.count]));
    const released = new Set(
      result.rows.map((r) => cellKey(String(r.district), String(r.industry), String(r.status))),
    );
    for (const key of released) expect(trueCount.get(key)).toBeGreaterThanOrEqual(K);
    // Every 1-dim line (two dimensions fixed) with a total ≥ k holds 0 or ≥ 2 withheld non-empty cells.
    for (let free = 0; free < 3; free++) {
      const lines = new Map<string, { total: number; withheld: number }>();
      for (const g of truth) {
        const fixed = JSON.stringify(g.dims.filter((_, i) => i !== free));
        const line = lines.get(fixed) ?? { total: 0, withheld: 0 };
        line.total += g.count;
        if (!released.has(cellKey(...g.dims))) line.withheld++;
        lines.set(fixed, line);
      }
      for (const line of lines.values()) if (line.total >= K) expect(line.withheld).not.toBe(1);
    }
  });

  it("fine width buckets on registered_capital (aggregate_only) release no bucket of fewer than k entities", async () => {
    const source = `export default async (pdx) => pdx.aggregate(${js({ dataset: "LE-BASE", groupBy: [{ field: "registered_capital", width: 0.01, as: "capital" }], measures: [{ fn: "count", as: "n" }], epsilon: 0.05 })})`;
    const status = await run(world, leJob(world.leAuthorization, source));
    expect(status.state).toBe("released");
    const result = status.output as TAggregateQueryResult;
    const truth = await vaultGroups(
      world,
      `SELECT trim_scale(registered_capital)::text AS d0, count(*) AS n FROM "${table}" GROUP BY 1`,
      [],
      1,
    );
    const trueCount = new Map(truth.map((g) => [g.dims[0]!, g.count]));
    for (const row of result.rows) expect(trueCount.get(String(row.capital))).toBeGreaterThanOrEqual(K);
    // Most of the tiny buckets are withheld.
    expect(result.rows.length).toBeLessThan(truth.length / 2);
  });
});

describe("differencing and trackers", () => {
  const REPEATS = 4;
  const EPS = 0.25;

  it("differencing with overlapping filters (district − district ∧ industry ≠ target) does not yield the small count", async () => {
    const all = [{ field: "district", op: "eq", value: small.district }];
    const rest = [...all, { field: "industry", op: "neq", value: small.industry }];
    const source = `export default async (pdx) => {
      const out = [];
      for (let i = 0; i < ${REPEATS}; i++) {
        const a = await ${count(all)};
        const b = await ${count(rest)};
        out.push({ a: a.rows[0].n, b: b.rows[0].n, scale: a.noise[0].scale });
      }
      return out;
    }`;
    const status = await run(
      world,
      leJob(world.leAuthorization, source, { epsilon: { perQuery: EPS, maxPerJob: 2 * REPEATS * EPS } }),
    );
    expect(status.state).toBe("released");
    const pairs = status.output as { a: number; b: number; scale: number }[];
    expect(pairs).toHaveLength(REPEATS);
    for (const p of pairs) expect(p.scale).toBe(1 / EPS);
    const differences = pairs.map((p) => p.a - p.b);
    // P(one difference is exact) = P(N₁ = N₂) for two DLap(1/ε): computed, not sampled.
    const pExact = dlapProbabilityEqual(EPS);
    expect(pExact).toBeLessThan(0.07);
    // All REPEATS exact happens with probability pExact^REPEATS < 3e-5.
    expect(differences.every((d) => d === small.count)).toBe(false);
    // The attacker's best estimate (mean of the differences) keeps a standard deviation ≥ 2.
    const sd = Math.sqrt((2 * dlapVariance(EPS)) / REPEATS);
    expect(sd).toBeGreaterThanOrEqual(2);
  });

  it("a tracker (target industry in all districts − in the other districts) does not recover the small cell's capital", async () => {
    const truth = await vaultGroups(
      world,
      `SELECT registered_capital::text AS d0, 1 AS n FROM "${table}" WHERE district = $1 AND industry = $2`,
      [small.district, small.industry],
      1,
    );
    const capitals = truth.map((g) => Number(g.dims[0]));
    const trueSum = capitals.reduce((s, v) => s + v, 0);
    const hi = Math.max(...capitals); // the attacker's best clamp: no target value is cut
    const padded = [{ field: "industry", op: "eq", value: small.industry }];
    const pad = [...padded, { field: "district", op: "neq", value: small.district }];
    const sum = (filters: unknown[]) =>
      `pdx.aggregate(${js({ dataset: "LE-BASE", filters, measures: [{ fn: "sum", field: "registered_capital", as: "s", bounds: [0, hi] }] })})`;
    const source = `export default async (pdx) => {
      const out = [];
      for (let i = 0; i < 3; i++) {
        const a = await ${sum(padded)};
        const b = await ${sum(pad)};
        out.push({ estimate: a.rows[0].s - b.rows[0].s, scale: a.noise[0].scale });
      }
      return out;
    }`;
    const status = await run(
      world,
      leJob(world.leAuthorization, source, { epsilon: { perQuery: EPS, maxPerJob: 3 } }),
    );
    expect(status.state).toBe("released");
    const estimates = status.output as { estimate: number; scale: number }[];
    for (const e of estimates) expect(e.scale).toBeGreaterThanOrEqual(hi / EPS);
    // Difference of two noises of scale b ≥ hi/ε has density ≤ 1/(4b) at any point: P(|error| ≤ 1% of the
    // sum) ≤ 0.02·trueSum/(4b) ≤ 0.02·19·hi/(4·4·hi) < 0.024 per repetition; all three: < 2e-5.
    const close = estimates.map((e) => Math.abs(e.estimate - trueSum) <= 0.01 * trueSum);
    expect(close.every(Boolean)).toBe(false);
  });

  it("overlapping range filters (between a..b vs a..b′) do not isolate one entity's registered capital", async () => {
    const sorted = await vaultGroups(
      world,
      `SELECT registered_capital::text AS d0, count(*) AS n FROM "${table}" GROUP BY registered_capital ORDER BY registered_capital`,
      [],
      1,
    );
    // An entity whose capital is unique, with ≥ 2k entities below it: ranges [min, v] and [min, v′].
    let index = -1;
    let below = 0;
    for (let i = 1; i < sorted.length; i++) {
      below += sorted[i - 1]!.count;
      if (below >= 2 * K && sorted[i]!.count === 1) {
        index = i;
        break;
      }
    }
    expect(index).toBeGreaterThan(0);
    const min = Number(sorted[0]!.dims[0]);
    const v = Number(sorted[index]!.dims[0]);
    const vPrev = Number(sorted[index - 1]!.dims[0]);
    const range = (to: number) => [{ field: "registered_capital", op: "between", from: min, to }];
    const measures = [
      { fn: "count", as: "n" },
      { fn: "sum", field: "registered_capital", as: "s", bounds: [0, v] },
    ];
    const source = `export default async (pdx) => {
      const out = [];
      for (let i = 0; i < 3; i++) {
        const a = await pdx.aggregate(${js({ dataset: "LE-BASE", filters: range(v), measures })});
        const b = await pdx.aggregate(${js({ dataset: "LE-BASE", filters: range(vPrev), measures })});
        out.push({ count: a.rows[0].n - b.rows[0].n, capital: a.rows[0].s - b.rows[0].s, scale: a.noise[1].scale });
      }
      return out;
    }`;
    const status = await run(
      world,
      leJob(world.leAuthorization, source, { epsilon: { perQuery: EPS, maxPerJob: 3 } }),
    );
    // First defence: thresholds on an aggregate-only field must be coarse (2 significant digits).
    const coarse = (x: number) => Number(x.toPrecision(2)) === x;
    if (![min, v, vPrev].every(coarse)) {
      expect(status.state).toBe("blocked");
      expect(status.blockedBy?.rule).toBe("column-policy");
      expect(status.blockedBy?.message).toMatch(/registered_capital is aggregate-only.*coarse/);
      expect(status.output).toBeNull();
      return;
    }
    // Second defence, when the values happen to lie on the coarse grid: the noise.
    expect(status.state).toBe("released");
    const diffs = status.output as { count: number; capital: number; scale: number }[];
    for (const d of diffs) expect(d.scale).toBeGreaterThanOrEqual(v / EPS);
    // P(|error| ≤ 1% of v) ≤ 0.02·v/(4·4v) = 0.00125 per repetition.
    expect(diffs.every((d) => Math.abs(d.capital - v) <= 0.01 * v)).toBe(false);
    expect(diffs.every((d) => d.count === 1)).toBe(false);
  });
});

describe("oracles on the suppression decision", () => {
  /** Binary search over cents in logic: predicate `probe(x)` true at lo, false at hi. */
  const binarySearch = (probe: string) => `export default async (pdx, params) => {
    const probe = async (x) => { ${probe} };
    let lo = 0, hi = params.hiCents, queries = 0;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      queries++;
      if (await probe(mid / 100)) lo = mid; else hi = mid;
    }
    return { cents: lo, queries };
  }`;

  it("the released/withheld flag of a 0-dim count, binary-searched over a capital threshold, does not reveal the k-th largest registered capital", async () => {
    const [kth] = await vaultGroups(
      world,
      `SELECT (registered_capital * 100)::bigint::text AS d0, 1 AS n FROM "${table}" ORDER BY registered_capital DESC OFFSET $1 LIMIT 1`,
      [K - 1],
      1,
    );
    const trueCents = Number(kth!.dims[0]);
    const source = binarySearch(
      `const r = await pdx.aggregate({ dataset: "LE-BASE", filters: [{ field: "registered_capital", op: "gte", value: x }], measures: [{ fn: "count", as: "n" }], epsilon: 0.05 }); return r.rows.length === 1;`,
    );
    const status = await run(
      world,
      leJob(world.leAuthorization, source, {
        params: { hiCents: 2 ** 36 },
        epsilon: { perQuery: 0.05, maxPerJob: 5 },
        limits: { queries: 60 },
      }),
    );
    const extracted = status.state === "released" ? (status.output as { cents: number }).cents : null;
    // Expected: the decision is not an exact function of the true count (or the probing is refused).
    expect(extracted).not.toBe(trueCents);
  });

  it("suppressedCells (small vs empty group), binary-searched over a capital threshold, does not reveal one known entity's registered capital", async () => {
    // The attacker knows the target's district and founding date (public register facts) — unique in LE-BASE.
    const [target] = await vaultGroups(
      world,
      `SELECT district AS d0, to_char(founded_on, 'YYYY-MM-DD') AS d1, (min(registered_capital) * 100)::bigint::text AS d2, count(*) AS n
         FROM "${table}" GROUP BY 1, 2 HAVING count(*) = 1 ORDER BY 2 LIMIT 1`,
      [],
      3,
    );
    const [district, foundedOn, cents] = target!.dims as [string, string, string];
    const source = binarySearch(
      `const r = await pdx.aggregate({ dataset: "LE-BASE", filters: [{ field: "district", op: "eq", value: ${js(district)} }, { field: "founded_on", op: "eq", value: ${js(foundedOn)} }, { field: "registered_capital", op: "gte", value: x }], groupBy: ["status"], measures: [{ fn: "count", as: "n" }], epsilon: 0.05 }); return r.suppressedCells > 0;`,
    );
    const status = await run(
      world,
      leJob(world.leAuthorization, source, {
        params: { hiCents: 2 ** 36 },
        epsilon: { perQuery: 0.05, maxPerJob: 5 },
        limits: { queries: 60 },
      }),
    );
    const extracted = status.state === "released" ? (status.output as { cents: number }).cents : null;
    expect(extracted).not.toBe(Number(cents));
  });
});
