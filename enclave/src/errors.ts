/**
 * Domain errors of the enclave. Each carries a stable code (from the enclave API contract) and a
 * message that is safe to return to the caller: it may name fields and rules, never row values,
 * SQL text or secrets. Transport maps codes to HTTP statuses in one table (http/error-response.ts).
 */
import type { TEnclaveError } from "@pdx/common/enclave-api";

/** Every code an enclave refusal can carry. */
export type TEnclaveErrorCode = TEnclaveError["error"]["code"];

/** A refusal with a stable code and a caller-safe message. */
export class EnclaveError extends Error {
  constructor(
    readonly code: TEnclaveErrorCode,
    /** Safe to show to the caller. */
    readonly safeMessage: string,
  ) {
    super(safeMessage);
    this.name = "EnclaveError";
  }
}
