/** How enclave refusals of ingest calls become DomainErrors (codes, safe messages, bounded). */
import { describe, expect, it } from "vitest";
import { UNAVAILABLE_MESSAGE } from "./signed-call";
import { uploadRefusal } from "./vault-uploads";

const refusal = (code: string, message = "expected offset 4096, got 0") =>
  uploadRefusal("PUT /v1/uploads/x/chunks/0", 409, { error: { code, message } });

describe("uploadRefusal", () => {
  it("keeps the enclave's message where it names the offset, state or version", () => {
    expect(refusal("UPLOAD_OFFSET")).toMatchObject({
      code: "CONFLICT",
      userMessage: "expected offset 4096, got 0",
    });
    expect(refusal("UPLOAD_STATE", "the upload is loaded")).toMatchObject({
      code: "INVALID_STATE",
      userMessage: "the upload is loaded",
    });
    expect(refusal("VERSION_EXISTS", "LE-BASE 2026.11 exists")).toMatchObject({ code: "CONFLICT" });
    expect(refusal("INVALID_REQUEST", "chunk too large")).toMatchObject({ code: "INVALID_INPUT" });
  });

  it("answers unknown uploads and datasets as NOT_FOUND with its own words", () => {
    expect(refusal("UPLOAD_UNKNOWN", "no upload 123")).toMatchObject({
      code: "NOT_FOUND",
      userMessage: "no such upload in the secure computing domain",
    });
    expect(refusal("DATASET_UNKNOWN")).toMatchObject({ code: "NOT_FOUND" });
  });

  it("hides signature, key and replay problems behind 'unavailable', with the code in the log detail", () => {
    for (const code of ["SIGNATURE_INVALID", "KEY_UNKNOWN", "NONCE_REPLAYED", "INTERNAL"]) {
      const err = refusal(code, "secret detail");
      expect(err).toMatchObject({ code: "ENCLAVE_UNAVAILABLE", userMessage: UNAVAILABLE_MESSAGE });
      expect(err.internalDetail).toContain(code);
    }
  });

  it("treats a body that is not an error body by its status", () => {
    expect(uploadRefusal("GET /v1/uploads/x", 502, "<html>")).toMatchObject({ code: "ENCLAVE_UNAVAILABLE" });
    expect(uploadRefusal("GET /v1/uploads/x", 400, {})).toMatchObject({ code: "ENCLAVE_RESPONSE_INVALID" });
  });

  it("bounds a long message", () => {
    expect(refusal("UPLOAD_STATE", "x".repeat(1000)).userMessage).toHaveLength(300);
  });
});
