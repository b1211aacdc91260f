/**
 * The vault: the only code with access to the vault database. Everything else in the enclave
 * goes through this class — connection pool, migrations, ingest, dataset rules and the grouped
 * aggregate query. Methods return plain values; pg errors propagate (callers log their SQLSTATE
 * only, never their message).
 */

import { fileURLToPath } from "node:url";
import { poolSizeFor } from "@pdx/common/embedded-postgres";
import type { TVerifyAnswer } from "@pdx/common/enclave-query";
import { runMigrations, type TMigrationResult } from "@pdx/common/migrate";
import type { TDatasetVersion } from "@pdx/common/vault-api";
import pg from "pg";
import { readHeFeatures, type THeFeaturePlan, type THeFeatureTable } from "../he/vault-features";
import { IngestStore } from "../ingest/ingest-store";
import { PrivacyBudgetLedger } from "../privacy/budget-ledger";
import {
  runAggregateQuery,
  runVerifyQuery,
  type TCompiledAggregate,
  type TQueryLimits,
  type TRawAggregateResult,
  type TSealedOpener,
  type TVerifyPlan,
  type VerificationMeter,
} from "../query";
import { readIdentifierColumn, type TIdentifierColumnPlan } from "../query/identifier-column";
import { ensureLegalEntities, type TIngestOptions, type TIngestResult } from "./ingest-legal-entities";
import { VaultNonceStore } from "./nonce-store";
import { ProductJobStore } from "./product-job-store";
import type { TStoredDataset } from "./stored-dataset";
import { DATASET_TABLES, quoteIdentifier } from "./tables";

const MIGRATIONS_DIR = fileURLToPath(new URL("../../migrations", import.meta.url));

/** What may be done with one field of a dataset. */
export type TColumnPolicyKind = "never" | "dimension" | "aggregate";

export interface TColumnPolicy {
  policy: TColumnPolicyKind;
  /** Why, in words safe to show to a caller. */
  reason: string;
}

/** A loaded dataset version with the rules that govern every output computed from it. */
export interface TVaultDataset {
  code: string;
  version: string;
  rowCount: number;
  contentHash: string;
  minGroupSize: number;
  /** Field → policy, for every column of the dataset that has one. */
  policies: ReadonlyMap<string, TColumnPolicy>;
}

export interface TAggregateQuery {
  datasetCode: string;
  version: string;
  groupBy: readonly string[];
  /** Fields to sum per group, in order. */
  sums: readonly string[];
}

/** One group of an aggregate, before any privacy rule. Sums are exact decimal strings. */
export interface TAggregateGroup {
  dims: string[];
  rowCount: number;
  sums: (string | null)[];
}

/** The vault database: see the module comment. */
export class Vault {
  private constructor(private readonly pool: pg.Pool) {}

  /**
   * Opens a pool on the vault database (one connection for embedded PGlite). The URL is never
   * logged or put in errors: it may carry a password.
   */
  static open(url: string, options: { onPoolError?: (err: unknown) => void } = {}): Vault {
    const pool = new pg.Pool({ connectionString: url, max: poolSizeFor(url, 4) });
    pool.on("error", (err) => options.onPoolError?.(err));
    return new Vault(pool);
  }

  /** Applies the vault's SQL migrations (enclave/migrations). */
  migrate(): Promise<TMigrationResult> {
    return runMigrations(this.pool, MIGRATIONS_DIR);
  }

  /** Loads LE-BASE unless its version is already there. */
  ensureLegalEntities(options: TIngestOptions = {}): Promise<TIngestResult> {
    return ensureLegalEntities(this.pool, options);
  }

  /** A nonce store for signed-request verification, persisted in this vault. */
  nonceStore(options: { windowMs: number; now?: () => number }): VaultNonceStore {
    return new VaultNonceStore(this.pool, options);
  }

  /** The ingest's SQL (upload sessions, staging tables, version registration) on this vault. */
  ingestStore(): IngestStore {
    return new IngestStore(this.pool);
  }

  /**
   * A version loaded through the ingest pipeline (generic layout, stored-dataset.ts): `version`,
   * or the newest loaded when absent; null when the vault does not hold it.
   */
  storedDataset(code: string, version?: string): Promise<TStoredDataset | null> {
    return this.ingestStore().storedDataset(code, version);
  }

  /** Versions of `code` loaded through the ingest pipeline, newest first. */
  listVersions(code: string): Promise<TDatasetVersion[]> {
    return this.ingestStore().listVersions(code);
  }

  /** Every loaded dataset version, ordered by code and version. */
  async listDatasets(): Promise<{ code: string; version: string; rows: number }[]> {
    const { rows } = await this.pool.query<{ code: string; version: string; row_count: number }>(
      "SELECT code, version, row_count FROM datasets ORDER BY code, version",
    );
    return rows.map((r) => ({ code: r.code, version: r.version, rows: r.row_count }));
  }

  /** The newest loaded version of `code` with its rules, or null when the vault does not hold it. */
  async findDataset(code: string): Promise<TVaultDataset | null> {
    const table = Object.hasOwn(DATASET_TABLES, code) ? DATASET_TABLES[code] : undefined;
    if (!table) return null;
    const { rows } = await this.pool.query<{
      version: string;
      row_count: number;
      content_hash: string;
      min_group_size: number;
    }>(
      `SELECT d.version, d.row_count, d.content_hash, r.min_group_size
         FROM datasets d JOIN dataset_rules r ON r.dataset_code = d.code
        WHERE d.code = $1
        ORDER BY d.loaded_at DESC, d.version DESC
        LIMIT 1`,
      [code],
    );
    const row = rows[0];
    if (!row) return null;
    const policyRows = await this.pool.query<{ field: string; policy: TColumnPolicyKind; reason: string }>(
      "SELECT field, policy, reason FROM column_policies WHERE dataset_code = $1",
      [code],
    );
    const policies = new Map<string, TColumnPolicy>();
    for (const p of policyRows.rows) {
      if (table.columns.includes(p.field)) policies.set(p.field, { policy: p.policy, reason: p.reason });
    }
    return {
      code,
      version: row.version,
      rowCount: row.row_count,
      contentHash: row.content_hash,
      minGroupSize: row.min_group_size,
      policies,
    };
  }

  /**
   * Groups one dataset version by `groupBy` and returns every group's row count and sums — all
   * groups, including small ones: the privacy rule is applied by the caller before anything leaves.
   */
  async aggregate(query: TAggregateQuery): Promise<TAggregateGroup[]> {
    const table = Object.hasOwn(DATASET_TABLES, query.datasetCode)
      ? DATASET_TABLES[query.datasetCode]
      : undefined;
    if (!table) throw new Error("vault: no table for this dataset");
    for (const f of [...query.groupBy, ...query.sums]) {
      if (!table.columns.includes(f)) throw new Error("vault: field is not a column of this dataset");
    }
    const dims = query.groupBy.map((f, i) => `${quoteIdentifier(f)}::text AS d${i}`);
    const sums = query.sums.map((f, i) => `sum(${quoteIdentifier(f)})::text AS s${i}`);
    const positions = query.groupBy.map((_, i) => String(i + 1));
    const sql = `SELECT ${[...dims, "count(*) AS row_count", ...sums].join(", ")}
                   FROM ${quoteIdentifier(table.table)}
                  WHERE dataset_version = $1
                  GROUP BY ${positions.join(", ")}`;
    const { rows } = await this.pool.query<Record<string, string | null>>(sql, [query.version]);
    return rows.map((r) => ({
      dims: query.groupBy.map((_, i) => r[`d${i}`] ?? ""),
      rowCount: Number(r.row_count),
      sums: query.sums.map((_, i) => r[`s${i}`] ?? null),
    }));
  }

  /** The ε ledger per (buyer, dataset) on this vault (privacy/budget-ledger.ts). */
  privacyBudgetLedger(): PrivacyBudgetLedger {
    return new PrivacyBudgetLedger(this.pool);
  }

  /** Product jobs' persisted lifecycle (product-job-store.ts). */
  productJobStore(): ProductJobStore {
    return new ProductJobStore(this.pool);
  }

  /** Runs a compiled aggregate (query/plan-query.ts) read-only; raw groups, before any output rule. */
  runAggregateQuery(compiled: TCompiledAggregate, limits: TQueryLimits): Promise<TRawAggregateResult> {
    return runAggregateQuery(this.pool, compiled, limits);
  }

  /** Answers one planned verification question (yes/no, and masked fields of a single match). */
  runVerifyQuery(
    plan: TVerifyPlan,
    meter: VerificationMeter,
    limits: TQueryLimits,
    open?: TSealedOpener,
  ): Promise<TVerifyAnswer> {
    return runVerifyQuery(this.pool, plan, meter, limits, open);
  }

  /** The values of a planned identifier column, page by page (query/identifier-column.ts). */
  readIdentifierColumn(
    plan: TIdentifierColumnPlan,
    options: Parameters<typeof readIdentifierColumn>[2],
  ): AsyncGenerator<string[]> {
    return readIdentifierColumn(this.pool, plan, options);
  }

  /** The entity directory and feature columns of an encrypted-query product (he/vault-features.ts). */
  readHeFeatures(
    plan: THeFeaturePlan,
    options: Parameters<typeof readHeFeatures>[2],
  ): Promise<THeFeatureTable> {
    return readHeFeatures(this.pool, plan, options);
  }

  /** Closes the pool. */
  close(): Promise<void> {
    return this.pool.end();
  }
}
