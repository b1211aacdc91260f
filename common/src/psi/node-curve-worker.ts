/**
 * Worker thread of the Node PSI engine pool (node-curve-pool.ts): runs one slice of a hash or an
 * exponentiation with the synchronous functions of node-curve.ts and sends the bytes back
 * (transferred, not copied). A small-order point is reported by its index in the slice so the
 * pool can name its position in the whole call. Scalars arrive per task and are zeroed after use.
 */
import { parentPort } from "node:worker_threads";
import sodium from "libsodium-wrappers-sumo";
import { PSI_POINT_BYTES } from "./group";
import { nodeExponentiate, nodeHashToGroup, x25519PrivateKey } from "./node-curve";
import type { TPsiWorkerReply, TPsiWorkerTask } from "./node-curve-pool";

const port = parentPort;
if (!port) throw new Error("node-curve-worker.ts must run in a worker thread");
const ready = sodium.ready;
void ready.then(() => port.postMessage("ready"));

function run(task: TPsiWorkerTask): Uint8Array {
  switch (task.op) {
    case "hash":
      return nodeHashToGroup(task.format, task.items);
    case "hashExponentiate": {
      const key = x25519PrivateKey(task.scalar);
      task.scalar.fill(0);
      return nodeExponentiate(key, nodeHashToGroup(task.format, task.items), PSI_POINT_BYTES);
    }
    case "exponentiate": {
      const key = x25519PrivateKey(task.scalar);
      task.scalar.fill(0);
      return nodeExponentiate(key, task.points, task.outBytes);
    }
  }
}

port.on("message", async (task: TPsiWorkerTask) => {
  await ready;
  let reply: TPsiWorkerReply;
  try {
    const bytes = run(task);
    reply = { id: task.id, ok: true, bytes };
    port.postMessage(reply, [bytes.buffer as ArrayBuffer]);
    return;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const smallOrder = /^point (\d+) has small order/.exec(message);
    reply = smallOrder
      ? { id: task.id, ok: false, smallOrderIndex: Number(smallOrder[1]), message }
      : { id: task.id, ok: false, message };
  }
  port.postMessage(reply);
});
