/**
 * Messages between the HE worker pool (main thread) and its worker threads. Every message is
 * structured-cloned: typed arrays are copied unless their buffer is a SharedArrayBuffer (then
 * shared). An error crosses as { code, message } and is rebuilt as the same HeError.
 */
import { HeError, isHeErrorCode, type THeErrorCode } from "@pdx/common/he/he-error";
import type { THeResponse } from "@pdx/common/he/wire";
import type { THeJob } from "./evaluate";

export type THeWorkerRequest = { id: number; type: "evaluate"; job: THeJob } | { id: number; type: "heap" };

export interface THeWireError {
  code: THeErrorCode;
  message: string;
}

export type THeWorkerReply =
  | { id: number; type: "result"; response: THeResponse }
  | { id: number; type: "heap"; bytes: number | null }
  | { id: number; type: "error"; error: THeWireError };

/** What crosses the thread boundary for a failure: HeErrors as they are, anything else generic. */
export function toWireError(err: unknown): THeWireError {
  if (err instanceof HeError) return { code: err.code, message: err.message };
  return { code: "HE_EVALUATION_FAILED", message: "the evaluation failed unexpectedly" };
}

export function fromWireError(error: THeWireError): HeError {
  return isHeErrorCode(error.code)
    ? new HeError(error.code, error.message)
    : new HeError("HE_EVALUATION_FAILED", "the evaluation failed unexpectedly");
}
