import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "./password";

describe("scrypt password hashes", () => {
  it("verify the right password and refuse a wrong one", async () => {
    const stored = await hashPassword("Demo#2026");
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPassword("Demo#2026", stored)).toBe(true);
    expect(await verifyPassword("demo#2026", stored)).toBe(false);
    expect(await verifyPassword("", stored)).toBe(false);
  });

  it("salt every hash: the same password hashes differently", async () => {
    const [a, b] = await Promise.all([hashPassword("same"), hashPassword("same")]);
    expect(a).not.toBe(b);
    expect(await verifyPassword("same", a)).toBe(true);
    expect(await verifyPassword("same", b)).toBe(true);
  });

  it("treat malformed or tampered stored hashes as a mismatch", async () => {
    const stored = await hashPassword("pw");
    const parts = stored.split("$");
    for (const bad of [
      "",
      "plain-text",
      "bcrypt$1$2$3$4$5",
      ["scrypt", "0", "8", "1", parts[4], parts[5]].join("$"),
      ["scrypt", "1048577", "8", "1", parts[4], parts[5]].join("$"),
      ["scrypt", "16384", "8", "1", parts[4], "c2hvcnQ="].join("$"),
      ["scrypt", "16384", "8", "1", Buffer.from("other-salt-16byt").toString("base64"), parts[5]].join("$"),
    ]) {
      expect(await verifyPassword("pw", bad), bad).toBe(false);
    }
  });

  it("refuse to hash an empty or oversized password", async () => {
    await expect(hashPassword("")).rejects.toThrow(RangeError);
    await expect(hashPassword("x".repeat(257))).rejects.toThrow(/1\.\.256/);
  });
});
