/**
 * Item normalization for private set intersection: the ONE function both sides apply before
 * hashing an item to the group, so that " 91350100m000100y3x" typed into a bank's spreadsheet
 * and the vault's "91350100M000100Y3X" are the same item.
 *
 * Rules per identifier format (the catalog's identifier formats that can be matched):
 *   uscc         NFKC (full-width → ASCII, common in Chinese spreadsheets), trim, upper case
 *   resident_id  NFKC, trim, upper case (a lower-case check character "x" becomes "X")
 *   mobile       NFKC, trim, spaces and hyphens removed, a leading +86 / 0086 country code dropped
 *   plate        NFKC, trim, upper case, spaces, "·" and hyphens removed
 *   generic      NFC, trim (any other text compared as written)
 * Normalization never validates (a malformed code simply matches nothing); `normalizePsiItems`
 * drops empty items and duplicates, because PSI works on SETS: a repeated item would otherwise
 * count twice in a cardinality and tell the other side about multiplicities.
 *
 * Browser-safe: no node: imports.
 */

/** Formats an item list or a column can be matched as. Part of the hash domain (see group.ts). */
export const PSI_ITEM_FORMATS = ["uscc", "resident_id", "mobile", "plate", "generic"] as const;
export type TPsiItemFormat = (typeof PSI_ITEM_FORMATS)[number];

const SPACES_AND_HYPHENS = /[\s\-‐‑‒–—－]/gu;
const PLATE_SEPARATORS = /[\s\-‐‑‒–—－·•・.]/gu;

/** The normalized form of one item ("" when nothing is left: such an item is dropped). */
export function normalizePsiItem(format: TPsiItemFormat, raw: string): string {
  switch (format) {
    case "uscc":
    case "resident_id":
      return raw.normalize("NFKC").trim().toUpperCase();
    case "mobile": {
      const digits = raw.normalize("NFKC").trim().replace(SPACES_AND_HYPHENS, "");
      const national = /^(?:\+86|0086)(\d{11})$/.exec(digits);
      return national ? national[1]! : digits;
    }
    case "plate":
      return raw.normalize("NFKC").trim().toUpperCase().replace(PLATE_SEPARATORS, "");
    case "generic":
      return raw.normalize("NFC").trim();
  }
}

/** A list normalized into a set, in first-seen order, with what was dropped (counts only). */
export interface TNormalizedPsiItems {
  items: string[];
  /** Items that were empty after normalization (or null). */
  empty: number;
  /** Items equal to an earlier one after normalization. */
  duplicates: number;
}

/** Normalizes every item, dropping empty ones and duplicates (see the module comment). */
export function normalizePsiItems(
  format: TPsiItemFormat,
  raws: Iterable<string | null | undefined>,
): TNormalizedPsiItems {
  const seen = new Set<string>();
  let empty = 0;
  let duplicates = 0;
  for (const raw of raws) {
    const item = raw == null ? "" : normalizePsiItem(format, raw);
    if (item === "") empty++;
    else if (seen.has(item)) duplicates++;
    else seen.add(item);
  }
  return { items: [...seen], empty, duplicates };
}
