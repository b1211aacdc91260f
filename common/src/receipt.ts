/**
 * Job receipts: the enclave's signed statement of what one job read and produced. The server
 * stores the receipt verbatim inside the usage record; an auditor re-verifies the signature with
 * the enclave's public key.
 */
import { z } from "zod";
import { canonicalJson } from "./canonical-json";
import { keyIdOf, signMessage, verifyMessage } from "./ed25519";
import type { TJobReceiptV2, TSignedJobReceiptV2 } from "./enclave-jobs";

export const ZJobReceipt = z.object({
  version: z.literal(1),
  jobId: z.string().uuid(),
  /** Product (logic) that ran, "code@version". */
  product: z.string().min(1).max(200),
  datasetCode: z.string().min(1).max(100),
  datasetVersion: z.string().min(1).max(100),
  fields: z.array(z.string().min(1).max(100)).max(200),
  rowsRead: z.number().int().nonnegative(),
  /** SHA-256 (hex) of the canonical JSON of the request body the enclave accepted. */
  requestHash: z.string().regex(/^[0-9a-f]{64}$/),
  /** SHA-256 (hex) of the canonical JSON of the released output. */
  outputHash: z.string().regex(/^[0-9a-f]{64}$/),
  /** Privacy rule applied, e.g. "min-group-size:10". */
  privacyRule: z.string().min(1).max(200),
  suppressedCells: z.number().int().nonnegative(),
  startedAt: z.string().datetime(),
  finishedAt: z.string().datetime(),
  enclaveKeyId: z.string().regex(/^[0-9a-f]{16}$/),
});
export type TJobReceipt = z.infer<typeof ZJobReceipt>;

export const ZSignedReceipt = z.object({
  receipt: ZJobReceipt,
  /** ed25519 signature (hex) over "PDX-RECEIPT-1\n" + canonicalJson(receipt). */
  signature: z.string().regex(/^[0-9a-f]{128}$/),
});
export type TSignedReceipt = z.infer<typeof ZSignedReceipt>;

function receiptMessage(receipt: TJobReceipt): string {
  return `PDX-RECEIPT-1\n${canonicalJson(receipt)}`;
}

/** Signs a receipt with the enclave's key. */
export function signReceipt(
  receipt: Omit<TJobReceipt, "enclaveKeyId" | "version">,
  secretKey: string,
  publicKey: string,
): TSignedReceipt {
  const full: TJobReceipt = { ...receipt, version: 1, enclaveKeyId: keyIdOf(publicKey) };
  return { receipt: full, signature: signMessage(receiptMessage(full), secretKey) };
}

/** True when the signature is the enclave key's signature over exactly this receipt. */
export function verifyReceipt(signed: TSignedReceipt, enclavePublicKey: string): boolean {
  if (signed.receipt.enclaveKeyId !== keyIdOf(enclavePublicKey)) return false;
  return verifyMessage(receiptMessage(signed.receipt), signed.signature, enclavePublicKey);
}

// ── Receipt v2: product jobs (common/enclave-jobs.ts) ──────────────────────────────────────────

function receiptV2Message(receipt: TJobReceiptV2): string {
  return `PDX-RECEIPT-2\n${canonicalJson(receipt)}`;
}

/** Signs a product-job receipt with the enclave's key. */
export function signReceiptV2(
  receipt: Omit<TJobReceiptV2, "enclaveKeyId" | "version">,
  secretKey: string,
  publicKey: string,
): TSignedJobReceiptV2 {
  const full: TJobReceiptV2 = { ...receipt, version: 2, enclaveKeyId: keyIdOf(publicKey) };
  return { receipt: full, signature: signMessage(receiptV2Message(full), secretKey) };
}

/** True when the signature is the enclave key's signature over exactly this v2 receipt. */
export function verifyReceiptV2(signed: TSignedJobReceiptV2, enclavePublicKey: string): boolean {
  if (signed.receipt.enclaveKeyId !== keyIdOf(enclavePublicKey)) return false;
  return verifyMessage(receiptV2Message(signed.receipt), signed.signature, enclavePublicKey);
}
