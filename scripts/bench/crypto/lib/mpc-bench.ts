/**
 * The MPC benchmark's measurement: a joint sum over three real MPC nodes on 127.0.0.1 (express
 * apps with the MPC router, real ed25519 signatures, X25519 + AES-GCM sealing, real HTTP), each
 * node sharing a vector of `groups` buckets (count and Σ value per bucket: 2 × groups ring
 * elements), against a plain JS sum of the same values measured in the same run. The MPC totals
 * are checked against the plain sum, bucket by bucket, in every run.
 *
 * Two placements of the nodes:
 *   threads  each node in its own worker thread with its own server (like separate enclave
 *            processes; on this machine's 2 cores the three nodes' work partly overlaps);
 *   inline   all three in this thread (the sum of every node's work, nothing overlaps).
 * Timed per run (median of `repeats` after one warm-up), from the platform's signed POST to the
 * coordinator, by timestamps from the coordinator's inspection hooks:
 *   protocol      POST → the coordinator holds the reconstructed vector: propose and start
 *                 rounds, local vectors, share round, sum round, ring sum (the MPC part);
 *   decode        the reconstructed vector into per-bucket totals (exact decimal text);
 *   output rules  protectAggregate on every bucket (k, complementary suppression, DP noise per
 *                 count and sum), the result's hash, until the job is released.
 */
import { Worker } from "node:worker_threads";
import { generateKeyPair } from "@pdx/common/ed25519";
import { MPC_JOBS_PATH, type TMpcJobSpecInput } from "@pdx/common/mpc-api";
import { signRequest } from "@pdx/common/signed-request";
import type { TMpcPeer } from "@pdx/enclave/src/mpc/node-config";
import { startTestMpcNetwork, submitJob } from "@pdx/enclave/src/mpc/testing/test-nodes";
import { median, type TBenchResult } from "../../lib/measure";
import {
  BENCH_NODES,
  benchJobSpec,
  benchLayout,
  localVectorOf,
  nodeData,
  plainTotals,
  precomputedSource,
  sharedNow,
  totalsMatch,
} from "./mpc-bench-data";

export const MPC_TOPOLOGIES = ["threads", "inline"] as const;
export type TMpcTopology = (typeof MPC_TOPOLOGIES)[number];

export interface TMpcBenchOptions {
  /** Buckets of each node's vector (default 1,000,000). */
  groups?: number;
  /** Timed runs after one warm-up (default 3). */
  repeats?: number;
  /** Placements to measure (default both). */
  topologies?: readonly TMpcTopology[];
  /** Progress lines (default: none). */
  progress?: (line: string) => void;
}

const SECTION = "mpc";

interface TRun {
  protocol: number;
  /** CPU ms of this process during the protocol (inline: every node's work; threads: NaN). */
  protocolCpu: number;
  toLocal: number;
  shareRound: number;
  sumRound: number;
  decode: number;
  release: number;
}

/** Turns one run's timestamps into phases; throws if a mark is missing. */
function phasesOf(
  started: number,
  marks: ReadonlyMap<string, number>,
  ended: number,
  protocolCpu = Number.NaN,
): TRun {
  const at = (name: string) => {
    const t = marks.get(name);
    if (t === undefined) throw new Error(`bench: no "${name}" mark from the coordinator`);
    return t;
  };
  return {
    protocol: at("reconstructed") - started,
    protocolCpu,
    toLocal: at("local") - started,
    shareRound: at("shares") - at("local"),
    sumRound: at("reconstructed") - at("shares"),
    decode: at("decoded") - at("reconstructed"),
    release: ended - at("decoded"),
  };
}

/** A run of jobs with all three nodes in this thread. */
async function runInline(groups: number, repeats: number, progress: (line: string) => void): Promise<TRun[]> {
  const all = BENCH_NODES.map((_, i) => nodeData(groups, i + 1));
  const expected = plainTotals(all, groups);
  const marks = new Map<string, number>();
  let verified = false;
  let cpuAtReconstructed = 0;
  const cpuMs = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  const network = await startTestMpcNetwork(BENCH_NODES, {
    // Forget released jobs at once: each holds a result of `groups` rows.
    keepEndedJobs: 1,
    dataSource: (node) => precomputedSource(localVectorOf(all[BENCH_NODES.indexOf(node as "tax")]!, groups)),
    inspect: (node) =>
      node === "tax"
        ? {
            localVector: () => marks.set("local", sharedNow()),
            shareReceived: () => marks.set("shares", sharedNow()),
            reconstructed: () => {
              marks.set("reconstructed", sharedNow());
              cpuAtReconstructed = cpuMs();
            },
            totals: (_jobId, totals) => {
              marks.set("decoded", sharedNow());
              verified = totalsMatch(totals, expected);
            },
          }
        : undefined,
  });
  const runs: TRun[] = [];
  try {
    for (let run = 0; run <= repeats; run++) {
      marks.clear();
      verified = false;
      const spec = benchJobSpec(groups);
      const cpuAtStart = cpuMs();
      const started = sharedNow();
      const submitted = await submitJob(network, "tax", spec);
      if (submitted.status !== 202) throw new Error(`bench: job refused (HTTP ${submitted.status})`);
      const ended = await network.node("tax").node.whenEnded(spec.jobId);
      if (ended.state !== "released") throw new Error(`bench: job failed (${ended.failure?.reason ?? "?"})`);
      if (!verified) throw new Error("bench: the MPC totals differ from the plain sum");
      const phases = phasesOf(started, marks, sharedNow(), cpuAtReconstructed - cpuAtStart);
      progress(
        `  inline ${run === 0 ? "warm-up" : `run ${run}`}: protocol ${phases.protocol.toFixed(0)} ms (totals verified)`,
      );
      if (run > 0) runs.push(phases);
    }
  } finally {
    await network.stop();
  }
  return runs;
}

type TWorkerMessage =
  | { kind: "ready"; url: string; signingPublicKey: string; encryptionPublicKey: string }
  | { kind: "listening" }
  | { kind: "mark"; name: string; at: number }
  | { kind: "verified"; ok: boolean }
  | { kind: "ended"; jobId: string; state: string; at: number };

function nextMessage<K extends TWorkerMessage["kind"]>(
  worker: Worker,
  kind: K,
): Promise<Extract<TWorkerMessage, { kind: K }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: TWorkerMessage) => {
      if (m.kind !== kind) return;
      worker.off("message", onMessage);
      worker.off("error", reject);
      resolve(m as Extract<TWorkerMessage, { kind: K }>);
    };
    worker.on("message", onMessage);
    worker.once("error", reject);
  });
}

/** A run of jobs with each node in its own worker thread. */
async function runThreads(
  groups: number,
  repeats: number,
  progress: (line: string) => void,
): Promise<TRun[]> {
  const workers = BENCH_NODES.map(() => new Worker(new URL("./mpc-node-worker.ts", import.meta.url)));
  const runs: TRun[] = [];
  try {
    const ready = await Promise.all(
      workers.map((w, i) => {
        const answer = nextMessage(w, "ready");
        w.postMessage({ kind: "init", id: BENCH_NODES[i], groups });
        return answer;
      }),
    );
    const client = generateKeyPair();
    await Promise.all(
      workers.map((w, i) => {
        const peers: TMpcPeer[] = BENCH_NODES.flatMap((nodeId, j) =>
          j === i
            ? []
            : [
                {
                  nodeId,
                  url: ready[j]!.url,
                  signingPublicKey: ready[j]!.signingPublicKey,
                  encryptionPublicKey: ready[j]!.encryptionPublicKey,
                },
              ],
        );
        const answer = nextMessage(w, "listening");
        w.postMessage({ kind: "peers", peers, client: client.publicKey });
        return answer;
      }),
    );
    const coordinator = workers[0]!;
    const marks = new Map<string, number>();
    coordinator.on("message", (m: TWorkerMessage) => {
      if (m.kind === "mark") marks.set(m.name, m.at);
    });
    for (let run = 0; run <= repeats; run++) {
      marks.clear();
      const spec = benchJobSpec(groups);
      const verified = nextMessage(coordinator, "verified");
      const ended = nextMessage(coordinator, "ended");
      const started = sharedNow();
      const status = await postSigned(ready[0]!.url, client, spec);
      if (status !== 202) throw new Error(`bench: job refused (HTTP ${status})`);
      const end = await ended;
      if (end.state !== "released") throw new Error("bench: the job failed");
      if (!(await verified).ok) throw new Error("bench: the MPC totals differ from the plain sum");
      const phases = phasesOf(started, marks, end.at);
      progress(
        `  threads ${run === 0 ? "warm-up" : `run ${run}`}: protocol ${phases.protocol.toFixed(0)} ms (totals verified)`,
      );
      if (run > 0) runs.push(phases);
    }
  } finally {
    for (const w of workers) w.postMessage({ kind: "stop" });
    await Promise.all(workers.map((w) => new Promise((resolve) => w.once("exit", resolve))));
  }
  return runs;
}

async function postSigned(
  url: string,
  client: { secretKey: string; publicKey: string },
  spec: TMpcJobSpecInput,
): Promise<number> {
  const body = JSON.stringify(spec);
  const headers = signRequest({ method: "POST", path: MPC_JOBS_PATH, body, ...client });
  const res = await fetch(`${url}${MPC_JOBS_PATH}`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body,
  });
  await res.text();
  return res.status;
}

export async function benchMpc(options: TMpcBenchOptions = {}): Promise<TBenchResult[]> {
  const groups = options.groups ?? 1_000_000;
  const repeats = options.repeats ?? 3;
  const topologies = options.topologies ?? MPC_TOPOLOGIES;
  const progress = options.progress ?? (() => {});

  // Baseline: the same totals in plain JS (Float64Array, exact for these integers).
  const all = BENCH_NODES.map((_, i) => nodeData(groups, i + 1));
  plainTotals(all, groups);
  const baselineTimes: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    plainTotals(all, groups);
    baselineTimes.push(performance.now() - started);
  }
  const baseline = median(baselineTimes);
  const entries = benchLayout(groups).length;
  const mib = ((entries * 8) / 2 ** 20).toFixed(0);
  const results: TBenchResult[] = [
    {
      section: SECTION,
      name: "plain JS sum",
      value: baseline,
      unit: "ms",
      ratio: 1,
      note: `3 nodes × ${groups} buckets (count and Σ value) added in plain JS (Float64Array), median of 5`,
    },
  ];

  for (const topology of topologies) {
    const runs =
      topology === "threads"
        ? await runThreads(groups, repeats, progress)
        : await runInline(groups, repeats, progress);
    const med = (key: keyof TRun) => median(runs.map((r) => r[key]));
    const row = (name: string, key: keyof TRun, note?: string): TBenchResult => ({
      section: SECTION,
      name: `${topology}: ${name}`,
      value: med(key),
      unit: "ms",
      baseline: "plain JS sum",
      ratio: med(key) / baseline,
      ...(note ? { note } : {}),
    });
    const cpu =
      topology === "inline"
        ? [
            row(
              "protocol CPU time of the 3 nodes",
              "protocolCpu",
              "user + system CPU of this process over the protocol: the nodes' summed work, little affected by other load",
            ),
          ]
        : [];
    results.push(
      row(
        "MPC sum, protocol end to end",
        "protocol",
        `3 nodes on loopback, vectors of ${entries} ring elements (${mib} MiB): signed POST → reconstructed vector on the coordinator`,
      ),
      ...cpu,
      row("  propose, start, local vector", "toLocal"),
      row("  share round", "shareRound"),
      row("  sum round and ring sum", "sumRound"),
      row("decode into per-bucket totals", "decode"),
      row(
        "output rules on every bucket",
        "release",
        `protectAggregate on ${groups} cells, then the result's hash`,
      ),
    );
  }
  return results;
}
