/**
 * Merkle trees over usage records, compatible with OpenZeppelin's MerkleProof.verify (keccak256,
 * commutative pair hashing), so a proof checks both off-chain here and on-chain in the anchor
 * contract.
 *
 * leaf(recordHash) = keccak256(keccak256(recordHash bytes)) — double hashing keeps a leaf from
 * ever being confused with an inner node (second-preimage defence, as OpenZeppelin recommends).
 * Odd nodes at a level are carried up unchanged.
 */
import { bytesToHex, keccak256, parseHex } from "./hash";

export type THex32 = `0x${string}`;

function toHex(b: Uint8Array): THex32 {
  return `0x${bytesToHex(b)}`;
}

function compare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

function hashPair(a: Uint8Array, b: Uint8Array): Uint8Array {
  const [x, y] = compare(a, b) <= 0 ? [a, b] : [b, a];
  const buf = new Uint8Array(64);
  buf.set(x, 0);
  buf.set(y, 32);
  return keccak256(buf);
}

/** The leaf for a record whose SHA-256 (hex, 64 chars) is `recordHash`. */
export function merkleLeaf(recordHash: string): THex32 {
  return toHex(keccak256(keccak256(parseHex(recordHash, "recordHash", 32))));
}

export interface TMerkleTree {
  root: THex32;
  leaves: THex32[];
  /** proof(i): sibling hashes from leaf i up to the root. */
  proof(index: number): THex32[];
}

/** Builds a tree over leaves in the given order. Throws on an empty list. */
export function buildMerkleTree(leaves: readonly string[]): TMerkleTree {
  if (leaves.length === 0) throw new RangeError("buildMerkleTree: leaves must not be empty");
  const levels: Uint8Array[][] = [leaves.map((l, i) => parseHex(l, `leaves[${i}]`, 32))];
  while (levels[levels.length - 1]!.length > 1) {
    const prev = levels[levels.length - 1]!;
    const next: Uint8Array[] = [];
    for (let i = 0; i < prev.length; i += 2) {
      next.push(i + 1 < prev.length ? hashPair(prev[i]!, prev[i + 1]!) : prev[i]!);
    }
    levels.push(next);
  }
  return {
    root: toHex(levels[levels.length - 1]![0]!),
    leaves: levels[0]!.map(toHex),
    proof(index: number) {
      if (!Number.isInteger(index) || index < 0 || index >= leaves.length) {
        throw new RangeError(`proof: index ${index} outside 0..${leaves.length - 1}`);
      }
      const out: THex32[] = [];
      let i = index;
      for (let level = 0; level < levels.length - 1; level++) {
        const nodes = levels[level]!;
        const sibling = i % 2 === 0 ? i + 1 : i - 1;
        if (sibling < nodes.length) out.push(toHex(nodes[sibling]!));
        i = Math.floor(i / 2);
      }
      return out;
    },
  };
}

/** Folds a proof from a leaf; true when it reaches `root`. Never throws on malformed hex. */
export function verifyMerkleProof(leaf: string, proof: readonly string[], root: string): boolean {
  try {
    let node = parseHex(leaf, "leaf", 32);
    for (const [i, p] of proof.entries()) node = hashPair(node, parseHex(p, `proof[${i}]`, 32));
    return toHex(node) === toHex(parseHex(root, "root", 32));
  } catch {
    return false;
  }
}
