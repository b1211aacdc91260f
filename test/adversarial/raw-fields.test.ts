/**
 * Adversarial: attempts to read raw personal fields and identifiers — POP-RESIDENT (a resident
 * register loaded as a real version, k = 50) and LE-BASE — through real product jobs under real
 * authorizations on a dev chain: fields outside the authorization's scope, undeclared fields,
 * in-scope fields whose column policy is never / masked / encrypted_only used as group-by keys,
 * filters or measures, equality filters singling out an aggregate_only value, verification used
 * as an oracle (binary search through `where` ranges, matching by a masked name), verification
 * past the per-job cap, refusal and failure texts as a side channel, and mock mode reading real
 * records. The test holds every raw row it loaded and checks none of their values ever comes out.
 */
import { randomUUID } from "node:crypto";
import type { TProductJobStatus } from "@pdx/common/enclave-jobs";
import type { TAggregateQueryResult } from "@pdx/common/enclave-query";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TAuthorizationClaim } from "../support/authorization-chain";
import { productJobRequest } from "../support/product-jobs";
import {
  ATTACKER_OPERATOR,
  freshBuyer,
  js,
  LE_FIELDS,
  leJob,
  PERSONAL_CODE,
  run,
  startAdversarialWorld,
  type TAdversarialWorld,
} from "./support";

const K_PERSONAL = 50;
const PERSONAL_FIELDS = [
  "person_id",
  "name",
  "gender",
  "birth_date",
  "household_district",
  "residence_district",
  "residence_address",
  "status",
  "updated_on",
] as const;

let world: TAdversarialWorld;
/** Scope without any personal field. */
let narrow: TAuthorizationClaim;
/** Scope with every personal field (the chain check passes; the column policy must refuse). */
let wide: TAuthorizationClaim;
/** LE-BASE with its identifiers uscc and name in scope. */
let leWithIdentifiers: TAuthorizationClaim;
/** Raw values that must never leave the enclave. */
let secrets: string[];

beforeAll(async () => {
  world = await startAdversarialWorld({ chain: true, personal: true });
  const chain = world.chain!;
  narrow = await chain.recordAuthorization({
    id: randomUUID(),
    operatorOrgId: ATTACKER_OPERATOR,
    scope: [{ datasetCode: PERSONAL_CODE, fields: ["gender", "residence_district", "status"] }],
  });
  wide = await chain.recordAuthorization({
    id: randomUUID(),
    operatorOrgId: ATTACKER_OPERATOR,
    scope: [{ datasetCode: PERSONAL_CODE, fields: [...PERSONAL_FIELDS] }],
  });
  leWithIdentifiers = await chain.recordAuthorization({
    id: randomUUID(),
    operatorOrgId: ATTACKER_OPERATOR,
    scope: [{ datasetCode: "LE-BASE", fields: ["uscc", "name", ...LE_FIELDS] }],
  });
  secrets = world.personal!.rows.flatMap((r) => [
    String(r.person_id),
    String(r.name),
    String(r.residence_address),
  ]);
});
afterAll(async () => {
  await world?.stop();
});

function personalJob(
  authorization: TAuthorizationClaim | undefined,
  source: string,
  fields: readonly string[],
  overrides = {},
) {
  return productJobRequest(authorization, {
    source,
    fields: { [PERSONAL_CODE]: [...fields] },
    requester: freshBuyer(),
    ...overrides,
  });
}

/** No raw personal value anywhere in what the job returned (output, messages, logs, receipt). */
function expectNoSecret(status: TProductJobStatus) {
  const text = JSON.stringify(status);
  const leaked = secrets.filter((s) => text.includes(s));
  expect(leaked).toEqual([]);
}

const aggregate = (query: Record<string, unknown>) =>
  `export default async (pdx) => pdx.aggregate(${js({ dataset: PERSONAL_CODE, measures: [{ fn: "count", as: "n" }], ...query })})`;

describe("personal fields", () => {
  it("a personal field outside the authorization's scope: the job fails before reading anything", async () => {
    const status = await run(
      world,
      personalJob(narrow, aggregate({ groupBy: ["name"] }), ["gender", "name"]),
    );
    expect(status.state).toBe("failed");
    expect(status.failure?.code).toBe("FIELD_OUT_OF_SCOPE");
    expect(status.failure?.message).toMatch(/does not cover field "name" of dataset POP-RESIDENT/);
    expect(status.stats.rowsRead).toBe(0);
    expectNoSecret(status);
  });

  it("a personal field the job did not declare: blocked by the authorization rule, naming the field", async () => {
    const status = await run(world, personalJob(narrow, aggregate({ groupBy: ["name"] }), ["gender"]));
    expect(status.state).toBe("blocked");
    expect(status.blockedBy?.rule).toBe("authorization");
    expect(status.blockedBy?.message).toMatch(
      /field POP-RESIDENT\.name is not among the fields the job declared/,
    );
    expectNoSecret(status);
  });

  it("masked personal fields in scope (name, address, birth date) as group-by, filter or measure: blocked by the column policy", async () => {
    const attacks: [string, Record<string, unknown>, RegExp][] = [
      [
        "name",
        { groupBy: ["name"] },
        /POP-RESIDENT\.name may not be used as a group-by dimension: its policy is masked/,
      ],
      [
        "residence_address",
        { filters: [{ field: "residence_address", op: "neq", value: "" }] },
        /residence_address may not be used as an equality filter: its policy is masked/,
      ],
      [
        "birth_date",
        { groupBy: [{ field: "birth_date", bucket: "month", as: "m" }] },
        /birth_date may not be used as a bucketed group-by key: its policy is masked/,
      ],
      [
        "birth_date",
        { filters: [{ field: "birth_date", op: "gte", value: "1990-01-01" }] },
        /birth_date may not be used as a range filter: its policy is masked/,
      ],
    ];
    for (const [field, query, message] of attacks) {
      const status = await run(world, personalJob(wide, aggregate(query), ["gender", field]));
      expect(status.state).toBe("blocked");
      expect(status.blockedBy?.rule).toBe("column-policy");
      expect(status.blockedBy?.message).toMatch(message);
      expect(status.output).toBeNull();
      expectNoSecret(status);
    }
  });

  it("the resident ID (core, encrypted_only) as group-by or equality filter: blocked by the column policy", async () => {
    const known = String(world.personal!.rows[0]!.person_id);
    for (const query of [
      { groupBy: ["person_id"] },
      { filters: [{ field: "person_id", op: "eq", value: known }] },
    ]) {
      const status = await run(world, personalJob(wide, aggregate(query), ["person_id"]));
      expect(status.state).toBe("blocked");
      expect(status.blockedBy?.rule).toBe("column-policy");
      expect(status.blockedBy?.message).toMatch(/POP-RESIDENT\.person_id .*its policy is encrypted_only/);
      expect(status.blockedBy?.message).not.toContain(known);
    }
  });

  it("a table of raw personal attributes releases only cells of at least k = 50 residents", async () => {
    const rows = world.personal!.rows;
    const cellsFrom = (since: string) => {
      const truth = new Map<string, number>();
      for (const r of rows) {
        if (String(r.updated_on) < since) continue;
        const key = JSON.stringify([r.residence_district, r.gender]);
        truth.set(key, (truth.get(key) ?? 0) + 1);
      }
      return truth;
    };
    // A filter under which some cells pass k and others do not (the attacker's narrowing).
    const dates = rows.map((r) => String(r.updated_on)).sort();
    const since = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]
      .map((q) => dates[Math.floor(q * dates.length)]!)
      .find((d) => {
        const counts = [...cellsFrom(d).values()];
        return counts.some((n) => n < K_PERSONAL) && counts.some((n) => n >= K_PERSONAL + 10);
      });
    expect(since).toBeDefined();
    const truth = cellsFrom(since!);
    const status = await run(
      world,
      personalJob(
        wide,
        aggregate({
          groupBy: ["residence_district", "gender"],
          filters: [{ field: "updated_on", op: "gte", value: since }],
          epsilon: 0.05,
        }),
        ["residence_district", "gender", "updated_on"],
      ),
    );
    expect(status.state).toBe("released");
    const result = status.output as TAggregateQueryResult;
    const small = [...truth.values()].filter((n) => n < K_PERSONAL).length;
    expect(result.rows.length).toBeLessThanOrEqual(truth.size - small);
    expect(result.rows.length).toBeGreaterThan(0);
    for (const row of result.rows) {
      expect(truth.get(JSON.stringify([row.residence_district, row.gender]))).toBeGreaterThanOrEqual(
        K_PERSONAL,
      );
    }
    expectNoSecret(status);
  });
});

describe("identifiers and aggregate_only values", () => {
  it("LE-BASE identifiers (uscc, name) in scope as group-by keys or filters: blocked by the column policy (never)", async () => {
    for (const [field, query] of [
      ["uscc", { groupBy: ["uscc"] }],
      ["name", { filters: [{ field: "name", op: "gte", value: "A" }] }],
    ] as const) {
      const source = `export default async (pdx) => pdx.aggregate(${js({ dataset: "LE-BASE", measures: [{ fn: "count", as: "n" }], ...query })})`;
      const status = await run(
        world,
        leJob(leWithIdentifiers, source, { fields: { "LE-BASE": ["uscc", "name", "district"] } }),
      );
      expect(status.state).toBe("blocked");
      expect(status.blockedBy?.rule).toBe("column-policy");
      expect(status.blockedBy?.message).toMatch(new RegExp(`LE-BASE\\.${field} .*its policy is never`));
    }
  });

  it("an equality filter or plain group-by on registered_capital (aggregate_only) to single out an entity is refused", async () => {
    for (const query of [
      { filters: [{ field: "registered_capital", op: "eq", value: 500 }] },
      { filters: [{ field: "registered_capital", op: "in", values: [500, 1000] }] },
      { groupBy: ["registered_capital"] },
    ]) {
      const source = `export default async (pdx) => pdx.aggregate(${js({ dataset: "LE-BASE", measures: [{ fn: "count", as: "n" }], ...query })})`;
      const status = await run(world, leJob(world.leAuthorization, source));
      expect(status.state).toBe("blocked");
      expect(status.blockedBy?.rule).toBe("column-policy");
      expect(status.blockedBy?.message).toMatch(
        /registered_capital .*aggregate_only .*would single out rows/,
      );
    }
  });
});

describe("verification as an oracle", () => {
  it("binary search of a resident's birth date through `where` ranges is refused at the first question", async () => {
    const known = String(world.personal!.rows[3]!.person_id);
    const source = `export default async (pdx) => {
      let lo = Date.UTC(1900, 0, 1), hi = Date.UTC(2026, 0, 1);
      while (hi - lo > 86400000) {
        const mid = lo + Math.floor((hi - lo) / 172800000) * 86400000;
        const r = await pdx.verify({ dataset: ${js(PERSONAL_CODE)}, match: { person_id: ${js(known)} }, where: [{ field: "birth_date", op: "gte", value: new Date(mid).toISOString().slice(0, 10) }] });
        if (r.answer) lo = mid; else hi = mid;
      }
      return new Date(lo).toISOString().slice(0, 10);
    }`;
    const status = await run(world, personalJob(wide, source, ["person_id", "birth_date"]));
    expect(status.state).toBe("blocked");
    expect(status.blockedBy?.rule).toBe("column-policy");
    expect(status.blockedBy?.message).toMatch(
      /where\.0\.field: field POP-RESIDENT\.birth_date may not be used as a verification where-filter/,
    );
    expect(status.stats.verifications).toBe(0); // refused, so never answered (nor metered)
    expectNoSecret(status);
  });

  it("binary search of an entity's registered capital (aggregate_only) through `where` ranges is refused", async () => {
    const source = `export default async (pdx) => pdx.verify({ dataset: "LE-BASE", match: { uscc: "91440300MA5XXXXXX1" }, where: [{ field: "registered_capital", op: "gte", value: 1000 }] })`;
    const status = await run(
      world,
      leJob(leWithIdentifiers, source, { fields: { "LE-BASE": ["uscc", "registered_capital"] } }),
    );
    expect(status.state).toBe("blocked");
    expect(status.blockedBy?.rule).toBe("column-policy");
    expect(status.blockedBy?.message).toMatch(
      /registered_capital may not be used as a verification where-filter: its policy is aggregate_only/,
    );
  });

  it("matching a record by a person's (masked) name is refused: only fingerprinted or raw fields are match keys", async () => {
    const known = String(world.personal!.rows[5]!.name);
    const source = `export default async (pdx) => pdx.verify({ dataset: ${js(PERSONAL_CODE)}, match: { name: ${js(known)} } })`;
    const status = await run(world, personalJob(wide, source, ["name"]));
    expect(status.state).toBe("blocked");
    expect(status.blockedBy?.rule).toBe("column-policy");
    expect(status.blockedBy?.message).toMatch(
      /POP-RESIDENT\.name may not be used as a verification match key/,
    );
    expect(status.blockedBy?.message).not.toContain(known);
  });

  it("verification past the per-job cap of 1000 questions: the 1001st is refused and nothing is released", async () => {
    const source = `export default async (pdx) => {
      let yes = 0;
      for (let i = 0; i < 1001; i++) {
        const r = await pdx.verify({ dataset: "LE-BASE", match: { district: "D" + (i % 7) } });
        if (r.answer) yes++;
      }
      return { yes };
    }`;
    const status = await run(
      world,
      leJob(null, source, { mode: "mock", limits: { wallMs: 120_000, cpuMs: 20_000 } }),
    );
    expect(status.state).toBe("blocked");
    expect(status.blockedBy?.rule).toBe("record-cap");
    expect(status.blockedBy?.message).toMatch(/at most 1000 verification questions/);
    expect(status.stats.verifications).toBe(1000);
    expect(status.output).toBeNull();
  });
});

describe("side channels and mock mode", () => {
  it("refusal and failure texts carry no raw value: errors provoked on personal fields and thrown out of the logic", async () => {
    const probes = [
      {
        dataset: PERSONAL_CODE,
        groupBy: ["gender"],
        filters: [{ field: "gender", op: "eq", value: 1 }],
        measures: [{ fn: "count", as: "n" }],
      },
      {
        dataset: PERSONAL_CODE,
        groupBy: ["gender"],
        measures: [{ fn: "sum", field: "gender", as: "s", bounds: [0, 1] }],
      },
      { dataset: PERSONAL_CODE, groupBy: ["nonexistent"], measures: [{ fn: "count", as: "n" }] },
      {
        dataset: PERSONAL_CODE,
        groupBy: [{ field: "updated_on", width: 1, as: "w" }],
        measures: [{ fn: "count", as: "n" }],
      },
      {
        dataset: PERSONAL_CODE,
        filters: [{ field: "updated_on", op: "between", from: "2030-01-01", to: "2000-01-01" }],
        measures: [{ fn: "count", as: "n" }],
      },
    ];
    const source = `export default async (pdx) => {
      const messages = [];
      for (const q of ${js(probes)}) { try { messages.push(JSON.stringify(await pdx.aggregate(q))); } catch (e) { messages.push(String(e.message)); } }
      const seen = await pdx.aggregate({ dataset: ${js(PERSONAL_CODE)}, groupBy: ["residence_district"], measures: [{ fn: "count", as: "n" }] });
      throw new Error("smuggled: " + messages.join(" | ") + " | " + JSON.stringify(seen.rows));
    }`;
    const status = await run(
      world,
      personalJob(wide, source, ["gender", "updated_on", "residence_district"]),
    );
    expect(status.state).toBe("failed");
    expect(status.failure?.code).toBe("SANDBOX_ERROR");
    expect(status.failure?.message).toMatch(/^Error: smuggled: /);
    expect(status.failure!.message.length).toBeLessThanOrEqual(1000);
    expect(status.output).toBeNull();
    expect(status.logs).toEqual([]);
    expectNoSecret(status);
  });

  it("a mock-mode job cannot read real records: it reads the generated mock version, with no authorization and no budget", async () => {
    const known = world.personal!.rows.slice(0, 5).map((r) => String(r.person_id));
    const source = `export default async (pdx) => {
      const found = [];
      for (const id of ${js(known)}) found.push((await pdx.verify({ dataset: ${js(PERSONAL_CODE)}, match: { person_id: id } })).answer);
      return found;
    }`;
    const buyer = freshBuyer();
    const mockStatus = await run(
      world,
      personalJob(undefined, source, ["person_id"], {
        mode: "mock",
        requester: buyer,
        datasetVersions: { [PERSONAL_CODE]: "2026.11" },
      }),
    );
    expect(mockStatus.state).toBe("released");
    expect(mockStatus.output).toEqual([false, false, false, false, false]);
    expect(mockStatus.signedReceipt?.receipt).toMatchObject({
      mode: "mock",
      authorizationId: null,
      datasets: [{ code: PERSONAL_CODE, version: "mock" }],
    });
    // The same questions on real data, under an authorization, find every resident.
    const realStatus = await run(
      world,
      personalJob(wide, source, ["person_id"], { datasetVersions: { [PERSONAL_CODE]: "2026.11" } }),
    );
    expect(realStatus.state).toBe("released");
    expect(realStatus.output).toEqual([true, true, true, true, true]);
    expect(realStatus.signedReceipt?.receipt.datasets).toEqual([{ code: PERSONAL_CODE, version: "2026.11" }]);
  });
});
