/**
 * Ed25519 keys and signatures (RFC 8032) for every signature in the system: server→enclave
 * requests, enclave job receipts, approvals. Keys travel as lowercase hex (32 bytes each).
 * Uses @noble/curves so the same code verifies in the browser.
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { bytesToHex, parseHex, sha256Hex, utf8ToBytes } from "./hash";

export interface TEd25519KeyPair {
  /** 32-byte secret seed, hex. Never log it. */
  secretKey: string;
  /** 32-byte public key, hex. */
  publicKey: string;
}

/** Creates a fresh random key pair. */
export function generateKeyPair(): TEd25519KeyPair {
  const { secretKey, publicKey } = ed25519.keygen();
  return { secretKey: bytesToHex(secretKey), publicKey: bytesToHex(publicKey) };
}

/** Derives the public key (hex) from a secret key (hex). */
export function publicKeyOf(secretKeyHex: string): string {
  return bytesToHex(ed25519.getPublicKey(parseHex(secretKeyHex, "secretKey", 32)));
}

/** Signs a UTF-8 message; returns the 64-byte signature as hex. */
export function signMessage(message: string, secretKeyHex: string): string {
  return bytesToHex(ed25519.sign(utf8ToBytes(message), parseHex(secretKeyHex, "secretKey", 32)));
}

/**
 * Verifies a signature. Returns false (never throws) for a wrong signature, malformed hex or a
 * key that is not a valid curve point.
 */
export function verifyMessage(message: string, signatureHex: string, publicKeyHex: string): boolean {
  try {
    return ed25519.verify(
      parseHex(signatureHex, "signature", 64),
      utf8ToBytes(message),
      parseHex(publicKeyHex, "publicKey", 32),
    );
  } catch {
    return false;
  }
}

/** Short, stable identifier for a public key (hex): first 16 hex chars of its SHA-256. */
export function keyIdOf(publicKeyHex: string): string {
  return sha256Hex(publicKeyHex.toLowerCase()).slice(0, 16);
}
