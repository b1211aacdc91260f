/**
 * The page's handle on its HE worker: one worker per page, calls answered in order by id. The
 * worker holds the secret keys; what comes back is a request to send or a decrypted result.
 */
import type { THeWorkerCall, THeWorkerOut, THeWorkerResult } from "./he-worker-protocol";

export interface THeWorkerClient {
  call(message: THeWorkerCall): Promise<THeWorkerResult>;
  terminate(): void;
}

export function createHeWorkerClient(): THeWorkerClient {
  const worker = new Worker(new URL("./he-worker.ts", import.meta.url), { type: "module" });
  const waiting = new Map<number, { resolve: (r: THeWorkerResult) => void; reject: (e: Error) => void }>();
  let next = 1;
  worker.onmessage = (event: MessageEvent<THeWorkerOut>) => {
    const pending = waiting.get(event.data.id);
    if (!pending) return;
    waiting.delete(event.data.id);
    if (event.data.result) pending.resolve(event.data.result);
    else pending.reject(new Error(event.data.error ?? "the encryption worker failed"));
  };
  worker.onerror = () => {
    for (const pending of waiting.values()) pending.reject(new Error("the encryption worker stopped"));
    waiting.clear();
  };
  return {
    call(message) {
      const id = next++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ ...message, id });
      });
    },
    terminate: () => worker.terminate(),
  };
}
