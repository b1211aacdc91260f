/**
 * The enclave key store (implements keys/types.ts). One 256-bit master secret — from the env
 * ENCLAVE_KEY_STORE_KEY (64 hex) or from the file `<data dir>/key-store.key` (0600, created with
 * a random secret on first start) — from which HKDF-SHA-256 derives:
 *   - the key-encryption key (KEK) that wraps each version's random data key with AES-256-GCM
 *     (AAD "pdx-dek/<code>@<version>"; wrapped form: base64 of 0x01 ‖ nonce ‖ ciphertext ‖ tag);
 *   - the fingerprint secret, from which each data item's HMAC key is derived (info
 *     "pdx-fp/<item>"), so an item fingerprints the same in every dataset and differently across items.
 * Key material never leaves this module except as wrapped data keys; nothing here is logged, and
 * errors never carry key bytes.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  randomFillSync,
} from "node:crypto";
import { chmod, mkdir, open, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { TKeyStore, TValueCipher } from "./types";

/** Name of the key file inside the enclave's data directory. */
export const KEY_FILE_NAME = "key-store.key";

const WRAP_FORMAT = 0x01;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const HEX_KEY = /^[0-9a-fA-F]{64}$/;

function derive(master: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync("sha256", master, Buffer.alloc(0), info, KEY_BYTES));
}

/** Random nonces drawn in bulk (one randomFillSync per 4,096 nonces: a call per value is slow). */
const noncePool = Buffer.alloc(NONCE_BYTES * 4096);
let noncePoolNext = noncePool.length;

function nextNonce(): Buffer {
  if (noncePoolNext >= noncePool.length) {
    randomFillSync(noncePool);
    noncePoolNext = 0;
  }
  const nonce = Buffer.from(noncePool.subarray(noncePoolNext, noncePoolNext + NONCE_BYTES));
  noncePoolNext += NONCE_BYTES;
  return nonce;
}

function gcmSeal(key: Buffer, aad: string, plaintext: Buffer): Buffer {
  const nonce = nextNonce();
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const body = cipher.update(plaintext);
  cipher.final();
  return Buffer.concat([nonce, body, cipher.getAuthTag()], NONCE_BYTES + body.length + TAG_BYTES);
}

function gcmOpen(key: Buffer, aad: string, sealed: Buffer): Buffer {
  if (sealed.length < NONCE_BYTES + TAG_BYTES) throw new Error("sealed value is too short");
  const decipher = createDecipheriv("aes-256-gcm", key, sealed.subarray(0, NONCE_BYTES));
  decipher.setAAD(Buffer.from(aad, "utf8"));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([
      decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    throw new Error("sealed value does not verify under this key and AAD");
  }
}

/** AES-256-GCM per value: 12-byte random nonce ‖ ciphertext ‖ 16-byte tag, over the canonical text. */
export const valueCipher: TValueCipher = {
  seal(key, aad, canonicalText) {
    return gcmSeal(key, aad, Buffer.from(canonicalText, "utf8"));
  },
  open(key, aad, sealed) {
    return gcmOpen(key, aad, sealed).toString("utf8");
  },
};

/** The key store over one master secret; see the module comment. */
export class KeyStore implements TKeyStore {
  private readonly kek: Buffer;
  private readonly fingerprintSecret: Buffer;
  private readonly itemKeys = new Map<string, Buffer>();

  constructor(masterSecret: Buffer) {
    if (masterSecret.length !== KEY_BYTES) throw new Error("key store: the master secret must be 32 bytes");
    this.kek = derive(masterSecret, "pdx-kek/1");
    this.fingerprintSecret = derive(masterSecret, "pdx-fingerprint/1");
  }

  newDataKey(code: string, version: string): { key: Buffer; wrapped: string } {
    const key = randomBytes(KEY_BYTES);
    const sealed = gcmSeal(this.kek, wrapAad(code, version), key);
    return { key, wrapped: Buffer.concat([Buffer.of(WRAP_FORMAT), sealed]).toString("base64") };
  }

  unwrapDataKey(code: string, version: string, wrapped: string): Buffer {
    const bytes = Buffer.from(wrapped, "base64");
    if (bytes[0] !== WRAP_FORMAT) throw new Error("key store: unknown wrapped key format");
    let key: Buffer;
    try {
      key = gcmOpen(this.kek, wrapAad(code, version), bytes.subarray(1));
    } catch {
      throw new Error("key store: the wrapped data key does not verify for this dataset version");
    }
    if (key.length !== KEY_BYTES) throw new Error("key store: the wrapped data key has a wrong length");
    return key;
  }

  fingerprint(item: string, canonicalText: string): Buffer {
    return createHmac("sha256", this.itemKey(item)).update(canonicalText, "utf8").digest();
  }

  private itemKey(item: string): Buffer {
    let key = this.itemKeys.get(item);
    if (!key) {
      key = derive(this.fingerprintSecret, `pdx-fp/${item}`);
      this.itemKeys.set(item, key);
    }
    return key;
  }
}

function wrapAad(code: string, version: string): string {
  return `pdx-dek/${code}@${version}`;
}

export interface TOpenKeyStoreOptions {
  /** The enclave's data directory (the key file lives there). */
  dataDir: string;
  /** ENCLAVE_KEY_STORE_KEY: 64 hex; when set, no file is read or written. */
  envKey?: string;
}

/**
 * Opens the key store: the env key when given, else the key file (created 0600 with a random
 * secret when absent). A key file readable by group or others is refused (named, never shown).
 */
export async function openKeyStore(options: TOpenKeyStoreOptions): Promise<KeyStore> {
  if (options.envKey !== undefined) {
    if (!HEX_KEY.test(options.envKey)) throw new Error("ENCLAVE_KEY_STORE_KEY must be 64 hex characters");
    return new KeyStore(Buffer.from(options.envKey, "hex"));
  }
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const path = join(options.dataDir, KEY_FILE_NAME);
  try {
    const handle = await open(path, "wx", 0o600);
    try {
      await handle.writeFile(`${randomBytes(KEY_BYTES).toString("hex")}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await chmod(path, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  const info = await stat(path);
  if ((info.mode & 0o077) !== 0) {
    throw new Error(`key store: ${path} must be readable by its owner only (chmod 600)`);
  }
  const text = (await readFile(path, "utf8")).trim();
  if (!HEX_KEY.test(text)) throw new Error(`key store: ${path} does not hold a 64-hex-character key`);
  return new KeyStore(Buffer.from(text, "hex"));
}
