/**
 * The aggregate benchmark on one stored LE-BASE version: the same question — enterprises and
 * registered capital by district — asked four ways, interleaved round by round after a warm-up,
 * each timed as the median of `repeats` rounds:
 *   raw SQL      `SELECT district, count(*), sum(registered_capital) … GROUP BY district` via pg
 *                (the baseline: no planning, no clamping, no transaction, no privacy);
 *   protected    planAggregateQuery → vault.runAggregateQuery (READ ONLY transaction, statement
 *                time limit, clamped sums) → protectAggregate (k + complementary suppression, DP
 *                noise; its ε charge is a no-op), for count + mean(registered_capital);
 *   unit-bounded the protected path with LE-BASE read as a non-register (at most 10 rows per USCC:
 *                a window over the unit's fingerprint, distinct units per cell);
 *   product job  runProductJob with the real engines (createProductJobEngines) in mode real: the
 *                budget ledger reserves/charges/releases ε on the vault database, the logic runs in
 *                a fresh QuickJS sandbox and makes the protected query, the output is checked and a
 *                receipt signed. The authorization is recorded on a dev chain started for the run
 *                and read from it by the enclave's real check (at start and before the query).
 */
import { randomUUID } from "node:crypto";
import { canonicalJson } from "@pdx/common/canonical-json";
import { generateKeyPair } from "@pdx/common/ed25519";
import { type TProductJobRequestParsed, ZProductJobRequest } from "@pdx/common/enclave-jobs";
import { type TAggregateQuery, ZAggregateQuery } from "@pdx/common/enclave-query";
import { sha256Hex } from "@pdx/common/hash";
import { DEFAULT_ROWS_PER_UNIT } from "@pdx/common/vault-api";
import { createAuthorizationRegistryReader } from "@pdx/enclave/src/authorization/authorization-registry";
import { runProductJob } from "@pdx/enclave/src/jobs/product-job";
import { createProductJobEngines } from "@pdx/enclave/src/jobs/product-job-engines";
import type { TKeyStore } from "@pdx/enclave/src/keys/types";
import { protectAggregate } from "@pdx/enclave/src/privacy/protect-aggregate";
import { planAggregateQuery } from "@pdx/enclave/src/query";
import type { TStoredDataset } from "@pdx/enclave/src/vault/stored-dataset";
import { quoteIdentifier } from "@pdx/enclave/src/vault/tables";
import type { Vault } from "@pdx/enclave/src/vault/vault";
import { CATALOG_DATASETS } from "@pdx/seeds/catalog/index";
import type pg from "pg";
import { startAuthorizationChain, type TAuthorizationClaim } from "../../../test/support/authorization-chain";
import { median, type TBenchResult, timeAsync } from "./measure";

const FIELDS = ["district", "registered_capital"];
const EPSILON = 0.25;
const STATEMENT_TIMEOUT_MS = 600_000;

/** The protected query: count and mean registered capital by district. */
export function districtQuery(code: string): TAggregateQuery {
  return {
    dataset: code,
    groupBy: ["district"],
    measures: [
      { fn: "count", as: "enterprises" },
      { fn: "mean", field: "registered_capital", as: "mean_capital", bounds: [0, 100_000_000] },
    ],
  };
}

/** Operator logic making the same query inside the sandbox. */
export function districtLogic(code: string): string {
  return `export default async function (pdx) {
  const r = await pdx.aggregate(${JSON.stringify(districtQuery(code))});
  return { districts: r.rows, k: r.minGroupSize, epsilon: r.epsilonSpent };
}`;
}

/** A mode-real job request for the district logic, for a fresh buyer (so its ε budget is full). */
export function districtJobRequest(
  stored: TStoredDataset,
  authorization: TAuthorizationClaim,
): TProductJobRequestParsed {
  const source = districtLogic(stored.code);
  const fields = { [stored.code]: FIELDS };
  return ZProductJobRequest.parse({
    jobId: randomUUID(),
    product: {
      code: "bench-district-profile",
      version: 1,
      versionHash: sha256Hex(canonicalJson({ language: "javascript", source, fields })),
    },
    logic: { language: "javascript", source },
    mode: "real",
    fields,
    datasetVersions: { [stored.code]: stored.version },
    epsilon: { perQuery: EPSILON, maxPerJob: 1 },
    requester: { orgId: `bench-buyer-${randomUUID().slice(0, 8)}`, userId: "bench" },
    authorization,
  });
}

export interface TAggregateBenchOptions {
  vault: Vault;
  pool: pg.Pool;
  keyStore: TKeyStore;
  stored: TStoredDataset;
  repeats: number;
  log: (line: string) => void;
}

/** Runs the three ways; see the module comment. */
export async function benchAggregates(o: TAggregateBenchOptions): Promise<TBenchResult[]> {
  const { vault, pool, stored } = o;
  const section = `aggregate over ${stored.rowCount.toLocaleString("en-US")} rows`;
  const rawSql = `SELECT district, count(*) AS n, sum(registered_capital) AS s FROM ${quoteIdentifier(stored.table)} GROUP BY district`;
  const query = districtQuery(stored.code);
  const parsed = ZAggregateQuery.parse(query);
  const signer = generateKeyPair();
  o.log("  starting a dev chain and recording the job's authorization…");
  const chain = await startAuthorizationChain();
  const reader = createAuthorizationRegistryReader(chain.readerOptions);
  try {
    const authorization = await chain.recordAuthorization({
      id: randomUUID(),
      operatorOrgId: "bench-operator",
      scope: [{ datasetCode: stored.code, fields: [...FIELDS] }],
    });
    const engines = createProductJobEngines({
      vault,
      keyStore: o.keyStore,
      authorizations: reader,
      catalog: CATALOG_DATASETS,
    });

    const raw = async () => {
      const r = await pool.query<{ district: string; n: string; s: string }>(rawSql);
      const rows = r.rows.reduce((n, g) => n + Number(g.n), 0);
      if (rows !== stored.rowCount)
        throw new Error(`bench: raw SQL counted ${rows} rows, not ${stored.rowCount}`);
      return r.rows.length;
    };
    const phases = { plan: [] as number[], query: [] as number[], protect: [] as number[] };
    const protectedPath = async () => {
      const t0 = performance.now();
      const plan = planAggregateQuery(stored, query, FIELDS);
      const t1 = performance.now();
      const result = await vault.runAggregateQuery(plan.sql, { statementTimeoutMs: STATEMENT_TIMEOUT_MS });
      const t2 = performance.now();
      const released = await protectAggregate({
        groupBy: parsed.groupBy,
        measures: parsed.measures,
        groups: result.groups,
        k: stored.spec.minGroupSize,
        epsilon: plan.epsilon ?? EPSILON,
        rowsPerUnit: plan.rowsPerUnit,
        charge: async () => {},
      });
      const t3 = performance.now();
      phases.plan.push(t1 - t0);
      phases.query.push(t2 - t1);
      phases.protect.push(t3 - t2);
      if (result.rowsRead !== stored.rowCount)
        throw new Error("bench: the protected query read an unexpected row count");
      return released.rows.length;
    };
    // The same version read as if an enterprise could have several rows: the aggregate keeps at
    // most DEFAULT_ROWS_PER_UNIT rows per USCC fingerprint (a window over the unit) and counts
    // distinct units per cell. LE-BASE has one row per USCC, so the answer is the same; the
    // difference is the cost of contribution bounding.
    const perUnit: TStoredDataset = {
      ...stored,
      spec: {
        ...stored.spec,
        privacyUnit: { field: "uscc", onePerUnit: false, rowsPerUnit: DEFAULT_ROWS_PER_UNIT },
      },
    };
    const boundedPath = async () => {
      const plan = planAggregateQuery(perUnit, query, FIELDS);
      const result = await vault.runAggregateQuery(plan.sql, { statementTimeoutMs: STATEMENT_TIMEOUT_MS });
      const released = await protectAggregate({
        groupBy: parsed.groupBy,
        measures: parsed.measures,
        groups: result.groups,
        k: stored.spec.minGroupSize,
        epsilon: plan.epsilon ?? EPSILON,
        rowsPerUnit: plan.rowsPerUnit,
        charge: async () => {},
      });
      if (result.rowsRead !== stored.rowCount)
        throw new Error("bench: the unit-bounded query read an unexpected row count");
      return released.rows.length;
    };
    const jobWall: number[] = [];
    const productJob = async () => {
      const ended = await runProductJob({ engines, signer }, districtJobRequest(stored, authorization));
      if (ended.state !== "released") {
        throw new Error(
          `bench: the product job ended ${ended.state}: ${JSON.stringify(ended.failure ?? ended.blockedBy)}`,
        );
      }
      if (ended.stats.rowsRead !== stored.rowCount)
        throw new Error("bench: the job read an unexpected row count");
      jobWall.push(ended.stats.wallMs);
      return ended.stats.queries;
    };

    o.log("  warm-up round…");
    await raw();
    await protectedPath();
    await boundedPath();
    await productJob();
    for (const list of [phases.plan, phases.query, phases.protect, jobWall]) list.length = 0;

    const times = {
      raw: [] as number[],
      protected: [] as number[],
      bounded: [] as number[],
      job: [] as number[],
    };
    for (let round = 1; round <= o.repeats; round++) {
      times.raw.push((await timeAsync(raw))[0]);
      times.protected.push((await timeAsync(protectedPath))[0]);
      times.bounded.push((await timeAsync(boundedPath))[0]);
      times.job.push((await timeAsync(productJob))[0]);
      o.log(
        `  round ${round}/${o.repeats}: raw ${times.raw.at(-1)!.toFixed(0)} ms, protected ${times.protected.at(-1)!.toFixed(0)} ms, unit-bounded ${times.bounded.at(-1)!.toFixed(0)} ms, job ${times.job.at(-1)!.toFixed(0)} ms`,
      );
    }
    const base = median(times.raw);
    const baseName = "raw SQL aggregate";
    const ms = (list: number[]) => Number(median(list).toFixed(2));
    return [
      {
        section,
        name: baseName,
        value: ms(times.raw),
        unit: "ms",
        ratio: 1,
        note: `median of ${o.repeats}: ${rawSql.replace(/"vault_rows_\d+"/, "<rows table>")}`,
      },
      {
        section,
        name: "DP-protected aggregate (plan → vault query → protectAggregate)",
        value: ms(times.protected),
        unit: "ms",
        baseline: baseName,
        ratio: median(times.protected) / base,
        note: `count + mean(registered_capital) by district, k ${stored.spec.minGroupSize}, ε ${EPSILON}/statistic, no-op charge; median phases: plan ${median(phases.plan).toFixed(2)} ms, vault query ${median(phases.query).toFixed(0)} ms, protect ${median(phases.protect).toFixed(2)} ms`,
      },
      {
        section,
        name: `DP aggregate bounded to ${DEFAULT_ROWS_PER_UNIT} rows per privacy unit`,
        value: ms(times.bounded),
        unit: "ms",
        baseline: baseName,
        ratio: median(times.bounded) / base,
        note: "the protected query with LE-BASE read as a non-register: row_number() over the USCC fingerprint, count(DISTINCT unit) per cell, noise at ε/10",
      },
      {
        section,
        name: "whole product job (runProductJob, real engines, sandbox start included)",
        value: ms(times.job),
        unit: "ms",
        baseline: baseName,
        ratio: median(times.job) / base,
        note: `mode real; budget reserve/charge/release on the vault, fresh QuickJS sandbox, output check, signed receipt; authorization read from a dev chain at start and before the query; job's own wallMs median ${median(jobWall)}`,
      },
    ];
  } finally {
    await reader.close();
    await chain.stop();
  }
}
