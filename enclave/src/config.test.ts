import { generateKeyPair } from "@pdx/common/ed25519";
import { ConfigError, parseConfig } from "@pdx/common/env";
import { describe, expect, it } from "vitest";
import { ZEnclaveConfig } from "./config";

const enclave = generateKeyPair();
const clientA = generateKeyPair();
const clientB = generateKeyPair();
const base = {
  VAULT_DATABASE_URL: "postgres://postgres@127.0.0.1:55433/postgres",
  ENCLAVE_SIGNING_KEY: enclave.secretKey,
  ENCLAVE_TRUSTED_CLIENT_KEYS: clientA.publicKey,
  CHAIN_RPC_URL: "http://127.0.0.1:8545",
  AUTHORIZATION_REGISTRY_ADDRESS: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
};

function problems(env: Record<string, string | undefined>): string[] {
  try {
    parseConfig(ZEnclaveConfig, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe("ZEnclaveConfig", () => {
  it("applies the defaults", () => {
    expect(parseConfig(ZEnclaveConfig, base)).toEqual({
      ...base,
      ENCLAVE_PORT: 4100,
      ENCLAVE_HOST: "127.0.0.1",
      ENCLAVE_TRUSTED_CLIENT_KEYS: [clientA.publicKey],
      ENCLAVE_SEED_LEGAL_ENTITIES: 100_000,
      ENCLAVE_DATA_DIR: ".data/enclave",
    });
  });

  it("takes an optional key-store key of 64 hex characters, never echoing a bad one", () => {
    const key = "AB".repeat(32);
    expect(parseConfig(ZEnclaveConfig, { ...base, ENCLAVE_KEY_STORE_KEY: key }).ENCLAVE_KEY_STORE_KEY).toBe(
      key.toLowerCase(),
    );
    const found = problems({ ...base, ENCLAVE_KEY_STORE_KEY: "not-a-key-secret" });
    expect(found).toEqual([expect.stringMatching(/^ENCLAVE_KEY_STORE_KEY: must be 64 hex characters/)]);
    expect(found.join("\n")).not.toContain("not-a-key-secret");
  });

  it("splits trusted keys on commas, trims and lower-cases them", () => {
    const config = parseConfig(ZEnclaveConfig, {
      ...base,
      ENCLAVE_TRUSTED_CLIENT_KEYS: ` ${clientA.publicKey.toUpperCase()} ,${clientB.publicKey},`,
    });
    expect(config.ENCLAVE_TRUSTED_CLIENT_KEYS).toEqual([clientA.publicKey, clientB.publicKey]);
  });

  it("names each bad variable without its value", () => {
    const found = problems({
      ...base,
      ENCLAVE_SIGNING_KEY: "secret-ish-value",
      ENCLAVE_TRUSTED_CLIENT_KEYS: ",",
    });
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/^ENCLAVE_SIGNING_KEY: /);
    expect(found[1]).toMatch(/^ENCLAVE_TRUSTED_CLIENT_KEYS: must list at least one/);
    expect(found.join("\n")).not.toContain("secret-ish-value");
  });

  it("requires the chain URL and the AuthorizationRegistry address, and checks their form", () => {
    const missing = problems({ ...base, CHAIN_RPC_URL: undefined, AUTHORIZATION_REGISTRY_ADDRESS: "" });
    expect(missing).toHaveLength(2);
    expect(missing[0]).toMatch(/^CHAIN_RPC_URL: is required/);
    expect(missing[1]).toMatch(/^AUTHORIZATION_REGISTRY_ADDRESS: is required/);
    const bad = problems({
      ...base,
      CHAIN_RPC_URL: "ws://user:api-key-secret@chain.example:8546",
      AUTHORIZATION_REGISTRY_ADDRESS: "0x1234",
    });
    expect(bad[0]).toMatch(/^CHAIN_RPC_URL: must be an http\(s\) URL/);
    expect(bad[1]).toMatch(/^AUTHORIZATION_REGISTRY_ADDRESS: must be a 0x-prefixed 20-byte address/);
    expect(bad.join("\n")).not.toContain("api-key-secret");
  });

  it("treats an empty variable as unset", () => {
    expect(problems({ ...base, VAULT_DATABASE_URL: "" })[0]).toMatch(/^VAULT_DATABASE_URL: is required/);
    expect(parseConfig(ZEnclaveConfig, { ...base, ENCLAVE_PORT: "" }).ENCLAVE_PORT).toBe(4100);
  });
});
