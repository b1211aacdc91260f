/**
 * Text search over catalog entries that works for Chinese: Chinese has no word boundaries, so a
 * query term matches when it is a substring of the entry's normalized search text. Text and terms
 * are normalized the same way (NFKC, so full-width "ＬＥ－ＢＡＳＥ" equals "le-base"; lower case).
 * The server stores `searchTextOf(entry)` and matches each term with
 * `position(term IN search_text) > 0`, which behaves exactly like `matchesQuery`.
 */
import {
  GRADE_LABELS,
  LIBRARY_KIND_LABELS,
  LIBRARY_LABELS,
  OPEN_LABELS,
  SHARING_LABELS,
  type TDatasetEntry,
} from "./dataset-entry";

/** NFKC, lower case, runs of whitespace collapsed to one space, trimmed. */
export function normalizeQuery(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
}

/** The distinct normalized terms of a query (split on whitespace, including the ideographic space). */
export function queryTerms(query: string): string[] {
  const normalized = normalizeQuery(query);
  return normalized ? [...new Set(normalized.split(" "))] : [];
}

/**
 * Everything a user might search a dataset by, normalized: code, names, descriptions, library and
 * category labels, grade and attribute labels, and every field's name, labels, description, unit
 * and item code. `extra` adds texts kept elsewhere (e.g. the source department's name). Parts are
 * joined by newlines, which no term contains, so a term never matches across two parts.
 */
export function searchTextOf(entry: TDatasetEntry, extra: readonly string[] = []): string {
  const parts: string[] = [
    entry.code,
    entry.name.zh,
    entry.name.en,
    entry.description.zh,
    entry.description.en,
    LIBRARY_KIND_LABELS[entry.library].zh,
    LIBRARY_KIND_LABELS[entry.library].en,
    LIBRARY_LABELS[entry.libraryCode].zh,
    LIBRARY_LABELS[entry.libraryCode].en,
    entry.category.sector.zh,
    entry.category.sector.en,
    entry.category.business.zh,
    entry.category.business.en,
    GRADE_LABELS[entry.grade].zh,
    GRADE_LABELS[entry.grade].en,
    SHARING_LABELS[entry.sharing.attribute].zh,
    SHARING_LABELS[entry.sharing.attribute].en,
    OPEN_LABELS[entry.open.attribute].zh,
    OPEN_LABELS[entry.open.attribute].en,
    ...extra,
  ];
  for (const field of entry.fields) {
    parts.push(
      field.name,
      field.label.zh,
      field.label.en,
      field.description.zh,
      field.description.en,
      field.item,
    );
    if (field.unit) parts.push(field.unit);
  }
  return parts.map(normalizeQuery).join("\n");
}

/** True when every term of `query` is a substring of `text` (an empty query matches everything). */
export function matchesQuery(text: string, query: string): boolean {
  const haystack = normalizeQuery(text);
  return queryTerms(query).every((term) => haystack.includes(term));
}
