/**
 * The worker thread of the HE pool: loads SEAL once (its own WebAssembly instance and heap), then
 * answers the pool's messages one at a time — evaluations (evaluate.ts) and heap-size probes.
 * Started by he-worker-pool.ts; not meant to be imported.
 */
import { parentPort } from "node:worker_threads";
import { sealHeapBytes } from "@pdx/common/he/presets";
import { evaluateHeJob } from "./evaluate";
import { type THeWorkerReply, type THeWorkerRequest, toWireError } from "./he-worker-protocol";
import { loadSealInNode } from "./seal-node";

const port = parentPort;
if (!port) throw new Error("he-worker.ts runs only as a worker thread (he-worker-pool.ts starts it)");

const seal = loadSealInNode();
// A load failure is reported to each job (below); do not let it become an unhandled rejection.
seal.catch(() => {});

port.on("message", async (message: THeWorkerRequest) => {
  let reply: THeWorkerReply;
  try {
    const module = await seal;
    reply =
      message.type === "heap"
        ? { id: message.id, type: "heap", bytes: sealHeapBytes() ?? null }
        : { id: message.id, type: "result", response: evaluateHeJob(module, message.job) };
  } catch (err) {
    reply = { id: message.id, type: "error", error: toWireError(err) };
  }
  port.postMessage(reply);
});
