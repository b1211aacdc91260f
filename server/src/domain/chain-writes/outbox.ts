/**
 * The chain-write outbox (table chain_writes). A state change that must reach the chain
 * (a registration coded or superseded, an authorization activated, suspended, revoked…) enqueues
 * its write IN THE SAME TRANSACTION as the change, so a crash can never leave a committed change
 * unrecorded. The worker (processChainWrites) sends pending writes strictly in id order —
 * a status change is never sent before the record it changes — and stops at the first failure,
 * which stays pending (attempts and last error recorded) for the next round.
 *
 * The registries client is idempotent (it reads before writing), so sending a write again after
 * a crash between "mined" and "marked confirmed" is harmless.
 *
 * One server process runs the worker: calls are serialized per database handle in-process.
 */
import { ZScopeDatasetCode } from "@pdx/common/authorization-scope";
import { z } from "zod";
import { ChainError, type TRegistriesClient, type TRegistryWriteReceipt } from "../../chain";
import type { TDb, TQueryable } from "../../db";
import { DomainError } from "../domain-error";

/** Every kind of chain write (matches the chain_writes.kind CHECK). */
export const CHAIN_WRITE_KINDS = [
  "registration.record",
  "registration.status",
  "authorization.record",
  "authorization.status",
] as const;
export type TChainWriteKind = (typeof CHAIN_WRITE_KINDS)[number];

/** Longest term the registries accept: 5 × 365 days + 2 leap days (their MAX_TERM). */
const MAX_TERM_MS = (5 * 365 + 2) * 86_400_000;

const ZTime = z
  .union([z.date(), z.iso.datetime({ offset: true })])
  .transform((v) => new Date(v))
  .refine((d) => !Number.isNaN(d.getTime()) && d.getTime() >= 0, "must be a valid time")
  .transform((d) => d.toISOString());

const ZHex32 = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "must be 32 bytes as 0x-prefixed hex")
  .transform((v) => v.toLowerCase())
  .refine((v) => !/^0x0{64}$/.test(v), "must not be zero");

/** A 32-byte hash with or without 0x (registrations store their SHA-256 entry hash bare). */
const ZHex32Loose = z
  .string()
  .regex(/^(0x)?[0-9a-fA-F]{64}$/, "must be 32 bytes of hex")
  .transform((v) => `0x${v.replace(/^0x/, "").toLowerCase()}`)
  .pipe(ZHex32);

const ZOrgId = z.uuid();

/** The term rule of both registries: validUntil after validFrom, at most MAX_TERM later. */
function checkTerm(p: { validFrom: string; validUntil: string }, ctx: z.RefinementCtx): void {
  const term = Date.parse(p.validUntil) - Date.parse(p.validFrom);
  if (term <= 0)
    ctx.addIssue({ code: "custom", message: "validUntil must be after validFrom", path: ["validUntil"] });
  else if (term > MAX_TERM_MS) {
    ctx.addIssue({
      code: "custom",
      message: "the term must not exceed 5 years (1827 days)",
      path: ["validUntil"],
    });
  }
}

/** The payload of each kind, as enqueued (validated and normalized before it is stored). */
export const CHAIN_WRITE_PAYLOADS = {
  "registration.record": z
    .strictObject({
      datasetCode: ZScopeDatasetCode,
      sourceOrgId: ZOrgId,
      /** The registration's entry hash (SHA-256 of the canonical entry). */
      entryHash: ZHex32Loose,
      validFrom: ZTime,
      validUntil: ZTime,
    })
    .superRefine(checkTerm),
  "registration.status": z.strictObject({ status: z.enum(["superseded", "deregistered", "expired"]) }),
  "authorization.record": z
    .strictObject({
      operatorOrgId: ZOrgId,
      scenarioHash: ZHex32,
      scopeHash: ZHex32,
      validFrom: ZTime,
      validUntil: ZTime,
    })
    .superRefine(checkTerm),
  /** Expiry needs no write: the chain's isActive checks the term itself. */
  "authorization.status": z.strictObject({ status: z.enum(["active", "suspended", "revoked"]) }),
} as const satisfies Record<TChainWriteKind, z.ZodType>;

export type TChainWritePayload<K extends TChainWriteKind> = z.input<(typeof CHAIN_WRITE_PAYLOADS)[K]>;

export type TChainWriteInput = {
  [K in TChainWriteKind]: { kind: K; subjectId: string; payload: TChainWritePayload<K> };
}[TChainWriteKind];

/**
 * Enqueues a chain write; call it inside the transaction of the state change it records.
 * An invalid payload is refused here (it would otherwise block the queue for good).
 */
export async function enqueueChainWrite(tx: TQueryable, input: TChainWriteInput): Promise<{ id: string }> {
  const subject = z.uuid().safeParse(input.subjectId);
  if (!subject.success)
    throw new DomainError(
      "INTERNAL",
      "the change could not be saved",
      "chain write: subjectId is not a uuid",
    );
  const schema = CHAIN_WRITE_PAYLOADS[input.kind] as z.ZodType | undefined;
  if (!schema)
    throw new DomainError(
      "INTERNAL",
      "the change could not be saved",
      `chain write: unknown kind ${String(input.kind)}`,
    );
  const payload = schema.safeParse(input.payload);
  if (!payload.success) {
    const where = payload.error.issues
      .map((i) => `${i.path.join(".") || "(payload)"}: ${i.message}`)
      .join("; ");
    throw new DomainError("INTERNAL", "the change could not be saved", `chain write ${input.kind}: ${where}`);
  }
  const { rows } = await tx.query<{ id: string }>(
    "INSERT INTO chain_writes (kind, subject_id, payload) VALUES ($1, $2, $3) RETURNING id::text AS id",
    [input.kind, subject.data.toLowerCase(), JSON.stringify(payload.data)],
  );
  return { id: rows[0]!.id };
}

/** A chain write as the UI shows it. */
export interface TChainWriteView {
  id: string;
  kind: TChainWriteKind;
  status: "pending" | "confirmed";
  /** Failed sending attempts so far plus the successful one. */
  attempts: number;
  /** Why the last attempt failed (safe to show), or null. */
  lastError: string | null;
  txHash: string | null;
  blockNumber: number | null;
  contractAddress: string | null;
  chainId: string | null;
  createdAt: Date;
  confirmedAt: Date | null;
}

interface TChainWriteRow {
  id: string;
  kind: TChainWriteKind;
  subject_id: string;
  payload: unknown;
  status: "pending" | "confirmed";
  attempts: number;
  last_error: string | null;
  tx_hash: string | null;
  block_number: string | null;
  contract_address: string | null;
  chain_id: string | null;
  created_at: Date;
  confirmed_at: Date | null;
}

const COLUMNS = `id::text AS id, kind, subject_id::text AS subject_id, payload, status, attempts, last_error,
  tx_hash, block_number::text AS block_number, contract_address, chain_id, created_at, confirmed_at`;

function toView(row: TChainWriteRow): TChainWriteView {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    txHash: row.tx_hash,
    blockNumber: row.block_number === null ? null : Number(row.block_number),
    contractAddress: row.contract_address,
    chainId: row.chain_id,
    createdAt: row.created_at,
    confirmedAt: row.confirmed_at,
  };
}

/** Every chain write of a subject (registration or authorization id), oldest first. */
export async function chainWritesFor(db: TQueryable, subjectId: string): Promise<TChainWriteView[]> {
  if (!z.uuid().safeParse(subjectId).success) return [];
  const { rows } = await db.query<TChainWriteRow>(
    `SELECT ${COLUMNS} FROM chain_writes w WHERE w.subject_id = $1 ORDER BY w.id`,
    [subjectId.toLowerCase()],
  );
  return rows.map(toView);
}

export interface TProcessSummary {
  /** Writes confirmed by this call, in order. */
  confirmed: {
    id: string;
    kind: TChainWriteKind;
    subjectId: string;
    txHash: string;
    alreadyOnChain: boolean;
  }[];
  /** The write that failed (it stays pending, and so does everything after it), or null. */
  failed: { id: string; kind: TChainWriteKind; error: string } | null;
  /** Writes still pending after this call. */
  pending: number;
}

/** In-process serialization of workers per database handle (timer and flushes never overlap). */
const running = new WeakMap<object, Promise<unknown>>();

function exclusive<T>(db: object, work: () => Promise<T>): Promise<T> {
  const previous = running.get(db) ?? Promise.resolve();
  const run = previous.then(work, work);
  running.set(
    db,
    run.catch(() => undefined),
  );
  return run;
}

/** Message stored in last_error: a ChainError's code and safe message; nothing raw otherwise. */
function safeError(err: unknown): string {
  if (err instanceof ChainError) return `${err.code}: ${err.message}`.slice(0, 1000);
  if (err instanceof DomainError) return `${err.code}: ${err.userMessage}`.slice(0, 1000);
  return "INTERNAL: the write could not be sent";
}

async function send(registries: TRegistriesClient, row: TChainWriteRow): Promise<TRegistryWriteReceipt> {
  switch (row.kind) {
    case "registration.record": {
      const p = CHAIN_WRITE_PAYLOADS[row.kind].parse(row.payload);
      return registries.recordRegistration({
        registrationId: row.subject_id,
        datasetCode: p.datasetCode,
        sourceOrgId: p.sourceOrgId,
        entryHash: p.entryHash as `0x${string}`,
        validFrom: new Date(p.validFrom),
        validUntil: new Date(p.validUntil),
      });
    }
    case "registration.status": {
      const p = CHAIN_WRITE_PAYLOADS[row.kind].parse(row.payload);
      return registries.setRegistrationStatus(row.subject_id, p.status);
    }
    case "authorization.record": {
      const p = CHAIN_WRITE_PAYLOADS[row.kind].parse(row.payload);
      return registries.recordAuthorization({
        authorizationId: row.subject_id,
        operatorOrgId: p.operatorOrgId,
        scenarioHash: p.scenarioHash as `0x${string}`,
        scopeHash: p.scopeHash as `0x${string}`,
        validFrom: new Date(p.validFrom),
        validUntil: new Date(p.validUntil),
      });
    }
    case "authorization.status": {
      const p = CHAIN_WRITE_PAYLOADS[row.kind].parse(row.payload);
      return registries.setAuthorizationStatus(row.subject_id, p.status);
    }
  }
}

/**
 * Sends up to `limit` pending writes in id order, each after the previous one is confirmed.
 * Stops at the first failure: that write records the attempt and its error and stays pending,
 * as does everything after it. Never throws for a chain failure (see `failed`); database errors
 * propagate.
 */
export function processChainWrites(
  db: TDb,
  registries: TRegistriesClient,
  opts: { limit?: number; now?: () => Date } = {},
): Promise<TProcessSummary> {
  const limit = opts.limit ?? 100;
  const now = opts.now ?? (() => new Date());
  return exclusive(db, async () => {
    const summary: TProcessSummary = { confirmed: [], failed: null, pending: 0 };
    for (let sent = 0; sent < limit; sent++) {
      const { rows } = await db.query<TChainWriteRow>(
        `SELECT ${COLUMNS} FROM chain_writes w WHERE w.status = 'pending' ORDER BY w.id LIMIT 1`,
      );
      const row = rows[0];
      if (!row) break;
      let receipt: TRegistryWriteReceipt;
      try {
        receipt = await send(registries, row);
      } catch (err) {
        const error = safeError(err);
        await db.query(
          "UPDATE chain_writes SET attempts = attempts + 1, last_error = $2 WHERE id = $1 AND status = 'pending'",
          [row.id, error],
        );
        summary.failed = { id: row.id, kind: row.kind, error };
        break;
      }
      await db.query(
        `UPDATE chain_writes SET status = 'confirmed', attempts = attempts + 1, last_error = NULL,
           tx_hash = $2, block_number = $3, contract_address = $4, chain_id = $5, confirmed_at = $6
         WHERE id = $1 AND status = 'pending'`,
        [
          row.id,
          receipt.txHash.toLowerCase(),
          receipt.blockNumber,
          receipt.contractAddress,
          receipt.chainId,
          now(),
        ],
      );
      summary.confirmed.push({
        id: row.id,
        kind: row.kind,
        subjectId: row.subject_id,
        txHash: receipt.txHash,
        alreadyOnChain: receipt.alreadyOnChain,
      });
    }
    const { rows: left } = await db.query<{ n: string }>(
      "SELECT count(*)::text AS n FROM chain_writes WHERE status = 'pending'",
    );
    summary.pending = Number(left[0]!.n);
    return summary;
  });
}

/** What flushChainWrites needs of the server's dependencies. */
export interface TChainWriteDeps {
  db: TDb;
  /** Null when the server runs without registries (writes then wait in the outbox). */
  registries: TRegistriesClient | null;
  log?: (line: string) => void;
  now?: () => Date;
}

export type TFlushResult =
  | ({ status: "done" } & TProcessSummary)
  | { status: "timed_out" }
  | { status: "unavailable" }
  | { status: "error" };

/** Default wait of flushChainWrites: long enough for a few confirmations on a dev or QBFT chain. */
export const DEFAULT_FLUSH_TIMEOUT_MS = 10_000;

/**
 * Sends pending writes now, right after a commit, waiting at most `timeoutMs`. Never throws:
 * whatever is not confirmed in time stays pending and the timer retries it (the work started
 * here keeps going in the background until its current write is done).
 */
export async function flushChainWrites(
  deps: TChainWriteDeps,
  timeoutMs = DEFAULT_FLUSH_TIMEOUT_MS,
): Promise<TFlushResult> {
  if (!deps.registries) return { status: "unavailable" };
  const work = processChainWrites(deps.db, deps.registries, { now: deps.now }).then(
    (summary) => ({ status: "done" as const, ...summary }),
    (err: unknown) => {
      deps.log?.(`[chain-writes] flush failed: ${(err as Error)?.name ?? "error"}`);
      return { status: "error" as const };
    },
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<TFlushResult>((resolve) => {
    timer = setTimeout(() => resolve({ status: "timed_out" }), timeoutMs);
    timer.unref?.();
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Names under which the registries are recorded in chain_deployments. */
export const REGISTRY_DEPLOYMENT_NAMES = {
  catalogRegistry: "CatalogRegistry",
  authorizationRegistry: "AuthorizationRegistry",
} as const;

type TRegistryKey = keyof typeof REGISTRY_DEPLOYMENT_NAMES;

/** Which registry each kind is written to. */
const FAMILY = {
  catalogRegistry: { kinds: ["registration.record", "registration.status"], record: "registration.record" },
  authorizationRegistry: {
    kinds: ["authorization.record", "authorization.status"],
    record: "authorization.record",
  },
} as const satisfies Record<TRegistryKey, { kinds: readonly TChainWriteKind[]; record: TChainWriteKind }>;

const REGISTRY_KEYS = Object.keys(REGISTRY_DEPLOYMENT_NAMES) as TRegistryKey[];

export interface TReconcileSummary {
  chainId: string;
  /** Registries whose recorded history had to be queued again, and why. */
  replayed: { registry: TRegistryKey; reason: "new_address" | "history_missing" }[];
  /** Confirmed writes put back to pending (they will be sent to the configured registries). */
  requeued: number;
}

/**
 * Makes the configured registries hold the full recorded history. A registry's confirmed writes
 * are all put back to pending — the worker then sends them again in id order — when
 *  - its configured address (or chain) differs from the one recorded in chain_deployments or on
 *    the writes (new registries were deployed, or the server moved to another chain), or
 *  - the subject of its latest confirmed record write is not on chain: a restarted dev chain
 *    keeps no state, and the launcher redeploys at the same addresses (same deployer, same nonces).
 * chain_deployments is updated to the configured addresses. Like re-anchoring (ARCHITECTURE.md),
 * this trusts the database at restart time; production chains persist, so it only runs on a move
 * to a new chain.
 */
export async function reconcileRegistryDeployment(
  db: TDb,
  registries: TRegistriesClient,
  opts: { now?: () => Date; log?: (line: string) => void } = {},
): Promise<TReconcileSummary> {
  const chainId = await registries.chainId();
  const configured = registries.addresses;
  return exclusive(db, async () => {
    const replayed: TReconcileSummary["replayed"] = [];
    const { rows: deployments } = await db.query<{ contract: string; address: string }>(
      "SELECT contract, address FROM chain_deployments WHERE chain_id = $1 AND contract = ANY($2::text[])",
      [chainId, Object.values(REGISTRY_DEPLOYMENT_NAMES)],
    );
    const recorded = new Map(deployments.map((r) => [r.contract, r.address.toLowerCase()]));
    for (const key of REGISTRY_KEYS) {
      const address = configured[key].toLowerCase();
      const family = FAMILY[key];
      const { rows: elsewhere } = await db.query<{ n: string }>(
        `SELECT count(*)::text AS n FROM chain_writes WHERE status = 'confirmed' AND kind = ANY($1::text[])
           AND (chain_id IS DISTINCT FROM $2 OR lower(contract_address) IS DISTINCT FROM $3)`,
        [family.kinds, chainId, address],
      );
      const hasRecorded = recorded.has(REGISTRY_DEPLOYMENT_NAMES[key]);
      if (
        Number(elsewhere[0]!.n) > 0 ||
        (hasRecorded && recorded.get(REGISTRY_DEPLOYMENT_NAMES[key]) !== address)
      ) {
        replayed.push({ registry: key, reason: "new_address" });
        continue;
      }
      const { rows: latest } = await db.query<{ subject_id: string }>(
        `SELECT subject_id::text AS subject_id FROM chain_writes WHERE status = 'confirmed' AND kind = $1
         ORDER BY id DESC LIMIT 1`,
        [family.record],
      );
      const subject = latest[0]?.subject_id;
      if (!subject) continue;
      const onChain =
        key === "catalogRegistry"
          ? await registries.getRegistration(subject)
          : await registries.getAuthorization(subject);
      if (!onChain) replayed.push({ registry: key, reason: "history_missing" });
    }
    return db.withTransaction(async (tx) => {
      let requeued = 0;
      for (const { registry } of replayed) {
        const result = await tx.query(
          `UPDATE chain_writes SET status = 'pending', tx_hash = NULL, block_number = NULL, contract_address = NULL,
             chain_id = NULL, confirmed_at = NULL, last_error = NULL
           WHERE status = 'confirmed' AND kind = ANY($1::text[])`,
          [FAMILY[registry].kinds],
        );
        requeued += result.rowCount;
      }
      for (const key of REGISTRY_KEYS) {
        if (recorded.get(REGISTRY_DEPLOYMENT_NAMES[key]) === configured[key].toLowerCase()) continue;
        await tx.query(
          `INSERT INTO chain_deployments (chain_id, contract, address, deployed_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (chain_id, contract) DO UPDATE SET address = EXCLUDED.address, deployed_at = EXCLUDED.deployed_at`,
          [chainId, REGISTRY_DEPLOYMENT_NAMES[key], configured[key], opts.now?.() ?? new Date()],
        );
      }
      for (const { registry, reason } of replayed) {
        opts.log?.(
          `[chain-writes] ${REGISTRY_DEPLOYMENT_NAMES[registry]} at ${configured[registry]} on chain ${chainId}: ${
            reason === "new_address" ? "new address" : "recorded history is missing (chain reset)"
          }; its recorded writes will be sent again`,
        );
      }
      return { chainId, replayed, requeued };
    });
  });
}
