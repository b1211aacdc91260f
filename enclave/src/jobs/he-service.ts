/**
 * Encrypted-query (homomorphic encryption) products as the enclave serves them to the server
 * (common/src/enclave-he.ts): the checks only the enclave can make, around the entity directory
 * and features read from the vault (he/vault-features.ts) and the evaluations on the HE worker
 * pool (he/he-worker-pool.ts).
 *
 * Both calls (directory and job) check, in this order:
 *   - the body against its schema (INVALID_REQUEST naming the path);
 *   - the authorization on chain, which must cover the entity field, the feature fields and the
 *     filter fields of the dataset (as for every job);
 *   - the per-entity rule of every feature against the dataset's CURRENT catalog entry
 *     (heFeatureProblems: the buyer's input is encrypted, so whatever the mode it can learn each
 *     entity's features) — and against the version's own field spec, with the entity field and
 *     filter policy of vault-features.ts;
 *   - the newest loaded version of the dataset is used.
 * The directory and the feature columns (and, for scoring, the entity-major matrix) are built
 * once per (version, entity field, filters, features) and kept in a small in-memory LRU; they live
 * on SharedArrayBuffers, so the worker threads read them without a copy.
 *
 * A job also requires: the directory it was built on is still the current one (same version,
 * same directory hash; else "the directory changed; fetch it again"); the HE request (validated by
 * parseHeRequest) fits the product — its mode, entity count = directory size, scoring feature
 * count = number of features, lookup/aggregate fields among the feature names, and integer
 * features for a BFV (exact integer) query. It is evaluated on the worker pool, and the result is
 * returned with a signed v2 receipt: computation {kind "he", mode, preset, entities, features
 * (the number the query used: all for scoring, the requested fields otherwise), requestBytes,
 * responseBytes (UTF-8 bytes of the canonical JSON of the HE request as received / response)}, no
 * verifications, ε 0, outputHash = heOutputHashOf(response) and
 *   requestHash = SHA-256 of canonicalJson({ job: <the job without `request`>,
 *                                            request: SHA-256 hex of canonicalJson(request) })
 * (heRequestHashOf; `request` as received): the context in full, the ciphertexts only through
 * their digest. The server can recompute it from the job it sent.
 *
 * Nothing of the buyer's request is logged or kept: it lives for the duration of the call only.
 * HeErrors (whose messages name the request part and the rule, never key or data bytes) become
 * EnclaveErrors by enclaveErrorOfHe.
 */
import { authorizationChainId } from "@pdx/common/authorization-scope";
import { canonicalDigestOf } from "@pdx/common/canonical-digest";
import { canonicalJson } from "@pdx/common/canonical-json";
import type { TDatasetEntry } from "@pdx/common/catalog/dataset-entry";
import {
  heDirectoryHashOf,
  heRequestHashOf,
  type THeDirectory,
  type THeEnclaveJob,
  type THeEnclaveJobResult,
  type THeQueryContext,
  ZHeDirectoryRequest,
  ZHeEnclaveJob,
} from "@pdx/common/enclave-he";
import { sha256Hex } from "@pdx/common/hash";
import { heFeatureIsInteger, heFeatureProblems } from "@pdx/common/he/features";
import { HeError, type THeErrorCode } from "@pdx/common/he/he-error";
import { BFV_PRESET_ID } from "@pdx/common/he/presets";
import { parseHeRequest, type THeRequest, type THeResponse } from "@pdx/common/he/wire";
import { signReceiptV2 } from "@pdx/common/receipt";
import type { z } from "zod";
import type { TAuthorizationRegistryReader } from "../authorization/authorization-registry";
import { checkAuthorization } from "../authorization/check-authorization";
import { EnclaveError, type TEnclaveErrorCode } from "../errors";
import type { THeScoringData } from "../he/data";
import type { THeJob } from "../he/evaluate";
import {
  heColumnsDataOf,
  heScoringDataOf,
  planHeFeatures,
  type THeFeaturePlan,
  type THeFeatureTable,
} from "../he/vault-features";
import { describeIssues } from "../http/parse-body";
import { sealedAad } from "../ingest/load-version";
import { valueCipher } from "../keys/key-store";
import type { TKeyStore } from "../keys/types";
import type { TStoredDataset } from "../vault/stored-dataset";
import type { Vault } from "../vault/vault";

export interface THeServiceDeps {
  vault: Vault;
  keyStore: TKeyStore;
  authorizations: TAuthorizationRegistryReader;
  /** Catalog entries: the per-entity rule is checked against the dataset's current entry. */
  catalog: readonly TDatasetEntry[];
  /** Where evaluations run (the HE worker pool: off the main thread). */
  pool: { evaluate(job: THeJob): Promise<THeResponse> };
  signer: { secretKey: string; publicKey: string };
  now?: () => Date;
  /** Statement time limit of the vault read. */
  statementTimeoutMs?: number;
  /** Directories (with their feature columns) kept in memory (default 4). */
  cacheEntries?: number;
}

interface TDirectoryEntry {
  stored: TStoredDataset;
  table: THeFeatureTable;
  directoryHash: string;
  /** The entity-major matrix of a scoring product, built at its first job. */
  scoring?: THeScoringData;
}

interface TPrepared {
  plan: THeFeaturePlan;
  entry: TDirectoryEntry;
}

/** How each HeError code reaches the caller. */
const HE_ERROR_CODES: Readonly<Record<THeErrorCode, TEnclaveErrorCode>> = {
  HE_INVALID_REQUEST: "INVALID_REQUEST",
  HE_WRONG_PRESET: "INVALID_REQUEST",
  HE_MALFORMED_BASE64: "INVALID_REQUEST",
  HE_OBJECT_REJECTED: "INVALID_REQUEST",
  HE_WRONG_CIPHERTEXT_SHAPE: "INVALID_REQUEST",
  HE_TRANSPARENT_CIPHERTEXT: "INVALID_REQUEST",
  HE_WRONG_COUNT: "INVALID_REQUEST",
  HE_MISSING_GALOIS_KEYS: "INVALID_REQUEST",
  HE_DATA_MISMATCH: "INVALID_REQUEST",
  HE_UNKNOWN_FIELD: "INVALID_REQUEST",
  // The product's feature values break the preset's range (e.g. a `number` above 2^20 for CKKS).
  HE_DATA_INVALID: "LIMIT_EXCEEDED",
  HE_PRESET_INVALID: "INTERNAL",
  HE_EVALUATION_FAILED: "INTERNAL",
  HE_DECRYPTION_FAILED: "INTERNAL",
  HE_POOL_CLOSED: "INTERNAL",
  HE_WORKER_FAILED: "INTERNAL",
};

/** An HeError as an EnclaveError (its message is caller-safe by construction: he-error.ts). */
export function enclaveErrorOfHe(err: HeError): EnclaveError {
  const code = HE_ERROR_CODES[err.code];
  const prefix =
    code === "INVALID_REQUEST"
      ? "request: the encrypted query was refused"
      : code === "LIMIT_EXCEEDED"
        ? "the product's feature values do not fit the encryption preset"
        : "the encrypted evaluation failed";
  return new EnclaveError(code, `${prefix} (${err.code}): ${err.message}`);
}

/** Strings whose JSON form is just the text in quotes, one byte per character. */
function parsed<T extends z.ZodType>(schema: T, raw: unknown): z.output<T> {
  const result = schema.safeParse(raw);
  if (!result.success) throw new EnclaveError("INVALID_REQUEST", describeIssues(result.error.issues));
  return result.data;
}

const STALE = "the directory changed (a new dataset version, or other entities); fetch it again";

/** A small LRU of directory builds (promises, so concurrent calls share one read). */
class DirectoryCache {
  readonly #entries = new Map<string, Promise<TDirectoryEntry>>();
  constructor(private readonly max: number) {}

  get(key: string, build: () => Promise<TDirectoryEntry>): Promise<TDirectoryEntry> {
    const hit = this.#entries.get(key);
    if (hit) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit;
    }
    const made = build();
    this.#entries.set(key, made);
    made.catch(() => {
      if (this.#entries.get(key) === made) this.#entries.delete(key);
    });
    while (this.#entries.size > this.max) this.#entries.delete(this.#entries.keys().next().value!);
    return made;
  }

  clear(): void {
    this.#entries.clear();
  }
}

export class HeService {
  readonly #now: () => Date;
  readonly #cache: DirectoryCache;

  constructor(private readonly deps: THeServiceDeps) {
    this.#now = deps.now ?? (() => new Date());
    this.#cache = new DirectoryCache(deps.cacheEntries ?? 4);
  }

  /** The product's entity directory; see the module comment. */
  async directory(raw: unknown): Promise<THeDirectory> {
    const context = parsed(ZHeDirectoryRequest, raw);
    const { entry } = await this.#prepare(context, this.#now());
    return {
      datasetVersion: entry.stored.version,
      entities: entry.table.entities,
      directoryHash: entry.directoryHash,
    };
  }

  /** Runs one encrypted query; see the module comment. */
  async run(raw: unknown): Promise<THeEnclaveJobResult> {
    const job = parsed(ZHeEnclaveJob, raw);
    const started = this.#now();
    const { plan, entry } = await this.#prepare(job, started);
    if (job.datasetVersion !== entry.stored.version || job.directoryHash !== entry.directoryHash)
      throw new EnclaveError("INVALID_REQUEST", STALE);

    let request: THeRequest;
    try {
      request = parseHeRequest(job.request);
    } catch (err) {
      throw err instanceof HeError ? enclaveErrorOfHe(err) : err;
    }
    const featuresUsed = this.#checkFit(job, request, entry.table.entities.length);
    if (job.mode === "scoring") entry.scoring ??= heScoringDataOf(entry.table, job.features);
    const heJob: THeJob =
      job.mode === "scoring"
        ? { mode: "scoring", request, data: entry.scoring! }
        : { mode: job.mode, request, data: heColumnsDataOf(entry.table) };
    let response: THeResponse;
    try {
      response = await this.deps.pool.evaluate(heJob);
    } catch (err) {
      throw err instanceof HeError ? enclaveErrorOfHe(err) : err;
    }

    const requestDigest = canonicalDigestOf(job.request);
    const responseDigest = canonicalDigestOf(response);
    const { stored } = entry;
    const signedReceipt = signReceiptV2(
      {
        jobId: job.jobId,
        product: `${job.product.code}@${job.product.version}`,
        productVersionHash: job.product.versionHash,
        mode: "real",
        authorizationId: job.authorization.id,
        requesterOrgId: job.requester.orgId,
        state: "released",
        datasets: [{ code: stored.code, version: stored.version }],
        fieldsTouched: plan.fieldsTouched.map((f) => `${stored.code}.${f}`),
        rowsRead: entry.table.rowsRead,
        queries: 1,
        verifications: 0,
        epsilonSpent: 0,
        // = heOutputHashOf(response), without building the JSON text.
        outputHash: responseDigest.sha256,
        blockedBy: null,
        requestHash: heRequestHashOf(job, requestDigest.sha256),
        startedAt: started.toISOString(),
        finishedAt: this.#now().toISOString(),
        computation: {
          kind: "he",
          mode: job.mode,
          preset: request.preset,
          entities: entry.table.entities.length,
          features: featuresUsed,
          requestBytes: requestDigest.bytes,
          responseBytes: responseDigest.bytes,
        },
      },
      this.deps.signer.secretKey,
      this.deps.signer.publicKey,
    );
    return { response, signedReceipt };
  }

  /** Forgets every cached directory. */
  close(): void {
    this.#cache.clear();
  }

  /** Authorization, rules, newest version, directory (cached). */
  async #prepare(context: THeQueryContext, now: Date): Promise<TPrepared> {
    const fieldsRead = [
      ...new Set([
        context.entityField,
        ...context.features.map((f) => f.field),
        ...context.filters.map((f) => f.field),
      ]),
    ];
    const onChain = await this.deps.authorizations.read(authorizationChainId(context.authorization.id));
    checkAuthorization(onChain, context.authorization, { datasetCode: context.datasetCode, fieldsRead }, now);
    this.#checkCatalog(context);

    const stored = await this.deps.vault.storedDataset(context.datasetCode);
    if (!stored)
      throw new EnclaveError("DATASET_UNKNOWN", `dataset ${context.datasetCode} is not held by this enclave`);
    const plan = planHeFeatures(stored, context, fieldsRead);
    const key = canonicalJson({
      version: stored.id,
      entityField: plan.entityField.name,
      filters: plan.filters.map((f) => [f.field.name, [...new Set(f.values)].sort()]),
      features: context.features.map(({ label: _label, ...feature }) => feature),
    });
    const entry = await this.#cache.get(sha256Hex(key), () => this.#read(plan));
    return { plan, entry };
  }

  /** The per-entity rule against the current catalog entry; the entity field must be publishable. */
  #checkCatalog(context: THeQueryContext): void {
    const entry = this.deps.catalog.find((e) => e.code === context.datasetCode);
    if (!entry)
      throw new EnclaveError(
        "FIELD_NOT_ALLOWED",
        `dataset ${context.datasetCode} has no catalog entry, so its fields' grades cannot be checked`,
      );
    const problems = heFeatureProblems(context.features, entry.fields);
    if (problems.length > 0)
      throw new EnclaveError("FIELD_NOT_ALLOWED", `${problems.join("; ")}; the query was not run`);
    const entity = entry.fields.find((f) => f.name === context.entityField);
    if (entity && (entity.personalInfo || entity.grade === "core" || entity.masking !== "none"))
      throw new EnclaveError(
        "FIELD_NOT_ALLOWED",
        `entityField: "${entity.name}" is ${entity.personalInfo ? "personal information" : entity.grade === "core" ? "core data" : "masked"} in the catalog, so it cannot be published in a directory`,
      );
  }

  async #read(plan: THeFeaturePlan): Promise<TDirectoryEntry> {
    const { stored } = plan;
    let key: Buffer | null = null;
    const open = plan.featureFields.some((f) => f.storage === "sealed")
      ? (field: { name: string }, row: number, sealed: Buffer) => {
          key ??= this.deps.keyStore.unwrapDataKey(stored.code, stored.version, stored.wrappedDataKey);
          return valueCipher.open(key, sealedAad(stored.code, stored.version, field.name, row), sealed);
        }
      : undefined;
    try {
      const table = await this.deps.vault.readHeFeatures(plan, {
        statementTimeoutMs: this.deps.statementTimeoutMs ?? 120_000,
        ...(open ? { open } : {}),
      });
      if (table.entities.length === 0)
        throw new EnclaveError(
          "QUERY_INVALID",
          `no row of ${stored.code}@${stored.version} passes the product's filters: the directory would be empty`,
        );
      return { stored, table, directoryHash: heDirectoryHashOf(table.entities) };
    } finally {
      (key as Buffer | null)?.fill(0);
    }
  }

  /** Whether the HE request fits the product; returns the number of features the query uses. */
  #checkFit(job: THeEnclaveJob, request: THeRequest, entityCount: number): number {
    const refuse = (message: string): never => {
      throw new EnclaveError("INVALID_REQUEST", message);
    };
    if (request.mode !== job.mode)
      refuse(`request.mode: this product answers ${job.mode} queries, not ${request.mode}`);
    if (request.entityCount !== entityCount)
      refuse(
        `request.entityCount: the directory holds ${entityCount} entities, the request was built for ${request.entityCount}`,
      );
    if (request.mode === "scoring") {
      if (request.featureCount !== job.features.length)
        refuse(
          `request.featureCount: the product has ${job.features.length} features, the request ${request.featureCount} weights`,
        );
      return job.features.length;
    }
    const byName = new Map(job.features.map((f) => [f.as, f]));
    for (const [i, name] of request.fields.entries()) {
      const feature = byName.get(name);
      if (!feature)
        refuse(
          `request.fields.${i}: "${name}" is not a feature of this product (${[...byName.keys()].join(", ")})`,
        );
      if (request.preset === BFV_PRESET_ID && !heFeatureIsInteger(feature!))
        refuse(
          `request.fields.${i}: feature "${name}" is not an integer, so an encrypted ${request.mode} query under ${BFV_PRESET_ID} (exact integers) cannot carry it` +
            (request.mode === "aggregate" ? "; use the CKKS preset" : ""),
        );
    }
    return request.fields.length;
  }
}
