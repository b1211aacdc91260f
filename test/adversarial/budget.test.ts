/**
 * Adversarial: attacks on the ε budget of LE-BASE (5 per buyer) through real product jobs —
 * averaging repeated noisy answers past the budget, swallowing the refusal to release what was
 * already answered, one query asking more ε than the job reserved, a job asking more than the whole
 * budget, and concurrent jobs (and concurrent reservations) trying to spend the same ε twice.
 * Statistical bounds are computed from the discrete Laplace, never sampled.
 */
import { randomUUID } from "node:crypto";
import type { TProductJobStatus } from "@pdx/common/enclave-jobs";
import { sendSigned } from "@pdx/enclave/src/testing/test-enclave";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  dlapVariance,
  freshBuyer,
  js,
  LE_VERSION,
  leJob,
  rowsTable,
  run,
  startAdversarialWorld,
  type TAdversarialWorld,
  vaultGroups,
} from "./support";

const BUDGET = 5;
const EPS = 0.25;
let world: TAdversarialWorld;
/** The district the attacker keeps counting, and its true count. */
let target: { district: string; count: number };

beforeAll(async () => {
  world = await startAdversarialWorld({ chain: true });
  const table = await rowsTable(world, "LE-BASE", LE_VERSION);
  const [largest] = await vaultGroups(
    world,
    `SELECT district AS d0, count(*) AS n FROM "${table}" GROUP BY 1 ORDER BY 2 DESC LIMIT 1`,
    [],
    1,
  );
  target = { district: largest!.dims[0]!, count: largest!.count };
});
afterAll(async () => {
  await world?.stop();
});

const countQuery = () =>
  js({
    dataset: "LE-BASE",
    filters: [{ field: "district", op: "eq", value: target.district }],
    measures: [{ fn: "count", as: "n" }],
  });

/** Logic: asks the same count until refused (or `max` times); returns the answers it got. */
const repeatUntilRefused = (max: number, swallow: boolean) => `export default async (pdx) => {
  const answers = [];
  for (let i = 0; i < ${max}; i++) {
    try {
      const r = await pdx.aggregate(${countQuery()});
      answers.push(r.rows[0].n);
    } catch (e) {
      ${swallow ? "return { answers, refused: String(e.message) };" : "throw e;"}
    }
  }
  return { answers };
}`;

async function ledgerOf(orgId: string) {
  const [budget] = await world.enclave.vault.privacyBudgetLedger().previewBudget(orgId, ["LE-BASE"], BUDGET);
  return budget!;
}

describe("averaging repeated noisy answers", () => {
  it("stops at the budget: at most budget/ε answers, and their mean keeps a computed standard deviation ≥ 1", async () => {
    const buyer = freshBuyer();
    const answers: number[] = [];
    const statuses: TProductJobStatus[] = [];
    // Jobs of 1 ε each (4 answers), until one is refused: the budget allows five.
    for (let i = 0; i < 8; i++) {
      const status = await run(
        world,
        leJob(world.leAuthorization, repeatUntilRefused(4, false), {
          requester: buyer,
          epsilon: { perQuery: EPS, maxPerJob: 1 },
        }),
      );
      statuses.push(status);
      if (status.state !== "released") break;
      answers.push(...(status.output as { answers: number[] }).answers);
    }
    const refused = statuses.at(-1)!;
    expect(statuses.filter((s) => s.state === "released")).toHaveLength(5);
    expect(refused.state).toBe("blocked");
    expect(refused.blockedBy?.rule).toBe("privacy-budget");
    expect(refused.blockedBy?.message).toMatch(/LE-BASE.*needs ε=1, 0 of 5 remains/);
    expect(refused.output).toBeNull();
    expect(answers).toHaveLength(BUDGET / EPS);
    expect(await ledgerOf(buyer.orgId)).toMatchObject({ spent: BUDGET, reserved: 0, remaining: 0 });
    // The attacker's best unbiased estimate from n answers of DLap(1/ε): sd = √(Var/n).
    const sd = Math.sqrt(dlapVariance(EPS) / answers.length);
    expect(sd).toBeGreaterThanOrEqual(1);
    // P(all 20 answers exact) = P(noise = 0)^20 < 1e-18: the answers really are noisy.
    expect(answers.every((a) => a === target.count)).toBe(false);
  });

  it("swallowing the budget refusal inside the logic releases nothing: the job ends blocked", async () => {
    const buyer = freshBuyer();
    const status = await run(
      world,
      leJob(world.leAuthorization, repeatUntilRefused(200, true), {
        requester: buyer,
        epsilon: { perQuery: EPS, maxPerJob: BUDGET },
        limits: { queries: 200 },
      }),
    );
    expect(status.state).toBe("blocked");
    expect(status.blockedBy?.rule).toBe("privacy-budget");
    expect(status.blockedBy?.message).toMatch(/needs ε=0\.25, 0 of the job's reservation remains/);
    expect(status.output).toBeNull();
    expect(status.stats.queries).toBe(BUDGET / EPS + 1);
    expect(status.stats.epsilonSpent).toBe(BUDGET);
    expect(status.signedReceipt?.receipt).toMatchObject({ state: "blocked", epsilonSpent: BUDGET });
  });

  it("one query naming more ε than the job reserved is refused before any noise is drawn", async () => {
    const buyer = freshBuyer();
    const source = `export default async (pdx) => pdx.aggregate(${js({ ...JSON.parse(countQuery()), epsilon: 10 })})`;
    const status = await run(
      world,
      leJob(world.leAuthorization, source, { requester: buyer, epsilon: { perQuery: EPS, maxPerJob: 1 } }),
    );
    expect(status.state).toBe("blocked");
    expect(status.blockedBy?.rule).toBe("privacy-budget");
    expect(status.blockedBy?.message).toMatch(/needs ε=10, 1 of the job's reservation remains/);
    expect(await ledgerOf(buyer.orgId)).toMatchObject({ spent: 0, reserved: 0, remaining: BUDGET });
  });

  it("a job asking more ε than the whole budget is refused before it runs, naming what remains", async () => {
    const buyer = freshBuyer();
    const status = await run(
      world,
      leJob(world.leAuthorization, repeatUntilRefused(1, false), {
        requester: buyer,
        epsilon: { perQuery: EPS, maxPerJob: 100 },
      }),
    );
    expect(status.state).toBe("blocked");
    expect(status.blockedBy).toMatchObject({ rule: "privacy-budget" });
    expect(status.blockedBy?.message).toMatch(/LE-BASE.*needs ε=100, 5 of 5 remains/);
    expect(status.stats.queries).toBe(0);
  });
});

describe("double spending", () => {
  it("eight jobs submitted at once spend at most the budget in total", async () => {
    const buyer = freshBuyer();
    const requests = Array.from({ length: 8 }, () =>
      leJob(world.leAuthorization, repeatUntilRefused(4, false), {
        requester: buyer,
        epsilon: { perQuery: EPS, maxPerJob: 1 },
      }),
    );
    const submitted = await Promise.all(
      requests.map((r) =>
        sendSigned(world.enclave.url, world.enclave.clientKeys, "POST", "/v1/product-jobs", r),
      ),
    );
    for (const s of submitted) expect(s.status).toBe(202);
    await world.enclave.productJobs.idle();
    const statuses = await Promise.all(requests.map((r) => run(world, r)));
    const spent = statuses.reduce((sum, s) => sum + s.stats.epsilonSpent, 0);
    expect(spent).toBeLessThanOrEqual(BUDGET);
    expect(statuses.filter((s) => s.state === "released")).toHaveLength(5);
    for (const s of statuses.filter((s) => s.state !== "released"))
      expect(s.blockedBy?.rule).toBe("privacy-budget");
    expect(await ledgerOf(buyer.orgId)).toMatchObject({ spent: BUDGET, reserved: 0 });
  });

  it("twenty concurrent reservations of 1 ε on a budget of 5: exactly five succeed", async () => {
    const buyer = freshBuyer();
    const ledger = world.enclave.vault.privacyBudgetLedger();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, () => ledger.reserve(randomUUID(), buyer.orgId, "LE-BASE", 1, BUDGET)),
    );
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(5);
    for (const o of outcomes)
      if (o.status === "rejected") expect((o.reason as { code?: string }).code).toBe("BUDGET_EXCEEDED");
    expect(await ledgerOf(buyer.orgId)).toMatchObject({ reserved: BUDGET, remaining: 0 });
  });
});
