/**
 * Adversarial: SQL injection through every part of a query a product job controls — field names,
 * group `as` names, filter values, dataset codes (in the query and in the job's declarations),
 * dataset versions, bucket widths and verification match keys — on a real enclave (mock mode, so
 * no chain is needed; the compiler is the same for real data). Afterwards the vault is checked
 * directly: the real LE-BASE version still has every row and no table was dropped or altered.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  js,
  LE_ROWS,
  LE_VERSION,
  leJob,
  run,
  startAdversarialWorld,
  type TAdversarialWorld,
  vaultGroups,
  vaultRowCount,
} from "./support";

let world: TAdversarialWorld;
let versionsBefore: number;

const PAYLOADS = [
  `district"; DROP TABLE vault_versions; --`,
  `district' OR '1'='1`,
  `1; DELETE FROM privacy_budgets`,
  `district) UNION SELECT uscc, 1 FROM vault_rows_1 --`,
  `DISTRICT`,
  `district\u0000`,
  "a".repeat(65),
];

async function vaultVersions(): Promise<number> {
  const [g] = await vaultGroups(world, "SELECT count(*) AS n FROM vault_versions", [], 0);
  return g!.count;
}

beforeAll(async () => {
  world = await startAdversarialWorld();
  // Make the mock version first, so the version count below is stable.
  const warm = await run(world, leJob(null, `export default async (pdx) => 1`, { mode: "mock" }));
  expect(warm.state).toBe("released");
  versionsBefore = await vaultVersions();
});
afterAll(async () => {
  await world?.stop();
});

const mock = (source: string, overrides: Parameters<typeof leJob>[2] = {}) =>
  run(world, leJob(null, source, { mode: "mock", ...overrides }));

/** Logic that sends each query and records the refusal message (or that it ran). */
const tryQueries = (queries: unknown[], method = "aggregate") => `export default async (pdx) => {
  const out = [];
  for (const q of ${js(queries)}) {
    try { const r = await pdx.${method}(q); out.push({ ok: true, rows: r.rows ? r.rows.length : null, answer: r.answer ?? null }); }
    catch (e) { out.push({ ok: false, error: String(e.message) }); }
  }
  return out;
}`;

type TTried = { ok: boolean; rows?: number | null; answer?: boolean | null; error?: string }[];

describe("SQL injection", () => {
  it("through field names (group-by, filter, measure): refused as invalid names, never echoed", async () => {
    const queries = PAYLOADS.flatMap((name) => [
      { dataset: "LE-BASE", groupBy: [name], measures: [{ fn: "count", as: "n" }] },
      {
        dataset: "LE-BASE",
        filters: [{ field: name, op: "eq", value: "x" }],
        measures: [{ fn: "count", as: "n" }],
      },
      { dataset: "LE-BASE", measures: [{ fn: "sum", field: name, as: "s", bounds: [0, 1] }] },
    ]);
    const status = await mock(tryQueries(queries));
    expect(status.state).toBe("released");
    const tried = status.output as TTried;
    expect(tried).toHaveLength(queries.length);
    for (const t of tried) {
      expect(t.ok).toBe(false);
      expect(t.error).toMatch(/lowercase identifier|has no field|<=64 characters/);
      expect(t.error).not.toMatch(/DROP|DELETE|UNION|OR '1'/);
    }
  });

  it("through group `as` names: SQL-looking or reserved output names never reach SQL", async () => {
    const bad = {
      dataset: "LE-BASE",
      groupBy: [{ field: "founded_on", bucket: "year", as: `y"; DROP TABLE vault_versions; --` }],
      measures: [{ fn: "count", as: "n" }],
    };
    const reserved = {
      dataset: "LE-BASE",
      groupBy: [{ field: "founded_on", bucket: "year", as: "select" }],
      measures: [
        { fn: "count", as: "d0" },
        { fn: "sum", field: "registered_capital", as: "constructor", bounds: [0, 1000] },
        { fn: "mean", field: "registered_capital", as: "n", bounds: [0, 1000] },
      ],
    };
    const status = await mock(`export default async (pdx) => {
      let refused = null;
      try { await pdx.aggregate(${js(bad)}); } catch (e) { refused = String(e.message); }
      const r = await pdx.aggregate(${js(reserved)});
      return { refused, columns: r.columns.map((c) => c.key), first: r.rows[0] };
    }`);
    expect(status.state).toBe("released");
    const out = status.output as { refused: string; columns: string[]; first: Record<string, unknown> };
    expect(out.refused).toMatch(/groupBy\.0.*lowercase identifier/);
    expect(out.columns).toEqual(["select", "d0", "constructor", "n"]);
    expect(String(out.first.select)).toMatch(/^\d{4}$/);
    expect(typeof out.first.d0).toBe("number");
    expect(typeof out.first.constructor).toBe("number");
  });

  it("through filter values: a tautology or statement as a value is a plain parameter that matches nothing", async () => {
    const values = [`' OR '1'='1`, `x'; DROP TABLE vault_versions; --`, `%`, `*`, `' OR 1=1 --`];
    const queries = values.flatMap((value) => [
      {
        dataset: "LE-BASE",
        filters: [{ field: "district", op: "eq", value }],
        measures: [{ fn: "count", as: "n" }],
      },
      {
        dataset: "LE-BASE",
        filters: [{ field: "status", op: "in", values: [value] }],
        groupBy: ["district"],
        measures: [{ fn: "count", as: "n" }],
      },
    ]);
    const typed = [
      {
        dataset: "LE-BASE",
        filters: [{ field: "founded_on", op: "gte", value: "2000-01-01' OR '1'='1" }],
        measures: [{ fn: "count", as: "n" }],
      },
      {
        dataset: "LE-BASE",
        filters: [{ field: "registered_capital", op: "gt", value: "0 OR 1=1" }],
        measures: [{ fn: "count", as: "n" }],
      },
    ];
    const status = await mock(tryQueries([...queries, ...typed]));
    expect(status.state).toBe("released");
    const tried = status.output as TTried;
    // Had a tautology reached SQL, the counts would cover all rows and be released.
    for (const t of tried.slice(0, queries.length)) expect(t).toEqual({ ok: true, rows: 0, answer: null });
    for (const t of tried.slice(queries.length)) {
      expect(t.ok).toBe(false);
      expect(t.error).toMatch(/must be (an ISO date|a finite number)/);
      expect(t.error).not.toMatch(/OR/);
    }
  });

  it("through dataset codes in the query: refused as undeclared, and the job ends blocked", async () => {
    const status = await mock(
      `export default async (pdx) => pdx.aggregate(${js({ dataset: `LE-BASE'; DROP TABLE vault_versions; --`, measures: [{ fn: "count", as: "n" }] })})`,
    );
    expect(status.state).toBe("blocked");
    expect(status.blockedBy?.rule).toBe("authorization");
    expect(status.blockedBy?.message).toMatch(/is not declared in the logic's fields/);
  });

  it("through dataset codes and versions in the job's declarations: refused as unknown datasets", async () => {
    const code = `LE-BASE'; DROP TABLE vault_versions; --`;
    const byCode = await mock(`export default async () => 1`, { fields: { [code]: ["district"] } });
    expect(byCode.state).toBe("failed");
    expect(byCode.failure?.code).toBe("DATASET_UNKNOWN");
    const byVersion = await run(
      world,
      leJob(null, `export default async () => 1`, {
        mode: "real",
        authorization: {
          id: "4f0c0a4e-0000-4000-8000-000000000001",
          operatorOrgId: "x",
          scope: [{ datasetCode: "LE-BASE", fields: ["district"] }],
        },
        datasetVersions: { "LE-BASE": "2026.11' OR '1'='1" },
      }),
    );
    expect(byVersion.state).toBe("failed");
    expect(byVersion.failure?.code).toBe("DATASET_UNKNOWN");
    const byShape = await mock(`export default async () => 1`, { fields: { vault_versions: ["district"] } });
    expect(byShape.state).toBe("failed");
    expect(byShape.failure?.code).toBe("DATASET_UNKNOWN");
  });

  it("through bucket widths: extreme widths are parameters; no bucket under k is released", async () => {
    const widths = [5e-324, 1e-300, 1e308, 0.001];
    const queries = widths.map((width) => ({
      dataset: "LE-BASE",
      groupBy: [{ field: "registered_capital", width, as: "bucket" }],
      measures: [{ fn: "count", as: "n" }],
      epsilon: 0.05,
    }));
    const status = await mock(`export default async (pdx) => {
      const out = [];
      for (const q of ${js(queries)}) {
        try { const r = await pdx.aggregate(q); out.push({ ok: true, buckets: r.rows.map((row) => row.bucket), k: r.minGroupSize }); }
        catch (e) { out.push({ ok: false, error: String(e.message) }); }
      }
      const stringWidth = await pdx.aggregate({ dataset: "LE-BASE", groupBy: [{ field: "registered_capital", width: "1) OR (1=1", as: "b" }], measures: [{ fn: "count", as: "n" }] }).then(() => "ran", (e) => String(e.message));
      return { out, stringWidth };
    }`);
    expect(status.state).toBe("released");
    const { out, stringWidth } = status.output as {
      out: { ok: boolean; buckets?: string[]; suppressed?: number; error?: string }[];
      stringWidth: string;
    };
    expect(stringWidth).toMatch(/groupBy\.0/);
    const mockTable = (await world.enclave.vault.storedDataset("LE-BASE", "mock"))!.table;
    // 1e308: one bucket "0" holding every row; tiny widths: one bucket per distinct value, all < k.
    expect(out[2]).toMatchObject({ ok: true, buckets: ["0"] });
    for (const [i, o] of out.entries()) {
      if (!o.ok) {
        expect(o.error).toBe("the query could not be run");
        continue;
      }
      for (const bucket of o.buckets!) {
        const [truth] = await vaultGroups(
          world,
          `SELECT count(*) AS n FROM "${mockTable}" WHERE trim_scale(floor(registered_capital / $1::numeric) * $1::numeric)::text = $2`,
          [widths[i], bucket],
          0,
        );
        expect(truth!.count).toBeGreaterThanOrEqual(20);
      }
    }
  });

  it("through verification match keys and where-filters: refused or parameterized", async () => {
    const questions = [
      { dataset: "LE-BASE", match: { "uscc') OR 1=1 --": "x" } },
      { dataset: "LE-BASE", match: { uscc: `' OR '1'='1` } },
      { dataset: "LE-BASE", match: { district: `' OR '1'='1` } },
      {
        dataset: "LE-BASE",
        match: { district: "x" },
        where: [{ field: `status; DROP TABLE vault_versions`, op: "eq", value: "x" }],
      },
    ];
    const status = await mock(tryQueries(questions, "verify"), {
      fields: { "LE-BASE": ["uscc", "district", "status"] },
    });
    expect(status.state).toBe("released");
    const tried = status.output as TTried;
    expect(tried[0]).toMatchObject({ ok: false, error: expect.stringMatching(/Invalid key in record/) });
    expect(tried[1]).toEqual({ ok: true, rows: null, answer: false });
    expect(tried[2]).toEqual({ ok: true, rows: null, answer: false });
    expect(tried[3]).toMatchObject({ ok: false, error: expect.stringMatching(/lowercase identifier/) });
  });

  it("leaves the vault intact: every row of the real version, every version, the ledger table", async () => {
    expect(await vaultRowCount(world, "LE-BASE", LE_VERSION)).toBe(LE_ROWS);
    expect(await vaultVersions()).toBe(versionsBefore);
    const [tables] = await vaultGroups(
      world,
      "SELECT count(*) AS n FROM information_schema.tables WHERE table_name IN ('vault_versions', 'privacy_budgets', 'privacy_charges')",
      [],
      0,
    );
    expect(tables!.count).toBe(3);
    const after = await mock(
      `export default async (pdx) => (await pdx.aggregate({ dataset: "LE-BASE", groupBy: ["district"], measures: [{ fn: "count", as: "n" }] })).rows.length`,
    );
    expect(after.state).toBe("released");
    expect(after.output).toBeGreaterThan(0);
  });
});
