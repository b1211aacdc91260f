/**
 * Transaction fees without hard-coded prices. Permissioned chains (Besu QBFT/IBFT "free gas"
 * networks with min-gas-price 0, or London-rules networks with `zeroBaseFee`) charge nothing,
 * and the signing account may hold no native coin at all: there a transaction must carry a zero
 * price, or it is refused ("upfront cost exceeds balance"). Everywhere else ethers' own fee
 * estimation (EIP-1559 from the latest block) applies.
 */

/** Fee fields to put on a transaction; empty = let ethers estimate. */
export type TFeeOverrides = { type: 0; gasPrice: 0n } | Record<string, never>;

/** What the chain reports, read just before sending. */
export interface TFeeInputs {
  /** `eth_gasPrice`. */
  gasPrice: bigint;
  /** The latest block's base fee; null on chains without London rules. */
  baseFeePerGas: bigint | null;
  /** Native balance of the sending account. */
  balance: bigint;
}

/**
 * Zero-priced legacy transaction (valid under both pre- and post-London rules) when the chain
 * charges no base fee and either quotes a zero gas price (free-gas network) or the sender holds
 * nothing to pay with (the only price it could ever send). Otherwise ethers estimates.
 */
export function chooseFees(chain: TFeeInputs): TFeeOverrides {
  const noBaseFee = (chain.baseFeePerGas ?? 0n) === 0n;
  if (noBaseFee && (chain.gasPrice === 0n || chain.balance === 0n)) return { type: 0, gasPrice: 0n };
  return {};
}
