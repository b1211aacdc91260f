/**
 * Verifies one usage record end to end, trusting nothing the database says about itself:
 * 1. record_hash — the hash recomputed from the record's stored fields equals the hash that was
 *    recorded (and anchored);
 * 2. receipt_signature — the enclave's signature over the stored receipt verifies with the
 *    enclave's public key, and the receipt says what the record says (dataset, fields, rows
 *    read, output and request hashes, product);
 * 3. chain_root — the root read from the chain for the record's batch equals the root rebuilt
 *    from the batch's records;
 * 4. merkle_proof — the leaf of the RECOMPUTED hash with the rebuilt proof leads to the chain's
 *    root, checked here and by the contract (verifyRecord).
 * Any altered field fails 1, and so 4. The verdict is "pending" while the record awaits its batch.
 */
import { keyIdOf } from "@pdx/common/ed25519";
import type { TSignedJobReceiptV2 } from "@pdx/common/enclave-jobs";
import { buildMerkleTree, merkleLeaf, verifyMerkleProof } from "@pdx/common/merkle";
import { type TSignedReceipt, verifyReceipt, verifyReceiptV2 } from "@pdx/common/receipt";
import { ChainError, type TChainClient, type THex32 } from "../../chain";
import type { TQueryable } from "../../db";
import { DomainError } from "../domain-error";
import {
  type TUsageRecordContentRow,
  USAGE_RECORD_CONTENT_COLUMNS,
  usageRecordContentFromRow,
  usageRecordHash,
} from "../usage/usage-record";
import { getUsageRecordDetail, type TUsageRecordDetail } from "./usage-records";

export type TVerificationCheckName = "record_hash" | "receipt_signature" | "merkle_proof" | "chain_root";

export interface TVerificationCheck {
  name: TVerificationCheckName;
  ok: boolean;
  detail: string;
}

export interface TAnchorView {
  batchId: string;
  root: string;
  txHash: string;
  blockNumber: number;
  contractAddress: string;
  chainId: string;
  anchoredAt: string;
}

export interface TUsageRecordVerification {
  record: TUsageRecordDetail;
  checks: TVerificationCheck[];
  anchor: TAnchorView | null;
  verdict: "verified" | "failed" | "pending";
}

export interface TVerifyDeps {
  db: TQueryable;
  chain: TChainClient;
  /** The enclave's ed25519 public key (hex) that signs receipts. */
  enclavePublicKey: string;
  /** The MPC nodes: a joint job's receipt is signed by its coordinator node's key. */
  mpc?: { nodes: ReadonlyMap<string, { signingPublicKey: string }> } | null;
}

/**
 * The key a receipt must verify with: the enclave's, or — for a joint (MPC) job only — the key of
 * the configured node the receipt names.
 */
function receiptKeyOf(
  signed: { receipt: { enclaveKeyId: string; computation?: { kind: string } } },
  deps: TVerifyDeps,
): string {
  if (signed.receipt.computation?.kind !== "mpc" || !deps.mpc) return deps.enclavePublicKey;
  for (const node of deps.mpc.nodes.values())
    if (keyIdOf(node.signingPublicKey) === signed.receipt.enclaveKeyId) return node.signingPublicKey;
  return deps.enclavePublicKey;
}

interface TBatchRow {
  id: string;
  root: string;
  record_count: number;
  tx_hash: string;
  block_number: string;
  contract_address: string;
  chain_id: string;
  anchored_at: Date;
}

/** Verifies usage record `id`; NOT_FOUND when it does not exist. */
export async function verifyUsageRecord(deps: TVerifyDeps, id: string): Promise<TUsageRecordVerification> {
  const record = await getUsageRecordDetail(deps.db, id);
  const { rows } = await deps.db.query<TUsageRecordContentRow & { record_hash: string }>(
    `SELECT ${USAGE_RECORD_CONTENT_COLUMNS}, r.record_hash FROM usage_records r WHERE r.id = $1::bigint`,
    [id],
  );
  const row = rows[0];
  if (!row) throw new DomainError("NOT_FOUND", "usage record not found");
  const { content, receiptValid } = usageRecordContentFromRow(row);

  // 1. record hash, recomputed from the stored fields
  const recomputedHash = usageRecordHash(content);
  const hashOk = recomputedHash === row.record_hash;
  const checks: TVerificationCheck[] = [
    {
      name: "record_hash",
      ok: hashOk,
      detail: hashOk
        ? `the hash of the recorded fields (${short(recomputedHash)}) matches the recorded hash`
        : `the recorded fields hash to ${short(recomputedHash)}, not the recorded ${short(row.record_hash)}: the record was altered after it was written`,
    },
  ];

  // 2. the enclave's receipt: signature, and agreement with the record
  checks.push(
    receiptCheck(
      content,
      receiptValid,
      receiptValid ? receiptKeyOf(content.receipt as TSignedJobReceiptV2, deps) : deps.enclavePublicKey,
    ),
  );

  // 3 + 4. batch, chain root, Merkle proof
  if (record.batchId === null || record.leafIndex === null) {
    checks.push(
      { name: "chain_root", ok: false, detail: "not anchored yet: the record awaits the next batch" },
      { name: "merkle_proof", ok: false, detail: "not anchored yet: no batch, so no proof" },
    );
    const verdict = checks.slice(0, 2).every((c) => c.ok) ? "pending" : "failed";
    return { record, checks, anchor: null, verdict };
  }

  const { rows: batchRows } = await deps.db.query<TBatchRow>(
    `SELECT id::text AS id, root, record_count, tx_hash, block_number::text AS block_number, contract_address,
            chain_id, anchored_at
       FROM usage_batches WHERE id = $1::bigint`,
    [record.batchId],
  );
  const batch = batchRows[0];
  if (!batch) {
    checks.push(
      { name: "chain_root", ok: false, detail: `batch ${record.batchId} is missing from the database` },
      { name: "merkle_proof", ok: false, detail: "no batch, so no proof" },
    );
    return { record, checks, anchor: null, verdict: "failed" };
  }
  const anchor: TAnchorView = {
    batchId: batch.id,
    root: batch.root,
    txHash: batch.tx_hash,
    blockNumber: Number(batch.block_number),
    contractAddress: batch.contract_address,
    chainId: batch.chain_id,
    anchoredAt: batch.anchored_at.toISOString(),
  };

  // The batch's leaves, in leaf order, from the hashes recorded for its records; this record's
  // leaf comes from its RECOMPUTED hash.
  const { rows: members } = await deps.db.query<{ id: string; record_hash: string; leaf_index: number }>(
    "SELECT id::text AS id, record_hash, leaf_index FROM usage_records WHERE batch_id = $1::bigint ORDER BY leaf_index",
    [batch.id],
  );
  const contiguous = members.every((m, i) => m.leaf_index === i);
  const storedLeaves = members.map((m) => merkleLeaf(m.record_hash));
  const storedTree = storedLeaves.length > 0 && contiguous ? buildMerkleTree(storedLeaves) : null;
  const leaf = merkleLeaf(recomputedHash);
  const proof = storedTree ? storedTree.proof(record.leafIndex) : [];

  const batchIdBig = BigInt(batch.id);
  let onChainRoot: THex32 | null = null;
  let contractSays = false;
  let chainProblem: string | null = null;
  try {
    const onChain = await deps.chain.readBatch(batchIdBig);
    onChainRoot = onChain?.root ?? null;
    if (onChain) contractSays = await deps.chain.verifyRecordOnChain(batchIdBig, leaf, proof);
  } catch (err) {
    if (err instanceof ChainError && err.code === "CONTRACT_MISSING") {
      chainProblem =
        "the UsageAnchor contract is not on the chain (was the chain reset without re-anchoring?)";
    } else if (err instanceof ChainError) {
      throw new DomainError(
        "CHAIN_UNAVAILABLE",
        "the chain cannot be reached to verify this record; please try again later",
        `verify ${id}: ${err.code}`,
      );
    } else {
      throw err;
    }
  }

  // 3. chain root
  let rootCheck: TVerificationCheck;
  if (chainProblem) rootCheck = { name: "chain_root", ok: false, detail: chainProblem };
  else if (onChainRoot === null) {
    rootCheck = {
      name: "chain_root",
      ok: false,
      detail: `batch ${batch.id} has no root on chain ${batch.chain_id}`,
    };
  } else if (!storedTree || members.length !== batch.record_count) {
    rootCheck = {
      name: "chain_root",
      ok: false,
      detail: `batch ${batch.id} should hold ${batch.record_count} records in leaf order; the database holds ${members.length}`,
    };
  } else {
    const matches = onChainRoot === storedTree.root.toLowerCase() && onChainRoot === batch.root.toLowerCase();
    rootCheck = {
      name: "chain_root",
      ok: matches,
      detail: matches
        ? `the root read from chain ${batch.chain_id} (contract ${batch.contract_address}) for batch ${batch.id} equals the root rebuilt from its ${members.length} records`
        : `the root on chain (${short(onChainRoot)}) differs from the root rebuilt from the database (${short(storedTree.root)})`,
    };
  }

  // 4. Merkle proof of the recomputed leaf, off-chain and by the contract
  let proofCheck: TVerificationCheck;
  if (onChainRoot === null) {
    proofCheck = { name: "merkle_proof", ok: false, detail: "no root on chain to prove against" };
  } else {
    const offChain = verifyMerkleProof(leaf, proof, onChainRoot);
    const ok = offChain && contractSays;
    proofCheck = {
      name: "merkle_proof",
      ok,
      detail: ok
        ? `the record's leaf (#${record.leafIndex}) with a ${proof.length}-step proof leads to the root on chain; the contract agrees`
        : `the record's leaf does not lead to the root on chain (checked here: ${offChain ? "ok" : "fails"}; by the contract: ${contractSays ? "ok" : "fails"})`,
    };
  }
  checks.push(rootCheck, proofCheck);

  return { record, checks, anchor, verdict: checks.every((c) => c.ok) ? "verified" : "failed" };
}

/** A bad receipt signature: names the key when the receipt claims another enclave's. */
function signatureFailure(receiptKeyId: string, enclavePublicKey: string): TVerificationCheck {
  const wrongKey = receiptKeyId !== keyIdOf(enclavePublicKey);
  return {
    name: "receipt_signature",
    ok: false,
    detail: wrongKey
      ? `the receipt names enclave key ${receiptKeyId}, not the enclave's key ${keyIdOf(enclavePublicKey)}`
      : "the enclave's signature does not verify over the stored receipt",
  };
}

/** The verdict on a validly signed receipt: the record's fields that differ from it, if any. */
function receiptMatch(mismatches: readonly string[], matchedDetail: string): TVerificationCheck {
  if (mismatches.length > 0) {
    return {
      name: "receipt_signature",
      ok: false,
      detail: `the enclave's signature is valid, but the record differs from the signed receipt in: ${mismatches.join(", ")}`,
    };
  }
  return { name: "receipt_signature", ok: true, detail: matchedDetail };
}

/** Fields common to both receipt versions that must equal the record's. */
function commonMismatches(
  content: ReturnType<typeof usageRecordContentFromRow>["content"],
  r: { product: string; rowsRead: number; outputHash: string; requestHash: string; jobId: string },
): string[] {
  const mismatches: string[] = [];
  if (r.product !== `${content.productCode}@${content.productVersion}`) mismatches.push("product");
  if (r.rowsRead !== content.rowsRead) mismatches.push("rows read");
  if (r.outputHash !== content.outputHash) mismatches.push("output hash");
  if (r.requestHash !== content.requestHash) mismatches.push("request hash");
  if (r.jobId !== content.runId) mismatches.push("job id");
  return mismatches;
}

function receiptCheck(
  content: ReturnType<typeof usageRecordContentFromRow>["content"],
  receiptValid: boolean,
  enclavePublicKey: string,
): TVerificationCheck {
  if (!receiptValid) {
    return { name: "receipt_signature", ok: false, detail: "the stored receipt is malformed" };
  }
  const signed = content.receipt;
  if (signed.receipt.version === 2)
    return receiptV2Check(content, signed as TSignedJobReceiptV2, enclavePublicKey);
  const v1 = signed as TSignedReceipt;
  const r = v1.receipt;
  if (!verifyReceipt(v1, enclavePublicKey)) return signatureFailure(r.enclaveKeyId, enclavePublicKey);
  const mismatches = commonMismatches(content, r);
  if (r.datasetCode !== content.datasetCode) mismatches.push("dataset code");
  if (r.datasetVersion !== content.datasetVersion) mismatches.push("dataset version");
  if (JSON.stringify(r.fields) !== JSON.stringify(content.fields)) mismatches.push("fields");
  return receiptMatch(
    mismatches,
    `signed by enclave key ${r.enclaveKeyId}; the receipt matches the record (${r.rowsRead} rows read, ${r.fields.length} fields)`,
  );
}

/** The same check for a product job's v2 receipt (common/src/enclave-jobs.ts ZJobReceiptV2). */
function receiptV2Check(
  content: ReturnType<typeof usageRecordContentFromRow>["content"],
  signed: TSignedJobReceiptV2,
  enclavePublicKey: string,
): TVerificationCheck {
  const r = signed.receipt;
  if (!verifyReceiptV2(signed, enclavePublicKey)) return signatureFailure(r.enclaveKeyId, enclavePublicKey);
  const first = r.datasets[0];
  const mismatches = commonMismatches(content, r);
  if (r.mode !== "real") mismatches.push("mode");
  if (r.requesterOrgId !== content.orgId) mismatches.push("requester");
  if ((first?.code ?? "-") !== content.datasetCode) mismatches.push("dataset code");
  if ((first?.version ?? "-") !== content.datasetVersion) mismatches.push("dataset version");
  if (JSON.stringify(r.fieldsTouched) !== JSON.stringify(content.fields)) mismatches.push("fields");
  return receiptMatch(
    mismatches,
    `signed by enclave key ${r.enclaveKeyId} (product job receipt v2, ${r.state}); the receipt matches the record (${r.rowsRead} rows read, ${r.fieldsTouched.length} fields, ε ${r.epsilonSpent})`,
  );
}

function short(hash: string): string {
  return hash.length > 18 ? `${hash.slice(0, 10)}…${hash.slice(-6)}` : hash;
}
