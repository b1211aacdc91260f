import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { createTranslator } from "../i18n/dictionaries";
import { describeError, domainCodeOf, errorCodeOf, isUnauthorized } from "./errors";

/** A client error exactly as the tRPC client builds it from a server's error response. */
function serverError(message: string, code: string, domainCode: string | null) {
  return TRPCClientError.from({
    error: { message, code: -32001, data: { code, httpStatus: 401, domainCode } },
  });
}

const zh = createTranslator("zh-CN");

describe("errors", () => {
  it("reads the tRPC and domain codes", () => {
    const error = serverError("wrong e-mail or password", "UNAUTHORIZED", "INVALID_CREDENTIALS");
    expect(errorCodeOf(error)).toBe("UNAUTHORIZED");
    expect(domainCodeOf(error)).toBe("INVALID_CREDENTIALS");
    expect(isUnauthorized(error)).toBe(true);
    expect(isUnauthorized(new Error("network"))).toBe(false);
  });

  it("words known domain errors in the UI's language", () => {
    expect(
      describeError(serverError("wrong e-mail or password", "UNAUTHORIZED", "INVALID_CREDENTIALS"), zh),
    ).toBe("邮箱或密码错误。");
  });

  it("adds the server's detail where it names the problem, and shows other server messages as sent", () => {
    expect(
      describeError(serverError("field x is not allowed", "PRECONDITION_FAILED", "ENCLAVE_REFUSED"), zh),
    ).toBe("授权运营域拒绝了本次计算: field x is not allowed");
    expect(describeError(serverError("request refused (CONFLICT)", "CONFLICT", null), zh)).toBe(
      "request refused (CONFLICT)",
    );
  });

  it("never shows a network failure's own message", () => {
    expect(describeError(new TypeError("fetch failed: ECONNREFUSED 10.0.0.1"), zh)).toBe(
      "无法连接平台服务，请稍后重试。",
    );
    expect(describeError(serverError("The API server is unreachable.", "BAD_GATEWAY", null), zh)).toBe(
      "无法连接平台服务，请稍后重试。",
    );
  });
});
