/**
 * The compiled UsageAnchor contract (ABI + creation bytecode), read from the Hardhat artifact
 * that `npx hardhat compile` writes to artifacts/ (git-ignored; the start script compiles first).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { ChainError } from "./chain-error";

/** Where `hardhat compile` writes the artifact, relative to the repository root. */
export const USAGE_ANCHOR_ARTIFACT_PATH = resolve(
  import.meta.dirname,
  "../../../artifacts/contracts/UsageAnchor.sol/UsageAnchor.json",
);

const ZArtifact = z.object({
  contractName: z.literal("UsageAnchor"),
  abi: z.array(z.looseObject({ type: z.string() })).min(1),
  bytecode: z.string().regex(/^0x(?:[0-9a-fA-F]{2})+$/, "creation bytecode must be non-empty hex"),
});

export type TUsageAnchorArtifact = z.infer<typeof ZArtifact>;

let cached: TUsageAnchorArtifact | undefined;

/** Loads (once) and validates the artifact; throws ChainError ARTIFACT_MISSING naming the fix. */
export function loadUsageAnchorArtifact(path = USAGE_ANCHOR_ARTIFACT_PATH): TUsageAnchorArtifact {
  if (cached && path === USAGE_ANCHOR_ARTIFACT_PATH) return cached;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new ChainError(
      "ARTIFACT_MISSING",
      `the compiled UsageAnchor contract is missing (${path}); run \`npx hardhat compile\` in the repository root`,
    );
  }
  let parsed: TUsageAnchorArtifact;
  try {
    parsed = ZArtifact.parse(JSON.parse(text));
  } catch {
    throw new ChainError(
      "ARTIFACT_MISSING",
      `the UsageAnchor artifact at ${path} is not a valid Hardhat artifact; run \`npx hardhat compile\` in the repository root`,
    );
  }
  if (path === USAGE_ANCHOR_ARTIFACT_PATH) cached = parsed;
  return parsed;
}
