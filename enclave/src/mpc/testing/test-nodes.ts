/**
 * Real MPC nodes for tests and benchmarks: each node is an express app with the MPC router,
 * listening on its own port of 127.0.0.1, with its own ed25519 and X25519 keys and a peer list of
 * the others (real signatures, real encryption, real HTTP). The platform's client key is trusted
 * by every node for POST/GET /v1/mpc/jobs, through the enclave's requireSignedRequest.
 *
 * `middleware(id)` may put a handler in front of a node's router (to tap frames or inject faults);
 * `stopServer(id)` closes one node's listener (the node is then unreachable).
 */
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { generateKeyPair, type TEd25519KeyPair } from "@pdx/common/ed25519";
import { MPC_JOBS_PATH, type TMpcJobSpecInput, type TMpcJobStatus, ZMpcJobStatus } from "@pdx/common/mpc-api";
import { MemoryNonceStore, signRequest } from "@pdx/common/signed-request";
import express, { type RequestHandler } from "express";
import { requireSignedRequest } from "../../auth/require-signed-request";
import type { TMpcDataSource } from "../data-source";
import { generateMpcKeys, type TMpcKeys } from "../envelope";
import type { TMpcInspector } from "../joint-aggregate-job";
import { MpcNode, type TMpcLogEvent } from "../mpc-node";
import { createMpcRouter } from "../mpc-router";

export interface TTestMpcNode {
  id: string;
  url: string;
  keys: TMpcKeys;
  node: MpcNode;
  logs: TMpcLogEvent[];
}

export interface TTestMpcNetwork {
  nodes: ReadonlyMap<string, TTestMpcNode>;
  /** The platform's key, trusted by every node to start jobs and read statuses. */
  client: TEd25519KeyPair;
  node(id: string): TTestMpcNode;
  /** Closes one node's listener (its peers then get connection refused). */
  stopServer(id: string): Promise<void>;
  stop(): Promise<void>;
}

export interface TTestMpcNetworkOptions {
  dataSource(id: string): TMpcDataSource;
  inspect?(id: string): TMpcInspector | undefined;
  middleware?(id: string): RequestHandler | undefined;
  windowMs?: number;
  /** Ended jobs each node remembers (MpcNode's default when absent). */
  keepEndedJobs?: number;
}

/** Starts one node per id; see the module comment. */
export async function startTestMpcNetwork(
  ids: readonly string[],
  options: TTestMpcNetworkOptions,
): Promise<TTestMpcNetwork> {
  const client = generateKeyPair();
  const handlers = new Map<string, RequestListener>();
  const servers = new Map<string, Server>();
  const urls = new Map<string, string>();
  for (const id of ids) {
    const server = createServer((req, res) => handlers.get(id)!(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", resolve);
    });
    servers.set(id, server);
    urls.set(id, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }
  const keys = new Map(ids.map((id) => [id, generateMpcKeys()]));
  const nodes = new Map<string, TTestMpcNode>();
  for (const id of ids) {
    const logs: TMpcLogEvent[] = [];
    const own = keys.get(id)!;
    const node = new MpcNode({
      config: {
        nodeId: id,
        signingKey: own.signingKey,
        encryptionKey: own.encryptionKey,
        peers: ids
          .filter((p) => p !== id)
          .map((p) => ({
            nodeId: p,
            url: urls.get(p)!,
            signingPublicKey: keys.get(p)!.signingPublicKey,
            encryptionPublicKey: keys.get(p)!.encryptionPublicKey,
          })),
      },
      dataSource: options.dataSource(id),
      inspect: options.inspect?.(id),
      windowMs: options.windowMs,
      keepEndedJobs: options.keepEndedJobs,
      log: (e) => logs.push(e),
    });
    const app = express();
    const before = options.middleware?.(id);
    if (before) app.use(before);
    app.use(
      createMpcRouter(node, {
        clientAuth: requireSignedRequest({ trustedKeys: [client.publicKey], nonces: new MemoryNonceStore() }),
      }),
    );
    handlers.set(id, app);
    nodes.set(id, { id, url: urls.get(id)!, keys: own, node, logs });
  }
  const closeServer = (id: string) =>
    new Promise<void>((resolve) => {
      const server = servers.get(id)!;
      if (!server.listening) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return {
    nodes,
    client,
    node(id) {
      const n = nodes.get(id);
      if (!n) throw new Error(`no test node ${id}`);
      return n;
    },
    stopServer: closeServer,
    async stop() {
      for (const n of nodes.values()) n.node.close();
      await Promise.all(ids.map(closeServer));
    },
  };
}

/** POSTs a job spec to a node as the platform would (signed). */
export async function submitJob(
  network: TTestMpcNetwork,
  nodeId: string,
  spec: TMpcJobSpecInput,
): Promise<{ status: number; json: unknown }> {
  const body = JSON.stringify(spec);
  const headers = signRequest({
    method: "POST",
    path: MPC_JOBS_PATH,
    body,
    secretKey: network.client.secretKey,
    publicKey: network.client.publicKey,
  });
  const send = () =>
    fetch(`${network.node(nodeId).url}${MPC_JOBS_PATH}`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body,
    });
  // One retry for a keep-alive connection the node closed while this process was busy.
  const res = await send().catch((err: unknown) => {
    if ((err as { cause?: { code?: unknown } }).cause?.code !== "ECONNRESET") throw err;
    return send();
  });
  return { status: res.status, json: await res.json() };
}

/** GETs a job's status from a node as the platform would (signed). */
export async function fetchJobStatus(
  network: TTestMpcNetwork,
  nodeId: string,
  jobId: string,
): Promise<TMpcJobStatus> {
  const path = `${MPC_JOBS_PATH}/${jobId}`;
  const headers = signRequest({
    method: "GET",
    path,
    body: "",
    secretKey: network.client.secretKey,
    publicKey: network.client.publicKey,
  });
  const res = await fetch(`${network.node(nodeId).url}${path}`, { headers });
  if (res.status !== 200) throw new Error(`status of ${jobId} on ${nodeId}: HTTP ${res.status}`);
  return ZMpcJobStatus.parse(await res.json());
}

/**
 * Waits until every listed node knows the job and has ended it (each node's own view); throws
 * after `withinMs` if a node never hears of it.
 */
export async function waitForJobEverywhere(
  network: TTestMpcNetwork,
  jobId: string,
  ids: readonly string[] = [...network.nodes.keys()],
  withinMs = 30_000,
): Promise<Map<string, TMpcJobStatus>> {
  const out = new Map<string, TMpcJobStatus>();
  const until = Date.now() + withinMs;
  for (const id of ids) {
    const { node } = network.node(id);
    while (!node.status(jobId)) {
      if (Date.now() > until) throw new Error(`node ${id} never heard of job ${jobId}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    out.set(id, await node.whenEnded(jobId));
  }
  return out;
}
