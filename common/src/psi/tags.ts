/**
 * Match tags and the compact set the buyer matches them in.
 *
 * A tag is the first PSI_TAG_BYTES bytes of a doubly blinded point [a][b]H(x). X25519 outputs are
 * uniform field elements, so a truncated tag is a uniform 128-bit string: the chance that any of
 * n·m pairs of DIFFERENT items share a tag is about n·m / 2¹²⁸ (≈ 3·10⁻²⁷ for 1M × 1M). Tags halve
 * what crosses the wire for the buyer's own items and what the buyer keeps in memory.
 *
 * PsiTagSet is an open-addressing hash table over typed arrays (4 × uint32 per tag, linear
 * probing, load ≤ 1/2), holding a non-negative int per tag: 1M tags take 2²¹ slots = 40 MiB,
 * against ~200 MiB and millions of GC objects for a Map of hex strings. The slot index is taken
 * from the tag's own first bytes (tags are already uniform, no further hashing is needed).
 *
 * Browser-safe: no node: imports.
 */
import { PSI_POINT_BYTES } from "./group";

/** Bytes of one match tag. */
export const PSI_TAG_BYTES = 16;
const WORDS = PSI_TAG_BYTES / 4;

/** Tags (n × 16 bytes) of packed points (n × 32 bytes): the first 16 bytes of each. */
export function truncateToTags(points: Uint8Array): Uint8Array {
  if (points.length % PSI_POINT_BYTES !== 0) {
    throw new RangeError(`points: length ${points.length} is not a multiple of ${PSI_POINT_BYTES}`);
  }
  const count = points.length / PSI_POINT_BYTES;
  const tags = new Uint8Array(count * PSI_TAG_BYTES);
  for (let i = 0; i < count; i++) {
    tags.set(points.subarray(i * PSI_POINT_BYTES, i * PSI_POINT_BYTES + PSI_TAG_BYTES), i * PSI_TAG_BYTES);
  }
  return tags;
}

function word(bytes: Uint8Array, offset: number): number {
  return (
    (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>>
    0
  );
}

/** A set of 16-byte tags, each with a non-negative int value (see the module comment). */
export class PsiTagSet {
  readonly capacity: number;
  #mask: number;
  #words: Uint32Array;
  #values: Int32Array;
  #size = 0;

  /** A set sized for `expected` tags (it refuses more: the caller knows its set sizes). */
  constructor(readonly expected: number) {
    if (!Number.isInteger(expected) || expected < 0 || expected > 2 ** 28) {
      throw new RangeError(`tag set: expected size ${expected} out of range`);
    }
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.capacity = capacity;
    this.#mask = capacity - 1;
    this.#words = new Uint32Array(capacity * WORDS);
    this.#values = new Int32Array(capacity).fill(-1);
  }

  get size(): number {
    return this.#size;
  }

  #slotOf(tags: Uint8Array, offset: number): number {
    const w0 = word(tags, offset);
    const w1 = word(tags, offset + 4);
    const w2 = word(tags, offset + 8);
    const w3 = word(tags, offset + 12);
    let slot = w0 & this.#mask;
    for (;;) {
      if (this.#values[slot]! < 0) return slot;
      const base = slot * WORDS;
      if (
        this.#words[base] === w0 &&
        this.#words[base + 1] === w1 &&
        this.#words[base + 2] === w2 &&
        this.#words[base + 3] === w3
      ) {
        return slot;
      }
      slot = (slot + 1) & this.#mask;
    }
  }

  /**
   * Adds the tag at `tags[offset…offset+16)` with `value` (≥ 0). Returns false, keeping the first
   * value, when the tag is already present.
   */
  add(tags: Uint8Array, offset: number, value: number): boolean {
    if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) {
      throw new RangeError(`tag set: value ${value} out of range`);
    }
    const slot = this.#slotOf(tags, offset);
    if (this.#values[slot]! >= 0) return false;
    if (this.#size >= this.expected) throw new RangeError(`tag set: more than ${this.expected} tags added`);
    const base = slot * WORDS;
    this.#words[base] = word(tags, offset);
    this.#words[base + 1] = word(tags, offset + 4);
    this.#words[base + 2] = word(tags, offset + 8);
    this.#words[base + 3] = word(tags, offset + 12);
    this.#values[slot] = value;
    this.#size++;
    return true;
  }

  /** The value of the tag at `tags[offset…offset+16)`, or -1 when absent. */
  find(tags: Uint8Array, offset: number): number {
    return this.#values[this.#slotOf(tags, offset)]!;
  }
}
