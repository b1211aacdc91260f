/**
 * Turns operator logic source into the JavaScript module the sandbox evaluates. TypeScript is
 * stripped with esbuild's `transform` (types only: no bundling, imports kept verbatim so that any
 * import fails inside the sandbox instead of silently disappearing); JavaScript is passed through and
 * parsed by QuickJS itself. For TypeScript a line map (from esbuild's source map) lets stack frames
 * and errors point at the operator's own lines.
 */
import { transform } from "esbuild";

export type TLogicLanguage = "typescript" | "javascript";

/** The file name the module is evaluated under inside the sandbox. */
export const LOGIC_JS_FILENAME = "logic.js";

export type TCompiledLogic =
  | {
      ok: true;
      js: string;
      /** Name to show operators in positions ("logic.ts" or "logic.js"). */
      displayName: string;
      /** Maps a (1-based) line/column of the evaluated JS to the operator's source, or null. */
      mapPosition: (line: number, column: number) => { line: number; column: number } | null;
    }
  | { ok: false; message: string };

const identity = (line: number, column: number) => ({ line, column });

/** Compiles (TypeScript) or passes through (JavaScript) the logic source. */
export async function compileLogic(source: string, language: TLogicLanguage): Promise<TCompiledLogic> {
  if (language === "javascript") {
    return { ok: true, js: source, displayName: "logic.js", mapPosition: identity };
  }
  try {
    const result = await transform(source, {
      loader: "ts",
      format: "esm",
      target: "es2023",
      sourcefile: "logic.ts",
      sourcemap: "external",
      logLevel: "silent",
      tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } },
    });
    const lineMap = decodeSourceMapLines(result.map);
    return {
      ok: true,
      js: result.code,
      displayName: "logic.ts",
      mapPosition: (line, column) => lookupPosition(lineMap, line, column),
    };
  } catch (error) {
    return { ok: false, message: describeEsbuildFailure(error) };
  }
}

type TEsbuildMessage = { text: string; location: { line: number; column: number } | null };

function describeEsbuildFailure(error: unknown): string {
  const errors = (error as { errors?: TEsbuildMessage[] }).errors;
  if (!Array.isArray(errors) || errors.length === 0) return "TypeScript could not be compiled";
  return errors
    .slice(0, 5)
    .map((e) => (e.location ? `logic.ts:${e.location.line}:${e.location.column + 1}: ${e.text}` : e.text))
    .join("\n")
    .slice(0, 1000);
}

/** Per generated line (0-based), segments [generatedColumn, originalLine, originalColumn] (0-based). */
type TLineMap = Array<Array<[number, number, number]>>;

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Decodes the `mappings` of a version-3 source map with a single source. */
export function decodeSourceMapLines(mapJson: string): TLineMap {
  const { mappings } = JSON.parse(mapJson) as { mappings: string };
  const lines: TLineMap = [];
  let originalLine = 0;
  let originalColumn = 0;
  for (const lineText of mappings.split(";")) {
    const segments: Array<[number, number, number]> = [];
    let generatedColumn = 0;
    for (const segmentText of lineText.split(",")) {
      if (segmentText === "") continue;
      const fields = decodeVlq(segmentText);
      generatedColumn += fields[0] ?? 0;
      if (fields.length >= 4) {
        originalLine += fields[2] ?? 0;
        originalColumn += fields[3] ?? 0;
        segments.push([generatedColumn, originalLine, originalColumn]);
      }
    }
    lines.push(segments);
  }
  return lines;
}

function decodeVlq(text: string): number[] {
  const values: number[] = [];
  let shift = 0;
  let accumulated = 0;
  for (const char of text) {
    const digit = BASE64.indexOf(char);
    if (digit < 0) return values;
    accumulated += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(accumulated & 1 ? -(accumulated >>> 1) : accumulated >>> 1);
      shift = 0;
      accumulated = 0;
    }
  }
  return values;
}

function lookupPosition(lineMap: TLineMap, line: number, column: number) {
  const segments = lineMap[line - 1];
  if (!segments || segments.length === 0) return null;
  let best = segments[0]!;
  for (const segment of segments) {
    if (segment[0] <= column - 1) best = segment;
    else break;
  }
  return { line: best[1] + 1, column: best[2] + 1 };
}
