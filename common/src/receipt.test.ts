import { describe, expect, it } from "vitest";
import { generateKeyPair } from "./ed25519";
import { sha256Hex } from "./hash";
import { signReceipt, verifyReceipt, ZSignedReceipt } from "./receipt";

const enclave = generateKeyPair();
const base = {
  jobId: "3f1c2a4e-8d6b-4c1a-9e2f-0a1b2c3d4e5f",
  product: "le-district-industry@1",
  datasetCode: "LE-BASE",
  datasetVersion: "2026.11",
  fields: ["district", "industry", "registered_capital"],
  rowsRead: 100_000,
  requestHash: sha256Hex("request"),
  outputHash: sha256Hex("output"),
  privacyRule: "min-group-size:10",
  suppressedCells: 7,
  startedAt: "2026-11-23T10:00:00.000Z",
  finishedAt: "2026-11-23T10:00:01.000Z",
};

describe("job receipts", () => {
  it("a signed receipt verifies with the enclave key and parses with its schema", () => {
    const signed = signReceipt(base, enclave.secretKey, enclave.publicKey);
    expect(ZSignedReceipt.parse(signed)).toEqual(signed);
    expect(verifyReceipt(signed, enclave.publicKey)).toBe(true);
  });

  it("any changed field breaks the signature", () => {
    const signed = signReceipt(base, enclave.secretKey, enclave.publicKey);
    expect(
      verifyReceipt({ ...signed, receipt: { ...signed.receipt, rowsRead: 99_999 } }, enclave.publicKey),
    ).toBe(false);
    expect(
      verifyReceipt({ ...signed, receipt: { ...signed.receipt, fields: ["district"] } }, enclave.publicKey),
    ).toBe(false);
  });

  it("another key does not verify it", () => {
    const signed = signReceipt(base, enclave.secretKey, enclave.publicKey);
    expect(verifyReceipt(signed, generateKeyPair().publicKey)).toBe(false);
  });
});
