/**
 * The server process (server/src/main.ts) as the launcher runs it: bad configuration exits 78
 * naming the variable; a full start against a real database, enclave and dev chain prints
 * "server ready"; a second instance on the same port says the port is in use; a wrong
 * ENCLAVE_PUBLIC_KEY stops the start with a clear message; SIGTERM shuts down cleanly.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { generateKeyPair } from "@pdx/common/ed25519";
import { freePort } from "@pdx/common/embedded-postgres";
import { createTestDatabase, type TTestDatabase } from "@pdx/common/testing/test-database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEnclave, type TTestEnclave } from "../../enclave/src/testing/test-enclave";
import { deployRegistries } from "../../scripts/lib/deploy-registries";
import { startDevChain, type TDevChain } from "../../scripts/lib/dev-chain";
import { DEV_CHAIN_ACCOUNT0_PRIVATE_KEY } from "../../server/src/chain";
import { ensureContractsCompiled } from "../support/authorization-chain";

const ROOT = resolve(import.meta.dirname, "../..");
const TSX = resolve(ROOT, "node_modules/.bin/tsx");
const MAIN = resolve(ROOT, "server/src/main.ts");

interface TProc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

const procs: TProc[] = [];

function startServer(env: Record<string, string | undefined>): TProc {
  const cleanEnv: Record<string, string> = {};
  for (const k of ["PATH", "HOME", "TMPDIR", "LANG"]) if (process.env[k]) cleanEnv[k] = process.env[k]!;
  for (const [k, v] of Object.entries(env)) if (v !== undefined) cleanEnv[k] = v;
  const child = spawn(TSX, [MAIN], { cwd: ROOT, env: cleanEnv, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const waiters = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const w of waiters) w();
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const proc: TProc = {
    child,
    output: () => out,
    exited,
    waitFor(pattern, timeoutMs = 120_000) {
      return new Promise((resolveMatch, reject) => {
        const check = () => {
          const m = out.match(pattern);
          if (m) {
            waiters.delete(check);
            clearTimeout(timer);
            resolveMatch(m);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${pattern}; output:\n${out}`));
        }, timeoutMs);
        waiters.add(check);
        void exited.then(() =>
          setTimeout(() => {
            if (waiters.has(check)) {
              waiters.delete(check);
              clearTimeout(timer);
              reject(new Error(`process exited before ${pattern}; output:\n${out}`));
            }
          }, 50),
        );
        check();
      });
    },
  };
  procs.push(proc);
  return proc;
}

let chain: TDevChain;
let enclave: TTestEnclave;
let mainDb: TTestDatabase;
let otherDb: TTestDatabase;
let baseEnv: Record<string, string>;

beforeAll(async () => {
  ensureContractsCompiled();
  [chain, enclave, mainDb, otherDb] = await Promise.all([
    freePort().then((port) => startDevChain({ port })),
    startTestEnclave(),
    createTestDatabase(),
    createTestDatabase(),
  ]);
  const registries = await deployRegistries({
    rpcUrl: chain.rpcUrl,
    privateKey: DEV_CHAIN_ACCOUNT0_PRIVATE_KEY,
    stateFile: join(mkdtempSync(join(tmpdir(), "pdx-registries-")), "registries.json"),
  });
  baseEnv = {
    HOST: "127.0.0.1",
    USER_KEY_ENCRYPTION_KEY: "cd".repeat(32),
    CATALOG_REGISTRY_ADDRESS: registries.catalogRegistry,
    AUTHORIZATION_REGISTRY_ADDRESS: registries.authorizationRegistry,
    ENCLAVE_URL: enclave.url,
    ENCLAVE_PUBLIC_KEY: enclave.enclaveKeys.publicKey,
    SERVER_SIGNING_KEY: enclave.clientKeys.secretKey,
    CHAIN_RPC_URL: chain.rpcUrl,
    ANCHOR_INTERVAL_MS: "500",
  };
});

afterAll(async () => {
  for (const p of procs) if (p.child.exitCode === null) p.child.kill("SIGKILL");
  await Promise.all([chain?.stop(), enclave?.stop(), mainDb?.drop(), otherDb?.drop()]);
});

describe("server process", () => {
  it("exits 78 naming each bad variable, without echoing secret values", async () => {
    const p = startServer({ SERVER_SIGNING_KEY: "not-a-key-but-secret", PORT: "-1" });
    expect(await p.exited).toBe(78);
    const out = p.output();
    expect(out).toContain("[server] invalid configuration");
    for (const name of ["DATABASE_URL", "ENCLAVE_PUBLIC_KEY", "SERVER_SIGNING_KEY", "PORT"])
      expect(out).toContain(`${name}:`);
    expect(out).not.toContain("not-a-key-but-secret");
  });

  let port = 0;
  let server: TProc;

  it("starts: migrates, seeds, checks the enclave, deploys the anchor contract, prints ready", async () => {
    port = await freePort();
    server = startServer({ ...baseEnv, DATABASE_URL: mainDb.url, PORT: String(port) });
    await server.waitFor(new RegExp(`server ready on http://127\\.0\\.0\\.1:${port}`));
    const out = server.output();
    expect(out).toMatch(/migrations: [1-9]\d* applied, 0 already applied/);
    // The seeded catalog and the demo authorization are on chain before the server takes requests.
    expect(out).toMatch(/chain writes: [1-9]\d* confirmed, 0 pending/);
    expect(out).toContain("enclave identity checked");
    expect(out).toMatch(/UsageAnchor at 0x[0-9a-fA-F]{40} on chain 31337 \(deployed now\)/);
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    const login = await fetch(`http://127.0.0.1:${port}/trpc/auth.login`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-pdx-csrf": "1" },
      body: JSON.stringify({ email: "buyer@demo.pdx.cn", password: "Demo#2026" }),
    });
    expect(login.status).toBe(200);
    expect(login.headers.getSetCookie()[0]).toMatch(/^pdx_session=/);
  });

  it("a second instance on the same port says the port is in use", async () => {
    const second = startServer({ ...baseEnv, DATABASE_URL: otherDb.url, PORT: String(port) });
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain(`port ${port} is already in use`);
  });

  it("refuses to start when the enclave's public key is not ENCLAVE_PUBLIC_KEY", async () => {
    const p = startServer({
      ...baseEnv,
      DATABASE_URL: otherDb.url,
      PORT: String(await freePort()),
      ENCLAVE_PUBLIC_KEY: generateKeyPair().publicKey,
    });
    expect(await p.exited).toBe(1);
    expect(p.output()).toMatch(
      /the enclave at ENCLAVE_URL identifies with public key [0-9a-f]{16}…, not ENCLAVE_PUBLIC_KEY/,
    );
    expect(p.output()).not.toContain("server ready");
  });

  it("stops cleanly on SIGTERM", async () => {
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain("[server] stopped");
  });
});
