/** Messages between the product page and its HE worker (./he-worker.ts). */
import type { THePresetId } from "@pdx/common/he/presets";
import type { THeRequest, THeResponse } from "@pdx/common/he/wire";

export type THeWorkerIn = { id: number } & (
  | { op: "scoring"; weights: number[]; entityCount: number }
  | { op: "lookup"; entityCount: number; index: number; fields: string[] }
  | { op: "aggregate"; preset: THePresetId; entityCount: number; subset: Uint8Array; fields: string[] }
  | { op: "decode"; response: THeResponse }
);

export type THeWorkerResult =
  | { op: "request"; request: THeRequest }
  | { op: "scores"; scores: Float64Array }
  | { op: "lookup"; values: Record<string, number> }
  | {
      op: "aggregate";
      count: number;
      fields: Record<string, { sum: number; mean: number | null; variance: number | null }>;
    };

export type THeWorkerOut = { id: number; result?: THeWorkerResult; error?: string };

/** Distributes Omit over the union (so each variant keeps its own fields). */
type TWithoutId<T> = T extends unknown ? Omit<T, "id"> : never;
export type THeWorkerCall = TWithoutId<THeWorkerIn>;
