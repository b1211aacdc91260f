/**
 * Measurement helpers shared by the benchmarks in scripts/bench: timing, medians, a peak-RSS
 * sampler, and one result line — a measured value with the baseline (measured in the same run)
 * it is compared to, printed as "name: value (ratio× baseline)".
 */

/** One measured number; `ratio` = value / baseline value (same unit), when there is a baseline. */
export interface TBenchResult {
  section: string;
  name: string;
  value: number;
  unit: string;
  /** Name of the baseline line this one is compared to. */
  baseline?: string;
  ratio?: number;
  /** What the number includes or how it was taken. */
  note?: string;
}

/** The median (upper median for an even count); throws on an empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Milliseconds `fn` took, and its value. */
export async function timeAsync<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const value = await fn();
  return [performance.now() - started, value];
}

/** Samples the process RSS every `intervalMs` until stopped; `stop()` returns the peak in bytes. */
export function startPeakRss(intervalMs = 50): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}

export const mib = (bytes: number): number => Math.round(bytes / 1024 / 1024);

/** A number with thousands separators and at most `digits` decimals. */
export function formatNumber(value: number, digits = 2): string {
  return value.toLocaleString("en-US", { maximumFractionDigits: digits });
}

/** "name: value unit (ratio× baseline)". */
export function formatResult(r: TBenchResult): string {
  const value = `${formatNumber(r.value, r.value >= 100 ? 0 : 2)} ${r.unit}`;
  const ratio =
    r.ratio !== undefined && r.baseline !== undefined
      ? ` (${r.ratio >= 10 ? r.ratio.toFixed(1) : r.ratio.toFixed(2)}× ${r.baseline})`
      : r.baseline === undefined && r.ratio === 1
        ? " (baseline)"
        : "";
  return `${r.name}: ${value}${ratio}`;
}

/** Prints results grouped by section, one "name: value (ratio× baseline)" line each. */
export function printResults(results: readonly TBenchResult[]): void {
  let lastSection = "";
  for (const r of results) {
    if (r.section !== lastSection) console.log(`[${r.section}]`);
    lastSection = r.section;
    console.log(`  ${formatResult(r)}`);
  }
}

/**
 * Writes `payload` (with benchmark name and start time) as bench-results/<name>-<start>.json under
 * `root`; returns the file's path relative to `root`.
 */
export async function writeBenchResults(
  root: string,
  name: string,
  startedAt: Date,
  payload: Record<string, unknown>,
): Promise<string> {
  const { mkdir, writeFile } = await import("node:fs/promises");
  const { join } = await import("node:path");
  const dir = join(root, "bench-results");
  await mkdir(dir, { recursive: true });
  const stamp = startedAt
    .toISOString()
    .replace(/:/g, "-")
    .replace(/\.\d+Z$/, "Z");
  const file = join(dir, `${name}-${stamp}.json`);
  await writeFile(
    file,
    `${JSON.stringify({ benchmark: name, startedAt: startedAt.toISOString(), ...payload }, null, 2)}\n`,
  );
  return file.slice(root.length);
}
