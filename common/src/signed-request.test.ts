import { describe, expect, it } from "vitest";
import { generateKeyPair } from "./ed25519";
import { MemoryNonceStore, SIGNED_REQUEST_HEADERS, signRequest, verifyRequest } from "./signed-request";

const client = generateKeyPair();
const stranger = generateKeyPair();
const body = JSON.stringify({ hello: "世界" });

function signed(overrides: Partial<Parameters<typeof signRequest>[0]> = {}) {
  return signRequest({ method: "POST", path: "/v1/jobs/aggregate", body, ...client, ...overrides });
}

function verify(headers: Record<string, string>, over: Partial<Parameters<typeof verifyRequest>[0]> = {}) {
  return verifyRequest({
    method: "POST",
    path: "/v1/jobs/aggregate",
    body,
    headers,
    trustedKeys: [client.publicKey],
    nonces: new MemoryNonceStore(),
    ...over,
  });
}

describe("signed requests", () => {
  it("accepts a correctly signed request and names the key", async () => {
    await expect(verify(signed())).resolves.toHaveProperty("keyId");
  });

  it("refuses missing headers", async () => {
    const h = signed();
    delete h[SIGNED_REQUEST_HEADERS.signature];
    await expect(verify(h)).rejects.toMatchObject({ code: "HEADER_MISSING" });
  });

  it("refuses an unknown key", async () => {
    await expect(verify(signed({ ...stranger }))).rejects.toMatchObject({ code: "KEY_UNKNOWN" });
  });

  it("refuses a body, path or method changed after signing", async () => {
    await expect(verify(signed(), { body: `${body} ` })).rejects.toMatchObject({ code: "SIGNATURE_INVALID" });
    await expect(verify(signed(), { path: "/v1/jobs/other" })).rejects.toMatchObject({
      code: "SIGNATURE_INVALID",
    });
    await expect(verify(signed(), { method: "PUT" })).rejects.toMatchObject({ code: "SIGNATURE_INVALID" });
  });

  it("refuses a signature made with another key under a trusted key id", async () => {
    const forged = signed({ secretKey: stranger.secretKey });
    await expect(verify(forged)).rejects.toMatchObject({ code: "SIGNATURE_INVALID" });
  });

  it("refuses timestamps outside the window, either side", async () => {
    const now = Date.now();
    await expect(verify(signed({ now: now - 31_000 }), { now })).rejects.toMatchObject({
      code: "TIMESTAMP_OUT_OF_WINDOW",
    });
    await expect(verify(signed({ now: now + 31_000 }), { now })).rejects.toMatchObject({
      code: "TIMESTAMP_OUT_OF_WINDOW",
    });
    await expect(verify(signed({ now: now - 29_000 }), { now })).resolves.toBeDefined();
  });

  it("refuses a replayed nonce", async () => {
    const nonces = new MemoryNonceStore();
    const h = signed();
    await verify(h, { nonces });
    await expect(verify(h, { nonces })).rejects.toMatchObject({ code: "NONCE_REPLAYED" });
  });

  it("does not burn the nonce of a request whose signature failed", async () => {
    const nonces = new MemoryNonceStore();
    const h = signed();
    await expect(verify(h, { nonces, body: "tampered" })).rejects.toMatchObject({
      code: "SIGNATURE_INVALID",
    });
    await expect(verify(h, { nonces })).resolves.toBeDefined();
  });
});
