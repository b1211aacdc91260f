import { ConfigError, parseConfig } from "@pdx/common/env";
import { describe, expect, it } from "vitest";
import { DEV_CHAIN_ACCOUNT0_PRIVATE_KEY } from "./chain";
import { ZServerConfig } from "./config";

const KEY = "ab".repeat(32);
const minimal = {
  DATABASE_URL: "postgres://postgres@127.0.0.1:5432/postgres",
  ENCLAVE_PUBLIC_KEY: KEY,
  SERVER_SIGNING_KEY: KEY,
  USER_KEY_ENCRYPTION_KEY: KEY,
  CATALOG_REGISTRY_ADDRESS: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  AUTHORIZATION_REGISTRY_ADDRESS: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
};

function problems(env: Record<string, string | undefined>): string[] {
  try {
    parseConfig(ZServerConfig, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe("server configuration", () => {
  it("applies the documented defaults", () => {
    const c = parseConfig(ZServerConfig, minimal);
    expect(c).toMatchObject({
      PORT: 4000,
      HOST: "127.0.0.1",
      ENCLAVE_URL: "http://127.0.0.1:4100",
      CHAIN_RPC_URL: "http://127.0.0.1:8545",
      CHAIN_PRIVATE_KEY: DEV_CHAIN_ACCOUNT0_PRIVATE_KEY,
      ANCHOR_INTERVAL_MS: 3000,
      SESSION_TTL_MINUTES: 480,
      COOKIE_SECURE: false,
      ALLOWED_ORIGINS: ["http://localhost:3000", "http://127.0.0.1:3000"],
    });
  });

  it("names each missing or bad variable without echoing secrets", () => {
    const p = problems({ SERVER_SIGNING_KEY: "secret-value-not-hex", PORT: "70000" });
    expect(p.some((x) => x.startsWith("DATABASE_URL:"))).toBe(true);
    expect(p.some((x) => x.startsWith("ENCLAVE_PUBLIC_KEY:"))).toBe(true);
    expect(p.some((x) => x.startsWith("SERVER_SIGNING_KEY:"))).toBe(true);
    expect(p.some((x) => x.startsWith("PORT:"))).toBe(true);
    expect(p.join("\n")).not.toContain("secret-value-not-hex");
  });

  it("uses the dev chain key only for a local chain", () => {
    expect(problems({ ...minimal, CHAIN_RPC_URL: "http://localhost:8545" })).toEqual([]);
    const remote = problems({ ...minimal, CHAIN_RPC_URL: "https://besu.example.org:8545" });
    expect(remote).toEqual([
      "CHAIN_PRIVATE_KEY: is required when CHAIN_RPC_URL is not a local (127.0.0.1/localhost) chain",
    ]);
    const explicit = parseConfig(ZServerConfig, {
      ...minimal,
      CHAIN_RPC_URL: "https://besu.example.org:8545",
      CHAIN_PRIVATE_KEY: `0x${"12".repeat(32)}`,
    });
    expect(explicit.CHAIN_PRIVATE_KEY).toBe(`0x${"12".repeat(32)}`);
  });

  it("parses COOKIE_SECURE and ALLOWED_ORIGINS", () => {
    const c = parseConfig(ZServerConfig, {
      ...minimal,
      COOKIE_SECURE: "true",
      ALLOWED_ORIGINS: "https://market.example.org, https://www.market.example.org",
    });
    expect(c.COOKIE_SECURE).toBe(true);
    expect(c.ALLOWED_ORIGINS).toEqual(["https://market.example.org", "https://www.market.example.org"]);
    expect(problems({ ...minimal, COOKIE_SECURE: "yes" })[0]).toMatch(/^COOKIE_SECURE:/);
    expect(problems({ ...minimal, ALLOWED_ORIGINS: "https://market.example.org/app" })[0]).toMatch(
      /^ALLOWED_ORIGINS/,
    );
  });
});
