/**
 * A streaming RFC 4180 CSV parser: comma-separated, fields optionally double-quoted (a quoted
 * field may hold commas, line breaks and "" for a quote), records ending in CRLF or LF (a lone
 * CR too), UTF-8 with an optional BOM. Text is pushed in pieces of any size (a record or a
 * character may straddle two pieces) and complete records come out; memory holds one record.
 * Blank lines are skipped. A malformed record (a quote inside an unquoted field, text after a
 * closing quote) becomes an error record and parsing resumes at the next line; an unterminated
 * quote or a record longer than MAX_ROW_CHARS fails the whole file.
 */
import { decodeUtf8, IngestFailure, MAX_ROW_CHARS } from "./ingest-failure";

export type TCsvRecord = { fields: string[]; error?: undefined } | { fields?: undefined; error: string };

enum State {
  /** In an unquoted field (possibly at its start). */
  Field,
  Quoted,
  /** A quote seen inside a quoted field: a doubled quote, or the field's end. */
  QuotedQuote,
  /** A CR ended the record; a following LF belongs to it. */
  AfterCr,
  /** The record is malformed: skip to the next LF. */
  Skip,
}

const QUOTE = 34;
const COMMA = 44;
const CR = 13;
const LF = 10;

/** The push parser; see the module comment. Records are numbered from 1 (the header is record 1). */
export class CsvParser {
  private state = State.Field;
  private fields: string[] = [];
  private field = "";
  /** Whether the current field has begun (a quote opens quoting only at a field's start). */
  private fieldStarted = false;
  /** Whether anything at all was seen in the current record (blank lines are skipped). */
  private recordStarted = false;
  private recordChars = 0;
  private skipReason = "";
  private emitted = 0;

  constructor(private readonly maxRecordChars = MAX_ROW_CHARS) {}

  /** Records completed so far (including error records). */
  get recordsEmitted(): number {
    return this.emitted;
  }

  /** Parses one piece of text; returns the records it completed. */
  push(text: string): TCsvRecord[] {
    const out: TCsvRecord[] = [];
    const n = text.length;
    let i = 0;
    while (i < n) {
      switch (this.state) {
        case State.Field: {
          const start = i;
          while (i < n) {
            const c = text.charCodeAt(i);
            if (c === COMMA || c === LF || c === CR || c === QUOTE) break;
            i++;
          }
          if (i > start) {
            this.append(text, start, i);
            this.fieldStarted = true;
          }
          if (i >= n) break;
          const c = text.charCodeAt(i);
          i++;
          if (c === COMMA) {
            this.recordStarted = true;
            this.endField();
          } else if (c === QUOTE) {
            this.recordStarted = true;
            if (this.fieldStarted) this.skip("a quote appears inside an unquoted field");
            else {
              this.fieldStarted = true;
              this.state = State.Quoted;
            }
          } else {
            this.endRecord(out);
            if (c === CR) this.state = State.AfterCr;
          }
          break;
        }
        case State.Quoted: {
          const q = text.indexOf('"', i);
          const end = q < 0 ? n : q;
          if (end > i) this.append(text, i, end);
          i = end;
          if (q >= 0) {
            i++;
            this.state = State.QuotedQuote;
          }
          break;
        }
        case State.QuotedQuote: {
          const c = text.charCodeAt(i);
          i++;
          if (c === QUOTE) {
            this.field += '"';
            this.countChars(1);
            this.state = State.Quoted;
          } else if (c === COMMA) {
            this.endField();
            this.state = State.Field;
          } else if (c === LF || c === CR) {
            this.endRecord(out);
            this.state = c === CR ? State.AfterCr : State.Field;
          } else {
            this.skip("text follows the closing quote of a field");
          }
          break;
        }
        case State.AfterCr:
          if (text.charCodeAt(i) === LF) i++;
          this.state = State.Field;
          break;
        case State.Skip: {
          const lf = text.indexOf("\n", i);
          if (lf < 0) {
            i = n;
          } else {
            i = lf + 1;
            out.push({ error: this.skipReason });
            this.emitted++;
            this.resetRecord();
            this.state = State.Field;
          }
          break;
        }
      }
    }
    return out;
  }

  /** Ends the input; returns the last record, if any. */
  end(): TCsvRecord[] {
    const out: TCsvRecord[] = [];
    switch (this.state) {
      case State.Quoted:
        throw new IngestFailure(
          `a quoted field that opens in ${recordLabel(this.emitted + 1)} is never closed (missing quote)`,
        );
      case State.Skip:
        out.push({ error: this.skipReason });
        this.emitted++;
        this.resetRecord();
        break;
      case State.Field:
      case State.QuotedQuote:
        this.endRecord(out);
        break;
      case State.AfterCr:
        break;
    }
    this.state = State.Field;
    return out;
  }

  private append(text: string, start: number, end: number) {
    this.field += text.slice(start, end);
    this.recordStarted = true;
    this.countChars(end - start);
  }

  private countChars(k: number) {
    this.recordChars += k;
    if (this.recordChars > this.maxRecordChars) {
      throw new IngestFailure(
        `${recordLabel(this.emitted + 1)} is longer than ${this.maxRecordChars} characters (is a quote missing?)`,
      );
    }
  }

  private endField() {
    this.fields.push(this.field);
    this.field = "";
    this.fieldStarted = false;
  }

  private endRecord(out: TCsvRecord[]) {
    if (this.recordStarted) {
      this.endField();
      out.push({ fields: this.fields });
      this.emitted++;
    }
    this.resetRecord();
  }

  private skip(reason: string) {
    this.skipReason = reason;
    this.state = State.Skip;
  }

  private resetRecord() {
    this.fields = [];
    this.field = "";
    this.fieldStarted = false;
    this.recordStarted = false;
    this.recordChars = 0;
  }
}

/** "the header row" for record 1, "data row N" for record N + 1. */
export function recordLabel(record: number): string {
  return record <= 1 ? "the header row" : `data row ${record - 1}`;
}

/** Parses a stream of bytes (UTF-8, optional BOM) into CSV records. */
export async function* parseCsvStream(
  chunks: AsyncIterable<Uint8Array>,
  maxRecordChars = MAX_ROW_CHARS,
): AsyncGenerator<TCsvRecord> {
  const parser = new CsvParser(maxRecordChars);
  const where = () =>
    parser.recordsEmitted === 0 ? "in the header row" : `after ${recordLabel(parser.recordsEmitted)}`;
  for await (const text of decodeUtf8(chunks, where)) yield* parser.push(text);
  yield* parser.end();
}
