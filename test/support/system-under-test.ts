/**
 * Starts the whole system (scripts/start.ts) for cross-component tests: its own ports, a fresh
 * data directory, and — when DATABASE_URL is set — fresh databases on that real PostgreSQL.
 * Resolves once the launcher prints "PDX READY"; stop() sends Ctrl-C and waits for a clean exit.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createTestDatabase, type TTestDatabase } from "@pdx/common/testing/test-database";

const ROOT = resolve(import.meta.dirname, "../..");

export interface TSystemUnderTest {
  webUrl: string;
  apiUrl: string;
  enclaveUrl: string;
  chainRpcUrl: string;
  databaseUrl: string | null;
  dataDir: string;
  stop(): Promise<void>;
}

export interface TSystemPorts {
  web: number;
  api: number;
  enclave: number;
  chain: number;
  pg: number;
  vaultPg: number;
  /** First port of the MPC nodes (tax, social, health: +0, +1, +2); default enclave + 1. */
  mpc?: number;
  /** First port of the MPC nodes' PGlite vaults; default vaultPg + 1. */
  mpcVaultPg?: number;
}

export async function startSystemUnderTest(
  ports: TSystemPorts,
  opts: { seedCount?: number; log?: boolean } = {},
): Promise<TSystemUnderTest> {
  const dataDir = mkdtempSync(join(tmpdir(), "pdx-sut-"));
  const dbs: TTestDatabase[] = [];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PDX_DATA_DIR: dataDir,
    WEB_PORT: String(ports.web),
    PORT: String(ports.api),
    ENCLAVE_PORT: String(ports.enclave),
    CHAIN_PORT: String(ports.chain),
    PG_PORT: String(ports.pg),
    VAULT_PG_PORT: String(ports.vaultPg),
    MPC_PORT: String(ports.mpc ?? ports.enclave + 1),
    MPC_VAULT_PG_PORT: String(ports.mpcVaultPg ?? ports.vaultPg + 1),
    ANCHOR_INTERVAL_MS: "1000",
    // Notice periods end at once so browser tests can walk admission and registration to the end.
    PUBLIC_NOTICE_DAYS: "0",
    ENCLAVE_SEED_LEGAL_ENTITIES: String(opts.seedCount ?? 100_000),
    DATABASE_URL: "",
    VAULT_DATABASE_URL: "",
    CHAIN_RPC_URL: "",
  };
  if (process.env.DATABASE_URL) {
    const market = await createTestDatabase();
    const vault = await createTestDatabase();
    dbs.push(market, vault);
    env.DATABASE_URL = market.url;
    env.VAULT_DATABASE_URL = vault.url;
  }
  const child: ChildProcess = spawn(join(ROOT, "node_modules/.bin/tsx"), [join(ROOT, "scripts/start.ts")], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  await new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`system did not start within 6 min:\n${output.slice(-4000)}`)),
      360_000,
    );
    const onData = (d: Buffer) => {
      output += d.toString();
      if (opts.log) process.stdout.write(d);
      if (output.includes("PDX READY")) {
        clearTimeout(timer);
        resolveReady();
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`system exited (code ${code}) before it was ready:\n${output.slice(-4000)}`));
    });
  });
  const base = (p: number) => `http://127.0.0.1:${p}`;
  return {
    webUrl: base(ports.web),
    apiUrl: base(ports.api),
    enclaveUrl: base(ports.enclave),
    chainRpcUrl: base(ports.chain),
    databaseUrl:
      env.DATABASE_URL || `postgres://postgres@127.0.0.1:${ports.pg}/postgres?sslmode=disable&pdx_embedded=1`,
    dataDir,
    async stop() {
      if (child.exitCode === null) {
        process.kill(-child.pid!, "SIGINT");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
        if (child.exitCode === null) process.kill(-child.pid!, "SIGKILL");
      }
      for (const db of dbs) await db.drop().catch(() => {});
    },
  };
}
