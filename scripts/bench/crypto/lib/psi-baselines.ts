/**
 * Baselines for the PSI benchmark, measured in the same run as the protocol, all per CPU-second
 * (so other load on the machine shifts them little): the bare cost of the curve operation —
 * OpenSSL's own X25519 loop via `openssl speed` (which divides by CPU user time by default), when
 * the CLI is installed — and the per-operation cost of what the protocol runs: node:crypto and
 * libsodium X25519, and the hash to the group, each on one thread.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { psiHashDomainOf, randomPsiScalar } from "@pdx/common/psi/group";
import {
  createNodePsiCurve,
  nodeExponentiate,
  nodeHashToEdwards,
  x25519PrivateKey,
} from "@pdx/common/psi/node-curve";
import { createSodiumPsiCurve } from "@pdx/common/psi/sodium-curve";
import sodium from "libsodium-wrappers-sumo";

const run = promisify(execFile);

/** X25519 derivations per CPU-second from `openssl speed ecdhx25519`, or null without the CLI. */
export async function opensslX25519(seconds: number): Promise<number | null> {
  try {
    const { stdout } = await run("openssl", ["speed", "-seconds", String(seconds), "ecdhx25519"], {
      timeout: (seconds + 60) * 1000,
    });
    const line = stdout.split("\n").find((l) => /ecdh \(X25519\)/.test(l));
    const value = line ? Number(line.trim().split(/\s+/).at(-1)) : Number.NaN;
    return Number.isFinite(value) ? value : null;
  } catch {
    return null;
  }
}

/** CPU seconds (user + system, every thread of the process) used since `before`. */
export const cpuSecondsSince = (before: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e6;
};

/** Operations per CPU-second of `fn(count)` (which performs `count` operations), best of `rounds`. */
async function rate(count: number, rounds: number, fn: (count: number) => unknown): Promise<number> {
  let best = 0;
  for (let r = 0; r < rounds; r++) {
    const before = process.cpuUsage();
    await fn(count);
    best = Math.max(best, count / cpuSecondsSince(before));
  }
  return best;
}

export interface TEngineRates {
  /** X25519 per CPU-second, node:crypto KeyObjects (the Node engine). */
  nodeX25519: number;
  /** X25519 per CPU-second, libsodium WASM crypto_scalarmult (the browser engine). */
  sodiumX25519: number;
  /** H(x) per CPU-second, the whole chain (node engine). */
  hashToGroup: number;
  /** The same without the batched u conversion: expand_message_xmd + libsodium from_hash. */
  hashToEdwards: number;
}

/** Measures the engines on the calling thread (nothing else of this process may be busy). */
export async function engineRates(count: number): Promise<TEngineRates> {
  await sodium.ready;
  const node = await createNodePsiCurve();
  const sodiumCurve = await createSodiumPsiCurve({ yieldEvery: 1_000_000 });
  try {
    const items = Array.from({ length: count }, (_, i) => `baseline-${i}`);
    const points = await node.hashToGroup("generic", items);
    const scalar = randomPsiScalar();
    const key = x25519PrivateKey(scalar);
    const domain = psiHashDomainOf("generic");
    const quarter = Math.max(1000, Math.floor(count / 4));
    return {
      nodeX25519: await rate(count, 3, (n) => nodeExponentiate(key, points.subarray(0, n * 32), 32)),
      sodiumX25519: await rate(quarter, 3, (n) =>
        sodiumCurve.exponentiate(scalar, points.subarray(0, n * 32)),
      ),
      hashToGroup: await rate(count, 3, (n) => node.hashToGroup("generic", items.slice(0, n))),
      hashToEdwards: await rate(count, 3, (n) => nodeHashToEdwards(domain, items.slice(0, n))),
    };
  } finally {
    await node.close();
    await sodiumCurve.close();
  }
}
