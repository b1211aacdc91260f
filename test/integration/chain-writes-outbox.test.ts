/**
 * The chain-write outbox against a real dev chain (hardhat node) and a migrated marketplace
 * database: payload validation at enqueue, sending strictly in id order, stopping at the first
 * failure (attempts and error kept, the rest left pending), retry, idempotence after a crash
 * between "mined" and "marked", flushes (done / unavailable / timed out), the timer, and the
 * full-history replay onto new registries after a dev-chain reset.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { scenarioHash, scopeHash } from "@pdx/common/authorization-scope";
import { freePort } from "@pdx/common/embedded-postgres";
import { createTestDatabase, type TTestDatabase } from "@pdx/common/testing/test-database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deployRegistries, type TDeployedRegistries } from "../../scripts/lib/deploy-registries";
import { startDevChain, type TDevChain } from "../../scripts/lib/dev-chain";
import {
  createRegistriesClient,
  DEV_CHAIN_ACCOUNT0_PRIVATE_KEY,
  type TRegistriesClient,
} from "../../server/src/chain";
import { REGISTRY_CONTRACT_NAMES, registryArtifactPath } from "../../server/src/chain/registries-artifacts";
import { createDb, type TDb } from "../../server/src/db";
import {
  chainWritesFor,
  enqueueChainWrite,
  flushChainWrites,
  processChainWrites,
  reconcileRegistryDeployment,
  type TChainWriteInput,
} from "../../server/src/domain/chain-writes/outbox";
import { isDomainError } from "../../server/src/domain/domain-error";
import { startChainWritesTimer } from "../../server/src/jobs/chain-writes-timer";

const ROOT = resolve(import.meta.dirname, "../..");
const OPERATOR_ORG = "5b0e7a4c-1d2e-4f3a-8b9c-0d1e2f3a4b5c";
const SOURCE_ORG = "7c1f8b5d-2e3f-4a4b-9c0d-1e2f3a4b5c6d";
const AUTH_A = "3f1c9a52-7d8e-4b1f-9a0c-2e5d6f7a8b9c";
const AUTH_B = "4a2d0b63-8e9f-4c2a-8b1d-3f6e7a8b9c0d";
const REG_A = "0b6f3c1e-2a4d-4e8f-9b7a-1c2d3e4f5a6b";
const VALID_FROM = "2026-01-01T00:00:00.000Z";
const VALID_UNTIL = "2029-01-01T00:00:00.000Z";

let chain: TDevChain;
let database: TTestDatabase;
let db: TDb;
let stateDir: string;
let deployed: TDeployedRegistries;
let registries: TRegistriesClient;
let silentServer: Server;
const clients: TRegistriesClient[] = [];
/** evm_snapshot of the chain before anything was deployed: reverting to it = a dev-chain restart. */
let emptyChainSnapshot: string;

async function rpc(method: string, params: unknown[] = []): Promise<unknown> {
  const res = await fetch(chain.rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

function clientFor(addresses: TDeployedRegistries, rpcUrl = chain.rpcUrl): TRegistriesClient {
  const c = createRegistriesClient({
    rpcUrl,
    privateKey: DEV_CHAIN_ACCOUNT0_PRIVATE_KEY,
    catalogRegistryAddress: addresses.catalogRegistry,
    authorizationRegistryAddress: addresses.authorizationRegistry,
  });
  clients.push(c);
  return c;
}

function authorizationRecord(subjectId: string): TChainWriteInput {
  return {
    kind: "authorization.record",
    subjectId,
    payload: {
      operatorOrgId: OPERATOR_ORG,
      scenarioHash: scenarioHash({ title: subjectId }),
      scopeHash: scopeHash([{ datasetCode: "LE-BASE", fields: ["district", "industry"] }]),
      validFrom: VALID_FROM,
      validUntil: new Date(VALID_UNTIL),
    },
  };
}

async function enqueue(...writes: TChainWriteInput[]): Promise<string[]> {
  return db.withTransaction(async (tx) => {
    const ids: string[] = [];
    for (const w of writes) ids.push((await enqueueChainWrite(tx, w)).id);
    return ids;
  });
}

async function pendingCount(): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    "SELECT count(*)::text AS n FROM chain_writes WHERE status = 'pending'",
  );
  return Number(rows[0]!.n);
}

beforeAll(async () => {
  if (!REGISTRY_CONTRACT_NAMES.every((name) => existsSync(registryArtifactPath(name)))) {
    execFileSync(resolve(ROOT, "node_modules/.bin/hardhat"), ["compile", "--quiet"], {
      cwd: ROOT,
      stdio: "inherit",
    });
  }
  [chain, database] = await Promise.all([startDevChain({ port: await freePort() }), createTestDatabase()]);
  emptyChainSnapshot = (await rpc("evm_snapshot")) as string;
  db = createDb(database.url, { log: () => {} });
  await db.migrate();
  stateDir = mkdtempSync(join(tmpdir(), "pdx-outbox-"));
  deployed = await deployRegistries({
    rpcUrl: chain.rpcUrl,
    privateKey: DEV_CHAIN_ACCOUNT0_PRIVATE_KEY,
    stateFile: join(stateDir, "registries.json"),
  });
  registries = clientFor(deployed);
  // Accepts connections and never answers: a chain that hangs.
  silentServer = createServer(() => {});
  await new Promise<void>((r) => silentServer.listen(0, "127.0.0.1", r));
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await db?.close();
  await Promise.all([chain?.stop(), database?.drop()]);
  silentServer?.close();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

describe("enqueueChainWrite", () => {
  it("refuses invalid payloads per kind and writes nothing (the transaction rolls back)", async () => {
    const bad: unknown[] = [
      { kind: "authorization.status", subjectId: AUTH_A, payload: { status: "expired" } },
      { kind: "authorization.status", subjectId: AUTH_A, payload: { status: "active", extra: 1 } },
      { kind: "authorization.status", subjectId: "not-a-uuid", payload: { status: "active" } },
      { kind: "registration.status", subjectId: REG_A, payload: { status: "coded" } },
      {
        kind: "authorization.record",
        subjectId: AUTH_A,
        payload: { ...authorizationRecord(AUTH_A).payload, scopeHash: "0x1234" },
      },
      {
        kind: "authorization.record",
        subjectId: AUTH_A,
        payload: { ...authorizationRecord(AUTH_A).payload, scenarioHash: `0x${"0".repeat(64)}` },
      },
      // Term longer than 1827 days, and a reversed term.
      {
        kind: "authorization.record",
        subjectId: AUTH_A,
        payload: { ...authorizationRecord(AUTH_A).payload, validUntil: "2031-01-03T00:00:00.000Z" },
      },
      {
        kind: "authorization.record",
        subjectId: AUTH_A,
        payload: { ...authorizationRecord(AUTH_A).payload, validUntil: VALID_FROM },
      },
      {
        kind: "registration.record",
        subjectId: REG_A,
        payload: {
          datasetCode: "le-base",
          sourceOrgId: SOURCE_ORG,
          entryHash: "ab".repeat(32),
          validFrom: VALID_FROM,
          validUntil: VALID_UNTIL,
        },
      },
      { kind: "registration.unknown", subjectId: REG_A, payload: {} },
    ];
    for (const write of bad) {
      const err = await enqueue(write as TChainWriteInput).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isDomainError(err, "INTERNAL"), JSON.stringify(write)).toBe(true);
    }
    const { rows } = await db.query("SELECT id FROM chain_writes");
    expect(rows).toEqual([]);
  });

  it("accepts a term of exactly 1827 days and normalizes hashes and times", async () => {
    const [id] = await enqueue({
      kind: "registration.record",
      subjectId: REG_A.toUpperCase(),
      payload: {
        datasetCode: "LE-BASE",
        sourceOrgId: SOURCE_ORG,
        entryHash: "AB".repeat(32),
        validFrom: "2026-01-01T08:00:00+08:00",
        validUntil: new Date(Date.parse(VALID_FROM) + 1827 * 86_400_000),
      },
    });
    const { rows } = await db.query<{ subject_id: string; payload: Record<string, string> }>(
      "SELECT subject_id::text AS subject_id, payload FROM chain_writes WHERE id = $1",
      [id],
    );
    expect(rows[0]!.subject_id).toBe(REG_A);
    expect(rows[0]!.payload).toEqual({
      datasetCode: "LE-BASE",
      sourceOrgId: SOURCE_ORG,
      entryHash: `0x${"ab".repeat(32)}`,
      validFrom: VALID_FROM,
      validUntil: "2031-01-02T00:00:00.000Z",
    });
  });
});

describe("processChainWrites", () => {
  it("waits while the chain is unreachable: attempts and error recorded, everything stays pending", async () => {
    await enqueue(
      authorizationRecord(AUTH_A),
      { kind: "authorization.status", subjectId: AUTH_A, payload: { status: "suspended" } },
      { kind: "registration.status", subjectId: REG_A, payload: { status: "superseded" } },
    );
    const down = clientFor(deployed, `http://127.0.0.1:${await freePort()}`);
    for (const attempt of [1, 2]) {
      const summary = await processChainWrites(db, down);
      expect(summary.confirmed).toEqual([]);
      expect(summary.failed?.error).toMatch(/^CHAIN_UNREACHABLE: /);
      expect(summary.pending).toBe(4);
      const [first] = await chainWritesFor(db, REG_A);
      expect(first).toMatchObject({ status: "pending", attempts: attempt, txHash: null });
      expect(first!.lastError).toMatch(/^CHAIN_UNREACHABLE: .*unreachable/);
    }
    // Only the first write was tried.
    expect((await chainWritesFor(db, AUTH_A)).map((w) => w.attempts)).toEqual([0, 0]);
  });

  it("then sends every write in id order, each after the previous is confirmed, and records where", async () => {
    const summary = await processChainWrites(db, registries);
    expect(summary.failed).toBeNull();
    expect(summary.pending).toBe(0);
    expect(summary.confirmed.map((c) => c.kind)).toEqual([
      "registration.record",
      "authorization.record",
      "authorization.status",
      "registration.status",
    ]);
    const ids = summary.confirmed.map((c) => Number(c.id));
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);

    const [record, status] = await chainWritesFor(db, AUTH_A);
    expect(record).toMatchObject({
      kind: "authorization.record",
      status: "confirmed",
      attempts: 1,
      lastError: null,
      contractAddress: deployed.authorizationRegistry,
      chainId: "31337",
    });
    expect(record!.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(record!.confirmedAt).toBeInstanceOf(Date);
    expect(status!.blockNumber).toBeGreaterThan(record!.blockNumber!);
    const [registration] = await chainWritesFor(db, REG_A);
    expect(registration).toMatchObject({
      status: "confirmed",
      attempts: 3,
      contractAddress: deployed.catalogRegistry,
    });

    expect((await registries.getAuthorization(AUTH_A))?.status).toBe("suspended");
    expect((await registries.getRegistration(REG_A))?.status).toBe("superseded");
    expect(await processChainWrites(db, registries)).toEqual({ confirmed: [], failed: null, pending: 0 });
  });

  it("stops at the first failure: a refused write stays pending and blocks the ones after it", async () => {
    const [blocked, after] = await enqueue(
      // Revoked is final on chain: first revoke, then try to resume.
      { kind: "authorization.status", subjectId: AUTH_A, payload: { status: "revoked" } },
      { kind: "authorization.status", subjectId: AUTH_A, payload: { status: "active" } },
      authorizationRecord(AUTH_B),
    ).then((ids) => [ids[1]!, ids[2]!]);
    const summary = await processChainWrites(db, registries);
    expect(summary.confirmed.map((c) => c.kind)).toEqual(["authorization.status"]);
    expect(summary.failed).toMatchObject({ id: blocked, kind: "authorization.status" });
    expect(summary.failed!.error).toMatch(/^INVALID_STATUS_TRANSITION: /);
    expect(summary.pending).toBe(2);
    expect(await registries.getAuthorization(AUTH_B)).toBeNull();
    expect((await chainWritesFor(db, AUTH_B))[0]).toMatchObject({
      id: after,
      status: "pending",
      attempts: 0,
    });
    // Test-only clean-up of the poisoned write so the queue moves again.
    await db.query("DELETE FROM chain_writes WHERE id = $1", [blocked]);
    expect((await processChainWrites(db, registries)).confirmed.map((c) => c.id)).toEqual([after]);
  });

  it("is idempotent when a write was mined but not marked (crash in between): confirms with the original tx", async () => {
    const id = "5b3e1c74-9f0a-4d3b-8c2e-4a7f8b9c0d1e";
    const write = authorizationRecord(id);
    if (write.kind !== "authorization.record") throw new Error("unreachable");
    const direct = await registries.recordAuthorization({
      authorizationId: id,
      operatorOrgId: write.payload.operatorOrgId,
      scenarioHash: write.payload.scenarioHash as `0x${string}`,
      scopeHash: write.payload.scopeHash as `0x${string}`,
      validFrom: new Date(VALID_FROM),
      validUntil: new Date(VALID_UNTIL),
    });
    await enqueue(write);
    const summary = await processChainWrites(db, registries);
    expect(summary.confirmed).toEqual([
      expect.objectContaining({ subjectId: id, txHash: direct.txHash, alreadyOnChain: true }),
    ]);
    expect((await chainWritesFor(db, id))[0]).toMatchObject({
      txHash: direct.txHash,
      blockNumber: direct.blockNumber,
    });
  });

  it("honours the limit, and orders by numeric id (write 10 after write 9)", async () => {
    await enqueue(
      { kind: "authorization.status", subjectId: AUTH_B, payload: { status: "suspended" } },
      { kind: "authorization.status", subjectId: AUTH_B, payload: { status: "active" } },
    );
    const r1 = await processChainWrites(db, registries, { limit: 1 });
    const r2 = await processChainWrites(db, registries, { limit: 1 });
    expect(r1.pending).toBe(1);
    expect(r2.pending).toBe(0);
    expect(Number(r2.confirmed[0]!.id)).toBeGreaterThan(Number(r1.confirmed[0]!.id));
    expect(Number(r2.confirmed[0]!.id)).toBeGreaterThanOrEqual(10);
    expect((await registries.getAuthorization(AUTH_B))?.status).toBe("active");
  });
});

describe("flushChainWrites", () => {
  it("sends at once after a commit and reports what it did", async () => {
    await enqueue({ kind: "authorization.status", subjectId: AUTH_B, payload: { status: "suspended" } });
    const result = await flushChainWrites({ db, registries }, 10_000);
    expect(result).toMatchObject({ status: "done", failed: null, pending: 0 });
    expect((await registries.getAuthorization(AUTH_B))?.status).toBe("suspended");
  });

  it("says unavailable without registries, and times out (without throwing) when the chain hangs", async () => {
    await enqueue({ kind: "authorization.status", subjectId: AUTH_B, payload: { status: "active" } });
    expect(await flushChainWrites({ db, registries: null })).toEqual({ status: "unavailable" });
    const port = (silentServer.address() as { port: number }).port;
    const hanging = clientFor(deployed, `http://127.0.0.1:${port}`);
    const started = Date.now();
    expect(await flushChainWrites({ db, registries: hanging }, 300)).toEqual({ status: "timed_out" });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await pendingCount()).toBe(1);
    // The hung attempt is still holding the worker lock; the next round waits for it, then sends.
    const summary = await processChainWrites(db, registries);
    expect(summary.pending).toBe(0);
    expect((await registries.getAuthorization(AUTH_B))?.status).toBe("active");
  }, 60_000);
});

describe("the timer", () => {
  it("reconciles the deployment on its first tick, then sends what is pending", async () => {
    await enqueue({ kind: "authorization.status", subjectId: AUTH_B, payload: { status: "revoked" } });
    const lines: string[] = [];
    const timer = startChainWritesTimer({ db, registries, intervalMs: 3_600_000, log: (l) => lines.push(l) });
    try {
      await timer.tickNow();
    } finally {
      await timer.stop();
    }
    expect(await pendingCount()).toBe(0);
    expect((await registries.getAuthorization(AUTH_B))?.status).toBe("revoked");
    const { rows } = await db.query<{ contract: string; address: string }>(
      "SELECT contract, address FROM chain_deployments WHERE chain_id = '31337' ORDER BY contract",
    );
    expect(rows).toEqual([
      { contract: "AuthorizationRegistry", address: deployed.authorizationRegistry },
      { contract: "CatalogRegistry", address: deployed.catalogRegistry },
    ]);
    expect(lines.some((l) => l.includes("confirmed 1 write"))).toBe(true);
  });

  it("logs a failure once while it repeats", async () => {
    await enqueue({
      kind: "authorization.status",
      subjectId: "00000000-0000-4000-8000-000000000009",
      payload: { status: "active" },
    });
    const errors: string[] = [];
    const timer = startChainWritesTimer({
      db,
      registries,
      intervalMs: 3_600_000,
      logError: (l) => errors.push(l),
    });
    try {
      await timer.tickNow();
      await timer.tickNow();
    } finally {
      await timer.stop();
    }
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/RECORD_MISSING/);
    await db.query("DELETE FROM chain_writes WHERE status = 'pending'");
  });
});

describe("reconcileRegistryDeployment", () => {
  async function onChainState(client: TRegistriesClient) {
    return {
      a: await client.getAuthorization(AUTH_A),
      b: await client.getAuthorization(AUTH_B),
      reg: await client.getRegistration(REG_A),
    };
  }

  async function confirmedCount(): Promise<number> {
    const { rows } = await db.query<{ n: string }>(
      "SELECT count(*)::text AS n FROM chain_writes WHERE status = 'confirmed'",
    );
    return Number(rows[0]!.n);
  }

  /** Replays the queue on `client` and checks the chain ends up as `before`. */
  async function replayAndCompare(
    client: TRegistriesClient,
    before: Awaited<ReturnType<typeof onChainState>>,
  ) {
    const replay = await processChainWrites(db, client);
    expect(replay.failed).toBeNull();
    expect(replay.pending).toBe(0);
    const ids = replay.confirmed.map((c) => Number(c.id));
    expect([...ids].sort((x, y) => x - y)).toEqual(ids);
    const after = await onChainState(client);
    for (const key of ["a", "b", "reg"] as const) {
      expect(after[key]).toMatchObject({
        id: before[key]!.id,
        status: before[key]!.status,
        validFrom: before[key]!.validFrom,
        validUntil: before[key]!.validUntil,
      });
    }
    expect(after.a?.scopeHash).toBe(before.a?.scopeHash);
    expect(after.reg?.entryHash).toBe(before.reg?.entryHash);
  }

  it("changes nothing while the configured registries are the recorded ones and hold the history", async () => {
    expect(await reconcileRegistryDeployment(db, registries)).toEqual({
      chainId: "31337",
      replayed: [],
      requeued: 0,
    });
  });

  it("after a dev-chain restart (same addresses, empty contracts) re-queues and replays the whole history", async () => {
    const before = await onChainState(registries);
    expect(before.a?.status).toBe("revoked");
    const confirmed = await confirmedCount();
    await rpc("evm_revert", [emptyChainSnapshot]);
    const redeployed = await deployRegistries({
      rpcUrl: chain.rpcUrl,
      privateKey: DEV_CHAIN_ACCOUNT0_PRIVATE_KEY,
      stateFile: join(stateDir, "registries.json"),
    });
    // Same deployer, same nonces on a fresh chain: the very same addresses, but empty.
    expect(redeployed).toEqual({ ...deployed, deployedNow: true });
    const fresh = clientFor(redeployed);
    expect(await fresh.getAuthorization(AUTH_A)).toBeNull();
    const lines: string[] = [];
    const summary = await reconcileRegistryDeployment(db, fresh, { log: (l) => lines.push(l) });
    expect(summary).toEqual({
      chainId: "31337",
      replayed: [
        { registry: "catalogRegistry", reason: "history_missing" },
        { registry: "authorizationRegistry", reason: "history_missing" },
      ],
      requeued: confirmed,
    });
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/AuthorizationRegistry .* history is missing .* will be sent again/);
    expect(await pendingCount()).toBe(confirmed);
    await replayAndCompare(fresh, before);
    expect(await reconcileRegistryDeployment(db, fresh)).toMatchObject({ replayed: [], requeued: 0 });
  });

  it("for registries at new addresses re-queues the history, replays it there and records the new addresses", async () => {
    const before = await onChainState(registries);
    const moved = await deployRegistries({
      rpcUrl: chain.rpcUrl,
      privateKey: DEV_CHAIN_ACCOUNT0_PRIVATE_KEY,
      stateFile: join(stateDir, "moved.json"),
    });
    expect(moved.authorizationRegistry).not.toBe(deployed.authorizationRegistry);
    const movedClient = clientFor(moved);
    const summary = await reconcileRegistryDeployment(db, movedClient);
    expect(summary.replayed).toEqual([
      { registry: "catalogRegistry", reason: "new_address" },
      { registry: "authorizationRegistry", reason: "new_address" },
    ]);
    await replayAndCompare(movedClient, before);
    const [record] = await chainWritesFor(db, AUTH_A);
    expect(record!.contractAddress).toBe(moved.authorizationRegistry);
    const { rows } = await db.query<{ contract: string; address: string }>(
      "SELECT contract, address FROM chain_deployments WHERE chain_id = '31337' ORDER BY contract",
    );
    expect(rows).toEqual([
      { contract: "AuthorizationRegistry", address: moved.authorizationRegistry },
      { contract: "CatalogRegistry", address: moved.catalogRegistry },
    ]);
  });
});
