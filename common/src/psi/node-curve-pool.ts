/**
 * The Node PSI engine on worker threads (default 2, the cores of this project's machines): each
 * call is cut into at most one slice per thread (never below `minSliceItems` items), slices go to
 * the next idle worker, and the results are put back together in order. Many calls may be in
 * flight at once (a streaming session keeps several chunks going); they share the same queue.
 *
 * Workers run node-curve-worker.ts through the tsx loader (the repository runs TypeScript with
 * tsx and has no build step; a worker does not inherit a test runner's transform). Idle workers
 * are unref'd, so an idle pool never keeps a process alive; `close()` terminates them.
 * Node only: never import this file from browser code.
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { TPsiCurve } from "./curve";
import { PSI_POINT_BYTES } from "./group";
import type { TPsiItemFormat } from "./normalize";
import { PSI_TAG_BYTES } from "./tags";

/** One slice of work, as posted to a worker. */
export type TPsiWorkerTask =
  | { id: number; op: "hash"; format: TPsiItemFormat; items: string[] }
  | { id: number; op: "hashExponentiate"; format: TPsiItemFormat; items: string[]; scalar: Uint8Array }
  | { id: number; op: "exponentiate"; scalar: Uint8Array; points: Uint8Array; outBytes: number };

/** A worker's answer to one task. */
export type TPsiWorkerReply =
  | { id: number; ok: true; bytes: Uint8Array }
  | { id: number; ok: false; message: string; smallOrderIndex?: number };

/** Distributive Omit, so each variant of the task union keeps its own fields. */
type TTaskBody = TPsiWorkerTask extends infer T ? (T extends unknown ? Omit<T, "id"> : never) : never;

export interface TNodeCurvePoolOptions {
  /** Worker threads (default 2). */
  threads?: number;
  /** Smallest slice a call is cut into (default 128 items). */
  minSliceItems?: number;
}

interface TPending {
  task: TPsiWorkerTask;
  transfer: ArrayBuffer[];
  resolve(bytes: Uint8Array): void;
  reject(error: Error): void;
}

interface TSlot {
  worker: Worker;
  busy: TPending | null;
}

function tsxLoaderUrl(): string | null {
  try {
    return pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  } catch {
    return null; // no tsx: the worker inherits the parent's loaders (e.g. it runs under tsx itself)
  }
}

/** Starts the pool; resolves once every worker has loaded libsodium. */
export async function createNodePsiCurvePool(options: TNodeCurvePoolOptions = {}): Promise<TPsiCurve> {
  const threads = options.threads ?? 2;
  const minSlice = Math.max(1, options.minSliceItems ?? 128);
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) {
    throw new RangeError(`psi pool: threads must be 1–64, got ${threads}`);
  }
  const loader = tsxLoaderUrl();
  const workerUrl = new URL("./node-curve-worker.ts", import.meta.url);
  const queue: TPending[] = [];
  const slots: TSlot[] = [];
  let nextId = 1;
  let failure: Error | null = null;
  let closed = false;

  const fail = (error: Error) => {
    failure ??= error;
    for (const slot of slots) {
      slot.busy?.reject(failure);
      slot.busy = null;
    }
    for (const pending of queue.splice(0)) pending.reject(failure);
  };

  const pump = () => {
    for (const slot of slots) {
      if (slot.busy || queue.length === 0) continue;
      const pending = queue.shift()!;
      slot.busy = pending;
      slot.worker.ref();
      slot.worker.postMessage(pending.task, pending.transfer);
    }
  };

  const started = Array.from({ length: threads }, () => {
    const worker = new Worker(workerUrl, loader ? { execArgv: ["--import", loader] } : {});
    const slot: TSlot = { worker, busy: null };
    slots.push(slot);
    return new Promise<void>((resolve, reject) => {
      worker.once("message", (first: unknown) => {
        if (first === "ready") resolve();
        else reject(new Error("psi worker: unexpected first message"));
        worker.on("message", (reply: TPsiWorkerReply) => {
          const pending = slot.busy;
          if (!pending || pending.task.id !== reply.id) return;
          slot.busy = null;
          worker.unref();
          if (reply.ok) pending.resolve(reply.bytes);
          else {
            const error = new RangeError(reply.message) as RangeError & { smallOrderIndex?: number };
            if (reply.smallOrderIndex !== undefined) error.smallOrderIndex = reply.smallOrderIndex;
            pending.reject(error);
          }
          pump();
        });
      });
      worker.on("error", (error) => {
        reject(error);
        fail(new Error(`psi worker failed: ${error.message}`));
      });
      worker.on("exit", (code) => {
        if (!closed) fail(new Error(`psi worker exited (code ${code})`));
      });
    });
  });
  try {
    await Promise.all(started);
  } catch (error) {
    closed = true;
    await Promise.all(slots.map((s) => s.worker.terminate()));
    throw error;
  }
  for (const slot of slots) slot.worker.unref();

  const submit = (body: TTaskBody, transfer: ArrayBuffer[]): Promise<Uint8Array> => {
    if (closed) return Promise.reject(new Error("psi curve (worker pool) is closed"));
    if (failure) return Promise.reject(failure);
    return new Promise((resolve, reject) => {
      queue.push({ task: { ...body, id: nextId++ } as TPsiWorkerTask, transfer, resolve, reject });
      pump();
    });
  };

  /** Cuts `count` items into slices [start, end), at most one per thread. */
  const slicesOf = (count: number): [number, number][] => {
    const n = Math.max(1, Math.min(threads, Math.floor(count / minSlice)));
    const size = Math.ceil(count / n);
    const out: [number, number][] = [];
    for (let start = 0; start < count; start += size) out.push([start, Math.min(count, start + size)]);
    return out.length > 0 ? out : [[0, 0]];
  };

  const joined = async (parts: Promise<Uint8Array>[], starts: number[]): Promise<Uint8Array> => {
    const results = await Promise.allSettled(parts);
    const rejected = results.findIndex((r) => r.status === "rejected");
    if (rejected >= 0) {
      const reason = (results[rejected] as PromiseRejectedResult).reason as Error & {
        smallOrderIndex?: number;
      };
      if (reason.smallOrderIndex !== undefined) {
        throw new RangeError(
          `point ${starts[rejected]! + reason.smallOrderIndex} has small order (X25519 result is zero)`,
        );
      }
      throw reason;
    }
    const chunks = results.map((r) => (r as PromiseFulfilledResult<Uint8Array>).value);
    const out = new Uint8Array(chunks.reduce((sum, c) => sum + c.length, 0));
    let offset = 0;
    for (const chunk of chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  };

  const hashCall = (
    format: TPsiItemFormat,
    items: readonly string[],
    scalar: Uint8Array | null,
  ): Promise<Uint8Array> => {
    const slices = slicesOf(items.length);
    return joined(
      slices.map(([start, end]) =>
        scalar
          ? submit(
              {
                op: "hashExponentiate",
                format,
                items: items.slice(start, end),
                scalar: new Uint8Array(scalar),
              },
              [],
            )
          : submit({ op: "hash", format, items: items.slice(start, end) }, []),
      ),
      slices.map(([start]) => start),
    );
  };

  const exponentiateCall = (
    scalar: Uint8Array,
    points: Uint8Array,
    outBytes: number,
  ): Promise<Uint8Array> => {
    if (points.length % PSI_POINT_BYTES !== 0) {
      return Promise.reject(
        new RangeError(`points: length ${points.length} is not a multiple of ${PSI_POINT_BYTES}`),
      );
    }
    const slices = slicesOf(points.length / PSI_POINT_BYTES);
    return joined(
      slices.map(([start, end]) => {
        // A copy of its own (a Buffer's slice() is a view): its buffer is transferred to the worker.
        const slice = new Uint8Array(points.subarray(start * PSI_POINT_BYTES, end * PSI_POINT_BYTES));
        return submit({ op: "exponentiate", scalar: new Uint8Array(scalar), points: slice, outBytes }, [
          slice.buffer,
        ]);
      }),
      slices.map(([start]) => start),
    );
  };

  return {
    engine: `node:crypto ×${threads} workers`,
    hashToGroup: (format, items) => hashCall(format, items, null),
    hashAndExponentiate: (format, items, scalar) => hashCall(format, items, scalar),
    exponentiate: (scalar, points) => exponentiateCall(scalar, points, PSI_POINT_BYTES),
    exponentiateToTags: (scalar, points) => exponentiateCall(scalar, points, PSI_TAG_BYTES),
    async close() {
      if (closed) return;
      closed = true;
      fail(new Error("psi curve (worker pool) is closed"));
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
