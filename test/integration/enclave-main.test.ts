/**
 * The enclave as its own process (enclave/src/main.ts run by tsx): configuration errors exit 78
 * naming the variable without echoing secrets, a port in use is named, and a real start serves
 * signed jobs under an authorization read from a real dev chain, survives a restart without
 * reloading, and refuses a replay across the restart. Configured as an MPC node (ENCLAVE_MPC_*),
 * it serves the MPC routes behind the platform's signature.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:net";
import { join, resolve } from "node:path";
import { generateKeyPair } from "@pdx/common/ed25519";
import { freePort } from "@pdx/common/embedded-postgres";
import { ZAggregateJobResponse, ZEnclaveError, ZEnclaveIdentity } from "@pdx/common/enclave-api";
import { MPC_JOBS_PATH } from "@pdx/common/mpc-api";
import { verifyReceipt } from "@pdx/common/receipt";
import { createTestDatabase, type TTestDatabase } from "@pdx/common/testing/test-database";
import { generateMpcKeys } from "@pdx/enclave/src/mpc/envelope";
import { postSigned, sendSigned } from "@pdx/enclave/src/testing/test-enclave";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  LE_DISTRICT_INDUSTRY_SCOPE,
  startAuthorizationChain,
  type TAuthorizationChain,
} from "../support/authorization-chain";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "node_modules/.bin");
const MAIN = join(ROOT, "enclave/src/main.ts");

const enclaveKeys = generateKeyPair();
const clientKeys = generateKeyPair();

interface TRun {
  proc: ChildProcess;
  output: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function runMain(env: Record<string, string | undefined>): TRun {
  const base: NodeJS.ProcessEnv = { PATH: `${BIN}:${process.env.PATH}`, HOME: process.env.HOME };
  const proc = spawn(join(BIN, "tsx"), [MAIN], {
    cwd: ROOT,
    env: { ...base, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  proc.stdout!.on("data", (d: Buffer) => {
    out += d.toString();
  });
  proc.stderr!.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((r) => proc.on("exit", (code) => r(code)));
  return { proc, output: () => out + err, stderr: () => err, exited };
}

function validEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    ENCLAVE_PORT: "0",
    VAULT_DATABASE_URL: "postgres://postgres@127.0.0.1:1/none",
    ENCLAVE_SIGNING_KEY: enclaveKeys.secretKey,
    ENCLAVE_TRUSTED_CLIENT_KEYS: clientKeys.publicKey,
    ENCLAVE_SEED_LEGAL_ENTITIES: "2000",
    CHAIN_RPC_URL: "http://127.0.0.1:1",
    AUTHORIZATION_REGISTRY_ADDRESS: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
    ...overrides,
  };
}

async function waitForReady(run: TRun, timeoutMs = 120_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const m = /"event":"listening","url":"(http:\/\/[^"]+)"/.exec(run.output());
    if (m && run.output().includes('"event":"ready"')) return m[1]!;
    if (run.proc.exitCode !== null) throw new Error(`enclave exited early:\n${run.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`enclave not ready:\n${run.output()}`);
}

describe("enclave main: bad configuration", () => {
  it.each([
    ["ENCLAVE_SIGNING_KEY", undefined],
    ["ENCLAVE_SIGNING_KEY", "this-is-not-a-key-but-a-secret-value-7f3a"],
    ["ENCLAVE_SIGNING_KEY", "ab".repeat(31)],
    ["ENCLAVE_TRUSTED_CLIENT_KEYS", undefined],
    ["ENCLAVE_TRUSTED_CLIENT_KEYS", `${clientKeys.publicKey},nothex`],
    ["VAULT_DATABASE_URL", ""],
    ["VAULT_DATABASE_URL", "mysql://somewhere/db"],
    ["ENCLAVE_PORT", "70000"],
    ["ENCLAVE_SEED_LEGAL_ENTITIES", "many"],
    ["CHAIN_RPC_URL", undefined],
    ["CHAIN_RPC_URL", "ftp://user:chain-api-key-9f2e@chain.example/"],
    ["AUTHORIZATION_REGISTRY_ADDRESS", ""],
    ["AUTHORIZATION_REGISTRY_ADDRESS", "0x1234"],
    ["ENCLAVE_MPC_NODE_ID", "Tax Office"],
    ["ENCLAVE_MPC_ENCRYPTION_KEY", "this-is-not-an-x25519-key-but-a-secret-5b1e"],
  ])("exits 78 naming %s (value %j) and never echoes the value", async (name, value) => {
    const run = runMain(validEnv({ [name]: value }));
    expect(await run.exited).toBe(78);
    expect(run.stderr()).toContain(name);
    if (value && value.length > 8) expect(run.output()).not.toContain(value);
  });

  it("never prints the signing key when another variable is wrong", async () => {
    const run = runMain(validEnv({ ENCLAVE_PORT: "not-a-port" }));
    expect(await run.exited).toBe(78);
    expect(run.stderr()).toContain("ENCLAVE_PORT");
    expect(run.output()).not.toContain(enclaveKeys.secretKey);
  });
});

describe("enclave main: port in use", () => {
  let blocker: Server;
  let port: number;
  beforeAll(async () => {
    blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    port = (blocker.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => blocker.close(() => r())));

  it("says which port is taken and exits non-zero", async () => {
    const run = runMain(validEnv({ ENCLAVE_PORT: String(port) }));
    const code = await run.exited;
    expect(code).not.toBe(0);
    expect(run.stderr()).toContain(`port ${port} is already in use`);
  });
});

describe("enclave main: start, serve, restart", () => {
  let db: TTestDatabase;
  let authChain: TAuthorizationChain;
  let run: TRun | undefined;
  beforeAll(async () => {
    [db, authChain] = await Promise.all([createTestDatabase(), startAuthorizationChain()]);
  });
  afterAll(async () => {
    if (run && run.proc.exitCode === null) {
      run.proc.kill("SIGKILL");
      await run.exited;
    }
    await Promise.all([db?.drop(), authChain?.stop()]);
  });

  it("loads the vault on first start, serves signed jobs, and on restart keeps the data and the nonces", async () => {
    const port = await freePort();
    const peer = generateMpcKeys();
    const mpcKey = generateMpcKeys().encryptionKey;
    const env = validEnv({
      VAULT_DATABASE_URL: db.url,
      ENCLAVE_PORT: String(port),
      CHAIN_RPC_URL: authChain.readerOptions.rpcUrl,
      AUTHORIZATION_REGISTRY_ADDRESS: authChain.readerOptions.address,
      ENCLAVE_MPC_NODE_ID: "north",
      ENCLAVE_MPC_ENCRYPTION_KEY: mpcKey,
      ENCLAVE_MPC_PEERS: JSON.stringify([
        {
          nodeId: "east",
          url: "http://127.0.0.1:1",
          signingPublicKey: peer.signingPublicKey,
          encryptionPublicKey: peer.encryptionPublicKey,
        },
      ]),
    });
    run = runMain(env);
    const url = await waitForReady(run);
    expect(url).toBe(`http://127.0.0.1:${port}`);
    expect(run.output()).toMatch(/"event":"vault_ingest".*"status":"loaded","rows":2000/);
    expect((await fetch(`${url}/health`)).status).toBe(200);
    const identity = ZEnclaveIdentity.parse(await (await fetch(`${url}/v1/identity`)).json());
    expect(identity.publicKey).toBe(enclaveKeys.publicKey);
    expect(identity.datasets).toEqual([{ code: "LE-BASE", version: "2026.11", rows: 2000 }]);

    const job = {
      jobId: randomUUID(),
      product: "le-district-industry@1",
      datasetCode: "LE-BASE",
      groupBy: ["district"],
      measures: [{ fn: "count", as: "enterprises" }],
      requester: { orgId: "o", userId: "u" },
      authorization: await authChain.recordAuthorization({
        id: randomUUID(),
        operatorOrgId: "o",
        scope: LE_DISTRICT_INDUSTRY_SCOPE,
      }),
    };
    const first = await postSigned(url, clientKeys, job);
    expect(first.status).toBe(200);
    const response = ZAggregateJobResponse.parse(first.json);
    expect(verifyReceipt(response.signedReceipt, enclaveKeys.publicKey)).toBe(true);
    expect(response.rows.reduce((n, r) => n + (r.enterprises as number), 0)).toBe(2000);
    expect(run.output()).toContain(`"event":"job","jobId":"${job.jobId}"`);
    expect(run.output()).not.toContain(enclaveKeys.secretKey);

    // The MPC routes: mounted, and behind the platform's signature.
    expect(run.output()).toContain('"event":"mpc_node","nodeId":"north","peers":["east"]');
    const unsignedMpc = await fetch(`${url}${MPC_JOBS_PATH}`, { method: "POST", body: "{}" });
    expect(unsignedMpc.status).toBe(401);
    const unknownJob = await sendSigned(url, clientKeys, "GET", `${MPC_JOBS_PATH}/${randomUUID()}`);
    expect(unknownJob.status).toBe(404);
    expect(ZEnclaveError.parse(unknownJob.json).error.code).toBe("JOB_UNKNOWN");
    expect(run.output()).not.toContain(mpcKey);

    run.proc.kill("SIGTERM");
    expect(await run.exited).toBe(0);

    run = runMain(env);
    await waitForReady(run);
    expect(run.output()).toMatch(/"event":"vault_ingest".*"status":"already-loaded","rows":2000/);
    const replay = await fetch(`${url}/v1/jobs/aggregate`, {
      method: "POST",
      headers: { ...first.headers, "content-type": "application/json" },
      body: first.bodyText,
    });
    expect(replay.status).toBe(409);
    expect(ZEnclaveError.parse(await replay.json()).error.code).toBe("NONCE_REPLAYED");

    run.proc.kill("SIGINT");
    expect(await run.exited).toBe(0);
  });

  it("names VAULT_DATABASE_URL (not its value) when the vault cannot be reached", async () => {
    const unreachable = `postgres://enclave:s3cret-pass@127.0.0.1:${await freePort()}/vault`;
    const failing = runMain(validEnv({ VAULT_DATABASE_URL: unreachable }));
    expect(await failing.exited).toBe(1);
    expect(failing.stderr()).toContain("VAULT_DATABASE_URL");
    expect(failing.output()).not.toContain("s3cret-pass");
  });
});
