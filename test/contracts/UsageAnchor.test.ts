/**
 * UsageAnchor on Hardhat's in-process EDR chain: anchoring, reading, events, every revert by
 * error name and arguments, roles, and on-chain verification of proofs built by the same
 * TypeScript Merkle module the server uses (common/src/merkle.ts).
 */
import { sha256Hex } from "@pdx/common/hash";
import { buildMerkleTree, merkleLeaf, type THex32 } from "@pdx/common/merkle";
import { expect } from "chai";
import type { BaseContract, ContractRunner, ContractTransactionResponse } from "ethers";
import { network } from "hardhat";

// mocha ships no type declarations (and @types/mocha is not installed): type the globals used here.
declare global {
  function describe(title: string, body: () => void): void;
  function it(title: string, body: () => Promise<void>): void;
}

const { ethers, networkHelpers } = await network.create();

/**
 * The contract's surface as used here. Typechain's generated types live in the git-ignored
 * types/ folder that only exists after a compile, so the type check cannot rely on them.
 */
interface TUsageAnchor extends BaseContract {
  ANCHORER_ROLE(): Promise<string>;
  DEFAULT_ADMIN_ROLE(): Promise<string>;
  hasRole(role: string, account: string): Promise<boolean>;
  getRoleAdmin(role: string): Promise<string>;
  grantRole(role: string, account: string): Promise<ContractTransactionResponse>;
  revokeRole(role: string, account: string): Promise<ContractTransactionResponse>;
  anchorBatch(batchId: bigint, root: string, recordCount: number): Promise<ContractTransactionResponse>;
  batchOf(
    batchId: bigint,
  ): Promise<{ root: string; recordCount: bigint; anchoredAt: bigint; anchoredBy: string }>;
  verifyRecord(batchId: bigint, leaf: string, proof: string[]): Promise<boolean>;
  connect(runner: ContractRunner | null): TUsageAnchor;
}

const ZERO_ROOT = `0x${"00".repeat(32)}`;
const BATCH_ID = 7n;

/** Five records (an odd count, so one node is carried up unchanged) and their Merkle tree. */
function sampleTree() {
  const recordHashes = ["run-1", "run-2", "run-3", "run-4", "run-5"].map((r) =>
    sha256Hex(`usage-record:${r}`),
  );
  const tree = buildMerkleTree(recordHashes.map(merkleLeaf));
  return { recordHashes, tree };
}

async function deployUsageAnchorFixture() {
  const [admin, anchorer, outsider] = await ethers.getSigners();
  const anchor = (await ethers.deployContract("UsageAnchor", [], admin)) as unknown as TUsageAnchor;
  await anchor.waitForDeployment();
  const ANCHORER_ROLE = await anchor.ANCHORER_ROLE();
  const DEFAULT_ADMIN_ROLE = await anchor.DEFAULT_ADMIN_ROLE();
  const { recordHashes, tree } = sampleTree();
  return {
    anchor,
    admin: admin!,
    anchorer: anchorer!,
    outsider: outsider!,
    ANCHORER_ROLE,
    DEFAULT_ADMIN_ROLE,
    recordHashes,
    tree,
  };
}

/** A 32-byte value equal to `hex` except for its last byte. */
function flipLastByte(hex: THex32): THex32 {
  const last = Number.parseInt(hex.slice(-2), 16) ^ 0x01;
  return `${hex.slice(0, -2)}${last.toString(16).padStart(2, "0")}` as THex32;
}

describe("UsageAnchor", () => {
  describe("deployment", () => {
    it("makes the deployer admin and anchorer, and nobody else", async () => {
      const { anchor, admin, outsider, ANCHORER_ROLE, DEFAULT_ADMIN_ROLE } =
        await networkHelpers.loadFixture(deployUsageAnchorFixture);
      expect(ANCHORER_ROLE).to.equal(ethers.id("ANCHORER_ROLE"));
      expect(await anchor.hasRole(DEFAULT_ADMIN_ROLE, admin.address)).to.equal(true);
      expect(await anchor.hasRole(ANCHORER_ROLE, admin.address)).to.equal(true);
      expect(await anchor.hasRole(ANCHORER_ROLE, outsider.address)).to.equal(false);
      expect(await anchor.getRoleAdmin(ANCHORER_ROLE)).to.equal(DEFAULT_ADMIN_ROLE);
    });
  });

  describe("anchorBatch", () => {
    it("stores root, record count, block time and sender, readable with batchOf", async () => {
      const { anchor, admin, tree } = await networkHelpers.loadFixture(deployUsageAnchorFixture);
      const tx = await anchor.anchorBatch(BATCH_ID, tree.root, 5);
      const receipt = await tx.wait();
      const block = await ethers.provider.getBlock(receipt!.blockNumber);

      const batch = await anchor.batchOf(BATCH_ID);
      expect(batch.root).to.equal(tree.root);
      expect(batch.recordCount).to.equal(5n);
      expect(batch.anchoredAt).to.equal(BigInt(block!.timestamp));
      expect(batch.anchoredBy).to.equal(admin.address);
    });

    it("emits BatchAnchored with the batch id, root, count and sender", async () => {
      const { anchor, admin, tree } = await networkHelpers.loadFixture(deployUsageAnchorFixture);
      await expect(anchor.anchorBatch(BATCH_ID, tree.root, 5))
        .to.emit(anchor, "BatchAnchored")
        .withArgs(BATCH_ID, tree.root, 5n, admin.address);
    });

    it("keeps batches apart: anchoring one leaves another unanchored (zeroed)", async () => {
      const { anchor, tree } = await networkHelpers.loadFixture(deployUsageAnchorFixture);
      await anchor.anchorBatch(BATCH_ID, tree.root, 5);
      const other = await anchor.batchOf(BATCH_ID + 1n);
      expect(other.root).to.equal(ZERO_ROOT);
      expect(other.recordCount).to.equal(0n);
      expect(other.anchoredAt).to.equal(0n);
      expect(other.anchoredBy).to.equal(ethers.ZeroAddress);
    });

    it("reverts UsageAnchorBatchAlreadyAnchored(batchId, existingRoot) on a second anchor of the same id", async () => {
      const { anchor, tree } = await networkHelpers.loadFixture(deployUsageAnchorFixture);
      await anchor.anchorBatch(BATCH_ID, tree.root, 5);
      const otherRoot = flipLastByte(tree.root);
      await expect(anchor.anchorBatch(BATCH_ID, otherRoot, 3))
        .to.be.revertedWithCustomError(anchor, "UsageAnchorBatchAlreadyAnchored")
        .withArgs(BATCH_ID, tree.root);
      expect((await anchor.batchOf(BATCH_ID)).root).to.equal(tree.root);
    });

    it("reverts UsageAnchorZeroRoot(batchId) for a zero root", async () => {
      const { anchor } = await networkHelpers.loadFixture(deployUsageAnchorFixture);
      await expect(anchor.anchorBatch(BATCH_ID, ZERO_ROOT, 5))
        .to.be.revertedWithCustomError(anchor, "UsageAnchorZeroRoot")
        .withArgs(BATCH_ID);
    });

    it("reverts UsageAnchorZeroRecordCount(batchId) for an empty batch", async () => {
      const { anchor, tree } = await networkHelpers.loadFixture(deployUsageAnchorFixture);
      await expect(anchor.anchorBatch(BATCH_ID, tree.root, 0))
        .to.be.revertedWithCustomError(anchor, "UsageAnchorZeroRecordCount")
        .withArgs(BATCH_ID);
    });
  });

  describe("roles", () => {
    it("refuses a caller without ANCHORER_ROLE with AccessControlUnauthorizedAccount(caller, role)", async () => {
      const { anchor, outsider, ANCHORER_ROLE, tree } =
        await networkHelpers.loadFixture(deployUsageAnchorFixture);
      await expect(anchor.connect(outsider).anchorBatch(BATCH_ID, tree.root, 5))
        .to.be.revertedWithCustomError(anchor, "AccessControlUnauthorizedAccount")
        .withArgs(outsider.address, ANCHORER_ROLE);
    });

    it("lets the admin grant ANCHORER_ROLE; the grantee then anchors as itself", async () => {
      const { anchor, admin, anchorer, ANCHORER_ROLE, tree } =
        await networkHelpers.loadFixture(deployUsageAnchorFixture);
      await expect(anchor.grantRole(ANCHORER_ROLE, anchorer.address))
        .to.emit(anchor, "RoleGranted")
        .withArgs(ANCHORER_ROLE, anchorer.address, admin.address);
      await expect(anchor.connect(anchorer).anchorBatch(BATCH_ID, tree.root, 5))
        .to.emit(anchor, "BatchAnchored")
        .withArgs(BATCH_ID, tree.root, 5n, anchorer.address);
      expect((await anchor.batchOf(BATCH_ID)).anchoredBy).to.equal(anchorer.address);
    });

    it("refuses role grants from a non-admin with AccessControlUnauthorizedAccount(caller, DEFAULT_ADMIN_ROLE)", async () => {
      const { anchor, outsider, ANCHORER_ROLE, DEFAULT_ADMIN_ROLE } =
        await networkHelpers.loadFixture(deployUsageAnchorFixture);
      await expect(anchor.connect(outsider).grantRole(ANCHORER_ROLE, outsider.address))
        .to.be.revertedWithCustomError(anchor, "AccessControlUnauthorizedAccount")
        .withArgs(outsider.address, DEFAULT_ADMIN_ROLE);
    });

    it("refuses an anchorer whose role was revoked", async () => {
      const { anchor, anchorer, ANCHORER_ROLE, tree } =
        await networkHelpers.loadFixture(deployUsageAnchorFixture);
      await anchor.grantRole(ANCHORER_ROLE, anchorer.address);
      await anchor.revokeRole(ANCHORER_ROLE, anchorer.address);
      await expect(anchor.connect(anchorer).anchorBatch(BATCH_ID, tree.root, 5))
        .to.be.revertedWithCustomError(anchor, "AccessControlUnauthorizedAccount")
        .withArgs(anchorer.address, ANCHORER_ROLE);
    });
  });

  describe("verifyRecord (proofs from common/src/merkle.ts)", () => {
    it("accepts every record of an anchored batch with its proof", async () => {
      const { anchor, tree, recordHashes } = await networkHelpers.loadFixture(deployUsageAnchorFixture);
      await anchor.anchorBatch(BATCH_ID, tree.root, recordHashes.length);
      for (const [i, recordHash] of recordHashes.entries()) {
        expect(await anchor.verifyRecord(BATCH_ID, merkleLeaf(recordHash), tree.proof(i))).to.equal(true);
      }
    });

    it("accepts the only record of a one-record batch with an empty proof", async () => {
      const { anchor } = await networkHelpers.loadFixture(deployUsageAnchorFixture);
      const single = buildMerkleTree([merkleLeaf(sha256Hex("usage-record:only"))]);
      await anchor.anchorBatch(BATCH_ID, single.root, 1);
      expect(await anchor.verifyRecord(BATCH_ID, single.leaves[0]!, [])).to.equal(true);
    });

    it("rejects a tampered record (its leaf no longer matches)", async () => {
      const { anchor, tree } = await networkHelpers.loadFixture(deployUsageAnchorFixture);
      await anchor.anchorBatch(BATCH_ID, tree.root, 5);
      const tamperedLeaf = merkleLeaf(sha256Hex("usage-record:run-2 (altered)"));
      expect(await anchor.verifyRecord(BATCH_ID, tamperedLeaf, tree.proof(1))).to.equal(false);
      expect(await anchor.verifyRecord(BATCH_ID, flipLastByte(tree.leaves[1]!), tree.proof(1))).to.equal(
        false,
      );
    });

    it("rejects a tampered proof and a proof for another position", async () => {
      const { anchor, tree } = await networkHelpers.loadFixture(deployUsageAnchorFixture);
      await anchor.anchorBatch(BATCH_ID, tree.root, 5);
      const proof = tree.proof(2);
      const tamperedProof = [...proof];
      tamperedProof[0] = flipLastByte(proof[0]!);
      expect(await anchor.verifyRecord(BATCH_ID, tree.leaves[2]!, tamperedProof)).to.equal(false);
      expect(await anchor.verifyRecord(BATCH_ID, tree.leaves[2]!, proof.slice(1))).to.equal(false);
      expect(await anchor.verifyRecord(BATCH_ID, tree.leaves[2]!, tree.proof(0))).to.equal(false);
    });

    it("rejects a valid proof against a batch id that is not anchored", async () => {
      const { anchor, tree } = await networkHelpers.loadFixture(deployUsageAnchorFixture);
      await anchor.anchorBatch(BATCH_ID, tree.root, 5);
      expect(await anchor.verifyRecord(BATCH_ID + 1n, tree.leaves[0]!, tree.proof(0))).to.equal(false);
    });
  });
});
