import { describe, expect, it } from "vitest";
import { chooseFees } from "./fee-policy";

const ZERO_PRICE = { type: 0, gasPrice: 0n };

describe("chooseFees", () => {
  it("prices transactions at zero on a free-gas chain without London rules (Besu min-gas-price 0)", () => {
    expect(chooseFees({ gasPrice: 0n, baseFeePerGas: null, balance: 10n ** 18n })).toEqual(ZERO_PRICE);
  });

  it("prices transactions at zero on a zero-base-fee chain quoting a zero price (Besu zeroBaseFee)", () => {
    expect(chooseFees({ gasPrice: 0n, baseFeePerGas: 0n, balance: 10n ** 18n })).toEqual(ZERO_PRICE);
  });

  it("prices transactions at zero for an account without coin on a zero-base-fee chain", () => {
    expect(chooseFees({ gasPrice: 1_000_000_000n, baseFeePerGas: 0n, balance: 0n })).toEqual(ZERO_PRICE);
  });

  it("leaves estimation to ethers whenever the chain charges for gas", () => {
    expect(
      chooseFees({ gasPrice: 1_875_000_000n, baseFeePerGas: 875_000_000n, balance: 10n ** 18n }),
    ).toEqual({});
    expect(chooseFees({ gasPrice: 1_875_000_000n, baseFeePerGas: 875_000_000n, balance: 0n })).toEqual({});
    expect(chooseFees({ gasPrice: 1n, baseFeePerGas: 0n, balance: 1n })).toEqual({});
    expect(chooseFees({ gasPrice: 0n, baseFeePerGas: 7n, balance: 0n })).toEqual({});
  });
});
