/**
 * Runs one job of operator logic in a fresh QuickJS sandbox (quickjs-emscripten, sync WASM build,
 * one WebAssembly module instance per job: a fresh, capped linear memory, nothing shared between
 * jobs, and a broken instance is simply dropped). Host calls are promise-pumped: the logic's `pdx.x(...)`
 * returns a QuickJS promise; the host function runs on the Node side; its JSON result (or its
 * Error's message) is delivered back by the pump loop, which then drains the VM's job queue.
 *
 * Limits: CPU (time spent executing inside the VM, checked by the interrupt handler), wall (from
 * start to end, host calls included; interrupt handler plus a timer while waiting on host calls),
 * memory (a hard cap on the instance's WebAssembly.Memory plus runtime.setMemoryLimit), stack (runtime.setMaxStackSize; an overflow of Node's own stack
 * inside WASM is caught too and the instance discarded), output (UTF-8 bytes of the result JSON),
 * host calls (count). See docs/sandbox.md for the engine choice and the threat model.
 */
import { Buffer } from "node:buffer";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import {
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSContext,
  type QuickJSDeferredPromise,
  type QuickJSHandle,
  type QuickJSRuntime,
  RELEASE_SYNC,
} from "quickjs-emscripten";
import { EnclaveError } from "../errors";
import { BOOTSTRAP_FILENAME, BOOTSTRAP_SOURCE } from "./bootstrap";
import { compileLogic, LOGIC_JS_FILENAME, type TCompiledLogic } from "./compile-logic";
import {
  MAX_CONCURRENT_HOST_CALLS,
  MAX_SANDBOX_MESSAGE_CHARS,
  type THostFunction,
  type TSandboxLimitKind,
  type TSandboxOptions,
  type TSandboxResult,
  type TSandboxStats,
  ZSandboxLimits,
} from "./types";

const HOST_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const WASM_PAGE_BYTES = 64 * 1024;
/** The release-sync build's initial (and minimum) linear memory: static data, C stack, first heap. */
const WASM_BASE_BYTES = 16 * 1024 * 1024;
/** emscripten_resize_heap in the 0.32 release-sync build tries 3 sizes before giving up. */
const GROW_ATTEMPTS_PER_RESIZE = 3;

let compiledQuickJs: Promise<WebAssembly.Module> | null = null;

/** The QuickJS WASM binary, compiled once per process; every job instantiates it afresh. */
function quickJsWasmModule(): Promise<WebAssembly.Module> {
  compiledQuickJs ??= (async () => {
    const wasmPath = createRequire(import.meta.url).resolve("@jitl/quickjs-wasmfile-release-sync/wasm");
    return WebAssembly.compile(await readFile(wasmPath));
  })();
  return compiledQuickJs;
}

/**
 * A fresh QuickJS module instance whose linear memory can never exceed base + memoryBytes.
 * quickjs-emscripten 0.32's setMemoryLimit does not bound the total of large strings and typed
 * arrays (justjake/quickjs-emscripten#271), so the hard bound is the WebAssembly.Memory maximum:
 * when growth is refused, QuickJS's malloc fails and the logic gets an "out of memory" error.
 */
async function newJobQuickJs(memoryBytes: number) {
  const wasmMemory = new WebAssembly.Memory({
    initial: WASM_BASE_BYTES / WASM_PAGE_BYTES,
    maximum: Math.ceil((WASM_BASE_BYTES + memoryBytes) / WASM_PAGE_BYTES),
  });
  const variant = newVariant(RELEASE_SYNC, {
    wasmModule: await quickJsWasmModule(),
    wasmMemory,
    // An instance dropped after a failure may print an emscripten abort; nothing of it is useful.
    emscriptenModule: { printErr: () => {}, print: () => {} } as never,
  });
  const memoryState = { refused: false, failedGrowStreak: 0 };
  const grow = wasmMemory.grow.bind(wasmMemory);
  // Emscripten's heap resize tries GROW_ATTEMPTS_PER_RESIZE ever smaller sizes (the last one exactly
  // what malloc needs); when all of them are refused the job has asked for more than its limit.
  Object.defineProperty(wasmMemory, "grow", {
    value: (pages: number) => {
      try {
        const previous = grow(pages);
        memoryState.failedGrowStreak = 0;
        return previous;
      } catch (error) {
        memoryState.failedGrowStreak += 1;
        if (memoryState.failedGrowStreak >= GROW_ATTEMPTS_PER_RESIZE) memoryState.refused = true;
        throw error;
      }
    },
  });
  return { module: await newQuickJSWASMModuleFromVariant(variant), memoryState };
}

/** Runs operator logic under the given limits; never throws for anything the logic does. */
export async function runSandboxed(options: TSandboxOptions): Promise<TSandboxResult> {
  const startedAt = performance.now();
  const parsedLimits = ZSandboxLimits.safeParse(options.limits);
  if (!parsedLimits.success) {
    const issue = parsedLimits.error.issues[0];
    throw new EnclaveError(
      "INVALID_REQUEST",
      `sandbox limit ${issue?.path.join(".")} invalid: ${issue?.message}`,
    );
  }
  for (const name of Object.keys(options.host)) {
    if (!HOST_NAME_PATTERN.test(name)) {
      throw new EnclaveError(
        "INVALID_REQUEST",
        `host function name "${name.slice(0, 64)}" is not an identifier`,
      );
    }
  }
  const paramsJson = JSON.stringify(options.params ?? null);
  const compiled = await compileLogic(options.source, options.language);
  if (!compiled.ok) {
    return {
      ok: false,
      kind: "compile",
      message: compiled.message,
      stats: { cpuMs: 0, wallMs: performance.now() - startedAt, hostCalls: 0, outputBytes: 0 },
    };
  }
  const job = new SandboxJob({
    compiled,
    paramsJson,
    host: options.host,
    limits: parsedLimits.data,
    clockMs: Math.floor((options.clockMs ?? Date.now()) / 1000) * 1000,
    startedAt,
  });
  return job.run();
}

type TJobInput = {
  compiled: Extract<TCompiledLogic, { ok: true }>;
  paramsJson: string;
  host: Record<string, THostFunction>;
  limits: ReturnType<typeof ZSandboxLimits.parse>;
  clockMs: number;
  startedAt: number;
};

type TQueuedHostCall = { deferred: QuickJSDeferredPromise; name: string; argsJson: string };
type THostCompletion =
  | { deferred: QuickJSDeferredPromise; json: string }
  | { deferred: QuickJSDeferredPromise; error: string };
type TDescribedError = { name: string; message: string; stack: string };

/** Thrown inside the host when the VM cannot continue (limit hit or instance broken). */
class SandboxStop extends Error {}

/** One job: owns one WASM module instance, runtime and context, and disposes them on every path. */
class SandboxJob {
  private runtime: QuickJSRuntime | null = null;
  private context: QuickJSContext | null = null;
  private readonly owned: QuickJSHandle[] = [];
  private readonly openDeferreds = new Set<QuickJSDeferredPromise>();
  private readonly hostQueue: TQueuedHostCall[] = [];
  private readonly completions: THostCompletion[] = [];
  private readonly abort = new AbortController();
  private hostCallsRunning = 0;
  private hostCalls = 0;
  private cpuUsedMs = 0;
  private sliceStartedAt = 0;
  private stopReason: TSandboxLimitKind | null = null;
  /** The WASM instance threw out of QuickJS (e.g. Node stack overflow): never touch it again. */
  private broken = false;
  private ended = false;
  private memoryState = { refused: false, failedGrowStreak: 0 };
  private wake: (() => void) | null = null;
  private wallTimer: NodeJS.Timeout | null = null;
  private readonly wallDeadline: number;

  constructor(private readonly input: TJobInput) {
    this.wallDeadline = input.startedAt + input.limits.wallMs;
  }

  async run(): Promise<TSandboxResult> {
    try {
      return await this.execute();
    } catch (error) {
      if (this.stopReason) return this.limitFailure();
      const setupFailed = error instanceof SandboxStop && !this.broken;
      return this.failure(
        "runtime",
        setupFailed ? "the sandbox could not be set up" : "the sandbox stopped unexpectedly",
      );
    } finally {
      this.cleanup();
    }
  }

  private async execute(): Promise<TSandboxResult> {
    const { limits } = this.input;
    const { module, memoryState } = await newJobQuickJs(limits.memoryBytes);
    this.memoryState = memoryState;
    const runtime = module.newRuntime();
    this.runtime = runtime;
    // The hard bound is the WebAssembly.Memory maximum (a refusal stops the job as over its memory
    // limit). QuickJS's own accounting is only a second line, set above it so it never fires first.
    runtime.setMemoryLimit(2 * (WASM_BASE_BYTES + limits.memoryBytes));
    runtime.setMaxStackSize(limits.stackBytes);
    runtime.setInterruptHandler(() => this.shouldInterrupt());
    const context = runtime.newContext();
    this.context = context;
    this.armWallTimer();

    // Bootstrap: harden the realm, build pdx, get { run, describe }.
    const factory = this.own(
      this.unwrapOrStop(this.inVm(() => context.evalCode(BOOTSTRAP_SOURCE, BOOTSTRAP_FILENAME))),
    );
    const hostCallFunction = this.own(
      context.newFunction("hostCall", (name, args) => this.onHostCall(name, args)),
    );
    const api = this.own(
      this.unwrapOrStop(
        this.inVm(() =>
          context.callFunction(
            factory,
            context.undefined,
            hostCallFunction,
            this.own(context.newString(JSON.stringify(Object.keys(this.input.host)))),
            this.own(context.newNumber(this.input.clockMs)),
            this.own(context.newNumber(limits.outputBytes)),
          ),
        ),
      ),
    );
    // CPU accounting covers the operator's code only, not the bootstrap.
    this.cpuUsedMs = 0;
    const runFunction = this.own(context.getProp(api, "run"));
    const describeFunction = this.own(context.getProp(api, "describe"));

    // The operator's module.
    const evaluated = this.inVm(() =>
      context.evalCode(this.input.compiled.js, LOGIC_JS_FILENAME, { type: "module", strict: true }),
    );
    if (evaluated.error) {
      const described = this.describe(describeFunction, this.own(evaluated.error));
      if (this.stopReason) return this.limitFailure();
      if (described.name === "SyntaxError") return this.failure("compile", this.formatError(described));
      if (/could not load module/.test(described.message)) {
        return this.failure(
          "compile",
          `imports are not available in the sandbox (${described.message.slice(0, 200)}); use the pdx object`,
        );
      }
      return this.classifyError(described);
    }
    const moduleNamespace = this.own(evaluated.value);

    // Run the default export and pump host calls until its promise settles or a limit stops it.
    const runPromise = this.own(
      this.unwrapOrStop(
        this.inVm(() =>
          context.callFunction(
            runFunction,
            context.undefined,
            moduleNamespace,
            this.own(context.newString(this.input.paramsJson)),
          ),
        ),
      ),
    );
    const settled = await this.pump(runPromise);
    if (this.stopReason) return this.limitFailure();
    if (settled === "never") {
      return this.failure(
        "runtime",
        "the logic's promise can never settle: it awaits something no host call will resolve",
      );
    }
    const state = context.getPromiseState(runPromise);
    if (state.type === "rejected") {
      const described = this.describe(describeFunction, this.own(state.error));
      if (this.stopReason) return this.limitFailure();
      return this.classifyError(described);
    }
    if (state.type !== "fulfilled") return this.failure("runtime", "the logic did not finish");
    if (!state.notAPromise) this.own(state.value);
    const resultText = context.getString(state.value);
    return this.interpretResult(resultText);
  }

  private interpretResult(resultText: string): TSandboxResult {
    const tag = resultText.slice(0, 2);
    const body = resultText.slice(2);
    const limitBytes = this.input.limits.outputBytes;
    if (tag === "ok") {
      const outputBytes = Buffer.byteLength(body, "utf8");
      if (outputBytes > limitBytes) {
        return this.failure(
          "limit",
          `the output is ${outputBytes} bytes of JSON; the limit is ${limitBytes}`,
          "output",
          outputBytes,
        );
      }
      return { ok: true, output: JSON.parse(body), stats: this.stats(outputBytes) };
    }
    if (tag === "ol") {
      return this.failure(
        "limit",
        `the output is at least ${body} bytes of JSON; the limit is ${limitBytes}`,
        "output",
      );
    }
    if (tag === "cp") return this.failure("compile", body);
    if (tag === "er") return this.classifyError(JSON.parse(body) as TDescribedError);
    return this.failure("runtime", "the sandbox returned an unexpected result");
  }

  /** Runs the VM's job queue, delivering host results, until `promise` settles. */
  private async pump(promise: QuickJSHandle): Promise<"settled" | "never" | "stopped"> {
    const context = this.context!;
    const runtime = this.runtime!;
    for (;;) {
      this.inVm(() => {
        for (const completion of this.completions.splice(0)) this.deliver(completion);
        const jobs = runtime.executePendingJobs();
        jobs.dispose();
      });
      if (this.stopReason) return "stopped";
      const state = context.getPromiseState(promise);
      if (state.type !== "pending") {
        if (state.type === "fulfilled" && !state.notAPromise) state.value.dispose();
        if (state.type === "rejected") state.error.dispose();
        return "settled";
      }
      if (this.completions.length > 0) continue;
      if (this.hostCallsRunning === 0 && this.hostQueue.length === 0) return "never";
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = null;
      if (this.stopReason) return "stopped";
    }
  }

  private deliver(completion: THostCompletion) {
    const context = this.context!;
    const { deferred } = completion;
    this.openDeferreds.delete(deferred);
    if ("json" in completion) {
      const value = context.newString(completion.json);
      deferred.resolve(value);
      value.dispose();
    } else {
      const error = context.newError({ name: "Error", message: completion.error });
      deferred.reject(error);
      error.dispose();
    }
    deferred.dispose();
  }

  /** The raw host entry point (reachable only from the bootstrap closure): JSON text in, a promise out. */
  private onHostCall(nameHandle: QuickJSHandle, argsHandle: QuickJSHandle): QuickJSHandle {
    const context = this.context!;
    const deferred = context.newPromise();
    this.openDeferreds.add(deferred);
    if (this.stopReason) return deferred.handle; // the VM stops at its next interrupt check
    if (this.hostCalls >= this.input.limits.hostCalls) {
      this.stop("host-calls");
      return deferred.handle;
    }
    this.hostCalls += 1;
    const name = context.getString(nameHandle);
    const argsJson = context.getString(argsHandle);
    this.hostQueue.push({ deferred, name, argsJson });
    this.startHostCalls();
    return deferred.handle;
  }

  private startHostCalls() {
    while (this.hostCallsRunning < MAX_CONCURRENT_HOST_CALLS && this.hostQueue.length > 0 && !this.ended) {
      const call = this.hostQueue.shift()!;
      this.hostCallsRunning += 1;
      void this.runHostCall(call);
    }
  }

  private async runHostCall(call: TQueuedHostCall) {
    await null; // never run host code on the VM's stack
    let completion: THostCompletion;
    try {
      const hostFunction = Object.hasOwn(this.input.host, call.name) ? this.input.host[call.name] : undefined;
      if (!hostFunction) throw new Error(`pdx.${call.name} is not available`);
      const args = JSON.parse(call.argsJson) as unknown[];
      const value = await hostFunction(args, { signal: this.abort.signal });
      const json = JSON.stringify(value === undefined ? null : value);
      if (typeof json !== "string") throw new Error(`pdx.${call.name} returned a value that is not JSON`);
      completion = { deferred: call.deferred, json };
    } catch (error) {
      const message = error instanceof Error ? error.message : `pdx.${call.name} failed`;
      completion = { deferred: call.deferred, error: message.slice(0, MAX_SANDBOX_MESSAGE_CHARS) };
    }
    this.hostCallsRunning -= 1;
    if (this.ended) return;
    this.completions.push(completion);
    this.startHostCalls();
    this.wake?.();
  }

  private shouldInterrupt(): boolean {
    if (this.memoryState.refused) this.stop("memory");
    if (this.stopReason) return true;
    const now = performance.now();
    if (this.cpuUsedMs + (now - this.sliceStartedAt) > this.input.limits.cpuMs) {
      this.stopReason = "cpu";
      return true;
    }
    if (now > this.wallDeadline) {
      this.stopReason = "wall";
      return true;
    }
    return false;
  }

  /** Wakes the pump at the wall deadline (timers may fire a little early: re-arm until it has passed). */
  private armWallTimer() {
    const remaining = this.wallDeadline - performance.now();
    if (remaining <= 0) {
      this.stop("wall");
      return;
    }
    this.wallTimer = setTimeout(() => this.armWallTimer(), Math.ceil(remaining));
  }

  private stop(reason: TSandboxLimitKind) {
    if (!this.stopReason) this.stopReason = reason;
    this.wake?.();
  }

  /** Enters the VM: counts CPU time, and turns a host exception out of WASM into a stop. */
  private inVm<T>(fn: () => T): T {
    if (this.broken) throw new SandboxStop("broken");
    this.sliceStartedAt = performance.now();
    try {
      return fn();
    } catch (error) {
      this.broken = true;
      if (error instanceof RangeError) this.stop("stack");
      throw new SandboxStop("the VM threw into the host");
    } finally {
      this.cpuUsedMs += performance.now() - this.sliceStartedAt;
    }
  }

  private unwrapOrStop(result: { error?: QuickJSHandle; value?: QuickJSHandle }): QuickJSHandle {
    if (result.error) {
      this.own(result.error);
      throw new SandboxStop(this.stopReason ?? "setup failed");
    }
    return result.value!;
  }

  private describe(describeFunction: QuickJSHandle, error: QuickJSHandle): TDescribedError {
    const context = this.context!;
    const result = this.inVm(() => context.callFunction(describeFunction, context.undefined, error));
    if (result.error) {
      result.error.dispose();
      return { name: "Error", message: "an error was thrown that could not be described", stack: "" };
    }
    const text = context.getString(result.value);
    result.value.dispose();
    return JSON.parse(text) as TDescribedError;
  }

  private classifyError(described: TDescribedError): TSandboxResult {
    if (this.stopReason) return this.limitFailure();
    if (
      this.memoryState.refused ||
      (described.name === "InternalError" && described.message === "out of memory")
    ) {
      return this.failure("limit", this.limitMessage("memory"), "memory");
    }
    if (
      (described.name === "InternalError" && described.message === "stack overflow") ||
      (described.name === "RangeError" && described.message === "Maximum call stack size exceeded")
    ) {
      return this.failure("limit", this.limitMessage("stack"), "stack");
    }
    return this.failure("runtime", this.formatError(described));
  }

  /** "Name: message" plus up to five frames of the operator's own file, positions mapped to its source. */
  private formatError(described: TDescribedError): string {
    const { compiled } = this.input;
    const frames = described.stack
      .split("\n")
      .filter((line) => line.includes(`${LOGIC_JS_FILENAME}:`))
      .slice(0, 5)
      .map((line) =>
        line.replace(/logic\.js:(\d+):(\d+)/g, (_match, line: string, column: string) => {
          const mapped = compiled.mapPosition(Number(line), Number(column));
          return mapped ? `${compiled.displayName}:${mapped.line}:${mapped.column}` : compiled.displayName;
        }),
      );
    const head =
      described.name === "NonError" ? described.message : `${described.name}: ${described.message}`;
    return [head, ...frames].join("\n").slice(0, MAX_SANDBOX_MESSAGE_CHARS);
  }

  private limitMessage(limit: TSandboxLimitKind): string {
    const { limits } = this.input;
    switch (limit) {
      case "cpu":
        return `CPU time limit of ${limits.cpuMs} ms exceeded`;
      case "wall":
        return `wall time limit of ${limits.wallMs} ms exceeded`;
      case "memory":
        return `memory limit of ${limits.memoryBytes} bytes exceeded`;
      case "stack":
        return `stack limit exceeded (recursion too deep; ${limits.stackBytes} bytes of stack)`;
      case "output":
        return `output limit of ${limits.outputBytes} bytes exceeded`;
      case "host-calls":
        return `host call limit of ${limits.hostCalls} calls exceeded`;
    }
  }

  private limitFailure(): TSandboxResult {
    const limit = this.stopReason ?? "cpu";
    return this.failure("limit", this.limitMessage(limit), limit);
  }

  private failure(
    kind: "compile" | "runtime" | "limit",
    message: string,
    limit?: TSandboxLimitKind,
    outputBytes = 0,
  ): TSandboxResult {
    const bounded = message.slice(0, MAX_SANDBOX_MESSAGE_CHARS);
    const stats = this.stats(outputBytes);
    return limit
      ? { ok: false, kind, limit, message: bounded, stats }
      : { ok: false, kind, message: bounded, stats };
  }

  private stats(outputBytes: number): TSandboxStats {
    return {
      cpuMs: round(this.cpuUsedMs),
      wallMs: round(performance.now() - this.input.startedAt),
      hostCalls: this.hostCalls,
      outputBytes,
    };
  }

  private own(handle: QuickJSHandle): QuickJSHandle {
    this.owned.push(handle);
    return handle;
  }

  /** Disposes every handle, pending deferred, the context and the runtime (unless the instance broke). */
  private cleanup() {
    this.ended = true;
    this.abort.abort();
    if (this.wallTimer) clearTimeout(this.wallTimer);
    this.hostQueue.length = 0;
    this.completions.length = 0;
    if (this.broken) return; // the WASM instance is unusable; it is garbage-collected with the job
    try {
      for (const deferred of this.openDeferreds) deferred.dispose();
      for (const handle of this.owned.reverse()) if (handle.alive) handle.dispose();
      this.context?.dispose();
      this.runtime?.dispose();
    } catch {
      // A leak inside a dropped instance cannot outlive it: each job owns its own WASM module.
    }
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
