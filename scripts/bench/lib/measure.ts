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
