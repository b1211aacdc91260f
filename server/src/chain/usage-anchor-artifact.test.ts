import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChainError } from "./chain-error";
import { loadUsageAnchorArtifact, USAGE_ANCHOR_ARTIFACT_PATH } from "./usage-anchor-artifact";

const ROOT = resolve(import.meta.dirname, "../../..");
const dir = mkdtempSync(join(tmpdir(), "pdx-artifact-"));

beforeAll(() => {
  if (!existsSync(USAGE_ANCHOR_ARTIFACT_PATH)) {
    execFileSync(resolve(ROOT, "node_modules/.bin/hardhat"), ["compile", "--quiet"], {
      cwd: ROOT,
      stdio: "inherit",
    });
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function loadError(path: string): ChainError {
  try {
    loadUsageAnchorArtifact(path);
  } catch (err) {
    if (err instanceof ChainError) return err;
    throw err;
  }
  throw new Error("expected loadUsageAnchorArtifact to throw");
}

describe("loadUsageAnchorArtifact", () => {
  it("loads the compiled contract: ABI with the anchor functions, non-empty bytecode", () => {
    const artifact = loadUsageAnchorArtifact();
    const names = artifact.abi.map((entry) => (entry as { name?: string }).name);
    expect(names).toEqual(
      expect.arrayContaining(["anchorBatch", "batchOf", "verifyRecord", "BatchAnchored"]),
    );
    expect(artifact.bytecode.length).toBeGreaterThan(100);
  });

  it("says to run `npx hardhat compile` when the artifact is missing", () => {
    const err = loadError(join(dir, "missing.json"));
    expect(err.code).toBe("ARTIFACT_MISSING");
    expect(err.message).toContain("npx hardhat compile");
  });

  it("refuses a file that is not the UsageAnchor artifact", () => {
    const path = join(dir, "other.json");
    writeFileSync(path, JSON.stringify({ contractName: "Other", abi: [], bytecode: "0x" }));
    const err = loadError(path);
    expect(err.code).toBe("ARTIFACT_MISSING");
    expect(err.message).toContain("npx hardhat compile");
  });
});
