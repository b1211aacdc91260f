/**
 * Test support: a real dev chain (hardhat node) with the registries deployed by the launcher's
 * deployRegistries, a registries client, and helpers to record authorizations the way the server
 * does — so enclave and server tests run jobs under authorizations that really are on chain.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { scenarioHash, scopeHash, type TAuthorizationScope } from "@pdx/common/authorization-scope";
import { freePort } from "@pdx/common/embedded-postgres";
import { deployRegistries, type TDeployedRegistries } from "../../scripts/lib/deploy-registries";
import { startDevChain, type TDevChain } from "../../scripts/lib/dev-chain";
import {
  createRegistriesClient,
  DEV_CHAIN_ACCOUNT0_PRIVATE_KEY,
  type TAuthorizationChainStatus,
  type TRegistriesClient,
} from "../../server/src/chain";
import { REGISTRY_CONTRACT_NAMES, registryArtifactPath } from "../../server/src/chain/registries-artifacts";

const ROOT = resolve(import.meta.dirname, "../..");
const DAY_MS = 86_400_000;

/** The scope of the demo product le-district-industry: what it groups by and sums. */
export const LE_DISTRICT_INDUSTRY_SCOPE: TAuthorizationScope = [
  { datasetCode: "LE-BASE", fields: ["district", "industry", "registered_capital", "status"] },
];

/** What a job request carries about its authorization. */
export interface TAuthorizationClaim {
  id: string;
  operatorOrgId: string;
  scope: TAuthorizationScope;
}

export interface TAuthorizationChain {
  chain: TDevChain;
  deployed: TDeployedRegistries;
  /** Writes with the server's dev account (REGISTRAR_ROLE). */
  registries: TRegistriesClient;
  /** What an enclave needs to read the AuthorizationRegistry. */
  readerOptions: { rpcUrl: string; address: string };
  /** Records an Active authorization (default term: from yesterday for one year). */
  recordAuthorization(input: {
    id: string;
    operatorOrgId: string;
    scope: TAuthorizationScope;
    validFrom?: Date;
    validUntil?: Date;
  }): Promise<TAuthorizationClaim>;
  setStatus(id: string, status: TAuthorizationChainStatus): Promise<void>;
  /** Raw JSON-RPC call (evm_snapshot, evm_revert…). */
  rpc(method: string, params?: unknown[]): Promise<unknown>;
  stop(): Promise<void>;
}

/** Compiles the contracts if their artifacts are missing (git-ignored; the launcher compiles first). */
export function ensureContractsCompiled(): void {
  if (REGISTRY_CONTRACT_NAMES.every((name) => existsSync(registryArtifactPath(name)))) return;
  execFileSync(resolve(ROOT, "node_modules/.bin/hardhat"), ["compile", "--quiet"], {
    cwd: ROOT,
    stdio: "inherit",
  });
}

/** Starts a dev chain and deploys the registries on it. */
export async function startAuthorizationChain(): Promise<TAuthorizationChain> {
  ensureContractsCompiled();
  const chain = await startDevChain({ port: await freePort() });
  const stateDir = mkdtempSync(join(tmpdir(), "pdx-auth-chain-"));
  try {
    const deployed = await deployRegistries({
      rpcUrl: chain.rpcUrl,
      privateKey: DEV_CHAIN_ACCOUNT0_PRIVATE_KEY,
      stateFile: join(stateDir, "registries.json"),
    });
    const registries = createRegistriesClient({
      rpcUrl: chain.rpcUrl,
      privateKey: DEV_CHAIN_ACCOUNT0_PRIVATE_KEY,
      catalogRegistryAddress: deployed.catalogRegistry,
      authorizationRegistryAddress: deployed.authorizationRegistry,
    });
    return {
      chain,
      deployed,
      registries,
      readerOptions: { rpcUrl: chain.rpcUrl, address: deployed.authorizationRegistry },
      async recordAuthorization(input) {
        const validFrom = input.validFrom ?? new Date(Date.now() - DAY_MS);
        await registries.recordAuthorization({
          authorizationId: input.id,
          operatorOrgId: input.operatorOrgId,
          scenarioHash: scenarioHash({ test: input.id }),
          scopeHash: scopeHash(input.scope),
          validFrom,
          validUntil: input.validUntil ?? new Date(validFrom.getTime() + 365 * DAY_MS),
        });
        return { id: input.id, operatorOrgId: input.operatorOrgId, scope: input.scope };
      },
      async setStatus(id, status) {
        await registries.setAuthorizationStatus(id, status);
      },
      async rpc(method, params = []) {
        const res = await fetch(chain.rpcUrl, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
        });
        const body = (await res.json()) as { result?: unknown; error?: { message: string } };
        if (body.error) throw new Error(`${method}: ${body.error.message}`);
        return body.result;
      },
      async stop() {
        await registries.close();
        await chain.stop();
      },
    };
  } catch (err) {
    await chain.stop();
    throw err;
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}
