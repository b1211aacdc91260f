/**
 * The chain writes of a registration as the catalog pages show them (times as ISO strings): the
 * record written when it was coded and any later status change, with transaction and block.
 */
import type { TQueryable } from "../../db";
import { chainWritesFor, type TChainWriteKind } from "../chain-writes/outbox";

export interface TChainWriteSummary {
  id: string;
  kind: TChainWriteKind;
  status: "pending" | "confirmed";
  attempts: number;
  lastError: string | null;
  txHash: string | null;
  blockNumber: number | null;
  contractAddress: string | null;
  chainId: string | null;
  createdAt: string;
  confirmedAt: string | null;
}

/** Every chain write of `registrationId`, oldest first. */
export async function chainWriteSummariesFor(
  db: TQueryable,
  registrationId: string,
): Promise<TChainWriteSummary[]> {
  const writes = await chainWritesFor(db, registrationId);
  return writes.map((w) => ({
    ...w,
    createdAt: w.createdAt.toISOString(),
    confirmedAt: w.confirmedAt?.toISOString() ?? null,
  }));
}
