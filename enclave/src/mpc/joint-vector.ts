/**
 * The shared vector of a joint aggregate: its layout (which columns, how many groups), how a party
 * turns its local per-group aggregates into it, the public range check of the fixed-point
 * encoding, and how the coordinator reads the reconstructed totals back. Pure.
 *
 * Layout: column-major, one block of `groups` entries per column, in this order:
 *   count           rows of the group;
 *   units           distinct privacy units of the group (the k rule counts units) — only when some
 *                   party may keep more than one row per unit: with rowsPerUnit 1 everywhere each
 *                   kept row is a distinct unit, units = count, and the column would repeat it;
 *   sum             Σ of each row's value clamped to the bounds, at 10^-decimals   (sum, mean, variance)
 *   sum_of_squares  Σ of each clamped value's square, at 10^-squareDecimals         (variance)
 * Every party derives the same layout from the public spec, so shares line up entry by entry.
 *
 * Range: the encoding is exact while every total stays inside (−2^63, 2^63). Each party checks,
 * from PUBLIC quantities only (its dataset version's row count, the bounds, the scales and the
 * number of parties — never its data), that its own entries cannot exceed (2^63 − 1) / parties in
 * magnitude; then no sum of n parties can wrap. A refusal therefore reveals nothing about rows.
 */
import type { TMpcEncoding, TMpcGroupDomain, TMpcJobSpec } from "@pdx/common/mpc-api";
import { fixedPointSteps, fromSigned, rescaleSteps, smallSignedAt, stepsToDecimal, toSigned } from "./shares";

export const VECTOR_COLUMNS = ["count", "units", "sum", "sum_of_squares"] as const;
export type TVectorColumn = (typeof VECTOR_COLUMNS)[number];

export interface TVectorLayout {
  groups: number;
  columns: readonly TVectorColumn[];
  /** groups × columns. */
  length: number;
}

/** The columns a spec needs and the vector's size. */
export function vectorLayoutOf(spec: Pick<TMpcJobSpec, "groups" | "statistics" | "parties">): TVectorLayout {
  const columns: TVectorColumn[] = ["count"];
  if (spec.parties.some((p) => p.rowsPerUnit > 1)) columns.push("units");
  if (spec.statistics.some((s) => s !== "count")) columns.push("sum");
  if (spec.statistics.includes("variance")) columns.push("sum_of_squares");
  const groups = groupDomainOf(spec.groups).size;
  return { groups, columns, length: groups * columns.length };
}

/** Index of the first entry of `column`; throws if the layout has no such column. */
export function columnOffset(layout: TVectorLayout, column: TVectorColumn): number {
  const i = layout.columns.indexOf(column);
  if (i < 0) throw new Error(`the vector has no ${column} column`);
  return i * layout.groups;
}

/** The public groups: how many, each one's key as released, and the group of a local key. */
export interface TGroupDomain {
  size: number;
  /** The group's key as released (categories: the value; histogram: the bucket's lower bound). */
  keyOf(index: number): string;
  /**
   * The group of a key the query compiler returned (the value's canonical text, or a width
   * bucket's lower bound); undefined when the key lies outside the domain (the row is not counted).
   */
  indexOf(compilerKey: string): number | undefined;
}

/** Shortest text of a bucket bound without binary noise (0.1·3 → "0.3"). */
function boundText(value: number): string {
  return String(Number(value.toPrecision(12)));
}

export function groupDomainOf(domain: TMpcGroupDomain): TGroupDomain {
  switch (domain.kind) {
    case "total":
      return { size: 1, keyOf: () => "", indexOf: () => 0 };
    case "categories": {
      const index = new Map(domain.values.map((v, i) => [v, i]));
      return { size: domain.values.length, keyOf: (i) => domain.values[i]!, indexOf: (k) => index.get(k) };
    }
    case "histogram": {
      const { start, width, buckets } = domain;
      const whole = Number.isSafeInteger(start) && Number.isSafeInteger(width);
      return {
        size: buckets,
        keyOf: (i) => (whole ? String(start + i * width) : boundText(start + i * width)),
        indexOf: (key) => {
          if (key === "") return undefined;
          const lower = Number(key);
          if (!Number.isFinite(lower)) return undefined;
          const i = Math.round((lower - start) / width);
          if (i < 0 || i >= buckets) return undefined;
          return Math.abs(lower - (start + i * width)) <= width * 1e-9 ? i : undefined;
        },
      };
    }
  }
}

const SIGNED_MAX = (1n << 63n) - 1n;

/** Largest |x| of bounds [lo, hi], in steps of 10^-decimals. */
function boundSteps(bounds: readonly [number, number], decimals: number): bigint {
  const [lo, hi] = bounds.map((b) => fixedPointSteps(b, decimals));
  const a = lo! < 0n ? -lo! : lo!;
  const b = hi! < 0n ? -hi! : hi!;
  return a > b ? a : b;
}

export interface TCapacityInput {
  layout: TVectorLayout;
  encoding: TMpcEncoding;
  bounds: readonly [number, number] | undefined;
  /** A public upper bound of the rows the party may count (its dataset version's row count). */
  rows: number;
  parties: number;
}

/**
 * Why the party's entries might not fit the encoding (null when they always do); computed from
 * public quantities only, see the module comment.
 */
export function encodingCapacityProblem(input: TCapacityInput): string | null {
  const limit = SIGNED_MAX / BigInt(input.parties);
  const rows = BigInt(input.rows);
  if (rows > limit) return "the dataset has more rows than the encoding can count";
  if (!input.bounds || !input.layout.columns.includes("sum")) return null;
  const largest = boundSteps(input.bounds, input.encoding.decimals);
  if (rows * largest > limit)
    return "the sum may overflow the 64-bit fixed-point encoding: use fewer decimals or tighter bounds";
  if (input.layout.columns.includes("sum_of_squares")) {
    const square = rescaleSteps(
      largest * largest,
      2 * input.encoding.decimals,
      input.encoding.squareDecimals,
    );
    if (rows * square > limit)
      return "the sum of squares may overflow the 64-bit fixed-point encoding: use a smaller squareDecimals or tighter bounds";
  }
  return null;
}

/** A row's value's square on the squares' scale: steps at 10^-decimals → x² at 10^-squareDecimals. */
export function squareSteps(steps: bigint, encoding: TMpcEncoding): bigint {
  return rescaleSteps(steps * steps, 2 * encoding.decimals, encoding.squareDecimals);
}

/** Clamps whole steps to the bounds (also in steps). */
export function clampSteps(steps: bigint, bounds: readonly [number, number], decimals: number): bigint {
  const lo = fixedPointSteps(bounds[0], decimals);
  const hi = fixedPointSteps(bounds[1], decimals);
  return steps < lo ? lo : steps > hi ? hi : steps;
}

/** What a party adds into one group of its local vector. */
export interface TLocalGroupContribution {
  count: number;
  units: number;
  /** The group's exact clamped sum (decimal text or number); null or absent: no value. */
  sum?: string | number | null;
  /** Σ of the rows' squares already in steps of 10^-squareDecimals (squareSteps). */
  sumOfSquaresSteps?: bigint;
}

/**
 * A party's local vector, built group by group (contributions to the same group add up). Its
 * entries are RAW local aggregates: the vector must only ever leave the node as shares.
 */
export class LocalVectorBuilder {
  readonly vector: BigUint64Array;
  private readonly countAt: number;
  private readonly unitsAt: number;
  private readonly sumAt: number;
  private readonly squaresAt: number;

  constructor(
    readonly layout: TVectorLayout,
    private readonly encoding: TMpcEncoding,
  ) {
    this.vector = new BigUint64Array(layout.length);
    this.countAt = columnOffset(layout, "count");
    this.unitsAt = layout.columns.includes("units") ? columnOffset(layout, "units") : -1;
    this.sumAt = layout.columns.includes("sum") ? columnOffset(layout, "sum") : -1;
    this.squaresAt = layout.columns.includes("sum_of_squares") ? columnOffset(layout, "sum_of_squares") : -1;
  }

  add(group: number, contribution: TLocalGroupContribution): void {
    if (!Number.isSafeInteger(group) || group < 0 || group >= this.layout.groups)
      throw new RangeError("local vector: group index out of range");
    const { count, units } = contribution;
    if (
      !Number.isSafeInteger(count) ||
      count < 0 ||
      !Number.isSafeInteger(units) ||
      units < 0 ||
      units > count
    )
      throw new RangeError("local vector: bad count or units");
    const v = this.vector;
    v[this.countAt + group] = v[this.countAt + group]! + BigInt(count);
    if (this.unitsAt >= 0) v[this.unitsAt + group] = v[this.unitsAt + group]! + BigInt(units);
    else if (units !== count)
      throw new RangeError(
        "local vector: one row per unit was promised (rowsPerUnit 1), but units differ from rows",
      );
    if (this.sumAt >= 0 && contribution.sum !== null && contribution.sum !== undefined) {
      const steps = fixedPointSteps(contribution.sum, this.encoding.decimals);
      v[this.sumAt + group] = v[this.sumAt + group]! + fromSigned(steps);
    }
    if (this.squaresAt >= 0 && contribution.sumOfSquaresSteps !== undefined)
      v[this.squaresAt + group] = v[this.squaresAt + group]! + fromSigned(contribution.sumOfSquaresSteps);
  }
}

/** The reconstructed totals of one group, decoded. */
export interface TJointGroupTotals {
  index: number;
  key: string;
  count: number;
  units: number;
  /** Exact decimal text at the encoding's scale; null when the layout has no such column. */
  sum: string | null;
  sumOfSquares: string | null;
}

/**
 * Decodes the reconstructed vector (groups with a count of 0 are left out: like SQL, an empty
 * combination is not a cell). Throws when an entry is impossible (a negative or fractional count,
 * units above the count): a party sent an inconsistent share.
 */
export function decodeTotals(
  totals: BigUint64Array,
  layout: TVectorLayout,
  domain: TGroupDomain,
  encoding: TMpcEncoding,
): TJointGroupTotals[] {
  if (totals.length !== layout.length) throw new RangeError("decodeTotals: vector length does not match");
  const countAt = columnOffset(layout, "count");
  const unitsAt = layout.columns.includes("units") ? columnOffset(layout, "units") : countAt;
  const sumAt = layout.columns.includes("sum") ? columnOffset(layout, "sum") : -1;
  const squaresAt = layout.columns.includes("sum_of_squares") ? columnOffset(layout, "sum_of_squares") : -1;
  const out: TJointGroupTotals[] = [];
  // Small values (every count, and sums below 2^53) are read as numbers, others as BigInt.
  const signedAt = (i: number): number | bigint => smallSignedAt(totals, i) ?? toSigned(totals[i]!);
  for (let g = 0; g < layout.groups; g++) {
    const count = smallSignedAt(totals, countAt + g);
    const units = smallSignedAt(totals, unitsAt + g);
    if (count === null || units === null || count < 0 || units < 0 || units > count)
      throw new RangeError(
        "the reconstructed counts are inconsistent (a share was not made from a valid vector)",
      );
    if (count === 0) continue;
    out.push({
      index: g,
      key: domain.keyOf(g),
      count,
      units,
      sum: sumAt >= 0 ? stepsToDecimal(signedAt(sumAt + g), encoding.decimals) : null,
      sumOfSquares: squaresAt >= 0 ? stepsToDecimal(signedAt(squaresAt + g), encoding.squareDecimals) : null,
    });
  }
  return out;
}
