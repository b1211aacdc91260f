import { sha256 } from "@noble/hashes/sha2.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { bytesToHex, hexToBytes, utf8ToBytes } from "@noble/hashes/utils.js";

export { bytesToHex, hexToBytes, utf8ToBytes };

/** SHA-256 of a UTF-8 string or bytes, as lowercase hex (64 chars, no 0x). */
export function sha256Hex(data: string | Uint8Array): string {
  return bytesToHex(sha256(typeof data === "string" ? utf8ToBytes(data) : data));
}

/** Keccak-256 (the EVM's hash) of bytes. */
export function keccak256(data: Uint8Array): Uint8Array {
  return keccak_256(data);
}

/** Parses 0x-prefixed or bare hex; names `what` in the error when malformed. */
export function parseHex(hex: string, what: string, expectedBytes?: number): Uint8Array {
  const bare = hex.startsWith("0x") ? hex.slice(2) : hex;
  if (!/^[0-9a-fA-F]*$/.test(bare) || bare.length % 2 !== 0) {
    throw new TypeError(`${what}: expected hex, got ${JSON.stringify(hex.slice(0, 20))}`);
  }
  const bytes = hexToBytes(bare);
  if (expectedBytes !== undefined && bytes.length !== expectedBytes) {
    throw new TypeError(`${what}: expected ${expectedBytes} bytes, got ${bytes.length}`);
  }
  return bytes;
}
