/**
 * A problem with an uploaded file as a whole (bad header, not UTF-8, unterminated quote, a row
 * too long to hold): the version is rejected with this message as its `failure`. Messages name
 * what is wrong and where (row, column name), never a value of a row.
 */
export class IngestFailure extends Error {
  constructor(readonly safeMessage: string) {
    super(safeMessage);
    this.name = "IngestFailure";
  }
}

/** Longest row (in characters) a file may hold: rows are held in memory one at a time. */
export const MAX_ROW_CHARS = 1 << 20;

/**
 * Decodes a byte stream as UTF-8 (a leading BOM dropped; a character split across chunks kept
 * whole). Invalid UTF-8 is a failure; `where()` says how far the parser got, for the message.
 */
export async function* decodeUtf8(
  chunks: AsyncIterable<Uint8Array>,
  where: () => string,
): AsyncGenerator<string> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const fail = (): never => {
    throw new IngestFailure(`the file is not valid UTF-8 text (${where()})`);
  };
  for await (const chunk of chunks) {
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      return fail();
    }
    if (text) yield text;
  }
  let rest: string;
  try {
    rest = decoder.decode();
  } catch {
    return fail();
  }
  if (rest) yield rest;
}

/**
 * A column or key name from a file, quoted, when it looks like a field name (ASCII identifier);
 * null otherwise — a "name" that is not one may be a value (a file without its header row), and
 * values are never shown.
 */
export function shownName(name: string): string | null {
  return /^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name) ? JSON.stringify(name) : null;
}
