/**
 * Shared support of the adversarial suite (test/adversarial): one real test enclave per test file
 * (vault database, HTTP, signed requests, QuickJS sandbox) with, when asked, a real dev chain
 * holding the attacker's authorizations and a second, personal dataset (POP-RESIDENT) loaded as a
 * real version whose raw values the test keeps so it can check that none of them ever leaves the
 * enclave. Also the attacker's tools: fresh buyer identities, job builders, the ground truth read
 * straight from the vault (what the attacker is trying to learn), and the discrete Laplace
 * formulas that bound what noisy answers can reveal.
 */
import { randomUUID } from "node:crypto";
import type { TAuthorizationScope } from "@pdx/common/authorization-scope";
import { rawMockRows, type TMockRow } from "@pdx/common/catalog/mock-rows";
import type { TProductJobRequest, TProductJobStatus } from "@pdx/common/enclave-jobs";
import { vaultDatasetSpecOf } from "@pdx/common/vault-api";
import { ensureGeneratedVersion } from "@pdx/enclave/src/ingest/generated-versions";
import type { TRawGroup } from "@pdx/enclave/src/query/run-query";
import { startTestEnclave, type TTestEnclave } from "@pdx/enclave/src/testing/test-enclave";
import type { TStoredDataset } from "@pdx/enclave/src/vault/stored-dataset";
import { CATALOG_DATASETS } from "@pdx/seeds/catalog/index";
import {
  startAuthorizationChain,
  type TAuthorizationChain,
  type TAuthorizationClaim,
} from "../support/authorization-chain";
import { productJobRequest, runJob, type TJobOverrides } from "../support/product-jobs";

/** The operator organisation the attacker works for. */
export const ATTACKER_OPERATOR = "6a0c2f4e-1b3d-4c5e-8f70-a1b2c3d4e5f6";
/** Every LE-BASE field an aggregate may touch at all (uscc and name are identifiers: never). */
export const LE_FIELDS = ["district", "industry", "registered_capital", "founded_on", "status"] as const;
export const LE_SCOPE: TAuthorizationScope = [{ datasetCode: "LE-BASE", fields: [...LE_FIELDS] }];
/** LE-BASE rows in the adversarial enclaves. */
export const LE_ROWS = 3000;
export const LE_VERSION = "2026.11";

/** The personal dataset: resident population register (core grade: k = 50, ε budget 2). */
export const PERSONAL_CODE = "POP-RESIDENT";
export const PERSONAL_VERSION = "2026.11";
export const PERSONAL_ROWS = 1200;
const PERSONAL_SEED = 7;

export interface TAdversarialWorld {
  enclave: TTestEnclave;
  /** Present when started with `chain: true`. */
  chain: TAuthorizationChain | null;
  /** An Active authorization of the attacker's operator over LE_SCOPE (with `chain: true`). */
  leAuthorization: TAuthorizationClaim | null;
  /** POP-RESIDENT@2026.11 and its raw rows (with `personal: true`). */
  personal: { stored: TStoredDataset; rows: TMockRow[] } | null;
  stop(): Promise<void>;
}

/** Starts one enclave (and optionally a chain and the personal dataset) for a test file. */
export async function startAdversarialWorld(
  options: { chain?: boolean; personal?: boolean } = {},
): Promise<TAdversarialWorld> {
  const chain = options.chain ? await startAuthorizationChain() : null;
  let enclave: TTestEnclave | null = null;
  try {
    enclave = await startTestEnclave({
      seedCount: LE_ROWS,
      ...(chain ? { authorizationRegistry: chain.readerOptions } : {}),
    });
    const leAuthorization = chain
      ? await chain.recordAuthorization({
          id: randomUUID(),
          operatorOrgId: ATTACKER_OPERATOR,
          scope: LE_SCOPE,
        })
      : null;
    let personal: TAdversarialWorld["personal"] = null;
    if (options.personal) {
      const entry = CATALOG_DATASETS.find((e) => e.code === PERSONAL_CODE);
      if (!entry) throw new Error(`the catalog has no ${PERSONAL_CODE}`);
      const loaded = await ensureGeneratedVersion(
        { store: enclave.vault.ingestStore(), keyStore: enclave.keyStore },
        vaultDatasetSpecOf(entry),
        PERSONAL_VERSION,
        () => rawMockRows(entry, PERSONAL_ROWS, PERSONAL_SEED),
      );
      personal = { stored: loaded.stored, rows: [...rawMockRows(entry, PERSONAL_ROWS, PERSONAL_SEED)] };
    }
    const started = enclave;
    return {
      enclave: started,
      chain,
      leAuthorization,
      personal,
      async stop() {
        await started.stop();
        await chain?.stop();
      },
    };
  } catch (err) {
    await enclave?.stop().catch(() => {});
    await chain?.stop().catch(() => {});
    throw err;
  }
}

/** A buyer organisation never seen before (a fresh ε budget). */
export function freshBuyer(): { orgId: string; userId: string } {
  return { orgId: `attacker-${randomUUID().slice(0, 12)}`, userId: "attacker-user" };
}

/** A job on LE-BASE declaring every aggregatable field; real mode unless overridden. */
export function leJob(
  authorization: TAuthorizationClaim | null,
  source: string,
  overrides: TJobOverrides = {},
): TProductJobRequest {
  return productJobRequest(authorization ?? undefined, {
    source,
    fields: { "LE-BASE": [...LE_FIELDS] },
    requester: freshBuyer(),
    ...overrides,
  });
}

/** Runs a job to its end (signed HTTP, polled). */
export function run(world: TAdversarialWorld, request: TProductJobRequest): Promise<TProductJobStatus> {
  return runJob(world.enclave, request, 120_000);
}

/**
 * Ground truth read straight from the vault (what the attacker wants): runs `sql` in a READ ONLY
 * transaction through the vault's pool. The SELECT must name its columns d0…, n like the compiler's.
 */
export async function vaultGroups(
  world: TAdversarialWorld,
  sql: string,
  values: unknown[],
  dimensionCount: number,
): Promise<TRawGroup[]> {
  const raw = await world.enclave.vault.runAggregateQuery(
    { text: sql, values, dimensionCount, sumCount: 0, countsUnits: false },
    { statementTimeoutMs: 60_000 },
  );
  return raw.groups;
}

/** The rows table of a loaded version (vault_rows_<id>). */
export async function rowsTable(world: TAdversarialWorld, code: string, version: string): Promise<string> {
  const stored = await world.enclave.vault.storedDataset(code, version);
  if (!stored) throw new Error(`${code}@${version} is not loaded`);
  return stored.table;
}

/** True row count of a loaded version, read straight from its table. */
export async function vaultRowCount(
  world: TAdversarialWorld,
  code: string,
  version: string,
): Promise<number> {
  const table = await rowsTable(world, code, version);
  const [group] = await vaultGroups(world, `SELECT count(*) AS n FROM "${table}"`, [], 0);
  return group?.count ?? 0;
}

/** q = exp(−ε): the ratio of the discrete Laplace DLap(1/ε) between neighbouring integers. */
export function dlapRatio(epsilon: number): number {
  return Math.exp(-epsilon);
}

/** P(noise = 0) of DLap(1/ε): (1 − q)/(1 + q). */
export function dlapProbabilityZero(epsilon: number): number {
  const q = dlapRatio(epsilon);
  return (1 - q) / (1 + q);
}

/** P(N₁ = N₂) for two independent DLap(1/ε) noises: Σ p(z)² = ((1−q)/(1+q))² · (1+q²)/(1−q²). */
export function dlapProbabilityEqual(epsilon: number): number {
  const q = dlapRatio(epsilon);
  return dlapProbabilityZero(epsilon) ** 2 * ((1 + q * q) / (1 - q * q));
}

/** Variance of DLap(1/ε): 2q/(1−q)². */
export function dlapVariance(epsilon: number): number {
  const q = dlapRatio(epsilon);
  return (2 * q) / (1 - q) ** 2;
}

/** A JS literal of a value for interpolating into logic source. */
export const js = (value: unknown): string => JSON.stringify(value);
