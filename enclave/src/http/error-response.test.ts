import { SignedRequestError } from "@pdx/common/signed-request";
import { describe, expect, it } from "vitest";
import { EnclaveError } from "../errors";
import { ENCLAVE_ERROR_STATUS, toErrorResponse } from "./error-response";

describe("toErrorResponse", () => {
  it("maps signature refusals to 401 and a replay to 409", () => {
    for (const code of [
      "HEADER_MISSING",
      "KEY_UNKNOWN",
      "TIMESTAMP_OUT_OF_WINDOW",
      "SIGNATURE_INVALID",
    ] as const) {
      expect(toErrorResponse(new SignedRequestError(code, "m")).status).toBe(401);
    }
    expect(toErrorResponse(new SignedRequestError("NONCE_REPLAYED", "m"))).toEqual({
      status: 409,
      body: { error: { code: "NONCE_REPLAYED", message: "m" } },
      internal: false,
    });
  });

  it("maps domain refusals through the table", () => {
    expect(toErrorResponse(new EnclaveError("FIELD_NOT_ALLOWED", "no")).status).toBe(422);
    expect(toErrorResponse(new EnclaveError("DATASET_UNKNOWN", "no")).status).toBe(404);
    expect(toErrorResponse(new EnclaveError("INVALID_REQUEST", "no")).status).toBe(400);
    expect(ENCLAVE_ERROR_STATUS.INTERNAL).toBe(500);
  });

  it("hides the text of any other error behind a generic INTERNAL", () => {
    const sqlError = Object.assign(
      new Error('relation "legal_entities" does not exist: 91449907MAY0YW9E3C'),
      {
        code: "42P01",
      },
    );
    const res = toErrorResponse(sqlError);
    expect(res).toEqual({
      status: 500,
      body: { error: { code: "INTERNAL", message: "the enclave could not complete the request" } },
      internal: true,
    });
  });

  it("answers an oversized body with 413", () => {
    const tooLarge = Object.assign(new Error("request entity too large"), {
      type: "entity.too.large",
      status: 413,
      limit: 65536,
    });
    expect(toErrorResponse(tooLarge)).toMatchObject({
      status: 413,
      body: { error: { code: "INVALID_REQUEST" } },
    });
  });
});
