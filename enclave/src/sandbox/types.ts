/**
 * Contract of the operator-logic sandbox: what a job runner passes in (source, params, host
 * functions, limits) and what comes back (a JSON output with stats, or a failure of a precise kind).
 * Limits are validated with zod at this boundary; everything crossing into or out of the sandbox is
 * JSON text.
 */
import { z } from "zod";

export const SANDBOX_LIMIT_KINDS = ["cpu", "wall", "memory", "output", "stack", "host-calls"] as const;
export type TSandboxLimitKind = (typeof SANDBOX_LIMIT_KINDS)[number];

/** Default QuickJS stack budget (bytes): ~1,400 nested JS calls, well inside Node's own stack. */
export const DEFAULT_STACK_BYTES = 256 * 1024;
/** Default cap on host calls per job (a flood of host calls ends the job as a limit). */
export const DEFAULT_MAX_HOST_CALLS = 1_000;
/** Host calls running at once per job; further calls wait in a queue (bounded by the cap above). */
export const MAX_CONCURRENT_HOST_CALLS = 8;
/** Bound on any message that leaves the sandbox. */
export const MAX_SANDBOX_MESSAGE_CHARS = 1_000;

export const ZSandboxLimits = z.strictObject({
  /** Time spent executing inside the VM (host calls excluded). */
  cpuMs: z.number().positive().max(600_000),
  /** Time from start to end of the job, host calls included. */
  wallMs: z.number().positive().max(3_600_000),
  /** QuickJS heap limit (runtime.setMemoryLimit). */
  memoryBytes: z
    .int()
    .min(1024 * 1024)
    .max(1024 * 1024 * 1024),
  /** UTF-8 bytes of the JSON of the returned value. */
  outputBytes: z
    .int()
    .min(2)
    .max(64 * 1024 * 1024),
  /** QuickJS stack budget (runtime.setMaxStackSize). */
  stackBytes: z
    .int()
    .min(16 * 1024)
    .max(1024 * 1024)
    .default(DEFAULT_STACK_BYTES),
  /** Most host calls one job may make. */
  hostCalls: z.int().min(0).max(1_000_000).default(DEFAULT_MAX_HOST_CALLS),
});
export type TSandboxLimits = z.input<typeof ZSandboxLimits>;

/** Passed to every host function: aborted when the job ends (any reason) so work can stop early. */
export type THostCallContext = { signal: AbortSignal };

/**
 * A host function the logic reaches as `pdx.<name>(...args)`. `args` is the JSON-parsed argument
 * list; the result must be JSON-serialisable (undefined becomes null). A thrown Error's message
 * (only the message, ≤ 1000 chars) reaches the logic as a plain Error.
 */
export type THostFunction = (args: unknown[], context: THostCallContext) => unknown;

export type TSandboxOptions = {
  /** An ES module: `export default async function (pdx, params) { … return output }`. */
  source: string;
  language: "typescript" | "javascript";
  /** JSON value passed as the second argument. */
  params: unknown;
  /** Host functions, exposed as the methods of the frozen `pdx` object. */
  host: Record<string, THostFunction>;
  limits: TSandboxLimits;
  /** What Date.now() returns inside (truncated to the second); default the job's start time. */
  clockMs?: number;
};

export type TSandboxStats = {
  cpuMs: number;
  wallMs: number;
  hostCalls: number;
  outputBytes: number;
};

export type TSandboxFailureKind = "compile" | "runtime" | "limit";

export type TSandboxResult =
  | { ok: true; output: unknown; stats: TSandboxStats }
  | {
      ok: false;
      kind: TSandboxFailureKind;
      /** Set when kind is "limit". */
      limit?: TSandboxLimitKind;
      /** From the sandbox (never a host stack trace), ≤ 1000 characters. */
      message: string;
      stats: TSandboxStats;
    };
