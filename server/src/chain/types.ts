/** Types of the chain module's public face (re-exported by index.ts). */

/** A 32-byte value as 0x-prefixed hex (Merkle roots, leaves, proof nodes). */
export type THex32 = `0x${string}`;

/** Where and when a batch root was anchored. */
export interface TAnchorReceipt {
  txHash: string;
  blockNumber: number;
  /** Address of the UsageAnchor contract that holds the root. */
  contractAddress: string;
  /** Decimal chain id, e.g. "31337". */
  chainId: string;
}

/** A batch as stored on chain. */
export interface TOnChainBatch {
  root: THex32;
  recordCount: number;
  anchoredAt: Date;
  anchoredBy: string;
}

/** The one way the rest of the server talks to the chain. */
export interface TChainClient {
  /** Decimal chain id of the connected chain, e.g. "31337". */
  chainId(): Promise<string>;
  /**
   * Uses `knownAddress` if code exists there (and it is a UsageAnchor), else deploys; returns the
   * address and whether it deployed now. `undefined` falls back to the address the client was
   * created with; `null` means "no known address". Later calls use the returned address.
   */
  ensureUsageAnchor(knownAddress?: string | null): Promise<{ address: string; deployedNow: boolean }>;
  /** Anchors a batch root; resolves once the transaction is mined. */
  anchorBatch(batchId: bigint, root: THex32, recordCount: number): Promise<TAnchorReceipt>;
  /** The anchored batch, or null when `batchId` is not anchored. */
  readBatch(batchId: bigint): Promise<TOnChainBatch | null>;
  /** Asks the contract whether `leaf` with `proof` belongs to the anchored batch `batchId`. */
  verifyRecordOnChain(batchId: bigint, leaf: THex32, proof: THex32[]): Promise<boolean>;
  /** Releases the connection. The client must not be used afterwards. */
  close(): Promise<void>;
}
