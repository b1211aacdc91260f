/**
 * The registries client and the launcher's deployRegistries against a REAL local chain
 * (`hardhat node`): deploy/reuse/redeploy, recording and reading registrations and
 * authorizations, idempotent writes, conflicts, refused status changes, roles, and a chain reset.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  authorizationChainId,
  orgChainId,
  registrationChainId,
  scenarioHash,
  scopeHash,
} from "@pdx/common/authorization-scope";
import { freePort } from "@pdx/common/embedded-postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deployRegistries, type TDeployedRegistries } from "../../../scripts/lib/deploy-registries";
import { startDevChain, type TDevChain } from "../../../scripts/lib/dev-chain";
import { ChainError } from "./chain-error";
import { DEV_CHAIN_ACCOUNT0_PRIVATE_KEY } from "./dev-accounts";
import { createRegistriesClient, type TRegistriesClient } from "./registries";
import { REGISTRY_CONTRACT_NAMES, registryArtifactPath } from "./registries-artifacts";
import type { THex32 } from "./types";

const ROOT = resolve(import.meta.dirname, "../../..");
/** Hardhat's default account #1 — funded on the dev chain, but never granted REGISTRAR_ROLE. */
const DEV_CHAIN_ACCOUNT1_PRIVATE_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const DAY_MS = 86_400_000;

let chain: TDevChain;
let stateDir: string;
let stateFile: string;
let deployed: TDeployedRegistries;
let client: TRegistriesClient;
const clients: TRegistriesClient[] = [];

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

function newClient(addresses: TDeployedRegistries, privateKey = DEV_CHAIN_ACCOUNT0_PRIVATE_KEY) {
  const c = createRegistriesClient({
    rpcUrl: chain.rpcUrl,
    privateKey,
    catalogRegistryAddress: addresses.catalogRegistry,
    authorizationRegistryAddress: addresses.authorizationRegistry,
  });
  clients.push(c);
  return c;
}

async function chainError(promise: Promise<unknown>, code: ChainError["code"]): Promise<ChainError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ChainError);
  expect((err as ChainError).code).toBe(code);
  return err as ChainError;
}

const OPERATOR_ORG = "5b0e7a4c-1d2e-4f3a-8b9c-0d1e2f3a4b5c";
const SOURCE_ORG = "7c1f8b5d-2e3f-4a4b-9c0d-1e2f3a4b5c6d";
const validFrom = new Date("2026-01-01T00:00:00.000Z");
const validUntil = new Date(validFrom.getTime() + 3 * 365 * DAY_MS);

function authorizationInput(authorizationId: string) {
  return {
    authorizationId,
    operatorOrgId: OPERATOR_ORG,
    scenarioHash: scenarioHash({ title: "district × industry statistics" }),
    scopeHash: scopeHash([{ datasetCode: "LE-BASE", fields: ["district", "industry"] }]),
    validFrom,
    validUntil,
  };
}

function registrationInput(registrationId: string) {
  return {
    registrationId,
    datasetCode: "LE-BASE",
    sourceOrgId: SOURCE_ORG,
    entryHash: `0x${"ab".repeat(32)}` as THex32,
    validFrom,
    validUntil,
  };
}

beforeAll(async () => {
  if (!REGISTRY_CONTRACT_NAMES.every((name) => existsSync(registryArtifactPath(name)))) {
    execFileSync(resolve(ROOT, "node_modules/.bin/hardhat"), ["compile", "--quiet"], {
      cwd: ROOT,
      stdio: "inherit",
    });
  }
  stateDir = mkdtempSync(join(tmpdir(), "pdx-registries-"));
  stateFile = join(stateDir, "nested", "registries.json");
  chain = await startDevChain({ port: await freePort() });
  deployed = await deployRegistries({
    rpcUrl: chain.rpcUrl,
    privateKey: DEV_CHAIN_ACCOUNT0_PRIVATE_KEY,
    stateFile,
  });
  client = newClient(deployed);
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await chain?.stop();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

describe("deployRegistries", () => {
  it("deploys both registries on a fresh chain and writes the state file", () => {
    expect(deployed.deployedNow).toBe(true);
    expect(deployed.chainId).toBe("31337");
    expect(deployed.catalogRegistry).not.toBe(deployed.authorizationRegistry);
    const state = JSON.parse(readFileSync(stateFile, "utf8"));
    expect(state).toMatchObject({
      chainId: "31337",
      catalogRegistry: deployed.catalogRegistry,
      authorizationRegistry: deployed.authorizationRegistry,
    });
  });

  it("reuses the stored addresses while they hold the registries' code", async () => {
    const again = await deployRegistries({
      rpcUrl: chain.rpcUrl,
      privateKey: DEV_CHAIN_ACCOUNT0_PRIVATE_KEY,
      stateFile,
    });
    expect(again).toEqual({ ...deployed, deployedNow: false });
  });

  it("deploys again when a stored address holds other code, or the deployer lacks REGISTRAR_ROLE", async () => {
    const otherFile = join(stateDir, "swapped.json");
    const state = JSON.parse(readFileSync(stateFile, "utf8"));
    // Swapped addresses: each holds code, but not the expected registry's.
    writeFileSync(
      otherFile,
      JSON.stringify({
        ...state,
        catalogRegistry: state.authorizationRegistry,
        authorizationRegistry: state.catalogRegistry,
      }),
    );
    const swapped = await deployRegistries({
      rpcUrl: chain.rpcUrl,
      privateKey: DEV_CHAIN_ACCOUNT0_PRIVATE_KEY,
      stateFile: otherFile,
    });
    expect(swapped.deployedNow).toBe(true);
    expect(swapped.catalogRegistry).not.toBe(state.authorizationRegistry);

    // Account #1 did not deploy these: it has no role there, so it gets its own registries.
    writeFileSync(otherFile, JSON.stringify(state));
    const byOther = await deployRegistries({
      rpcUrl: chain.rpcUrl,
      privateKey: DEV_CHAIN_ACCOUNT1_PRIVATE_KEY,
      stateFile: otherFile,
    });
    expect(byOther.deployedNow).toBe(true);
    expect(byOther.authorizationRegistry).not.toBe(deployed.authorizationRegistry);
  });

  it("treats a damaged state file as none, and refuses an unreachable chain with CHAIN_UNREACHABLE", async () => {
    const damaged = join(stateDir, "damaged.json");
    writeFileSync(damaged, "{not json");
    const fresh = await deployRegistries({
      rpcUrl: chain.rpcUrl,
      privateKey: DEV_CHAIN_ACCOUNT0_PRIVATE_KEY,
      stateFile: damaged,
    });
    expect(fresh.deployedNow).toBe(true);
    expect(JSON.parse(readFileSync(damaged, "utf8")).catalogRegistry).toBe(fresh.catalogRegistry);
    await chainError(
      deployRegistries({
        rpcUrl: `http://127.0.0.1:${await freePort()}`,
        privateKey: DEV_CHAIN_ACCOUNT0_PRIVATE_KEY,
        stateFile: damaged,
      }),
      "CHAIN_UNREACHABLE",
    );
  });
});

describe("authorizations", () => {
  const id = "3f1c9a52-7d8e-4b1f-9a0c-2e5d6f7a8b9c";

  it("reads null for an authorization not recorded", async () => {
    expect(await client.getAuthorization(id)).toBeNull();
  });

  it("records an authorization (1 confirmation) and reads it back", async () => {
    const input = authorizationInput(id);
    const receipt = await client.recordAuthorization(input);
    expect(receipt).toMatchObject({
      contractAddress: deployed.authorizationRegistry,
      chainId: "31337",
      alreadyOnChain: false,
    });
    expect(receipt.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(receipt.blockNumber).toBeGreaterThan(0);
    const stored = await client.getAuthorization(id);
    expect(stored).toMatchObject({
      id: authorizationChainId(id),
      operatorId: orgChainId(OPERATOR_ORG),
      scenarioHash: input.scenarioHash,
      scopeHash: input.scopeHash,
      validFrom,
      validUntil,
      status: "active",
    });
  });

  it("is idempotent: recording the same again sends nothing and returns the original transaction", async () => {
    const first = await client.recordAuthorization(authorizationInput(id));
    const blockBefore = Number(await rpc("eth_blockNumber"));
    const again = await client.recordAuthorization(authorizationInput(id));
    expect(Number(await rpc("eth_blockNumber"))).toBe(blockBefore);
    expect(again).toEqual({ ...first, alreadyOnChain: true });
  });

  it("refuses different content under the same id with RECORD_CONFLICT (records are write-once)", async () => {
    await chainError(
      client.recordAuthorization({ ...authorizationInput(id), operatorOrgId: SOURCE_ORG }),
      "RECORD_CONFLICT",
    );
    await chainError(
      client.recordAuthorization({
        ...authorizationInput(id),
        validUntil: new Date(validUntil.getTime() + 1000),
      }),
      "RECORD_CONFLICT",
    );
    expect((await client.getAuthorization(id))?.operatorId).toBe(orgChainId(OPERATOR_ORG));
  });

  it("changes status (suspend, resume), each idempotent, and refuses leaving Revoked", async () => {
    const suspended = await client.setAuthorizationStatus(id, "suspended");
    expect(suspended.alreadyOnChain).toBe(false);
    expect((await client.getAuthorization(id))?.status).toBe("suspended");
    expect(await client.setAuthorizationStatus(id, "suspended")).toEqual({
      ...suspended,
      alreadyOnChain: true,
    });

    const resumed = await client.setAuthorizationStatus(id, "active");
    expect(resumed.alreadyOnChain).toBe(false);
    expect(await client.setAuthorizationStatus(id, "active")).toEqual({ ...resumed, alreadyOnChain: true });

    await client.setAuthorizationStatus(id, "revoked");
    const err = await chainError(client.setAuthorizationStatus(id, "active"), "INVALID_STATUS_TRANSITION");
    expect(err.detail).toBe("AuthorizationRegistryInvalidStatusTransition");
    expect((await client.getAuthorization(id))?.status).toBe("revoked");
  });

  it("setting 'active' on a just-recorded authorization returns the recording transaction", async () => {
    const other = "4a2d0b63-8e9f-4c2a-8b1d-3f6e7a8b9c0d";
    const recorded = await client.recordAuthorization(authorizationInput(other));
    expect(await client.setAuthorizationStatus(other, "active")).toEqual({
      ...recorded,
      alreadyOnChain: true,
    });
  });

  it("refuses a status change for an unrecorded id with RECORD_MISSING", async () => {
    await chainError(
      client.setAuthorizationStatus("00000000-0000-4000-8000-000000000001", "suspended"),
      "RECORD_MISSING",
    );
  });

  it("refuses bad input before sending: term over 1827 days, reversed term, zero hash, non-uuid id", async () => {
    const input = authorizationInput("5b3e1c74-9f0a-4d3b-8c2e-4a7f8b9c0d1e");
    await chainError(
      client.recordAuthorization({ ...input, validUntil: new Date(validFrom.getTime() + 1828 * DAY_MS) }),
      "INVALID_ARGUMENT",
    );
    // Exactly 1827 days is the limit, accepted.
    const longest = await client.recordAuthorization({
      ...input,
      validUntil: new Date(validFrom.getTime() + 1827 * DAY_MS),
    });
    expect(longest.alreadyOnChain).toBe(false);
    await chainError(client.recordAuthorization({ ...input, validUntil: validFrom }), "INVALID_ARGUMENT");
    await chainError(
      client.recordAuthorization({ ...input, scopeHash: `0x${"00".repeat(32)}` as THex32 }),
      "INVALID_ARGUMENT",
    );
    await chainError(client.recordAuthorization({ ...input, authorizationId: "nope" }), "INVALID_ARGUMENT");
    await chainError(
      client.setAuthorizationStatus(input.authorizationId, "none" as "active"),
      "INVALID_ARGUMENT",
    );
  });

  it("refuses an account without REGISTRAR_ROLE with NOT_AUTHORIZED", async () => {
    const outsider = newClient(deployed, DEV_CHAIN_ACCOUNT1_PRIVATE_KEY);
    const err = await chainError(
      outsider.recordAuthorization(authorizationInput("6c4f2d85-0a1b-4e4c-9d3f-5b8a9c0d1e2f")),
      "NOT_AUTHORIZED",
    );
    expect(err.message).toContain("REGISTRAR_ROLE");
  });
});

describe("registrations", () => {
  const id = "0b6f3c1e-2a4d-4e8f-9b7a-1c2d3e4f5a6b";

  it("records, reads, is idempotent, and moves Coded → Superseded only once", async () => {
    expect(await client.getRegistration(id)).toBeNull();
    const recorded = await client.recordRegistration(registrationInput(id));
    expect(recorded).toMatchObject({ contractAddress: deployed.catalogRegistry, alreadyOnChain: false });
    expect(await client.recordRegistration(registrationInput(id))).toEqual({
      ...recorded,
      alreadyOnChain: true,
    });
    expect(await client.getRegistration(id)).toMatchObject({
      id: registrationChainId(id),
      sourceId: orgChainId(SOURCE_ORG),
      entryHash: `0x${"ab".repeat(32)}`,
      status: "coded",
      validFrom,
      validUntil,
    });
    await chainError(
      client.recordRegistration({ ...registrationInput(id), entryHash: `0x${"cd".repeat(32)}` as THex32 }),
      "RECORD_CONFLICT",
    );
    const superseded = await client.setRegistrationStatus(id, "superseded");
    expect(await client.setRegistrationStatus(id, "superseded")).toEqual({
      ...superseded,
      alreadyOnChain: true,
    });
    await chainError(client.setRegistrationStatus(id, "expired"), "INVALID_STATUS_TRANSITION");
    expect((await client.getRegistration(id))?.status).toBe("superseded");
  });

  it("refuses a malformed dataset code and an unrecorded id", async () => {
    await chainError(
      client.recordRegistration({
        ...registrationInput("1c7a4d2f-3b5e-4f9a-8c0b-2d3e4f5a6b7c"),
        datasetCode: "le",
      }),
      "INVALID_ARGUMENT",
    );
    await chainError(
      client.setRegistrationStatus("1c7a4d2f-3b5e-4f9a-8c0b-2d3e4f5a6b7c", "expired"),
      "RECORD_MISSING",
    );
  });
});

describe("after a chain reset", () => {
  it("reports CONTRACT_MISSING, and deployRegistries deploys fresh registries", async () => {
    const snapshot = (await rpc("evm_snapshot")) as string;
    try {
      // Back to an empty chain: what a dev-chain restart looks like.
      await rpc("hardhat_setCode", [deployed.authorizationRegistry, "0x"]);
      await rpc("hardhat_setCode", [deployed.catalogRegistry, "0x"]);
      const fresh = newClient(deployed);
      const err = await chainError(
        fresh.getAuthorization("3f1c9a52-7d8e-4b1f-9a0c-2e5d6f7a8b9c"),
        "CONTRACT_MISSING",
      );
      expect(err.message).toContain("AuthorizationRegistry");
      // The long-lived client had verified the address before: it notices the code is gone.
      await chainError(client.getRegistration("0b6f3c1e-2a4d-4e8f-9b7a-1c2d3e4f5a6b"), "CONTRACT_MISSING");
      const redeployed = await deployRegistries({
        rpcUrl: chain.rpcUrl,
        privateKey: DEV_CHAIN_ACCOUNT0_PRIVATE_KEY,
        stateFile,
      });
      expect(redeployed.deployedNow).toBe(true);
      expect(redeployed.authorizationRegistry).not.toBe(deployed.authorizationRegistry);
    } finally {
      await rpc("evm_revert", [snapshot]);
    }
  });
});
