/**
 * The local development chain: `hardhat node` (Hardhat 3, in-memory EDR) as a child process in
 * its own process group, ready once JSON-RPC `eth_chainId` answers. Its state lives in memory
 * only, so every start is a fresh chain. Its funded accounts are Hardhat's well-known test
 * accounts (DEV_CHAIN_ACCOUNT0_PRIVATE_KEY in server/src/chain) — never use them elsewhere.
 */
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { isPortFree } from "./ports";

const ROOT = resolve(import.meta.dirname, "../..");
const HARDHAT_BIN = join(ROOT, "node_modules", ".bin", "hardhat");

export interface TDevChainOptions {
  /** TCP port for JSON-RPC (HTTP and WebSocket). */
  port: number;
  /** Interface to bind; defaults to 127.0.0.1 (never exposed beyond this machine by default). */
  host?: string;
  /** Receives every output line of the node (it logs each JSON-RPC call); silent when omitted. */
  log?: (line: string) => void;
  /** How long to wait for the first `eth_chainId` answer; defaults to 60 s. */
  readyTimeoutMs?: number;
  /** Hardhat network config to serve (hardhat.config.ts); defaults to "node". "zeroFee" has base fee 0. */
  network?: string;
}

export interface TDevChain {
  /** http://host:port — the JSON-RPC endpoint. */
  rpcUrl: string;
  /** Stops the node (SIGTERM to its process group, SIGKILL after 5 s). Safe to call twice. */
  stop(): Promise<void>;
  /** Resolves with the exit code (-1 for a signal or spawn failure) whenever the node ends. */
  exited: Promise<number | null>;
}

/** Lines kept from the node's output to explain an early exit. */
const TAIL_LINES = 20;

/**
 * Starts `hardhat node` on host:port and resolves once it answers JSON-RPC.
 * Rejects with "port N is already in use" when something already listens there, and with a
 * message naming the URL when the node exits early or does not answer in time.
 */
export async function startDevChain(opts: TDevChainOptions): Promise<TDevChain> {
  const { port, host = "127.0.0.1", log, readyTimeoutMs = 60_000, network = "node" } = opts;
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new RangeError(`startDevChain: port must be an integer in 1..65535, got ${port}`);
  }
  if (!(await isPortFree(port, host))) throw new Error(`port ${port} is already in use`);

  const rpcUrl = `http://${host}:${port}`;
  // node_modules/.bin first so hardhat's `#!/usr/bin/env node` finds the project's Node 22.
  const env = {
    ...process.env,
    PATH: `${join(ROOT, "node_modules", ".bin")}:${process.env.PATH ?? ""}`,
    FORCE_COLOR: "0",
  };
  const args = ["--network", network, "node", "--hostname", host, "--port", String(port)];
  const child = spawn(HARDHAT_BIN, args, {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });

  const tail: string[] = [];
  let portClash = false;
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) => {
      if (/EADDRINUSE/.test(line)) portClash = true;
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      log?.(line);
    });
  }
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolveExit) => {
    child.once("exit", (code, signal) => {
      exitCode = code ?? (signal ? -1 : null);
      resolveExit(exitCode);
    });
    child.once("error", () => {
      exitCode = -1;
      resolveExit(exitCode);
    });
  });

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      if (exitCode !== undefined) return;
      signalGroup(child.pid, "SIGTERM");
      const timedOut = await Promise.race([
        exited.then(() => false),
        new Promise<boolean>((r) => setTimeout(() => r(true), 5000).unref()),
      ]);
      if (timedOut) {
        signalGroup(child.pid, "SIGKILL");
        await exited;
      }
    })();
    return stopped;
  };

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exitCode !== undefined) {
      if (portClash) throw new Error(`port ${port} is already in use`);
      const lastLines = tail.length ? `; its last output:\n${tail.join("\n")}` : "";
      throw new Error(
        `the dev chain (hardhat node) exited with code ${exitCode} before it was ready${lastLines}`,
      );
    }
    if (await answersChainId(rpcUrl)) return { rpcUrl, stop, exited };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `the dev chain at ${rpcUrl} did not answer eth_chainId within ${Math.round(readyTimeoutMs / 1000)} s`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

async function answersChainId(rpcUrl: string): Promise<boolean> {
  try {
    const res = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(2000),
    });
    if (!res.ok) return false;
    const body = (await res.json()) as { result?: unknown };
    return typeof body.result === "string";
  } catch {
    return false;
  }
}
