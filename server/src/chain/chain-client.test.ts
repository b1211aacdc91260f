/**
 * The chain client against REAL local chains (`hardhat node` via scripts/lib/dev-chain.ts):
 * deploy, anchor a batch built with common/src/merkle.ts, read it back, verify records on chain,
 * reuse vs re-deploy of the contract, and the errors a caller can meet.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { freePort } from "@pdx/common/embedded-postgres";
import { sha256Hex } from "@pdx/common/hash";
import { buildMerkleTree, merkleLeaf } from "@pdx/common/merkle";
import { JsonRpcProvider, Wallet } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevChain, type TDevChain } from "../../../scripts/lib/dev-chain";
import { ChainError, createChainClient, DEV_CHAIN_ACCOUNT0_PRIVATE_KEY, type TChainClient } from "./index";
import { USAGE_ANCHOR_ARTIFACT_PATH } from "./usage-anchor-artifact";

const ROOT = resolve(import.meta.dirname, "../../..");
/** Hardhat's default account #1 — funded on the dev chain, but never granted ANCHORER_ROLE. */
const DEV_CHAIN_ACCOUNT1_PRIVATE_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
/** Init code that deploys a contract whose whole runtime code is one STOP byte: code, but no UsageAnchor. */
const NOT_A_USAGE_ANCHOR_INIT_CODE = "0x600060005360016000f3";

/** Records of one usage batch and its Merkle tree, as the server builds them. */
const recordHashes = Array.from({ length: 5 }, (_, i) => sha256Hex(`usage-record:chain-client-test:${i}`));
const tree = buildMerkleTree(recordHashes.map(merkleLeaf));

const started: TDevChain[] = [];
const clients: TChainClient[] = [];
let chain: TDevChain;
let client: TChainClient;
let anchorAddress: string;

async function startChain(network?: string): Promise<TDevChain> {
  const t0 = performance.now();
  const c = await startDevChain({ port: await freePort(), network });
  started.push(c);
  console.info(`[timing] dev chain ready in ${Math.round(performance.now() - t0)} ms`);
  return c;
}

function newClient(opts: {
  rpcUrl: string;
  privateKey?: string;
  usageAnchorAddress?: string | null;
}): TChainClient {
  const c = createChainClient({ privateKey: DEV_CHAIN_ACCOUNT0_PRIVATE_KEY, ...opts });
  clients.push(c);
  return c;
}

/** Expects `promise` to reject with a ChainError of `code`; returns it for further checks. */
async function chainError(promise: Promise<unknown>, code: ChainError["code"]): Promise<ChainError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ChainError);
  expect((err as ChainError).code).toBe(code);
  return err as ChainError;
}

beforeAll(async () => {
  if (!existsSync(USAGE_ANCHOR_ARTIFACT_PATH)) {
    execFileSync(resolve(ROOT, "node_modules/.bin/hardhat"), ["compile", "--quiet"], {
      cwd: ROOT,
      stdio: "inherit",
    });
  }
  chain = await startChain();
  client = newClient({ rpcUrl: chain.rpcUrl });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all(started.map((c) => c.stop()));
});

describe("chain client on a real dev chain", () => {
  it("reads the chain id, and the dev key is the chain's funded account #0", async () => {
    expect(await client.chainId()).toBe("31337");
    const provider = new JsonRpcProvider(chain.rpcUrl, undefined, { staticNetwork: true });
    try {
      const accounts = (await provider.send("eth_accounts", [])) as string[];
      expect(accounts[0]?.toLowerCase()).toBe(
        new Wallet(DEV_CHAIN_ACCOUNT0_PRIVATE_KEY).address.toLowerCase(),
      );
    } finally {
      provider.destroy();
    }
  });

  it("will not start a second dev chain on a port in use", async () => {
    const port = Number(new URL(chain.rpcUrl).port);
    await expect(startDevChain({ port })).rejects.toThrow(`port ${port} is already in use`);
  });

  it("refuses to anchor before a contract is known (CONTRACT_MISSING)", async () => {
    const err = await chainError(client.anchorBatch(1n, tree.root, 5), "CONTRACT_MISSING");
    expect(err.message).toMatch(/ensureUsageAnchor/);
  });

  it("deploys a UsageAnchor when no address is known", async () => {
    const result = await client.ensureUsageAnchor(null);
    expect(result.deployedNow).toBe(true);
    expect(result.address).toMatch(/^0x[0-9a-fA-F]{40}$/);
    anchorAddress = result.address;
  });

  it("anchors a Merkle batch right after the deploy and returns where it landed", async () => {
    const t0 = performance.now();
    const receipt = await client.anchorBatch(1n, tree.root, recordHashes.length);
    console.info(`[timing] anchorBatch (send + mined receipt) took ${Math.round(performance.now() - t0)} ms`);
    expect(receipt.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(receipt.blockNumber).toBeGreaterThan(0);
    expect(receipt.contractAddress).toBe(anchorAddress);
    expect(receipt.chainId).toBe("31337");
  });

  it("reads the anchored batch back, and null for a batch never anchored", async () => {
    const before = Date.now();
    const batch = await client.readBatch(1n);
    expect(batch).not.toBeNull();
    expect(batch!.root).toBe(tree.root);
    expect(batch!.recordCount).toBe(5);
    expect(batch!.anchoredBy).toBe(new Wallet(DEV_CHAIN_ACCOUNT0_PRIVATE_KEY).address);
    // The dev chain stamps blocks with wall-clock seconds.
    expect(Math.abs(batch!.anchoredAt.getTime() - before)).toBeLessThan(120_000);
    expect(await client.readBatch(999n)).toBeNull();
  });

  it("verifies every record on chain and rejects a tampered one", async () => {
    for (const [i, recordHash] of recordHashes.entries()) {
      expect(await client.verifyRecordOnChain(1n, merkleLeaf(recordHash), tree.proof(i))).toBe(true);
    }
    const tamperedLeaf = merkleLeaf(sha256Hex("usage-record:chain-client-test:2 (altered)"));
    expect(await client.verifyRecordOnChain(1n, tamperedLeaf, tree.proof(2))).toBe(false);
    expect(await client.verifyRecordOnChain(1n, tree.leaves[2]!, tree.proof(3))).toBe(false);
    expect(await client.verifyRecordOnChain(2n, tree.leaves[2]!, tree.proof(2))).toBe(false);
  });

  it("sends concurrent anchors from one client without nonce clashes", async () => {
    const roots = [3n, 4n, 5n].map((id) => buildMerkleTree([merkleLeaf(sha256Hex(`batch-${id}`))]).root);
    const receipts = await Promise.all([3n, 4n, 5n].map((id, i) => client.anchorBatch(id, roots[i]!, 1)));
    expect(new Set(receipts.map((r) => r.txHash)).size).toBe(3);
    for (const [i, id] of [3n, 4n, 5n].entries()) expect((await client.readBatch(id))?.root).toBe(roots[i]);
  });

  it("reports a second anchor of the same batch as BATCH_ALREADY_ANCHORED", async () => {
    const other = buildMerkleTree([merkleLeaf(sha256Hex("something else"))]).root;
    const err = await chainError(client.anchorBatch(1n, other, 1), "BATCH_ALREADY_ANCHORED");
    expect(err.message).toContain(tree.root);
    expect((await client.readBatch(1n))?.root).toBe(tree.root);
  });

  it("reports an account without ANCHORER_ROLE as NOT_AUTHORIZED", async () => {
    const outsider = newClient({
      rpcUrl: chain.rpcUrl,
      privateKey: DEV_CHAIN_ACCOUNT1_PRIVATE_KEY,
      usageAnchorAddress: anchorAddress,
    });
    const err = await chainError(outsider.anchorBatch(77n, tree.root, 5), "NOT_AUTHORIZED");
    expect(err.message).toMatch(/ANCHORER_ROLE/);
    expect(await client.readBatch(77n)).toBeNull();
  });

  it("rejects malformed arguments before touching the chain (INVALID_ARGUMENT)", async () => {
    await chainError(client.anchorBatch(-1n, tree.root, 5), "INVALID_ARGUMENT");
    await chainError(client.anchorBatch(1n << 64n, tree.root, 5), "INVALID_ARGUMENT");
    await chainError(client.anchorBatch(6n, `0x${"00".repeat(32)}`, 5), "INVALID_ARGUMENT");
    await chainError(client.anchorBatch(6n, "0x1234", 5), "INVALID_ARGUMENT");
    await chainError(client.anchorBatch(6n, tree.root, 0), "INVALID_ARGUMENT");
    await chainError(client.verifyRecordOnChain(1n, tree.leaves[0]!, ["0xzz"]), "INVALID_ARGUMENT");
    await chainError(client.ensureUsageAnchor("not-an-address"), "INVALID_ARGUMENT");
    expect(() => createChainClient({ rpcUrl: chain.rpcUrl, privateKey: "0x1234" })).toThrow(ChainError);
  });

  it("reuses an existing deployment (given explicitly, or from the client's configuration)", async () => {
    expect(await client.ensureUsageAnchor(anchorAddress)).toEqual({
      address: anchorAddress,
      deployedNow: false,
    });
    const configured = newClient({ rpcUrl: chain.rpcUrl, usageAnchorAddress: anchorAddress.toLowerCase() });
    expect(await configured.ensureUsageAnchor()).toEqual({ address: anchorAddress, deployedNow: false });
    expect((await configured.readBatch(1n))?.root).toBe(tree.root);
  });

  it("deploys anew when the known address holds some other contract", async () => {
    const wallet = new Wallet(
      DEV_CHAIN_ACCOUNT0_PRIVATE_KEY,
      new JsonRpcProvider(chain.rpcUrl, undefined, { staticNetwork: true, cacheTimeout: -1 }),
    );
    try {
      const tx = await wallet.sendTransaction({ data: NOT_A_USAGE_ANCHOR_INIT_CODE });
      const strangerAddress = (await tx.wait())!.contractAddress!;
      expect(await wallet.provider!.getCode(strangerAddress)).toBe("0x00");
      const other = newClient({ rpcUrl: chain.rpcUrl });
      const result = await other.ensureUsageAnchor(strangerAddress);
      expect(result.deployedNow).toBe(true);
      expect(result.address).not.toBe(strangerAddress);
    } finally {
      wallet.provider!.destroy();
    }
  });
});

describe("chain client when the dev chain is restarted (fresh state, same URL)", () => {
  it("reports the chain as unreachable while down, the vanished contract as CONTRACT_MISSING, then re-deploys", async () => {
    const first = await startChain();
    const port = Number(new URL(first.rpcUrl).port);
    const survivor = newClient({ rpcUrl: first.rpcUrl });
    const { address: oldAddress } = await survivor.ensureUsageAnchor(null);
    await survivor.anchorBatch(1n, tree.root, 5);
    const reader = newClient({ rpcUrl: first.rpcUrl, usageAnchorAddress: oldAddress });
    expect((await reader.readBatch(1n))?.root).toBe(tree.root);

    await first.stop();
    const down = await chainError(survivor.readBatch(1n), "CHAIN_UNREACHABLE");
    expect(down.message).toContain(first.rpcUrl);

    const restarted = await startDevChain({ port });
    started.push(restarted);
    // Both clients had verified the contract; the fresh chain has no code there. A transaction to
    // a code-less address would "succeed" doing nothing: the missing event gives it away.
    await chainError(survivor.anchorBatch(2n, tree.root, 5), "CONTRACT_MISSING");
    // A read gets an empty answer instead of a batch.
    await chainError(reader.readBatch(1n), "CONTRACT_MISSING");
    // A client newly configured with the stale address checks the code first.
    const configured = newClient({ rpcUrl: restarted.rpcUrl, usageAnchorAddress: oldAddress });
    await chainError(configured.verifyRecordOnChain(1n, tree.leaves[0]!, tree.proof(0)), "CONTRACT_MISSING");

    const redeployed = await survivor.ensureUsageAnchor();
    expect(redeployed.deployedNow).toBe(true);
    expect(redeployed.address).not.toBe(oldAddress);
    await survivor.anchorBatch(1n, tree.root, 5);
    expect(await survivor.verifyRecordOnChain(1n, tree.leaves[4]!, tree.proof(4))).toBe(true);
    expect(await configured.ensureUsageAnchor(oldAddress)).toMatchObject({ deployedNow: true });
  });
});

describe("chain client and fees", () => {
  it("deploys and anchors from an account without any coin on a zero-base-fee chain (Besu zeroBaseFee)", async () => {
    const zeroFee = await startChain("zeroFee");
    const penniless = Wallet.createRandom();
    const c = newClient({ rpcUrl: zeroFee.rpcUrl, privateKey: penniless.privateKey });
    expect((await c.ensureUsageAnchor(null)).deployedNow).toBe(true);
    await c.anchorBatch(1n, tree.root, 5);
    expect((await c.readBatch(1n))?.anchoredBy).toBe(penniless.address);
    const provider = new JsonRpcProvider(zeroFee.rpcUrl, undefined, { staticNetwork: true });
    try {
      expect(await provider.getBalance(penniless.address)).toBe(0n);
    } finally {
      provider.destroy();
    }
  });

  it("reports an account that cannot pay on a chain that charges as TX_FAILED, without raw RPC text", async () => {
    const penniless = newClient({ rpcUrl: chain.rpcUrl, privateKey: Wallet.createRandom().privateKey });
    const broke = await chainError(penniless.ensureUsageAnchor(null), "TX_FAILED");
    expect(broke.message).toBe(
      "deploying the UsageAnchor contract was refused: the signing account cannot pay for gas on this chain",
    );
    expect(broke.detail).toBe("ZERO_BALANCE");

    // One wei is not zero, so the node itself refuses the transaction.
    const poor = Wallet.createRandom();
    const provider = new JsonRpcProvider(chain.rpcUrl, undefined, { staticNetwork: true, cacheTimeout: -1 });
    try {
      const funder = new Wallet(DEV_CHAIN_ACCOUNT0_PRIVATE_KEY, provider);
      await (await funder.sendTransaction({ to: poor.address, value: 1n })).wait();
    } finally {
      provider.destroy();
    }
    const poorClient = newClient({ rpcUrl: chain.rpcUrl, privateKey: poor.privateKey });
    const refused = await chainError(poorClient.ensureUsageAnchor(null), "TX_FAILED");
    expect(refused.message).toBe(broke.message);
    expect(refused.detail).toBe("INSUFFICIENT_FUNDS");
  });
});

describe("chain client without a chain", () => {
  it("gives CHAIN_UNREACHABLE with a clear message and no raw RPC text", async () => {
    const rpcUrl = `http://127.0.0.1:${await freePort()}`;
    const unreachable = newClient({ rpcUrl });
    const err = await chainError(unreachable.chainId(), "CHAIN_UNREACHABLE");
    expect(err.message).toBe(
      `the chain's JSON-RPC endpoint ${rpcUrl} is unreachable — is the chain running?`,
    );
    expect(err.detail).toBe("ECONNREFUSED");
    await chainError(unreachable.ensureUsageAnchor(null), "CHAIN_UNREACHABLE");
    await chainError(unreachable.readBatch(1n), "CHAIN_UNREACHABLE");
    await unreachable.close();
    await chainError(unreachable.chainId(), "CLIENT_CLOSED");
  });
});
