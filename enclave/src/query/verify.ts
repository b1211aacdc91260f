/**
 * Record-level verification (核验): "does a record exist whose `match` fields equal these values
 * (and that satisfies `where`)?" → { answer: boolean } and nothing else — never the record, never a
 * count. Fingerprinted fields (identifiers) are compared by their keyed fingerprint, computed here
 * from the submitted value's canonical text with the key store, so the identifier's value is never
 * read; other match keys must be raw fields (cleartext equality). `where` filters are allowed on
 * raw fields only. Each question is metered: a job may ask at most VERIFY_QUESTIONS_PER_JOB.
 * SQL: SELECT EXISTS(SELECT 1 …), which stops at the first matching row (row cap 1).
 *
 * Masked output: `reveal` names masked-policy fields (sealed storage). When exactly one record
 * matches, their sealed values are opened inside the enclave (the caller's `open`, holding the
 * version's data key) and returned masked by each field's rule (maskValue) — never in clear. When
 * several match, `revealed` is null (the answer alone is given).
 */
import { maskValue } from "@pdx/common/catalog/mock-rows";
import { type TVerifyAnswer, VERIFY_QUESTIONS_PER_JOB, ZVerifyQuery } from "@pdx/common/enclave-query";
import type { TVaultField } from "@pdx/common/vault-api";
import { EnclaveError } from "../errors";
import type { TKeyStore } from "../keys/types";
import type { TStoredDataset } from "../vault/stored-dataset";
import { compileRevealSql, compileVerifySql } from "./compile-sql";
import {
  FieldResolver,
  planFilter,
  requireSameDataset,
  rowsTableChecked,
  typedValueOf,
  zodProblems,
} from "./plan-query";
import type { TCompiledQuery, TPlannedMatch, TSqlScalar } from "./query-plan";
import {
  runExistsQuery,
  type TQueryLimits,
  type TVaultQueryable,
  withReadOnlyTransaction,
} from "./run-query";

export interface TVerifyPlan {
  datasetCode: string;
  version: string;
  /** How each match key is compared (no values). */
  matchedBy: { field: string; by: "fingerprint" | "cleartext" }[];
  /** "CODE.field" of every field the question reads, in first-use order. */
  fieldsTouched: string[];
  sql: TCompiledQuery;
  /** Masked fields to return of a single matched record (empty: the answer only). */
  reveal: TVaultField[];
  /** Set when `reveal` is not empty: the matched rows' sealed values (at most 2 rows). */
  revealSql: TCompiledQuery | null;
}

/** Opens one sealed value of the dataset version inside the enclave (canonical text). */
export type TSealedOpener = (field: TVaultField, row: number, sealed: Buffer) => string;

/**
 * Canonical text of a typed value (the text that is fingerprinted, see stored-dataset.ts): text
 * as is (NFC), numbers as plain decimals without trailing zeros, dates "YYYY-MM-DD",
 * booleans "true"/"false". Throws QUERY_INVALID for a number that only has an exponent form.
 */
export function canonicalTextOf(field: TVaultField, value: TSqlScalar, path: string): string {
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "string") return field.type === "text" ? value.normalize("NFC") : value;
  const text = String(value);
  if (/e/i.test(text))
    throw new EnclaveError(
      "QUERY_INVALID",
      `${path}: field "${field.name}": the number is too large or too small to match`,
    );
  return text;
}

/**
 * Checks a verification question (untrusted) against `stored`, the job's `declaredFields` and the
 * column policy, fingerprints its identifier keys, and compiles it. Throws EnclaveError
 * QUERY_INVALID / FIELD_OUT_OF_SCOPE / FIELD_NOT_ALLOWED.
 */
export function planVerifyQuery(
  stored: TStoredDataset,
  query: unknown,
  declaredFields: readonly string[],
  keyStore: Pick<TKeyStore, "fingerprint">,
): TVerifyPlan {
  const parsed = ZVerifyQuery.safeParse(query);
  if (!parsed.success) throw new EnclaveError("QUERY_INVALID", zodProblems(parsed.error));
  const q = parsed.data;
  requireSameDataset(stored, q.dataset);
  const table = rowsTableChecked(stored);
  const fields = new FieldResolver(stored, declaredFields);

  const match: TPlannedMatch[] = Object.entries(q.match).map(([name, raw]) => {
    const path = `match.${name}`;
    const field = fields.resolve(name, path, "verify_match");
    const value = typedValueOf(field, raw, path);
    if (field.fingerprint)
      return {
        field,
        by: "fingerprint",
        fingerprint: keyStore.fingerprint(field.item, canonicalTextOf(field, value, path)),
      };
    return { field, by: "cleartext", value };
  });
  const where = q.where.map((f, i) => planFilter(f, `where.${i}`, fields, "verify"));
  const reveal = [...new Set(q.reveal)].map((name, i) =>
    fields.resolve(name, `reveal.${i}`, "masked_output"),
  );
  // Masked fields describe a record the asker already identifies: never one singled out by attributes.
  if (reveal.length > 0 && !match.some((m) => m.by === "fingerprint"))
    throw new EnclaveError(
      "FIELD_NOT_ALLOWED",
      `reveal: masked fields of ${stored.spec.code} are returned only for a record matched by its identifier (a fingerprinted field)`,
    );
  const checked = { table, match, where };

  return {
    datasetCode: stored.spec.code,
    version: stored.version,
    matchedBy: match.map((m) => ({ field: m.field.name, by: m.by })),
    fieldsTouched: fields.touched,
    sql: compileVerifySql(checked),
    reveal,
    revealSql: reveal.length > 0 ? compileRevealSql(checked, reveal) : null,
  };
}

/** Counts one job's verification questions and refuses those over the cap. */
export class VerificationMeter {
  private used = 0;

  constructor(readonly cap: number = VERIFY_QUESTIONS_PER_JOB) {
    if (!Number.isSafeInteger(cap) || cap < 0) throw new Error("VerificationMeter: bad cap");
  }

  /** Questions asked so far (each charged question counts, whatever its answer). */
  get asked(): number {
    return this.used;
  }

  get remaining(): number {
    return this.cap - this.used;
  }

  /** Charges one question; LIMIT_EXCEEDED (naming the cap) once the cap is used up. */
  charge(): void {
    if (this.used >= this.cap)
      throw new EnclaveError(
        "LIMIT_EXCEEDED",
        `a job may ask at most ${this.cap} verification questions (VERIFY_QUESTIONS_PER_JOB)`,
      );
    this.used++;
  }
}

/**
 * Charges the meter, then answers the planned question: the answer, and the masked `reveal`
 * fields when exactly one record matched (`open` opens sealed values; needed only with reveal).
 */
export async function runVerifyQuery(
  db: TVaultQueryable,
  plan: TVerifyPlan,
  meter: VerificationMeter,
  limits: TQueryLimits,
  open?: TSealedOpener,
): Promise<TVerifyAnswer> {
  meter.charge();
  if (!plan.revealSql) return { answer: await runExistsQuery(db, plan.sql, limits), revealed: null };
  if (!open) throw new Error("verify: revealing masked fields needs an opener");
  const revealSql = plan.revealSql;
  const { rows } = await withReadOnlyTransaction(db, limits, (client) =>
    client.query<Record<string, Buffer | string | null>>({ text: revealSql.text, values: revealSql.values }),
  );
  if (rows.length !== 1) return { answer: rows.length > 0, revealed: null };
  const row = rows[0]!;
  const rowNumber = Number(row.row_number);
  const revealed: Record<string, string | null> = {};
  plan.reveal.forEach((field, i) => {
    const sealed = row[`r${i}`];
    revealed[field.name] = Buffer.isBuffer(sealed)
      ? String(maskValue(field.masking, open(field, rowNumber, sealed)))
      : null;
  });
  return { answer: true, revealed };
}
