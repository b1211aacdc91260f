/**
 * Private lookup against the plaintext oracle (real node-seal, real buyer client): the selected
 * entity's values come back exactly — negative values, all three column types, first and last
 * entity, batch edges — for random cases; a selection that is not one-hot yields the linear
 * combination documented in evaluate-lookup.ts; a zero column still returns a real ciphertext.
 */
import { createHeBuyer } from "@pdx/common/he/buyer-client";
import { BFV_PRESET_ID } from "@pdx/common/he/presets";
import { describe, expect, it } from "vitest";
import type { THeColumn } from "./data";
import { evaluateLookup } from "./evaluate-lookup";
import { loadSealInNode } from "./seal-node";
import { decryptAllSlots, randomInt, resultPrimes, seededRandom } from "./test-support";

const seal = await loadSealInNode();
const buyer = await createHeBuyer(BFV_PRESET_ID, { seal });
const random = seededRandom(7_001);

const n = 20_000; // three selection ciphertexts, the last one partial
const columns: Record<string, THeColumn> = {
  rent: Int32Array.from({ length: n }, () => randomInt(random, -2_000_000_000, 2_000_000_000)),
  area: Float64Array.from({ length: n }, () => randomInt(random, 0, 2 ** 52)),
  capital: BigInt64Array.from(
    { length: n },
    () => BigInt(randomInt(random, -(2 ** 40), 2 ** 40)) * 2n ** 17n,
  ),
};
const data = { entityCount: n, columns };

function expected(field: string, index: number): bigint {
  const v = columns[field]![index]!;
  return typeof v === "bigint" ? v : BigInt(v);
}

describe("private lookup (BFV)", () => {
  it("returns exactly the selected entity's values (property test over random indices)", () => {
    const indices = [
      0,
      n - 1,
      8191,
      8192,
      16_383,
      16_384,
      ...Array.from({ length: 2 }, () => randomInt(random, 0, n - 1)),
    ];
    for (const index of indices) {
      const response = evaluateLookup(seal, buyer.lookupRequest(n, index, ["rent", "area", "capital"]), data);
      expect(response.values.map((v) => v.field)).toEqual(["rent", "area", "capital"]);
      expect(buyer.decodeLookup(response), `entity ${index}`).toEqual({
        rent: expected("rent", index),
        area: expected("area", index),
        capital: expected("capital", index),
      });
    }
  });

  it("leaves results at the end of the modulus chain, every slot holding the value", () => {
    const response = evaluateLookup(seal, buyer.lookupRequest(n, 123, ["rent"]), data);
    expect(resultPrimes(seal, BFV_PRESET_ID, response.values[0]!.value)).toBe(2);
    const slots = decryptAllSlots(seal, buyer, BFV_PRESET_ID, response.values[0]!.value) as BigInt64Array;
    expect(new Set(slots).size).toBe(1);
    expect(slots[0]).toBe(expected("rent", 123));
  });

  it("gives the linear combination Σ s_i·x_i for a selection that is not one-hot", () => {
    // A buyer can encrypt any vector; the enclave cannot tell. Three entities selected → their sum.
    const request = buyer.aggregateRequest(n, [5, 9000, 19_999], ["rent"], { squares: false });
    const lookup = {
      ...request,
      mode: "lookup" as const,
      squares: undefined,
      keys: buyer.evaluationKeys("lookup"),
    };
    const response = evaluateLookup(seal, lookup, data);
    expect(buyer.decodeLookup(response).rent).toBe(
      expected("rent", 5) + expected("rent", 9000) + expected("rent", 19_999),
    );
  });

  it("returns a real (non-transparent) encryption of 0 for an all-zero column", () => {
    const zeros = { entityCount: n, columns: { empty: new Int32Array(n) } };
    const response = evaluateLookup(seal, buyer.lookupRequest(n, 77, ["empty"]), zeros);
    expect(buyer.decodeLookup(response)).toEqual({ empty: 0n });
  });

  it("refuses fields it was not given and values outside the lookup range", () => {
    const request = buyer.lookupRequest(n, 1, ["owner"]);
    expect(() => evaluateLookup(seal, request, data)).toThrow(
      expect.objectContaining({
        code: "HE_UNKNOWN_FIELD",
        message: "field owner is not available for this query",
      }),
    );
    const wide = BigInt64Array.from(columns.capital as BigInt64Array);
    wide[10] = 2n ** 60n;
    const bad = { entityCount: n, columns: { owner: wide } };
    expect(() => evaluateLookup(seal, request, bad)).toThrow(/field owner holds a value outside ±2\^58/);
    const fractional = { entityCount: n, columns: { owner: new Float64Array(n).fill(0.5) } };
    expect(() => evaluateLookup(seal, request, fractional)).toThrow(/not a safe integer/);
    expect(() => evaluateLookup(seal, request, { entityCount: n - 1, columns })).toThrow(
      expect.objectContaining({ code: "HE_DATA_MISMATCH" }),
    );
  });
});
