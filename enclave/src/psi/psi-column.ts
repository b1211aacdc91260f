/**
 * The enclave's side of a PSI match before any session: a dataset version's column as the set of
 * H(y) of its distinct normalized values (normalize.ts, the same function the buyer uses), and a
 * cache of such columns per (dataset, version, field, format).
 *
 * H(y) involves no secret, so it is computed once per column and reused by every session, which
 * then costs the enclave only exponentiations. It is NOT public, though: anyone holding H(y) can
 * test a guessed identifier against it, so the cache is as sensitive as the column itself — it
 * lives in enclave memory only, is never logged, serialized or sent (sessions send [a]H(y) under a
 * fresh secret a).
 *
 * Values are de-duplicated after normalization (a set: repeats would tell the buyer how often an
 * identifier occurs); empty values are dropped. The order of `points` is the order of first
 * occurrence; sessions stream it in a fresh random order.
 */
import type { TPsiCurve } from "@pdx/common/psi/curve";
import { PSI_POINT_BYTES } from "@pdx/common/psi/group";
import { normalizePsiItem, type TPsiItemFormat } from "@pdx/common/psi/normalize";
import { PSI_MAX_SERVER_SET_SIZE } from "@pdx/common/psi/wire";
import { EnclaveError } from "../errors";

export interface TPsiColumn {
  format: TPsiItemFormat;
  /** Distinct normalized values. */
  size: number;
  /** H(y) of each distinct value, size × 32 bytes. */
  points: Uint8Array;
  /** Values dropped as empty, and as repeats (counts only). */
  empty: number;
  duplicates: number;
}

export interface TPreparePsiColumnOptions {
  format: TPsiItemFormat;
  /** The column's stored values (e.g. streamed from the vault), opened if sealed. */
  values: Iterable<string | null> | AsyncIterable<string | null>;
  curve: TPsiCurve;
  /** Items per hashing call (default 16,384); two calls are kept in flight. */
  batchItems?: number;
}

/** Normalizes, de-duplicates and hashes a column (see the module comment). */
export async function preparePsiColumn(options: TPreparePsiColumnOptions): Promise<TPsiColumn> {
  const { format, curve } = options;
  const batchItems = options.batchItems ?? 16_384;
  const distinct = new Set<string>();
  let empty = 0;
  let duplicates = 0;
  for await (const raw of options.values) {
    const item = raw === null ? "" : normalizePsiItem(format, raw);
    if (item === "") empty++;
    else if (distinct.has(item)) duplicates++;
    else {
      distinct.add(item);
      if (distinct.size > PSI_MAX_SERVER_SET_SIZE) {
        throw new EnclaveError(
          "LIMIT_EXCEEDED",
          `psi column: more than ${PSI_MAX_SERVER_SET_SIZE} distinct values (the most a column may have)`,
        );
      }
    }
  }
  const items = [...distinct];
  distinct.clear();
  const points = new Uint8Array(items.length * PSI_POINT_BYTES);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const start = next;
      next += batchItems;
      points.set(
        await curve.hashToGroup(format, items.slice(start, start + batchItems)),
        start * PSI_POINT_BYTES,
      );
    }
  };
  await Promise.all([lane(), lane()]);
  return { format, size: items.length, points, empty, duplicates };
}

/** The cache key of a column as matched in one format. */
export function psiColumnKey(column: {
  dataset: string;
  version: string;
  field: string;
  format: TPsiItemFormat;
}): string {
  return `${column.dataset}@${column.version}/${column.field}/${column.format}`;
}

/**
 * Prepared columns by key, least recently used evicted beyond `maxPoints` points in total
 * (32 bytes each: the default 8,388,608 points is 256 MiB). Concurrent requests for one key share
 * one build; a failed build is not kept. Dataset versions are immutable, so entries never go stale.
 */
export class PsiColumnCache {
  #entries = new Map<string, Promise<TPsiColumn>>();
  #sizes = new Map<string, number>();

  constructor(readonly maxPoints = 8_388_608) {}

  /** The column for `key`, built by `build` when absent. */
  get(key: string, build: () => Promise<TPsiColumn>): Promise<TPsiColumn> {
    const present = this.#entries.get(key);
    if (present) {
      this.#entries.delete(key); // re-insert: most recently used last
      this.#entries.set(key, present);
      return present;
    }
    const building = build().then(
      (column) => {
        if (this.#entries.get(key) === building) {
          this.#sizes.set(key, column.size);
          this.#evict(key);
        }
        return column;
      },
      (error: unknown) => {
        if (this.#entries.get(key) === building) this.#entries.delete(key);
        throw error;
      },
    );
    this.#entries.set(key, building);
    return building;
  }

  /** Points held by finished entries. */
  get points(): number {
    let total = 0;
    for (const size of this.#sizes.values()) total += size;
    return total;
  }

  has(key: string): boolean {
    return this.#entries.has(key);
  }

  delete(key: string): void {
    this.#entries.delete(key);
    this.#sizes.delete(key);
  }

  #evict(keep: string): void {
    for (const key of this.#entries.keys()) {
      if (this.points <= this.maxPoints) return;
      if (key === keep || !this.#sizes.has(key)) continue;
      this.delete(key);
    }
  }
}
