/**
 * Deterministic data for the PSI benchmark: distinct, valid unified social credit codes by number
 * (the organization-code body is the number written in the code alphabet), so a buyer list and a
 * column with a chosen overlap are cheap to build and identical between runs.
 */
import { buildUscc, USCC_CHARSET } from "@pdx/common/uscc";

/** The i-th code (i < 31⁸). */
export function usccNumber(i: number): string {
  let body = "";
  let rest = i;
  for (let d = 0; d < 8; d++) {
    body = USCC_CHARSET[rest % 31] + body;
    rest = Math.floor(rest / 31);
  }
  return buildUscc({ authority: "9", entityType: "1", division: "350100", orgBody8: body });
}

/** A buyer list of n codes and a column of m codes sharing `overlap` of them. */
export function psiBenchSets(n: number, m: number, overlap: number): { buyer: string[]; column: string[] } {
  const buyer = Array.from({ length: n }, (_, i) => usccNumber(i));
  const column = Array.from({ length: m }, (_, i) => usccNumber(n - overlap + i));
  return { buyer, column };
}
