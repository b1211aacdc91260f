/**
 * TChainClient over ethers v6 JSON-RPC. Provider pitfalls handled here:
 * - The chain id is read once with a plain request (clear CHAIN_UNREACHABLE instead of ethers'
 *   endless "failed to detect network" retries) and then fixed with `staticNetwork`.
 * - `cacheTimeout: -1` so the nonce is never read from a stale cache right after a deploy
 *   ("nonce too low"); writes are serialized so two concurrent sends never share a nonce.
 * - No request batching (`batchMaxCount: 1`): nothing to stall on, and some RPC gateways of
 *   permissioned chains refuse batches.
 * - Fees from fee-policy.ts: zero-priced transactions on free-gas chains, no hard-coded price.
 */
import {
  Contract,
  ContractFactory,
  FetchRequest,
  getAddress,
  Interface,
  type InterfaceAbi,
  isAddress,
  isError,
  JsonRpcProvider,
  id as keccakUtf8,
  Network,
  Wallet,
} from "ethers";
import { z } from "zod";
import { ChainError, errorLabel, isUnreachable, unreachable } from "./chain-error";
import { chooseFees, type TFeeOverrides } from "./fee-policy";
import type { TAnchorReceipt, TChainClient, THex32, TOnChainBatch } from "./types";
import { loadUsageAnchorArtifact } from "./usage-anchor-artifact";

const RPC_TIMEOUT_MS = 15_000;
const CONFIRM_TIMEOUT_MS = 60_000;
const POLLING_INTERVAL_MS = 500;
const UINT32_MAX = 0xffff_ffff;
const UINT64_MAX = (1n << 64n) - 1n;
const ANCHORER_ROLE = keccakUtf8("ANCHORER_ROLE");
const HEX32 = /^0x[0-9a-fA-F]{64}$/;
const ZERO32 = `0x${"00".repeat(32)}`;

const ZOnChainBatch = z.object({
  root: z.string().regex(HEX32),
  recordCount: z.bigint(),
  anchoredAt: z.bigint(),
  anchoredBy: z.string().refine((a) => isAddress(a)),
});

export interface TChainClientOptions {
  /** JSON-RPC endpoint (http/https). */
  rpcUrl: string;
  /** 0x-prefixed 32-byte hex key of the account that deploys and anchors. */
  privateKey: string;
  /** Address of an existing UsageAnchor, if known (else call ensureUsageAnchor). */
  usageAnchorAddress?: string | null;
}

/** A live JSON-RPC connection with the signing wallet (shared with registries.ts). */
export interface TConnection {
  provider: JsonRpcProvider;
  wallet: Wallet;
  /** Decimal chain id. */
  chainId: string;
}

/**
 * Opens a provider on `rpcUrl` with the pitfalls above handled (chain id probed once, then
 * `staticNetwork`; no response cache; no batching) and a wallet for `signingKey`.
 */
export async function openConnection(rpcUrl: string, signingKey: string): Promise<TConnection> {
  const chainIdHex = await probeChainId(rpcUrl);
  const request = new FetchRequest(rpcUrl);
  request.timeout = RPC_TIMEOUT_MS;
  const provider = new JsonRpcProvider(request, undefined, {
    staticNetwork: Network.from(BigInt(chainIdHex)),
    cacheTimeout: -1,
    batchMaxCount: 1,
    pollingInterval: POLLING_INTERVAL_MS,
  });
  return { provider, wallet: new Wallet(signingKey, provider), chainId: BigInt(chainIdHex).toString() };
}

/** Fee fields for the next transaction of `conn.wallet` (fee-policy.ts); refuses when it cannot pay. */
export async function feeOverridesFor(conn: TConnection): Promise<TFeeOverrides> {
  const [gasPriceHex, block, balance] = await Promise.all([
    conn.provider.send("eth_gasPrice", []) as Promise<string>,
    conn.provider.getBlock("latest"),
    conn.provider.getBalance(conn.wallet.address),
  ]);
  const fees = chooseFees({
    gasPrice: BigInt(gasPriceHex),
    baseFeePerGas: block?.baseFeePerGas ?? null,
    balance,
  });
  if (!("gasPrice" in fees) && balance === 0n) throw cannotPay();
  return fees;
}

/** Creates a chain client. Nothing is contacted until the first call. */
export function createChainClient(opts: TChainClientOptions): TChainClient {
  const artifact = loadUsageAnchorArtifact();
  const abi = artifact.abi as InterfaceAbi;
  const usageAnchorInterface = new Interface(abi);
  const rpcUrl = parseRpcUrl(opts.rpcUrl);
  const signingKey = parsePrivateKey(opts.privateKey);
  let address: string | null = opts.usageAnchorAddress
    ? parseAddress(opts.usageAnchorAddress, "usageAnchorAddress")
    : null;
  /** Addresses already confirmed to hold a UsageAnchor. */
  const verified = new Set<string>();
  let connecting: Promise<TConnection> | undefined;
  let closed = false;
  let writeQueue: Promise<unknown> = Promise.resolve();

  function connect(): Promise<TConnection> {
    if (closed) return Promise.reject(new ChainError("CLIENT_CLOSED", "the chain client is closed"));
    if (connecting) return connecting;
    const attempt = openConnection(rpcUrl, signingKey);
    connecting = attempt;
    // A failed connection attempt is forgotten so the next call tries again (the chain may come up later).
    attempt.catch(() => {
      if (connecting === attempt) connecting = undefined;
    });
    return attempt;
  }

  /** Runs write operations one after another (one nonce sequence per client). */
  function serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = writeQueue.then(work, work);
    writeQueue = run.catch(() => undefined);
    return run;
  }

  async function isUsageAnchorAt(conn: TConnection, candidate: string): Promise<boolean> {
    const code = await conn.provider.getCode(candidate);
    if (code === "0x") return false;
    try {
      const contract = new Contract(candidate, abi, conn.provider);
      const role: unknown = await contract.getFunction("ANCHORER_ROLE").staticCall();
      if (role !== ANCHORER_ROLE) return false;
      ZOnChainBatch.parse(toBatchFields(await contract.getFunction("batchOf").staticCall(0n)));
      return true;
    } catch (err) {
      if (isUnreachable(err)) throw err;
      return false;
    }
  }

  /** The contract to use, after making sure a UsageAnchor lives at its address. */
  async function usageAnchor(conn: TConnection): Promise<Contract> {
    if (!address) {
      throw new ChainError(
        "CONTRACT_MISSING",
        "no UsageAnchor contract is configured; call ensureUsageAnchor() to find or deploy one",
      );
    }
    if (!verified.has(address)) {
      if (!(await isUsageAnchorAt(conn, address))) throw contractMissing(address);
      verified.add(address);
    }
    return new Contract(address, abi, conn.wallet);
  }

  /** Maps any failure to a ChainError (keeps ChainErrors as they are). */
  function asChainError(err: unknown, doing: string, kind: "read" | "write"): ChainError {
    if (err instanceof ChainError) return err;
    if (isUnreachable(err)) return unreachable(rpcUrl, err);
    // An empty answer where the contract should reply: its code is gone (the chain was reset).
    if (isError(err, "BAD_DATA") && address) {
      verified.delete(address);
      return contractMissing(address);
    }
    if (kind === "read")
      return new ChainError("CALL_FAILED", `${doing} failed on chain`, { detail: errorLabel(err) });
    if (isError(err, "INSUFFICIENT_FUNDS") || isInsufficientFunds(err)) {
      return new ChainError("TX_FAILED", `${doing} was refused: ${CANNOT_PAY}`, {
        detail: "INSUFFICIENT_FUNDS",
      });
    }
    if (err instanceof CannotPay) {
      return new ChainError("TX_FAILED", `${doing} was refused: ${CANNOT_PAY}`, { detail: "ZERO_BALANCE" });
    }
    return new ChainError("TX_FAILED", `${doing} failed: the transaction was refused or reverted`, {
      detail: errorLabel(err),
    });
  }

  return {
    async chainId() {
      try {
        return (await connect()).chainId;
      } catch (err) {
        throw asChainError(err, "reading the chain id", "read");
      }
    },

    async ensureUsageAnchor(knownAddress) {
      const candidate =
        knownAddress === undefined
          ? address
          : knownAddress
            ? parseAddress(knownAddress, "knownAddress")
            : null;
      return serialized(async () => {
        let txHash: string | undefined;
        try {
          const conn = await connect();
          // Always look again: the chain may have been reset since the address was last seen.
          if (candidate && (await isUsageAnchorAt(conn, candidate))) {
            verified.add(candidate);
            address = candidate;
            return { address: candidate, deployedNow: false };
          }
          const factory = new ContractFactory(abi, artifact.bytecode, conn.wallet);
          const deployTx = await factory.getDeployTransaction();
          const tx = await conn.wallet.sendTransaction({ ...deployTx, ...(await feeOverridesFor(conn)) });
          txHash = tx.hash;
          const receipt = await tx.wait(1, CONFIRM_TIMEOUT_MS);
          if (receipt?.status !== 1 || !receipt.contractAddress) {
            throw new ChainError(
              "TX_FAILED",
              "deploying the UsageAnchor contract failed: the transaction reverted",
              {
                txHash: tx.hash,
              },
            );
          }
          const deployed = getAddress(receipt.contractAddress);
          verified.add(deployed);
          address = deployed;
          return { address: deployed, deployedNow: true };
        } catch (err) {
          throw (
            notConfirmed(err, "deploying the UsageAnchor contract", txHash) ??
            asChainError(err, "deploying the UsageAnchor contract", "write")
          );
        }
      });
    },

    async anchorBatch(batchId, root, recordCount) {
      checkBatchId(batchId);
      checkHex32(root, "root");
      if (root === ZERO32) throw new ChainError("INVALID_ARGUMENT", "root must not be zero");
      if (!Number.isInteger(recordCount) || recordCount < 1 || recordCount > UINT32_MAX) {
        throw new ChainError("INVALID_ARGUMENT", `recordCount must be an integer in 1..${UINT32_MAX}`);
      }
      return serialized(async () => {
        let txHash: string | undefined;
        try {
          const conn = await connect();
          const contract = await usageAnchor(conn);
          const contractAddress = await contract.getAddress();
          const anchor = contract.getFunction("anchorBatch");
          const tx = await anchor.send(batchId, root, recordCount, await feeOverridesFor(conn));
          txHash = tx.hash;
          const receipt = await tx.wait(1, CONFIRM_TIMEOUT_MS);
          if (receipt?.status !== 1) {
            throw new ChainError("TX_FAILED", `anchoring batch ${batchId} failed: the transaction reverted`, {
              txHash,
            });
          }
          // A transaction to an address without code "succeeds" doing nothing: insist on the event.
          const anchored = receipt.logs.some(
            (log) =>
              getAddress(log.address) === contractAddress &&
              contract.interface.parseLog(log)?.name === "BatchAnchored",
          );
          if (!anchored) {
            verified.delete(contractAddress);
            throw contractMissing(contractAddress);
          }
          return {
            txHash: receipt.hash,
            blockNumber: receipt.blockNumber,
            contractAddress,
            chainId: conn.chainId,
          } satisfies TAnchorReceipt;
        } catch (err) {
          throw (
            revertToChainError(err, usageAnchorInterface, batchId, txHash) ??
            notConfirmed(err, `anchoring batch ${batchId}`, txHash) ??
            asChainError(err, `anchoring batch ${batchId}`, "write")
          );
        }
      });
    },

    async readBatch(batchId) {
      checkBatchId(batchId);
      try {
        const conn = await connect();
        const contract = await usageAnchor(conn);
        const fields = ZOnChainBatch.parse(
          toBatchFields(await contract.getFunction("batchOf").staticCall(batchId)),
        );
        if (fields.anchoredAt === 0n) return null;
        return {
          root: fields.root.toLowerCase() as THex32,
          recordCount: Number(fields.recordCount),
          anchoredAt: new Date(Number(fields.anchoredAt) * 1000),
          anchoredBy: getAddress(fields.anchoredBy),
        } satisfies TOnChainBatch;
      } catch (err) {
        throw asChainError(err, `reading batch ${batchId}`, "read");
      }
    },

    async verifyRecordOnChain(batchId, leaf, proof) {
      checkBatchId(batchId);
      checkHex32(leaf, "leaf");
      if (!Array.isArray(proof))
        throw new ChainError("INVALID_ARGUMENT", "proof must be an array of 32-byte hex values");
      for (const [i, node] of proof.entries()) checkHex32(node, `proof[${i}]`);
      try {
        const conn = await connect();
        const contract = await usageAnchor(conn);
        const ok: unknown = await contract.getFunction("verifyRecord").staticCall(batchId, leaf, proof);
        return ok === true;
      } catch (err) {
        throw asChainError(err, `verifying a record of batch ${batchId}`, "read");
      }
    },

    async close() {
      closed = true;
      const pending = connecting;
      connecting = undefined;
      if (!pending) return;
      try {
        (await pending).provider.destroy();
      } catch {
        // Never connected: nothing to release.
      }
    },
  };
}

/** Reads eth_chainId once with a plain request; CHAIN_UNREACHABLE when nothing sensible answers. */
export async function probeChainId(rpcUrl: string): Promise<string> {
  let body: unknown;
  try {
    const res = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(RPC_TIMEOUT_MS),
    });
    body = await res.json();
  } catch (err) {
    throw unreachable(rpcUrl, err);
  }
  const result = (body as { result?: unknown } | null)?.result;
  if (typeof result !== "string" || !/^0x[0-9a-fA-F]+$/.test(result)) throw unreachable(rpcUrl);
  return result;
}

/** Maps the contract's own reverts to specific ChainErrors (undefined for anything else). */
function revertToChainError(
  err: unknown,
  contractInterface: Interface,
  batchId: bigint,
  txHash?: string,
): ChainError | undefined {
  if (!isError(err, "CALL_EXCEPTION")) return undefined;
  // ethers decodes the revert for some paths only; decode the raw revert data otherwise.
  let revert: { name: string; args: readonly unknown[] } | null = err.revert ?? null;
  if (!revert && err.data) {
    try {
      revert = contractInterface.parseError(err.data);
    } catch {
      revert = null;
    }
  }
  if (!revert) return undefined;
  switch (revert.name) {
    case "UsageAnchorBatchAlreadyAnchored":
      return new ChainError(
        "BATCH_ALREADY_ANCHORED",
        `batch ${batchId} is already anchored on chain (with root ${String(revert.args[1])})`,
        { detail: revert.name, txHash },
      );
    case "AccessControlUnauthorizedAccount":
      return new ChainError(
        "NOT_AUTHORIZED",
        `the signing account ${String(revert.args[0])} lacks ANCHORER_ROLE on the UsageAnchor contract`,
        { detail: revert.name, txHash },
      );
    default:
      return new ChainError("TX_FAILED", `anchoring batch ${batchId} was rejected by the contract`, {
        detail: revert.name,
        txHash,
      });
  }
}

/**
 * After a transaction was sent, a timeout or lost connection leaves its fate open: say so and
 * give its hash (anchoring again is safe — a second anchor of the same batch id reverts with
 * BATCH_ALREADY_ANCHORED, and readBatch shows which root landed).
 */
export function notConfirmed(
  err: unknown,
  doing: string,
  txHash: string | undefined,
): ChainError | undefined {
  if (!txHash || !(isError(err, "TIMEOUT") || isUnreachable(err))) return undefined;
  return new ChainError(
    isError(err, "TIMEOUT") ? "TX_FAILED" : "CHAIN_UNREACHABLE",
    `${doing}: transaction ${txHash} was sent but its confirmation was not seen; it may still be mined`,
    { detail: errorLabel(err), txHash },
  );
}

export const CANNOT_PAY = "the signing account cannot pay for gas on this chain";

/** Raised before sending when the chain charges for gas and the account holds nothing. */
export class CannotPay extends Error {}

function cannotPay(): CannotPay {
  return new CannotPay(CANNOT_PAY);
}

/** Node messages for "balance too low" that ethers does not classify (EDR, Besu). Never shown. */
export function isInsufficientFunds(err: unknown): boolean {
  const nested = (err as { error?: { message?: unknown } } | null)?.error?.message;
  return typeof nested === "string" && /insufficient funds|enough funds|upfront cost exceeds/i.test(nested);
}

function contractMissing(address: string): ChainError {
  return new ChainError(
    "CONTRACT_MISSING",
    `no UsageAnchor contract at ${address} on this chain (was the chain reset?); call ensureUsageAnchor() to deploy one`,
  );
}

/** batchOf's tuple as a plain object (ethers returns a Result). */
function toBatchFields(result: unknown): Record<string, unknown> {
  const r = result as { root?: unknown; recordCount?: unknown; anchoredAt?: unknown; anchoredBy?: unknown };
  return { root: r.root, recordCount: r.recordCount, anchoredAt: r.anchoredAt, anchoredBy: r.anchoredBy };
}

function checkBatchId(batchId: bigint): void {
  if (typeof batchId !== "bigint" || batchId < 0n || batchId > UINT64_MAX) {
    throw new ChainError("INVALID_ARGUMENT", "batchId must be a bigint in 0..2^64-1");
  }
}

export function checkHex32(value: unknown, what: string): void {
  if (typeof value !== "string" || !HEX32.test(value)) {
    throw new ChainError("INVALID_ARGUMENT", `${what} must be 32 bytes as 0x-prefixed hex`);
  }
}

export function parseAddress(value: string, what: string): string {
  if (!isAddress(value)) throw new ChainError("INVALID_ARGUMENT", `${what} is not an EVM address`);
  return getAddress(value);
}

export function parseRpcUrl(value: string): string {
  try {
    const u = new URL(value);
    if (u.protocol === "http:" || u.protocol === "https:") return value;
  } catch {
    // fall through
  }
  throw new ChainError("INVALID_ARGUMENT", "rpcUrl must be an http(s) URL");
}

/** Validates the key without ever echoing it. */
export function parsePrivateKey(value: string): string {
  if (typeof value !== "string" || !HEX32.test(value)) {
    throw new ChainError("INVALID_ARGUMENT", "privateKey must be 32 bytes as 0x-prefixed hex");
  }
  try {
    new Wallet(value);
  } catch {
    throw new ChainError("INVALID_ARGUMENT", "privateKey is not a valid secp256k1 private key");
  }
  return value;
}
