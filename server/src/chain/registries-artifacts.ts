/**
 * The compiled registry contracts (CatalogRegistry, AuthorizationRegistry): ABI, creation
 * bytecode and runtime bytecode, read from the Hardhat artifacts that `npx hardhat compile`
 * writes to artifacts/ (git-ignored; the start script compiles first). Same approach as
 * usage-anchor-artifact.ts. The runtime bytecode tells whether an address holds exactly this
 * contract (neither contract has immutables, so deployed code equals the artifact's).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { ChainError } from "./chain-error";

export type TRegistryContractName = "CatalogRegistry" | "AuthorizationRegistry";

export const REGISTRY_CONTRACT_NAMES: readonly TRegistryContractName[] = [
  "CatalogRegistry",
  "AuthorizationRegistry",
];

/** Where `hardhat compile` writes the artifact of `name`, as an absolute path. */
export function registryArtifactPath(name: TRegistryContractName): string {
  return resolve(import.meta.dirname, `../../../artifacts/contracts/${name}.sol/${name}.json`);
}

const HEX_CODE = /^0x(?:[0-9a-fA-F]{2})+$/;

const ZRegistryArtifact = z.object({
  contractName: z.enum(["CatalogRegistry", "AuthorizationRegistry"]),
  abi: z.array(z.looseObject({ type: z.string() })).min(1),
  bytecode: z.string().regex(HEX_CODE, "creation bytecode must be non-empty hex"),
  deployedBytecode: z.string().regex(HEX_CODE, "runtime bytecode must be non-empty hex"),
});

export type TRegistryArtifact = z.infer<typeof ZRegistryArtifact>;

const cache = new Map<TRegistryContractName, TRegistryArtifact>();

/** Loads (once) and validates the artifact of `name`; throws ChainError ARTIFACT_MISSING naming the fix. */
export function loadRegistryArtifact(name: TRegistryContractName): TRegistryArtifact {
  const cached = cache.get(name);
  if (cached) return cached;
  const path = registryArtifactPath(name);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new ChainError(
      "ARTIFACT_MISSING",
      `the compiled ${name} contract is missing (${path}); run \`npx hardhat compile\` in the repository root`,
    );
  }
  let parsed: TRegistryArtifact;
  try {
    parsed = ZRegistryArtifact.parse(JSON.parse(text));
  } catch {
    throw new ChainError(
      "ARTIFACT_MISSING",
      `the ${name} artifact at ${path} is not a valid Hardhat artifact; run \`npx hardhat compile\` in the repository root`,
    );
  }
  if (parsed.contractName !== name) {
    throw new ChainError("ARTIFACT_MISSING", `the artifact at ${path} is not the ${name} contract`);
  }
  cache.set(name, parsed);
  return parsed;
}

/** True when `code` (eth_getCode) is exactly the runtime code of `name`. */
export function isRegistryCode(name: TRegistryContractName, code: string): boolean {
  return code.toLowerCase() === loadRegistryArtifact(name).deployedBytecode.toLowerCase();
}
