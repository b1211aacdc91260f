/**
 * One MPC node of the benchmark in its own worker thread (as a separate enclave process would
 * be): its own HTTP server on 127.0.0.1, keys, MPC router and precomputed local vector. Talks to
 * the benchmark's main thread by messages:
 *   main → { kind: "init", id, groups }        → { kind: "ready", url, signingPublicKey, encryptionPublicKey }
 *   main → { kind: "peers", peers, client }    → { kind: "listening" }
 *   coordinator → { kind: "mark", name, at } while a job runs, { kind: "ended", state, verified, reason }
 *   main → { kind: "stop" }                    → the thread closes its server and ends
 */
import { createServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { parentPort } from "node:worker_threads";
import { MemoryNonceStore } from "@pdx/common/signed-request";
import { requireSignedRequest } from "@pdx/enclave/src/auth/require-signed-request";
import { generateMpcKeys } from "@pdx/enclave/src/mpc/envelope";
import { MpcNode } from "@pdx/enclave/src/mpc/mpc-node";
import { createMpcRouter } from "@pdx/enclave/src/mpc/mpc-router";
import type { TMpcPeer } from "@pdx/enclave/src/mpc/node-config";
import express from "express";
import {
  BENCH_NODES,
  localVectorOf,
  nodeData,
  plainTotals,
  precomputedSource,
  sharedNow,
  totalsMatch,
} from "./mpc-bench-data";

type TInbound =
  | { kind: "init"; id: string; groups: number }
  | { kind: "peers"; peers: TMpcPeer[]; client: string }
  | { kind: "stop" };

const port = parentPort!;
let handler: RequestListener = (_req, res) => {
  res.writeHead(503).end();
};
const server = createServer((req, res) => handler(req, res));
const keys = generateMpcKeys();
let id = "";
let groups = 0;
let node: MpcNode | null = null;

port.on("message", async (message: TInbound) => {
  if (message.kind === "init") {
    ({ id, groups } = message);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port.postMessage({
      kind: "ready",
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      signingPublicKey: keys.signingPublicKey,
      encryptionPublicKey: keys.encryptionPublicKey,
    });
  } else if (message.kind === "peers") {
    const all = BENCH_NODES.map((_, i) => nodeData(groups, i + 1));
    const mine = all[BENCH_NODES.indexOf(id as (typeof BENCH_NODES)[number])]!;
    const expected = id === "tax" ? plainTotals(all, groups) : null;
    const mark = (name: string) => port.postMessage({ kind: "mark", name, at: sharedNow() });
    const mpc = new MpcNode({
      config: {
        nodeId: id,
        signingKey: keys.signingKey,
        encryptionKey: keys.encryptionKey,
        peers: message.peers,
      },
      dataSource: precomputedSource(localVectorOf(mine, groups)),
      // Forget released jobs at once: each holds a result of `groups` rows.
      keepEndedJobs: 1,
      inspect: expected
        ? {
            localVector: () => mark("local"),
            shareReceived: () => mark("shares"),
            sumShareReceived: () => mark("sums"),
            reconstructed: () => mark("reconstructed"),
            totals: (_jobId, totals) => {
              mark("decoded");
              port.postMessage({ kind: "verified", ok: totalsMatch(totals, expected) });
            },
          }
        : undefined,
      log: (e) => {
        if (e.event === "mpc_job" && id === "tax")
          port.postMessage({ kind: "ended", jobId: e.jobId, state: e.state, at: sharedNow() });
      },
    });
    node = mpc;
    const app = express();
    app.use(
      createMpcRouter(mpc, {
        clientAuth: requireSignedRequest({ trustedKeys: [message.client], nonces: new MemoryNonceStore() }),
      }),
    );
    handler = app;
    port.postMessage({ kind: "listening" });
  } else {
    node?.close();
    server.close();
    server.closeAllConnections();
    port.close();
  }
});
