import { generateKeyPair } from "@pdx/common/ed25519";
import { signReceipt } from "@pdx/common/receipt";
import { describe, expect, it } from "vitest";
import { type TUsageRecordContent, usageRecordContentFromRow, usageRecordHash } from "./usage-record";

const keys = generateKeyPair();
const receipt = signReceipt(
  {
    jobId: "3f8a1a52-6a38-4f0e-9d59-2a3c4b5d6e7f",
    product: "le-district-industry@1",
    datasetCode: "LE-BASE",
    datasetVersion: "2026-01",
    fields: ["district", "industry", "registered_capital"],
    rowsRead: 100_000,
    requestHash: "a".repeat(64),
    outputHash: "b".repeat(64),
    privacyRule: "min-group-size:10",
    suppressedCells: 3,
    startedAt: "2026-01-01T00:00:00.000Z",
    finishedAt: "2026-01-01T00:00:01.000Z",
  },
  keys.secretKey,
  keys.publicKey,
);

const content: TUsageRecordContent = {
  id: "7",
  runId: "3f8a1a52-6a38-4f0e-9d59-2a3c4b5d6e7f",
  createdAt: "2026-01-01T00:00:02.000Z",
  userId: "u",
  orgId: "o",
  productId: "p",
  productCode: "le-district-industry",
  productVersion: 1,
  datasetCode: "LE-BASE",
  datasetVersion: "2026-01",
  fields: ["district", "industry", "registered_capital"],
  rowsRead: 100_000,
  outputHash: "b".repeat(64),
  requestHash: "a".repeat(64),
  receipt,
};

describe("usage record hash", () => {
  it("is a SHA-256 hex digest, independent of key order", () => {
    const h = usageRecordHash(content);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    const reordered = Object.fromEntries(Object.entries(content).reverse()) as TUsageRecordContent;
    expect(usageRecordHash(reordered)).toBe(h);
  });

  it("changes when any recorded field changes, the receipt included", () => {
    const h = usageRecordHash(content);
    const variants: Partial<TUsageRecordContent>[] = [
      { id: "8" },
      { runId: "other" },
      { createdAt: "2026-01-01T00:00:02.001Z" },
      { userId: "u2" },
      { orgId: "o2" },
      { productId: "p2" },
      { productCode: "x" },
      { productVersion: 2 },
      { datasetCode: "X" },
      { datasetVersion: "2026-02" },
      { fields: ["district", "industry"] },
      { rowsRead: 100_001 },
      { outputHash: "c".repeat(64) },
      { requestHash: "d".repeat(64) },
      { receipt: { ...receipt, signature: "0".repeat(128) } },
      { receipt: { ...receipt, receipt: { ...receipt.receipt, suppressedCells: 4 } } },
    ];
    const hashes = variants.map((v) => usageRecordHash({ ...content, ...v }));
    for (const [i, x] of hashes.entries()) expect(x, JSON.stringify(variants[i])).not.toBe(h);
    expect(new Set(hashes).size).toBe(variants.length);
  });

  it("round-trips through a stored row (bigint as text, timestamp as Date, receipt as JSON)", () => {
    const row = {
      id: "7",
      run_id: content.runId,
      created_at: new Date(content.createdAt),
      user_id: "u",
      org_id: "o",
      product_id: "p",
      product_code: "le-district-industry",
      product_version: 1,
      dataset_code: "LE-BASE",
      dataset_version: "2026-01",
      fields: content.fields,
      rows_read: "100000",
      output_hash: content.outputHash,
      request_hash: content.requestHash,
      receipt: JSON.parse(JSON.stringify(receipt)),
    };
    const { content: back, receiptValid } = usageRecordContentFromRow(row);
    expect(receiptValid).toBe(true);
    expect(usageRecordHash(back)).toBe(usageRecordHash(content));
    const broken = usageRecordContentFromRow({ ...row, receipt: { receipt: "garbage" } });
    expect(broken.receiptValid).toBe(false);
    expect(usageRecordHash(broken.content)).not.toBe(usageRecordHash(content));
  });
});
