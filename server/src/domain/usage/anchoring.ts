/**
 * Batching usage records into Merkle trees and anchoring the roots on chain.
 *
 * anchorPendingRecords: the unbatched records (in id order) become one batch. The root is
 * anchored on chain FIRST; only after the transaction is mined is the batch row written and the
 * records assigned, in one database transaction. If the chain call fails the database is not
 * touched and the records stay pending for the next tick; if the database write fails after a
 * successful anchor, the on-chain batch id is simply never used (batch ids come from a
 * sequence, so the retry uses a fresh one). No batch row is ever marked anchored without its
 * root being on chain.
 */
import { buildMerkleTree, merkleLeaf } from "@pdx/common/merkle";
import type { TChainClient, THex32 } from "../../chain";
import type { TDb } from "../../db";

/** Most records put into one batch; more wait for the next tick. */
export const MAX_RECORDS_PER_BATCH = 10_000;

export interface TAnchoredBatch {
  batchId: string;
  root: THex32;
  recordCount: number;
  txHash: string;
  blockNumber: number;
}

/**
 * Anchors every pending record (up to MAX_RECORDS_PER_BATCH) as one batch. Resolves with the
 * batch, or null when nothing was pending. Rejects (with the chain's or database's error) when
 * anchoring failed; the records then stay pending.
 */
export async function anchorPendingRecords(
  db: TDb,
  chain: TChainClient,
  opts: { maxRecords?: number; now?: () => Date } = {},
): Promise<TAnchoredBatch | null> {
  const limit = Math.min(opts.maxRecords ?? MAX_RECORDS_PER_BATCH, MAX_RECORDS_PER_BATCH);
  const { rows } = await db.query<{ id: string; record_hash: string }>(
    "SELECT id::text AS id, record_hash FROM usage_records WHERE batch_id IS NULL ORDER BY id LIMIT $1",
    [limit],
  );
  if (rows.length === 0) return null;

  const tree = buildMerkleTree(rows.map((r) => merkleLeaf(r.record_hash)));
  const { rows: seq } = await db.query<{ id: string }>(
    "SELECT nextval(pg_get_serial_sequence('usage_batches', 'id'))::text AS id",
  );
  const batchId = seq[0]!.id;

  const anchor = await chain.anchorBatch(BigInt(batchId), tree.root, rows.length);
  const anchoredAt = opts.now?.() ?? new Date();

  await db.withTransaction(async (tx) => {
    await tx.query(
      `INSERT INTO usage_batches (id, root, record_count, tx_hash, block_number, contract_address, chain_id, anchored_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        batchId,
        tree.root,
        rows.length,
        anchor.txHash.toLowerCase(),
        anchor.blockNumber,
        anchor.contractAddress,
        anchor.chainId,
        anchoredAt,
      ],
    );
    const assigned = await tx.query(
      `UPDATE usage_records r SET batch_id = $1, leaf_index = x.leaf_index
         FROM unnest($2::bigint[], $3::int[]) AS x(id, leaf_index)
        WHERE r.id = x.id AND r.batch_id IS NULL`,
      [batchId, rows.map((r) => r.id), rows.map((_, i) => i)],
    );
    if (assigned.rowCount !== rows.length) {
      // Another process batched some of these records meanwhile: keep its batch, drop ours.
      throw new Error(
        `batch ${batchId}: ${rows.length - assigned.rowCount} records were batched concurrently`,
      );
    }
  });

  return {
    batchId,
    root: tree.root,
    recordCount: rows.length,
    txHash: anchor.txHash,
    blockNumber: anchor.blockNumber,
  };
}

/** Name under which the UsageAnchor deployment is recorded in chain_deployments. */
export const USAGE_ANCHOR_CONTRACT = "UsageAnchor";

export interface TReanchorSummary {
  chainId: string;
  address: string;
  deployedNow: boolean;
  /** Batches anchored again on this start. */
  reanchoredBatches: number;
}

/**
 * Makes sure the UsageAnchor contract recorded for the connected chain exists, and re-anchors
 * every stored batch when it had to be deployed again.
 *
 * Why re-anchor from the database: the dev chain (hardhat node) keeps no state across restarts,
 * so after a restart the contract and every root are gone while the marketplace database still
 * holds the batches. We deploy again and anchor each stored batch with its STORED root (not a
 * root recomputed from the current records), so a record altered in the database still fails
 * its audit: its recomputed hash no longer leads to the stored root. This trusts the database
 * at restart time for the roots themselves; each record stays protected by the enclave's
 * receipt signature. Production chains persist, so this path only runs when a contract is
 * deployed for the first time on a chain and the database already holds batches (e.g. moving to
 * a new chain), which is logged. If re-anchoring is interrupted, `reanchor_pending` makes the
 * next start finish it.
 */
export async function reanchorAfterChainReset(
  db: TDb,
  chain: TChainClient,
  opts: { log?: (line: string) => void; now?: () => Date } = {},
): Promise<TReanchorSummary> {
  const log = opts.log ?? (() => {});
  const chainId = await chain.chainId();
  const { rows } = await db.query<{ address: string; reanchor_pending: boolean }>(
    "SELECT address, reanchor_pending FROM chain_deployments WHERE chain_id = $1 AND contract = $2",
    [chainId, USAGE_ANCHOR_CONTRACT],
  );
  const known = rows[0];
  const { address, deployedNow } = await chain.ensureUsageAnchor(known?.address ?? null);
  const pending = deployedNow || known?.reanchor_pending === true || known?.address !== address;
  if (deployedNow || known?.address !== address) {
    await db.query(
      `INSERT INTO chain_deployments (chain_id, contract, address, deployed_at, reanchor_pending)
       VALUES ($1, $2, $3, $4, true)
       ON CONFLICT (chain_id, contract) DO UPDATE SET address = EXCLUDED.address,
         deployed_at = EXCLUDED.deployed_at, reanchor_pending = true`,
      [chainId, USAGE_ANCHOR_CONTRACT, address, opts.now?.() ?? new Date()],
    );
    log(`[anchor] UsageAnchor ${deployedNow ? "deployed" : "recorded"} at ${address} on chain ${chainId}`);
  }
  let reanchored = 0;
  if (pending) {
    const { rows: batches } = await db.query<{ id: string; root: THex32; record_count: number }>(
      "SELECT id::text AS id, root, record_count FROM usage_batches ORDER BY id",
    );
    for (const batch of batches) {
      const onChain = await chain.readBatch(BigInt(batch.id));
      if (onChain) {
        if (onChain.root.toLowerCase() !== batch.root.toLowerCase()) {
          throw new Error(
            `batch ${batch.id} is already anchored on chain ${chainId} with a different root; refusing to continue`,
          );
        }
        continue;
      }
      const anchor = await chain.anchorBatch(BigInt(batch.id), batch.root, batch.record_count);
      await db.query(
        `UPDATE usage_batches SET tx_hash = $2, block_number = $3, contract_address = $4, chain_id = $5,
           anchored_at = $6, reanchor_count = reanchor_count + 1
         WHERE id = $1`,
        [
          batch.id,
          anchor.txHash.toLowerCase(),
          anchor.blockNumber,
          anchor.contractAddress,
          anchor.chainId,
          opts.now?.() ?? new Date(),
        ],
      );
      reanchored++;
    }
    await db.query(
      "UPDATE chain_deployments SET reanchor_pending = false WHERE chain_id = $1 AND contract = $2",
      [chainId, USAGE_ANCHOR_CONTRACT],
    );
    if (reanchored > 0)
      log(`[anchor] re-anchored ${reanchored} stored batch(es) from the database on chain ${chainId}`);
  }
  return { chainId, address, deployedNow, reanchoredBatches: reanchored };
}
