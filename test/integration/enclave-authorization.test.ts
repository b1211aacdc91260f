/**
 * The enclave's authorization check at job time, against a real dev chain holding the
 * AuthorizationRegistry and a real vault: a job runs only under an authorization that is on
 * chain, Active, in term, of the operator the job names, with exactly the scope the job carries,
 * and covering every field the job reads. The check happens when the job arrives: a job signed
 * while the authorization was active and sent after its suspension is refused.
 */
import { randomUUID } from "node:crypto";
import type { TAuthorizationScope } from "@pdx/common/authorization-scope";
import { type TAggregateJobRequest, ZAggregateJobResponse, ZEnclaveError } from "@pdx/common/enclave-api";
import { signRequest } from "@pdx/common/signed-request";
import { postSigned, startTestEnclave, type TTestEnclave } from "@pdx/enclave/src/testing/test-enclave";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  LE_DISTRICT_INDUSTRY_SCOPE,
  startAuthorizationChain,
  type TAuthorizationChain,
  type TAuthorizationClaim,
} from "../support/authorization-chain";

const DAY_MS = 86_400_000;
const OPERATOR = "6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b";

let authChain: TAuthorizationChain;
let enclave: TTestEnclave;

beforeAll(async () => {
  authChain = await startAuthorizationChain();
  enclave = await startTestEnclave({ seedCount: 1000, authorizationRegistry: authChain.readerOptions });
});
afterAll(async () => {
  await enclave?.stop();
  await authChain?.stop();
});

function jobRequest(
  authorization: TAuthorizationClaim,
  overrides: Partial<TAggregateJobRequest> = {},
): TAggregateJobRequest {
  return {
    jobId: randomUUID(),
    product: "le-district-industry@1",
    datasetCode: "LE-BASE",
    groupBy: ["district", "industry"],
    measures: [
      { fn: "count", as: "enterprises" },
      { fn: "sum", field: "registered_capital", as: "registered_capital_total" },
    ],
    requester: { orgId: "org-buyer", userId: "user-buyer" },
    authorization,
    ...overrides,
  };
}

async function record(
  overrides: { scope?: TAuthorizationScope; validFrom?: Date; validUntil?: Date } = {},
): Promise<TAuthorizationClaim> {
  return authChain.recordAuthorization({
    id: randomUUID(),
    operatorOrgId: OPERATOR,
    scope: overrides.scope ?? LE_DISTRICT_INDUSTRY_SCOPE,
    validFrom: overrides.validFrom,
    validUntil: overrides.validUntil,
  });
}

async function refusal(request: TAggregateJobRequest, status: number, code: string): Promise<string> {
  const res = await postSigned(enclave.url, enclave.clientKeys, request);
  expect(res.status).toBe(status);
  const body = ZEnclaveError.parse(res.json);
  expect(body.error.code).toBe(code);
  return body.error.message;
}

async function runs(request: TAggregateJobRequest): Promise<void> {
  const res = await postSigned(enclave.url, enclave.clientKeys, request);
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  ZAggregateJobResponse.parse(res.json);
}

describe("jobs under an authorization on chain", () => {
  it("runs under an Active, in-term authorization covering every field it reads", async () => {
    await runs(jobRequest(await record()));
  });

  it("refuses a suspended authorization with 403 AUTHORIZATION_INACTIVE, and runs again once resumed", async () => {
    const auth = await record();
    await authChain.setStatus(auth.id, "suspended");
    expect(await refusal(jobRequest(auth), 403, "AUTHORIZATION_INACTIVE")).toMatch(
      new RegExp(`authorization ${auth.id} is suspended`),
    );
    await authChain.setStatus(auth.id, "active");
    await runs(jobRequest(auth));
  });

  it("checks at job time: a job signed while active and sent after the suspension is refused", async () => {
    const auth = await record();
    const bodyText = JSON.stringify(jobRequest(auth));
    const headers = signRequest({
      method: "POST",
      path: "/v1/jobs/aggregate",
      body: bodyText,
      secretKey: enclave.clientKeys.secretKey,
      publicKey: enclave.clientKeys.publicKey,
    });
    await authChain.setStatus(auth.id, "suspended");
    const res = await fetch(`${enclave.url}/v1/jobs/aggregate`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: bodyText,
    });
    expect(res.status).toBe(403);
    expect(ZEnclaveError.parse(await res.json()).error.code).toBe("AUTHORIZATION_INACTIVE");
  });

  it("refuses a revoked authorization for good", async () => {
    const auth = await record();
    await authChain.setStatus(auth.id, "revoked");
    expect(await refusal(jobRequest(auth), 403, "AUTHORIZATION_INACTIVE")).toMatch(/is revoked/);
  });

  it("refuses an expired authorization (validUntil in the past) and one not yet in force", async () => {
    const expired = await record({
      validFrom: new Date(Date.now() - 400 * DAY_MS),
      validUntil: new Date(Date.now() - DAY_MS),
    });
    expect(await refusal(jobRequest(expired), 403, "AUTHORIZATION_INACTIVE")).toMatch(/has expired/);
    const future = await record({
      validFrom: new Date(Date.now() + DAY_MS),
      validUntil: new Date(Date.now() + 30 * DAY_MS),
    });
    expect(await refusal(jobRequest(future), 403, "AUTHORIZATION_INACTIVE")).toMatch(/not yet in force/);
  });

  it("refuses an authorization id that is not on chain", async () => {
    const unknown = { id: randomUUID(), operatorOrgId: OPERATOR, scope: LE_DISTRICT_INDUSTRY_SCOPE };
    expect(await refusal(jobRequest(unknown), 403, "AUTHORIZATION_INACTIVE")).toMatch(
      /is not recorded on chain/,
    );
  });

  it("refuses a job naming another operator than the authorization's", async () => {
    const auth = await record();
    const claim = { ...auth, operatorOrgId: "another-operator" };
    expect(await refusal(jobRequest(claim), 403, "AUTHORIZATION_INACTIVE")).toMatch(/another operator/);
  });

  it("refuses a job whose scope differs from the recorded one (scope hash mismatch), even a wider one", async () => {
    const auth = await record({ scope: [{ datasetCode: "LE-BASE", fields: ["district", "industry"] }] });
    const widened = {
      ...auth,
      scope: [{ datasetCode: "LE-BASE", fields: ["district", "industry", "registered_capital"] }],
    };
    expect(await refusal(jobRequest(widened), 403, "AUTHORIZATION_INACTIVE")).toMatch(/scope hash/);
  });

  it("refuses a field outside the authorized scope with 403 FIELD_OUT_OF_SCOPE naming it", async () => {
    const auth = await record({ scope: [{ datasetCode: "LE-BASE", fields: ["district", "industry"] }] });
    const message = await refusal(jobRequest(auth), 403, "FIELD_OUT_OF_SCOPE");
    expect(message).toMatch(/does not cover field "registered_capital" of dataset LE-BASE/);
    // Within the scope the same authorization runs.
    await runs(jobRequest(auth, { measures: [{ fn: "count", as: "enterprises" }] }));
  });

  it("checks the column policy first: a never-released field is FIELD_NOT_ALLOWED whatever the scope", async () => {
    const auth = await record({ scope: [{ datasetCode: "LE-BASE", fields: ["district", "name"] }] });
    await refusal(jobRequest(auth, { groupBy: ["district", "name"] }), 422, "FIELD_NOT_ALLOWED");
  });
});

describe("when the registry cannot be read", () => {
  it("refuses with 503 CHAIN_UNAVAILABLE when the chain does not answer", async () => {
    const offline = await startTestEnclave({ seedCount: 100 });
    try {
      const res = await postSigned(offline.url, offline.clientKeys, jobRequest(await record()));
      expect(res.status).toBe(503);
      const { error } = ZEnclaveError.parse(res.json);
      expect(error.code).toBe("CHAIN_UNAVAILABLE");
      expect(error.message).not.toMatch(/127\.0\.0\.1|http/);
    } finally {
      await offline.stop();
    }
  });

  it("refuses with 503 CHAIN_UNAVAILABLE when no registry is deployed at the configured address", async () => {
    const wrong = await startTestEnclave({
      seedCount: 100,
      authorizationRegistry: { rpcUrl: authChain.readerOptions.rpcUrl, address: `0x${"12".repeat(20)}` },
    });
    try {
      const res = await postSigned(wrong.url, wrong.clientKeys, jobRequest(await record()));
      expect(res.status).toBe(503);
      expect(ZEnclaveError.parse(res.json).error.message).toMatch(/no authorization registry is deployed/);
    } finally {
      await wrong.stop();
    }
  });
});
