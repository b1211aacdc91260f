/**
 * Deploys CatalogRegistry and AuthorizationRegistry (contracts/) for the launcher, before the
 * enclave and the server start; both get the addresses through their environment.
 *
 * The addresses are kept in a small JSON state file. They are reused when, on the same chain,
 * each still holds exactly the registry's runtime code (the compiled artifact's) and the deploying
 * account still has REGISTRAR_ROLE; otherwise (first start, dev chain restarted, contracts
 * changed) both are deployed again and the file is rewritten. The deployer gets REGISTRAR_ROLE
 * (and the admin role) from the constructors: it is the server's chain account, the one that
 * records registrations and authorizations.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { Contract, ContractFactory, getAddress, type InterfaceAbi, id as keccakUtf8 } from "ethers";
import { z } from "zod";
import {
  feeOverridesFor,
  openConnection,
  parsePrivateKey,
  parseRpcUrl,
  type TConnection,
} from "../../server/src/chain/chain-client";
import { ChainError, errorLabel, isUnreachable } from "../../server/src/chain/chain-error";
import {
  isRegistryCode,
  loadRegistryArtifact,
  REGISTRY_CONTRACT_NAMES,
  type TRegistryContractName,
} from "../../server/src/chain/registries-artifacts";

const CONFIRM_TIMEOUT_MS = 60_000;
const REGISTRAR_ROLE = keccakUtf8("REGISTRAR_ROLE");

export interface TDeployRegistriesOptions {
  rpcUrl: string;
  /** 0x-prefixed key of the deploying account (the server's chain account). */
  privateKey: string;
  /** JSON file remembering the addresses between starts (created if missing). */
  stateFile: string;
  log?: (line: string) => void;
}

export interface TDeployedRegistries {
  catalogRegistry: string;
  authorizationRegistry: string;
  /** Decimal chain id. */
  chainId: string;
  /** True when both were deployed by this call; false when the stored ones were reused. */
  deployedNow: boolean;
}

const ZStateFile = z.object({
  chainId: z.string(),
  catalogRegistry: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  authorizationRegistry: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  deployedAt: z.string(),
});
type TStateFile = z.infer<typeof ZStateFile>;

/** Reuses the registries in `stateFile` when they are still live on this chain, else deploys both. */
export async function deployRegistries(opts: TDeployRegistriesOptions): Promise<TDeployedRegistries> {
  const log = opts.log ?? (() => {});
  const conn = await openConnection(parseRpcUrl(opts.rpcUrl), parsePrivateKey(opts.privateKey));
  try {
    const stored = readState(opts.stateFile);
    if (stored && stored.chainId === conn.chainId && (await storedAreLive(conn, stored))) {
      return {
        catalogRegistry: getAddress(stored.catalogRegistry),
        authorizationRegistry: getAddress(stored.authorizationRegistry),
        chainId: conn.chainId,
        deployedNow: false,
      };
    }
    const [catalogRegistry, authorizationRegistry] = [
      await deploy(conn, "CatalogRegistry"),
      await deploy(conn, "AuthorizationRegistry"),
    ];
    writeState(opts.stateFile, {
      chainId: conn.chainId,
      catalogRegistry,
      authorizationRegistry,
      deployedAt: new Date().toISOString(),
    });
    log(
      `registries deployed on chain ${conn.chainId}: CatalogRegistry ${catalogRegistry}, AuthorizationRegistry ${authorizationRegistry}`,
    );
    return { catalogRegistry, authorizationRegistry, chainId: conn.chainId, deployedNow: true };
  } finally {
    conn.provider.destroy();
  }
}

function readState(path: string): TStateFile | null {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return null;
  }
  try {
    return ZStateFile.parse(JSON.parse(text));
  } catch {
    // A damaged file is as good as none: deploy again and rewrite it.
    return null;
  }
}

function writeState(path: string, state: TStateFile): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o644 });
  renameSync(temporary, path);
}

async function storedAreLive(conn: TConnection, stored: TStateFile): Promise<boolean> {
  const addresses: Record<TRegistryContractName, string> = {
    CatalogRegistry: stored.catalogRegistry,
    AuthorizationRegistry: stored.authorizationRegistry,
  };
  for (const name of REGISTRY_CONTRACT_NAMES) {
    const address = addresses[name];
    if (!isRegistryCode(name, await conn.provider.getCode(address))) return false;
    const contract = new Contract(address, loadRegistryArtifact(name).abi as InterfaceAbi, conn.provider);
    const hasRole: unknown = await contract
      .getFunction("hasRole")
      .staticCall(REGISTRAR_ROLE, conn.wallet.address);
    if (hasRole !== true) return false;
  }
  return true;
}

async function deploy(conn: TConnection, name: TRegistryContractName): Promise<string> {
  const artifact = loadRegistryArtifact(name);
  const factory = new ContractFactory(artifact.abi as InterfaceAbi, artifact.bytecode, conn.wallet);
  let txHash: string | undefined;
  try {
    const deployTx = await factory.getDeployTransaction();
    const tx = await conn.wallet.sendTransaction({ ...deployTx, ...(await feeOverridesFor(conn)) });
    txHash = tx.hash;
    const receipt = await tx.wait(1, CONFIRM_TIMEOUT_MS);
    if (receipt?.status !== 1 || !receipt.contractAddress) {
      throw new ChainError("TX_FAILED", `deploying ${name} failed: the transaction reverted`, { txHash });
    }
    return getAddress(receipt.contractAddress);
  } catch (err) {
    if (err instanceof ChainError) throw err;
    // Never the provider's text (it may echo the RPC URL with credentials): its short code only.
    throw new ChainError(
      isUnreachable(err) ? "CHAIN_UNREACHABLE" : "TX_FAILED",
      `deploying ${name} failed${txHash ? ` (transaction ${txHash})` : ""}`,
      { detail: errorLabel(err), txHash },
    );
  }
}
