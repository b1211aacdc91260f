/**
 * Encrypted aggregates over a subset only the buyer knows: from the encrypted 0/1 selection s the
 * enclave returns Enc(count = Σ_{i<n} s_i) and, per field, Enc(Σ s_i·x_i) and (with `squares`)
 * Enc(Σ s_i·x_i²); the buyer derives sum, count, mean and variance. x² is computed in the clear
 * (x is the enclave's plaintext), so no ciphertext is ever multiplied by a ciphertext and no
 * relinearization keys are needed.
 *
 * BFV (exact): integer fields, |x| ≤ 2^38 for sums, ≤ 2^19 with squares (presets.ts).
 * CKKS (approximate): real fields, |x| ≤ 2^20; results at 2 primes, scale ≈ 2^30 (tolerance
 * measured in evaluate-aggregate.test.ts).
 *
 * As with lookups, a selection that is not 0/1 yields Σ s_i·x_i for the buyer's own weights s:
 * a linear combination of per-entity values, which the field's policy already allows.
 */
import { HeError } from "@pdx/common/he/he-error";
import { presetKit, type THePresetId, type TSeal } from "@pdx/common/he/presets";
import { MODE_PRESETS, type THeAggregateRequest, type THeAggregateResponse } from "@pdx/common/he/wire";
import { checkColumnsData, checkedColumn, type THeColumn, type THeColumnsData } from "./data";
import { integerQuantity } from "./evaluate-lookup";
import { sealGuard } from "./results";
import { checkEntityCount, selectionSumsOfRequest, type TSelectionQuantity } from "./selection-sums";

export function evaluateAggregate(
  seal: TSeal,
  request: THeAggregateRequest,
  data: THeColumnsData,
): THeAggregateResponse {
  return sealGuard(() => aggregate(seal, request, data));
}

function aggregate(seal: TSeal, request: THeAggregateRequest, data: THeColumnsData): THeAggregateResponse {
  const presetId = request.preset as THePresetId;
  if (!MODE_PRESETS.aggregate.includes(presetId)) {
    throw new HeError("HE_WRONG_PRESET", `aggregates use preset ${MODE_PRESETS.aggregate.join(" or ")}`);
  }
  checkColumnsData(data);
  checkEntityCount(request.entityCount, data.entityCount);
  const kit = presetKit(seal, presetId);
  const bfv = kit.preset.scheme === "bfv";
  const use = bfv ? (request.squares ? "bfv-squares" : "bfv-sum") : "ckks";
  const columns = request.fields.map((field) => checkedColumn(data, field, use));
  const quantities: TSelectionQuantity[] = [countQuantity(bfv)];
  request.fields.forEach((field, i) => {
    const column = columns[i]!;
    quantities.push(
      bfv ? integerQuantity(`${field}.sum`, column, false) : realQuantity(`${field}.sum`, column, false),
    );
    if (request.squares) {
      const name = `${field}.sumOfSquares`;
      quantities.push(bfv ? integerQuantity(name, column, true) : realQuantity(name, column, true));
    }
  });
  const results = selectionSumsOfRequest(kit, "aggregate", request, quantities);
  const per = request.squares ? 2 : 1;
  return {
    mode: "aggregate",
    preset: kit.preset.id,
    entityCount: request.entityCount,
    count: results[0]!,
    fields: request.fields.map((field, i) => ({
      field,
      sum: results[1 + i * per]!,
      ...(request.squares ? { sumOfSquares: results[2 + i * per]! } : {}),
    })),
  };
}

/** 1 for every entity (i < n): all-ones for a full batch. */
function countQuantity(bfv: boolean): TSelectionQuantity {
  return {
    name: "count",
    fill(_first, count, into) {
      if (bfv) (into as BigInt64Array).fill(1n, 0, count);
      else (into as Float64Array).fill(1, 0, count);
      return count === into.length ? "ones" : "values";
    },
  };
}

/** x (or x²) of a column as CKKS slot values; `name` is for messages. */
function realQuantity(name: string, column: THeColumn, squared: boolean): TSelectionQuantity {
  return {
    name,
    fill(first, count, into) {
      let any = false;
      const out = into as Float64Array;
      for (let s = 0; s < count; s++) {
        const v = Number(column[first + s]!);
        if (v === 0) continue;
        any = true;
        out[s] = squared ? v * v : v;
      }
      return any ? "values" : "zero";
    },
  };
}
