import { generateKeyPair } from "@pdx/common/ed25519";
import { signReceiptV2 } from "@pdx/common/receipt";
import { describe, expect, it } from "vitest";
import { releasedReceiptProblems, type TReleasedReceiptExpectation } from "./released-receipt";

const keys = generateKeyPair();
const other = generateKeyPair();
const h = (c: string) => c.repeat(64);
const expectation: TReleasedReceiptExpectation = {
  jobId: "0b7d2b4e-7c1a-4f7e-9a51-2f7c3b6d9e10",
  product: { code: "le-private-scoring", version: 1, versionHash: h("a") },
  authorizationId: "5f0c1e7a-2b3d-4c5e-8f9a-0b1c2d3e4f5a",
  requesterOrgId: "org-1",
  requestHash: h("b"),
  outputHash: h("c"),
};
const receipt = {
  jobId: expectation.jobId,
  product: "le-private-scoring@1",
  productVersionHash: h("a"),
  mode: "real" as const,
  authorizationId: expectation.authorizationId,
  requesterOrgId: "org-1",
  state: "released" as const,
  datasets: [{ code: "LE-BASE", version: "2026.11" }],
  fieldsTouched: ["LE-BASE.uscc"],
  rowsRead: 10,
  queries: 1,
  verifications: 0,
  epsilonSpent: 0,
  outputHash: h("c"),
  blockedBy: null,
  requestHash: h("b"),
  startedAt: "2026-11-23T00:00:00.000Z",
  finishedAt: "2026-11-23T00:00:01.000Z",
};
const signed = (changes: Partial<typeof receipt> = {}, by = keys) =>
  signReceiptV2({ ...receipt, ...changes }, by.secretKey, by.publicKey);

describe("releasedReceiptProblems", () => {
  it("accepts a receipt that matches and is signed by the expected key", () => {
    expect(releasedReceiptProblems(signed(), expectation, keys.publicKey)).toEqual([]);
  });

  it("names every field that does not match", () => {
    const cases: [Partial<typeof receipt>, string][] = [
      [{ jobId: "1b7d2b4e-7c1a-4f7e-9a51-2f7c3b6d9e10" }, "session id mismatch"],
      [{ product: "le-private-scoring@2" }, "product mismatch"],
      [{ productVersionHash: h("d") }, "version hash mismatch"],
      [{ authorizationId: null as unknown as string }, "authorization mismatch"],
      [{ requesterOrgId: "org-2" }, "requester mismatch"],
      [{ requestHash: h("d") }, "request hash mismatch"],
      [{ state: "blocked" as unknown as "released" }, "state mismatch"],
      [{ mode: "mock" as unknown as "real" }, "state mismatch"],
      [{ outputHash: h("d") }, "output hash mismatch"],
    ];
    for (const [change, problem] of cases)
      expect(releasedReceiptProblems(signed(change), expectation, keys.publicKey, "session id")).toEqual([
        problem,
      ]);
  });

  it("refuses a receipt signed by another key, and a tampered one", () => {
    expect(releasedReceiptProblems(signed({}, other), expectation, keys.publicKey)).toEqual([
      "receipt signature invalid",
    ]);
    const tampered = signed();
    tampered.receipt.rowsRead = 11;
    expect(releasedReceiptProblems(tampered, expectation, keys.publicKey)).toEqual([
      "receipt signature invalid",
    ]);
  });

  it("skips the product checks when the job names no product", () => {
    const { product: _product, ...noProduct } = expectation;
    expect(releasedReceiptProblems(signed({ product: "x@1" }), noProduct, keys.publicKey)).toEqual([]);
  });
});
