/**
 * n real test enclaves that are MPC nodes of one another, for tests of joint aggregates through
 * the enclave's own app (test-enclave.ts with its `mpc` option). Each enclave has its own vault
 * database, key store and data directory, its own keys (ed25519: its receipt key, which also signs
 * its MPC messages; X25519: fresh) and its own port on 127.0.0.1.
 *
 * Decisions: the enclaves start one after another (PGlite runs on this process's thread: starting
 * them together gains nothing and interleaves their loads), each with no peers; once all listen,
 * each is given the other n − 1 as peers (id, URL, public keys) — the only moment their ports are
 * all known. One platform key pair is trusted by every enclave, as the platform's key would be.
 * Datasets for the joint jobs are the test's business (ensureGeneratedVersion on each vault).
 */
import { generateKeyPair, type TEd25519KeyPair } from "@pdx/common/ed25519";
import { MPC_JOBS_PATH, type TMpcJobStatus, ZMpcJobStatus } from "@pdx/common/mpc-api";
import type { TMpcInspector } from "../mpc/joint-aggregate-job";
import { sendSigned, startTestEnclave, type TTestEnclave, type TTestEnclaveOptions } from "./test-enclave";

export interface TTestEnclaveCluster {
  /** The enclaves by node id, in the order given. */
  enclaves: ReadonlyMap<string, TTestEnclave>;
  /** The platform's key pair: trusted by every enclave for signed requests. */
  client: TEd25519KeyPair;
  enclave(nodeId: string): TTestEnclave;
  /** Stops every enclave and drops its database. */
  stop(): Promise<void>;
}

export interface TTestEnclaveClusterOptions {
  /** LE-BASE rows each enclave loads at start (default 200: the MPC jobs bring their own data). */
  seedCount?: number;
  /** FOR TESTS ONLY: an inspector per node (sees values that never leave it). */
  inspect?(nodeId: string): TMpcInspector | undefined;
  /** Further options of every enclave. */
  enclave?: Omit<TTestEnclaveOptions, "mpc" | "clientKeys" | "seedCount">;
}

/** Starts one test enclave per node id and connects them; see the module comment. */
export async function startTestEnclaveCluster(
  nodeIds: readonly string[],
  options: TTestEnclaveClusterOptions = {},
): Promise<TTestEnclaveCluster> {
  if (new Set(nodeIds).size !== nodeIds.length || nodeIds.length < 2)
    throw new Error("a cluster needs at least two distinct node ids");
  const client = generateKeyPair();
  const enclaves = new Map<string, TTestEnclave>();
  const stop = async () => {
    for (const enclave of enclaves.values()) await enclave.stop();
  };
  try {
    for (const nodeId of nodeIds) {
      const enclave = await startTestEnclave({
        ...options.enclave,
        seedCount: options.seedCount ?? 200,
        clientKeys: client,
        mpc: { nodeId, inspect: options.inspect?.(nodeId) },
      });
      enclaves.set(nodeId, enclave);
    }
    for (const [nodeId, enclave] of enclaves)
      mpcOf(enclave).setPeers(
        [...enclaves.entries()].filter(([other]) => other !== nodeId).map(([, e]) => mpcOf(e).peer),
      );
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
  return {
    enclaves,
    client,
    enclave(nodeId) {
      const enclave = enclaves.get(nodeId);
      if (!enclave) throw new Error(`no test enclave ${nodeId} in the cluster`);
      return enclave;
    },
    stop,
  };
}

function mpcOf(enclave: TTestEnclave) {
  if (!enclave.mpc) throw new Error("the test enclave was not started as an MPC node");
  return enclave.mpc;
}

/**
 * Polls a job's status on one enclave as the platform would (signed GET /v1/mpc/jobs/:id) until
 * it is no longer running; throws naming the job after `timeoutMs`, or on any answer but 200 (a
 * party knows a job only once the coordinator's propose reached it: poll the coordinator first).
 */
export async function pollMpcJob(
  enclave: TTestEnclave,
  client: TEd25519KeyPair,
  jobId: string,
  timeoutMs = 30_000,
): Promise<TMpcJobStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, json } = await sendSigned(enclave.url, client, "GET", `${MPC_JOBS_PATH}/${jobId}`);
    if (status !== 200) throw new Error(`status of mpc job ${jobId}: HTTP ${status} ${JSON.stringify(json)}`);
    const job = ZMpcJobStatus.parse(json);
    if (job.state !== "running") return job;
    if (Date.now() > deadline) throw new Error(`mpc job ${jobId} still running after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
