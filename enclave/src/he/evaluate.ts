/**
 * One entry point for a job of any mode: validates the raw request (wire schema, preset, counts)
 * and runs the matching pure evaluation. Used by the worker thread; callable directly where a
 * worker is not wanted (tests, tools).
 */
import { HeError } from "@pdx/common/he/he-error";
import type { TSeal } from "@pdx/common/he/presets";
import { parseHeRequest, type THeResponse } from "@pdx/common/he/wire";
import type { THeColumnsData, THeScoringData } from "./data";
import { evaluateAggregate } from "./evaluate-aggregate";
import { evaluateLookup } from "./evaluate-lookup";
import { evaluateScoring } from "./evaluate-scoring";

/** A job: the request exactly as received (validated here) and the data it runs on. */
export type THeJob =
  | { mode: "scoring"; request: unknown; data: THeScoringData }
  | { mode: "lookup"; request: unknown; data: THeColumnsData }
  | { mode: "aggregate"; request: unknown; data: THeColumnsData };

export function evaluateHeJob(seal: TSeal, job: THeJob): THeResponse {
  const request = parseHeRequest(job.request);
  if (request.mode !== job.mode) {
    throw new HeError(
      "HE_INVALID_REQUEST",
      `a ${request.mode} request was sent to the ${job.mode} evaluation`,
    );
  }
  switch (job.mode) {
    case "scoring":
      return evaluateScoring(seal, request as Extract<typeof request, { mode: "scoring" }>, job.data);
    case "lookup":
      return evaluateLookup(seal, request as Extract<typeof request, { mode: "lookup" }>, job.data);
    case "aggregate":
      return evaluateAggregate(seal, request as Extract<typeof request, { mode: "aggregate" }>, job.data);
  }
}
