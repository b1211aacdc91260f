/**
 * A streaming JSON Lines parser: UTF-8 (optional BOM), one JSON value per line, lines ending in
 * LF or CRLF; blank lines are skipped. Text is pushed in pieces of any size; memory holds one
 * line. A line that is not valid JSON becomes an error record (parsing goes on with the next
 * line); a line longer than MAX_ROW_CHARS fails the whole file.
 */
import { decodeUtf8, IngestFailure, MAX_ROW_CHARS } from "./ingest-failure";

export type TJsonlRecord = { value: unknown; error?: undefined } | { value?: undefined; error: string };

/** The push parser; see the module comment. */
export class JsonlParser {
  private pending = "";
  private emitted = 0;

  constructor(private readonly maxLineChars = MAX_ROW_CHARS) {}

  /** Records completed so far (blank lines excluded). */
  get recordsEmitted(): number {
    return this.emitted;
  }

  push(text: string): TJsonlRecord[] {
    const out: TJsonlRecord[] = [];
    let start = 0;
    for (;;) {
      const lf = text.indexOf("\n", start);
      if (lf < 0) break;
      const line = this.pending === "" ? text.slice(start, lf) : this.pending + text.slice(start, lf);
      this.pending = "";
      this.checkLength(line.length);
      this.line(line, out);
      start = lf + 1;
    }
    if (start < text.length) {
      this.pending += text.slice(start);
      this.checkLength(this.pending.length);
    }
    return out;
  }

  end(): TJsonlRecord[] {
    const out: TJsonlRecord[] = [];
    if (this.pending !== "") this.line(this.pending, out);
    this.pending = "";
    return out;
  }

  private checkLength(chars: number) {
    if (chars > this.maxLineChars) {
      throw new IngestFailure(`row ${this.emitted + 1} is longer than ${this.maxLineChars} characters`);
    }
  }

  private line(raw: string, out: TJsonlRecord[]) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.trim() === "") return;
    this.emitted++;
    try {
      out.push({ value: JSON.parse(line) });
    } catch {
      out.push({ error: "the line is not valid JSON" });
    }
  }
}

/** Parses a stream of bytes (UTF-8, optional BOM) into JSON Lines records. */
export async function* parseJsonlStream(
  chunks: AsyncIterable<Uint8Array>,
  maxLineChars = MAX_ROW_CHARS,
): AsyncGenerator<TJsonlRecord> {
  const parser = new JsonlParser(maxLineChars);
  const where = () => (parser.recordsEmitted === 0 ? "in row 1" : `after row ${parser.recordsEmitted}`);
  for await (const text of decodeUtf8(chunks, where)) yield* parser.push(text);
  yield* parser.end();
}
