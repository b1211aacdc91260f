/**
 * Read-only access to the AuthorizationRegistry contract (contracts/AuthorizationRegistry.sol)
 * over JSON-RPC. The enclave holds no chain key: it only reads the record of the authorization a
 * job claims. Connection rules as on the server: the chain id is probed once with a plain request
 * (a clear refusal instead of ethers' endless network detection) and then fixed with
 * `staticNetwork`; no response cache, so a suspension is seen by the very next job.
 * Every failure becomes EnclaveError CHAIN_UNAVAILABLE with a safe message (no RPC text, no URL).
 */
import { Contract, FetchRequest, isError, JsonRpcProvider, Network } from "ethers";
import { EnclaveError } from "../errors";

const RPC_TIMEOUT_MS = 10_000;

/** The registry's getAuthorization(bytes32) — the only call the enclave makes (enum = uint8). */
const REGISTRY_READ_ABI = [
  "function getAuthorization(bytes32 id) view returns ((bytes32 operatorId, bytes32 scenarioHash, bytes32 scopeHash, uint64 validFrom, uint64 validUntil, uint8 status, uint64 recordedAt, uint64 statusChangedAt, address recordedBy))",
] as const;

/** AuthorizationRegistry.AuthorizationStatus, by enum value. */
const STATUSES = ["none", "active", "suspended", "revoked"] as const;

/** An authorization as recorded on chain. */
export interface TChainAuthorization {
  operatorId: string;
  scenarioHash: string;
  scopeHash: string;
  /** Unix seconds, inclusive. */
  validFrom: number;
  /** Unix seconds, inclusive. */
  validUntil: number;
  status: "active" | "suspended" | "revoked";
}

export interface TAuthorizationRegistryReader {
  /** The record of `chainId` (bytes32, 0x-hex), or null when it was never recorded. */
  read(chainId: string): Promise<TChainAuthorization | null>;
  close(): Promise<void>;
}

export interface TAuthorizationRegistryReaderOptions {
  rpcUrl: string;
  /** Address of the AuthorizationRegistry contract. */
  address: string;
}

const UNAVAILABLE = "the authorization registry on chain cannot be read; the job was not run";

/** Creates the reader. Nothing is contacted until the first read. */
export function createAuthorizationRegistryReader(
  opts: TAuthorizationRegistryReaderOptions,
): TAuthorizationRegistryReader {
  let connecting: Promise<Contract> | undefined;
  let provider: JsonRpcProvider | undefined;

  function contract(): Promise<Contract> {
    if (connecting) return connecting;
    const attempt = (async () => {
      const chainId = await probeChainId(opts.rpcUrl);
      const request = new FetchRequest(opts.rpcUrl);
      request.timeout = RPC_TIMEOUT_MS;
      provider = new JsonRpcProvider(request, undefined, {
        staticNetwork: Network.from(chainId),
        cacheTimeout: -1,
        batchMaxCount: 1,
      });
      return new Contract(opts.address, REGISTRY_READ_ABI, provider);
    })();
    connecting = attempt;
    // Forget a failed attempt: the chain may come up later.
    attempt.catch(() => {
      if (connecting === attempt) connecting = undefined;
    });
    return attempt;
  }

  return {
    async read(chainId) {
      let result: unknown;
      try {
        result = await (await contract()).getFunction("getAuthorization").staticCall(chainId);
      } catch (err) {
        if (err instanceof EnclaveError) throw err;
        // An empty answer: no contract at the configured address (not deployed, or the chain was reset).
        if (isError(err, "BAD_DATA")) {
          throw new EnclaveError(
            "CHAIN_UNAVAILABLE",
            "no authorization registry is deployed at the configured address; the job was not run",
          );
        }
        throw new EnclaveError("CHAIN_UNAVAILABLE", UNAVAILABLE);
      }
      const r = result as readonly unknown[];
      const status = Number(r[5]);
      if (status === 0) return null;
      const name = STATUSES[status];
      if (!name || name === "none") throw new EnclaveError("CHAIN_UNAVAILABLE", UNAVAILABLE);
      return {
        operatorId: String(r[0]).toLowerCase(),
        scenarioHash: String(r[1]).toLowerCase(),
        scopeHash: String(r[2]).toLowerCase(),
        validFrom: Number(r[3] as bigint),
        validUntil: Number(r[4] as bigint),
        status: name,
      };
    },
    async close() {
      connecting = undefined;
      provider?.destroy();
      provider = undefined;
    },
  };
}

/** eth_chainId with a plain request; CHAIN_UNAVAILABLE when nothing sensible answers. */
async function probeChainId(rpcUrl: string): Promise<bigint> {
  try {
    const res = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(RPC_TIMEOUT_MS),
    });
    const result = ((await res.json()) as { result?: unknown } | null)?.result;
    if (typeof result === "string" && /^0x[0-9a-fA-F]+$/.test(result)) return BigInt(result);
  } catch {
    // fall through
  }
  throw new EnclaveError("CHAIN_UNAVAILABLE", UNAVAILABLE);
}
