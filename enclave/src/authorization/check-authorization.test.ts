import { authorizationChainId, operatorChainId, scopeHash } from "@pdx/common/authorization-scope";
import { describe, expect, it } from "vitest";
import { EnclaveError } from "../errors";
import type { TAuthorizationRegistryReader, TChainAuthorization } from "./authorization-registry";
import { checkAuthorization, verifyJobAuthorization } from "./check-authorization";

const NOW = new Date("2026-06-01T00:00:00.000Z");
const NOW_S = NOW.getTime() / 1000;
const claim = {
  id: "3f1c9a52-7d8e-4b1f-9a0c-2e5d6f7a8b9c",
  operatorOrgId: "5b0e7a4c-1d2e-4f3a-8b9c-0d1e2f3a4b5c",
  scope: [{ datasetCode: "LE-BASE", fields: ["industry", "district"] }],
};
const onChain: TChainAuthorization = {
  operatorId: operatorChainId(claim.operatorOrgId),
  scenarioHash: `0x${"11".repeat(32)}`,
  scopeHash: scopeHash(claim.scope),
  validFrom: NOW_S - 86_400,
  validUntil: NOW_S + 86_400,
  status: "active",
};
const job = { datasetCode: "LE-BASE", fieldsRead: ["district", "industry"] };

function refusal(fn: () => void): EnclaveError {
  try {
    fn();
  } catch (err) {
    if (err instanceof EnclaveError) return err;
    throw err;
  }
  throw new Error("expected a refusal");
}

describe("checkAuthorization", () => {
  it("passes an active, in-term authorization whose operator, scope hash and fields match", () => {
    expect(() => checkAuthorization(onChain, claim, job, NOW)).not.toThrow();
    // Term ends are inclusive, like the contract's isActive.
    expect(() => checkAuthorization(onChain, claim, job, new Date(onChain.validFrom * 1000))).not.toThrow();
    expect(() =>
      checkAuthorization(onChain, claim, job, new Date(onChain.validUntil * 1000 + 999)),
    ).not.toThrow();
    // The scope's order and duplicates do not matter: it is hashed in canonical form.
    const respelled = {
      ...claim,
      scope: [{ datasetCode: "LE-BASE", fields: ["district", "industry", "district"] }],
    };
    expect(() => checkAuthorization(onChain, respelled, job, NOW)).not.toThrow();
  });

  it.each([
    ["not recorded", null, NOW, /is not recorded on chain/],
    ["suspended", { ...onChain, status: "suspended" as const }, NOW, /is suspended/],
    ["revoked", { ...onChain, status: "revoked" as const }, NOW, /is revoked/],
    ["not yet in force", onChain, new Date((onChain.validFrom - 1) * 1000), /is not yet in force/],
    ["expired", onChain, new Date((onChain.validUntil + 1) * 1000), /has expired/],
    [
      "another operator",
      { ...onChain, operatorId: operatorChainId("someone-else") },
      NOW,
      /another operator/,
    ],
    [
      "another scope",
      { ...onChain, scopeHash: scopeHash([{ datasetCode: "LE-BASE", fields: ["district"] }]) },
      NOW,
      /scope hash/,
    ],
  ])(
    "refuses an authorization that is %s with AUTHORIZATION_INACTIVE naming it",
    (_what, record, now, why) => {
      const err = refusal(() => checkAuthorization(record, claim, job, now));
      expect(err.code).toBe("AUTHORIZATION_INACTIVE");
      expect(err.safeMessage).toMatch(why);
      expect(err.safeMessage).toContain(claim.id);
    },
  );

  it("refuses fields outside the scope with FIELD_OUT_OF_SCOPE naming each of them", () => {
    const err = refusal(() =>
      checkAuthorization(
        onChain,
        claim,
        { datasetCode: "LE-BASE", fieldsRead: ["district", "registered_capital", "status"] },
        NOW,
      ),
    );
    expect(err.code).toBe("FIELD_OUT_OF_SCOPE");
    expect(err.safeMessage).toMatch(/fields "registered_capital", "status" of dataset LE-BASE/);
  });

  it("refuses every field of a dataset the scope does not cover", () => {
    const err = refusal(() =>
      checkAuthorization(onChain, claim, { datasetCode: "POP-BASE", fieldsRead: ["district"] }, NOW),
    );
    expect(err.code).toBe("FIELD_OUT_OF_SCOPE");
    expect(err.safeMessage).toMatch(/field "district" of dataset POP-BASE/);
  });
});

describe("verifyJobAuthorization", () => {
  it("reads the record under the authorization's chain id at call time", async () => {
    const asked: string[] = [];
    let current: TChainAuthorization | null = onChain;
    const registry: TAuthorizationRegistryReader = {
      async read(id) {
        asked.push(id);
        return current;
      },
      async close() {},
    };
    const request = {
      jobId: "00000000-0000-4000-8000-000000000000",
      product: "p@1",
      datasetCode: "LE-BASE",
      groupBy: ["district"],
      measures: [{ fn: "count" as const, as: "n" }],
      requester: { orgId: "o", userId: "u" },
      authorization: claim,
    };
    await verifyJobAuthorization(registry, request, ["district"], NOW);
    current = { ...onChain, status: "suspended" };
    await expect(verifyJobAuthorization(registry, request, ["district"], NOW)).rejects.toMatchObject({
      code: "AUTHORIZATION_INACTIVE",
    });
    expect(asked).toEqual([authorizationChainId(claim.id), authorizationChainId(claim.id)]);
  });
});
