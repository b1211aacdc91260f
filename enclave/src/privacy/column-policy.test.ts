import type { TAggregateJobRequest } from "@pdx/common/enclave-api";
import { describe, expect, it } from "vitest";
import { EnclaveError } from "../errors";
import type { TColumnPolicy } from "../vault/vault";
import { planAggregate } from "./column-policy";

const dataset = {
  code: "LE-BASE",
  minGroupSize: 10,
  policies: new Map<string, TColumnPolicy>([
    ["uscc", { policy: "never", reason: "identifies a single legal entity" }],
    ["district", { policy: "dimension", reason: "district" }],
    ["industry", { policy: "dimension", reason: "industry" }],
    ["registered_capital", { policy: "aggregate", reason: "sum only" }],
  ]),
};

function request(overrides: Partial<TAggregateJobRequest> = {}): TAggregateJobRequest {
  return {
    jobId: "00000000-0000-4000-8000-000000000000",
    product: "p@1",
    datasetCode: "LE-BASE",
    groupBy: ["district", "industry"],
    measures: [
      { fn: "count", as: "n" },
      { fn: "sum", field: "registered_capital", as: "capital" },
    ],
    requester: { orgId: "o", userId: "u" },
    authorization: {
      id: "00000000-0000-4000-8000-000000000001",
      operatorOrgId: "o",
      scope: [{ datasetCode: "LE-BASE", fields: ["district", "industry", "registered_capital"] }],
    },
    ...overrides,
  };
}

function refusal(fn: () => unknown): EnclaveError {
  try {
    fn();
  } catch (err) {
    if (err instanceof EnclaveError) return err;
    throw err;
  }
  throw new Error("expected a refusal");
}

describe("planAggregate", () => {
  it("accepts dimensions and sums of aggregate fields, listing every field read once", () => {
    const plan = planAggregate(
      dataset,
      request({
        measures: [
          { fn: "sum", field: "registered_capital", as: "a" },
          { fn: "sum", field: "registered_capital", as: "b" },
        ],
      }),
    );
    expect(plan.groupBy).toEqual(["district", "industry"]);
    expect(plan.sumFields).toEqual(["registered_capital"]);
    expect(plan.fieldsRead).toEqual(["district", "industry", "registered_capital"]);
    expect(plan.k).toBe(10);
  });

  it("uses the larger of the dataset's k and the request's", () => {
    expect(planAggregate(dataset, request({ minGroupSize: 25 })).k).toBe(25);
    expect(planAggregate(dataset, request({ minGroupSize: 3 })).k).toBe(10);
  });

  it("refuses a never-released field as a dimension, naming it and why", () => {
    const err = refusal(() => planAggregate(dataset, request({ groupBy: ["uscc"] })));
    expect(err.code).toBe("FIELD_NOT_ALLOWED");
    expect(err.safeMessage).toBe(
      'groupBy field "uscc" of dataset LE-BASE is not allowed: never released (identifies a single legal entity)',
    );
  });

  it("refuses grouping by an aggregate-only field and summing a dimension", () => {
    expect(
      refusal(() => planAggregate(dataset, request({ groupBy: ["registered_capital"] }))).safeMessage,
    ).toMatch(/only be aggregated/);
    const sumDistrict = request({ measures: [{ fn: "sum", field: "district", as: "d" }] });
    expect(refusal(() => planAggregate(dataset, sumDistrict)).safeMessage).toMatch(
      /measures\.0 field "district".*group-by dimension/,
    );
  });

  it("refuses a field without a policy (fail closed)", () => {
    const err = refusal(() => planAggregate(dataset, request({ groupBy: ["status"] })));
    expect(err.code).toBe("FIELD_NOT_ALLOWED");
    expect(err.safeMessage).toMatch(/"status".*no such field/);
  });

  it("refuses duplicate output columns as INVALID_REQUEST", () => {
    expect(refusal(() => planAggregate(dataset, request({ groupBy: ["district", "district"] }))).code).toBe(
      "INVALID_REQUEST",
    );
    const dup = request({
      measures: [
        { fn: "count", as: "n" },
        { fn: "count", as: "n" },
      ],
    });
    expect(refusal(() => planAggregate(dataset, dup)).safeMessage).toMatch(/measures\.1\.as/);
  });
});
