/**
 * The server's key-encryption key (KEK) and the envelope it puts around users' signing keys:
 * AES-256-GCM with a fresh 96-bit IV per key and the user id as additional data, so an encrypted
 * key copied onto another user's row does not decrypt. Secret keys exist in clear only in memory,
 * for the moment of signing; they are never returned by any API or logged.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const FORMAT = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface TKeyring {
  /** Encrypts a 32-byte secret key (hex) for `userId`. */
  sealUserKey(userId: string, secretKeyHex: string): string;
  /** Decrypts what sealUserKey produced for the same `userId`; throws when tampered with. */
  openUserKey(userId: string, sealed: string): string;
}

/** A keyring over a 32-byte KEK given as 64 hex characters. */
export function createKeyring(kekHex: string): TKeyring {
  if (!/^[0-9a-f]{64}$/i.test(kekHex)) {
    throw new RangeError("user key-encryption key must be 64 hex characters (32 bytes)");
  }
  const kek = Buffer.from(kekHex, "hex");
  const aad = (userId: string) => Buffer.from(`pdx-user-signing-key:${FORMAT}:${userId}`, "utf8");
  return {
    sealUserKey(userId, secretKeyHex) {
      if (!/^[0-9a-f]{64}$/.test(secretKeyHex)) throw new RangeError("secret key must be 64 lowercase hex");
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", kek, iv);
      cipher.setAAD(aad(userId));
      const ct = Buffer.concat([cipher.update(Buffer.from(secretKeyHex, "hex")), cipher.final()]);
      return `${FORMAT}.${Buffer.concat([iv, cipher.getAuthTag(), ct]).toString("base64")}`;
    },
    openUserKey(userId, sealed) {
      const [format, body] = sealed.split(".");
      if (format !== FORMAT || !body) throw new Error("unknown sealed key format");
      const raw = Buffer.from(body, "base64");
      if (raw.length !== IV_BYTES + TAG_BYTES + 32) throw new Error("sealed key has the wrong length");
      const decipher = createDecipheriv("aes-256-gcm", kek, raw.subarray(0, IV_BYTES));
      decipher.setAAD(aad(userId));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
        "hex",
      );
    },
  };
}

/** A fresh random KEK (hex), for first start and tests. */
export function generateKeyEncryptionKey(): string {
  return randomBytes(32).toString("hex");
}
