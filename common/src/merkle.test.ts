import { concat, keccak256 } from "ethers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "./hash";
import { buildMerkleTree, merkleLeaf, verifyMerkleProof } from "./merkle";

const leaves = (n: number) => Array.from({ length: n }, (_, i) => merkleLeaf(sha256Hex(`record-${i}`)));

describe("Merkle tree", () => {
  it.each([1, 2, 3, 4, 5, 7, 8, 13, 64])("every leaf of a %i-leaf tree proves against the root", (n) => {
    const tree = buildMerkleTree(leaves(n));
    for (let i = 0; i < n; i++)
      expect(verifyMerkleProof(tree.leaves[i]!, tree.proof(i), tree.root)).toBe(true);
  });

  it("a single-leaf tree's root is the leaf", () => {
    const [leaf] = leaves(1);
    expect(buildMerkleTree([leaf!]).root).toBe(leaf);
  });

  it("rejects a changed leaf, a changed proof element and a wrong root", () => {
    const tree = buildMerkleTree(leaves(9));
    const proof = tree.proof(4);
    const other = merkleLeaf(sha256Hex("record-4-altered"));
    expect(verifyMerkleProof(other, proof, tree.root)).toBe(false);
    const badProof = [...proof];
    badProof[0] = other;
    expect(verifyMerkleProof(tree.leaves[4]!, badProof, tree.root)).toBe(false);
    expect(verifyMerkleProof(tree.leaves[4]!, proof, buildMerkleTree(leaves(8)).root)).toBe(false);
  });

  it("returns false rather than throwing on malformed input", () => {
    expect(verifyMerkleProof("0xzz", [], "0x00")).toBe(false);
  });

  it("refuses an empty tree and an out-of-range proof index with a clear error", () => {
    expect(() => buildMerkleTree([])).toThrow(/must not be empty/);
    expect(() => buildMerkleTree(leaves(3)).proof(3)).toThrow(/index 3 outside 0..2/);
  });

  it("matches an independent keccak implementation (ethers) for leaves and inner nodes", () => {
    const recordHash = sha256Hex("record-0");
    expect(merkleLeaf(recordHash)).toBe(keccak256(keccak256(`0x${recordHash}`)));
    const [a, b] = leaves(2) as [string, string];
    const [lo, hi] = a < b ? [a, b] : [b, a];
    expect(buildMerkleTree([a, b]).root).toBe(keccak256(concat([lo, hi])));
    expect(buildMerkleTree([b, a]).root).toBe(buildMerkleTree([a, b]).root);
  });
});
