/**
 * Private lookup (BFV, exact integers): the buyer encrypts a one-hot selection over the public
 * entity order; for each requested field the enclave returns Enc(Σ_i s_i · x_i) = Enc(x_selected)
 * in every slot. Every entity's value is multiplied and summed the same way, so the enclave
 * cannot tell which entity was selected.
 *
 * A buyer who sends a selection that is not one-hot gets Σ_i s_i · x_i mod t for its own s — a
 * linear combination of the field over all entities (e.g. s = all ones gives the column total).
 * The enclave cannot see s, so it cannot refuse that; the fields given to lookups must be ones
 * whose policy allows per-entity output, for which any combination reveals no more than n lookups.
 */
import { HeError } from "@pdx/common/he/he-error";
import { BFV_PRESET_ID, presetKit, type TSeal } from "@pdx/common/he/presets";
import type { THeLookupRequest, THeLookupResponse } from "@pdx/common/he/wire";
import { checkColumnsData, checkedColumn, type THeColumn, type THeColumnsData } from "./data";
import { sealGuard } from "./results";
import { checkEntityCount, selectionSumsOfRequest, type TSelectionQuantity } from "./selection-sums";

export function evaluateLookup(
  seal: TSeal,
  request: THeLookupRequest,
  data: THeColumnsData,
): THeLookupResponse {
  return sealGuard(() => lookup(seal, request, data));
}

function lookup(seal: TSeal, request: THeLookupRequest, data: THeColumnsData): THeLookupResponse {
  if (request.preset !== BFV_PRESET_ID)
    throw new HeError("HE_WRONG_PRESET", `lookup uses preset ${BFV_PRESET_ID}`);
  checkColumnsData(data);
  checkEntityCount(request.entityCount, data.entityCount);
  const columns = request.fields.map((field) => checkedColumn(data, field, "lookup"));
  const kit = presetKit(seal, BFV_PRESET_ID);
  const results = selectionSumsOfRequest(
    kit,
    "lookup",
    request,
    request.fields.map((field, i) => integerQuantity(field, columns[i]!, false)),
  );
  return {
    mode: "lookup",
    preset: BFV_PRESET_ID,
    entityCount: request.entityCount,
    values: request.fields.map((field, i) => ({ field, value: results[i]! })),
  };
}

/** x (or x²) of a column as BFV slot values; `name` is for messages. */
export function integerQuantity(name: string, column: THeColumn, squared: boolean): TSelectionQuantity {
  return {
    name,
    fill(first, count, into) {
      let any = false;
      const out = into as BigInt64Array;
      for (let s = 0; s < count; s++) {
        const raw = column[first + s]!;
        if (raw === 0 || raw === 0n) continue;
        any = true;
        const v = typeof raw === "bigint" ? raw : BigInt(raw);
        out[s] = squared ? v * v : v;
      }
      return any ? "values" : "zero";
    },
  };
}
