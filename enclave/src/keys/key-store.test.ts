/**
 * The key store: the key file (created 0600 on first start, reused after, refused when readable
 * by others), the env key, wrapped data keys bound to their dataset version, per-item
 * fingerprint keys, and the value cipher (opens only with the right key and AAD).
 */
import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KEY_FILE_NAME, KeyStore, openKeyStore, valueCipher } from "./key-store";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pdx-keys-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("openKeyStore", () => {
  it("creates a 0600 key file on first start and reuses it on the next", async () => {
    const dataDir = join(dir, "a");
    const first = await openKeyStore({ dataDir });
    const path = join(dataDir, KEY_FILE_NAME);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await readFile(path, "utf8")).trim()).toMatch(/^[0-9a-f]{64}$/);
    const { wrapped } = first.newDataKey("LE-BASE", "1");
    const second = await openKeyStore({ dataDir });
    expect(second.unwrapDataKey("LE-BASE", "1", wrapped)).toHaveLength(32);
    expect(second.fingerprint("le.uscc", "x")).toEqual(first.fingerprint("le.uscc", "x"));
  });

  it("refuses a key file readable by group or others", async () => {
    const dataDir = join(dir, "b");
    await openKeyStore({ dataDir });
    await chmod(join(dataDir, KEY_FILE_NAME), 0o644);
    await expect(openKeyStore({ dataDir })).rejects.toThrow(/readable by its owner only/);
  });

  it("uses ENCLAVE_KEY_STORE_KEY without touching the data directory", async () => {
    const key = randomBytes(32).toString("hex");
    const dataDir = join(dir, "c");
    const a = await openKeyStore({ dataDir, envKey: key });
    const b = new KeyStore(Buffer.from(key, "hex"));
    expect(a.fingerprint("le.uscc", "x")).toEqual(b.fingerprint("le.uscc", "x"));
    await expect(stat(dataDir)).rejects.toThrow();
    await expect(openKeyStore({ dataDir, envKey: "zz" })).rejects.toThrow(/64 hex/);
  });
});

describe("KeyStore", () => {
  const store = new KeyStore(randomBytes(32));

  it("wraps a fresh data key per version; it unwraps only for that version and that KEK", () => {
    const a = store.newDataKey("LE-BASE", "2026.11");
    const b = store.newDataKey("LE-BASE", "2026.11");
    expect(a.key.equals(b.key)).toBe(false);
    expect(store.unwrapDataKey("LE-BASE", "2026.11", a.wrapped).equals(a.key)).toBe(true);
    expect(() => store.unwrapDataKey("LE-BASE", "2026.12", a.wrapped)).toThrow(/does not verify/);
    expect(() => new KeyStore(randomBytes(32)).unwrapDataKey("LE-BASE", "2026.11", a.wrapped)).toThrow(
      /does not verify/,
    );
    expect(a.wrapped).not.toContain(a.key.toString("base64"));
  });

  it("fingerprints the same item the same everywhere and different items differently", () => {
    const fp = store.fingerprint("le.uscc", "91440300MA5F00000X");
    expect(fp).toHaveLength(32);
    expect(store.fingerprint("le.uscc", "91440300MA5F00000X")).toEqual(fp);
    expect(store.fingerprint("le.name", "91440300MA5F00000X").equals(fp)).toBe(false);
    expect(new KeyStore(randomBytes(32)).fingerprint("le.uscc", "91440300MA5F00000X").equals(fp)).toBe(false);
  });
});

describe("valueCipher", () => {
  it("seals as nonce ‖ ciphertext ‖ tag and opens only with the right key and AAD", () => {
    const key = randomBytes(32);
    const sealed = valueCipher.seal(key, "X@1/name/1", "张示例");
    expect(sealed).toHaveLength(12 + Buffer.byteLength("张示例") + 16);
    expect(valueCipher.open(key, "X@1/name/1", sealed)).toBe("张示例");
    expect(() => valueCipher.open(key, "X@1/name/2", sealed)).toThrow(/does not verify/);
    expect(() => valueCipher.open(randomBytes(32), "X@1/name/1", sealed)).toThrow(/does not verify/);
    const again = valueCipher.seal(key, "X@1/name/1", "张示例");
    expect(again.subarray(0, 12).equals(sealed.subarray(0, 12))).toBe(false);
  });
});
