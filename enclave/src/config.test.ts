import { generateKeyPair } from "@pdx/common/ed25519";
import { ConfigError, parseConfig } from "@pdx/common/env";
import { describe, expect, it } from "vitest";
import { ZEnclaveConfig } from "./config";
import { generateMpcKeys } from "./mpc/envelope";
import { mpcNodeConfigOf } from "./mpc/node-config";

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
      ENCLAVE_GENERATED_DATASETS: [],
    });
  });

  it("reads generated datasets as CODE@VERSION=ROWS and names a bad entry's form", () => {
    expect(
      parseConfig(ZEnclaveConfig, {
        ...base,
        ENCLAVE_GENERATED_DATASETS: " TAX-INVOICE-SUMMARY@2026.11=4000, HC-VACCINATION@2026.11=12 ",
      }).ENCLAVE_GENERATED_DATASETS,
    ).toEqual([
      { code: "TAX-INVOICE-SUMMARY", version: "2026.11", rows: 4000 },
      { code: "HC-VACCINATION", version: "2026.11", rows: 12 },
    ]);
    expect(() => parseConfig(ZEnclaveConfig, { ...base, ENCLAVE_GENERATED_DATASETS: "TAX@x" })).toThrow(
      /CODE@VERSION=ROWS/,
    );
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

  describe("MPC node settings (ENCLAVE_MPC_*)", () => {
    const own = generateMpcKeys();
    const east = generateMpcKeys();
    const west = generateMpcKeys();
    const peer = (nodeId: string, keys = east, url = `http://${nodeId}.example:4100/`) => ({
      nodeId,
      url,
      signingPublicKey: keys.signingPublicKey,
      encryptionPublicKey: keys.encryptionPublicKey,
    });
    const mpc = {
      ENCLAVE_MPC_NODE_ID: "north",
      ENCLAVE_MPC_ENCRYPTION_KEY: own.encryptionKey.toUpperCase(),
      ENCLAVE_MPC_PEERS: JSON.stringify([peer("east"), peer("west", west)]),
    };

    it("are off unless ENCLAVE_MPC_NODE_ID is set (an empty variable counts as unset)", () => {
      const config = parseConfig(ZEnclaveConfig, base);
      expect(mpcNodeConfigOf(config, config.ENCLAVE_SIGNING_KEY)).toBeNull();
      const cleared = parseConfig(ZEnclaveConfig, {
        ...base,
        ENCLAVE_MPC_NODE_ID: "",
        ENCLAVE_MPC_ENCRYPTION_KEY: "",
        ENCLAVE_MPC_PEERS: "",
      });
      expect(mpcNodeConfigOf(cleared, cleared.ENCLAVE_SIGNING_KEY)).toBeNull();
    });

    it("give the node its id, its keys (signing: ENCLAVE_SIGNING_KEY) and its peers", () => {
      const config = parseConfig(ZEnclaveConfig, { ...base, ...mpc });
      expect(mpcNodeConfigOf(config, config.ENCLAVE_SIGNING_KEY)).toEqual({
        nodeId: "north",
        signingKey: enclave.secretKey,
        encryptionKey: own.encryptionKey,
        peers: [
          { ...peer("east"), url: "http://east.example:4100" },
          { ...peer("west", west), url: "http://west.example:4100" },
        ],
      });
    });

    it("require the key and the peers with a node id, and a node id with either", () => {
      expect(problems({ ...base, ENCLAVE_MPC_NODE_ID: "north" })).toEqual([
        expect.stringMatching(/^ENCLAVE_MPC_ENCRYPTION_KEY: is required with ENCLAVE_MPC_NODE_ID/),
        expect.stringMatching(/^ENCLAVE_MPC_PEERS: is required with ENCLAVE_MPC_NODE_ID/),
      ]);
      expect(problems({ ...base, ENCLAVE_MPC_PEERS: mpc.ENCLAVE_MPC_PEERS })).toEqual([
        expect.stringMatching(/^ENCLAVE_MPC_PEERS: is set but ENCLAVE_MPC_NODE_ID is not/),
      ]);
    });

    it("name each bad variable, and each bad peer field by index, without echoing values", () => {
      const secretish = "this-is-a-secret-x25519-value-8c1d";
      const found = problems({
        ...base,
        ENCLAVE_MPC_NODE_ID: "North Bureau",
        ENCLAVE_MPC_ENCRYPTION_KEY: secretish,
        ENCLAVE_MPC_PEERS: JSON.stringify([
          peer("east"),
          { ...peer("west", west, "ftp://user:peer-api-secret@west.example/"), signingPublicKey: "ab" },
        ]),
      });
      expect(found).toEqual([
        expect.stringMatching(/^ENCLAVE_MPC_NODE_ID: must be a lowercase node id/),
        expect.stringMatching(/^ENCLAVE_MPC_ENCRYPTION_KEY: must be 64 hex characters \(the node's X25519/),
        expect.stringMatching(/^ENCLAVE_MPC_PEERS\.1\.url: must be an http\(s\) URL/),
        expect.stringMatching(/^ENCLAVE_MPC_PEERS\.1\.signingPublicKey: must be 64 hex characters/),
      ]);
      expect(found.join("\n")).not.toContain(secretish);
      expect(found.join("\n")).not.toContain("peer-api-secret");
    });

    it("refuse peers that are not a JSON list, an empty list, duplicates and the node itself", () => {
      const peersProblem = (peers: string) => problems({ ...base, ...mpc, ENCLAVE_MPC_PEERS: peers });
      expect(peersProblem("[{nodeId: east}]")).toEqual([
        expect.stringMatching(/^ENCLAVE_MPC_PEERS: must be a JSON array of .* \(it is not JSON\)$/),
      ]);
      expect(peersProblem(JSON.stringify(peer("east")))).toEqual([
        expect.stringMatching(/^ENCLAVE_MPC_PEERS: must be a JSON array of /),
      ]);
      expect(peersProblem("[]")).toEqual(["ENCLAVE_MPC_PEERS: must list at least one peer"]);
      expect(peersProblem(JSON.stringify([peer("east"), peer("east"), peer("north")]))).toEqual([
        "ENCLAVE_MPC_PEERS: each peer may be listed once",
        "ENCLAVE_MPC_PEERS: the node itself is not its own peer",
      ]);
    });
  });
});
