/**
 * Private set intersection products end to end with real parts: a real enclave (HTTP, its vault
 * with LE-BASE loaded through the ingest pipeline, node:crypto curve), a real dev chain holding
 * the seeded verification authorization, the marketplace database, and a buyer running the PSI
 * client with the portable (browser) libsodium engine through the server's psi.* procedures.
 * The result equals the plaintext intersection; the count-only product yields the count only;
 * every finished session writes a usage record whose v2 receipt the auditor's check accepts; no
 * item of the buyer's list is ever stored by the server; every rule refuses with a clear reason.
 */
import { randomUUID } from "node:crypto";
import { createPsiBuyer, runPsiBuyer, type TPsiBuyerTransport } from "@pdx/common/psi/buyer";
import { createSodiumPsiCurve } from "@pdx/common/psi/sodium-curve";
import { psiBase64ToBytes, psiBytesToBase64 } from "@pdx/common/psi/wire";
import { verifyReceiptV2 } from "@pdx/common/receipt";
import { generateLegalEntities } from "@pdx/seeds/legal-entities";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TTestEnclave } from "../../enclave/src/testing/test-enclave";
import { verifyUsageRecord } from "../../server/src/domain/audit/verify-usage-record";
import { DEMO_PSI_AUTHORIZATION_ID } from "../../server/src/domain/authorizations/seed-demo-authorization";
import { productIdFor } from "../../server/src/domain/seed/seed-demo-data";
import { addSecondBuyer, type TCaller, type TServerTestKit } from "../../server/src/testing/server-test-kit";
import type { TAuthorizationChain } from "../support/authorization-chain";
import { codeOf, messageOf } from "../support/call-outcome";
import { startEnclaveMarketplace, type TEnclaveMarketplace } from "../support/enclave-marketplace";

const STATUS_CHECK = productIdFor("le-status-check", 1);
const COVERAGE = productIdFor("le-register-coverage", 1);
const AGGREGATE = productIdFor("le-district-industry", 1);
const ENTITIES = 5000;

let world: TEnclaveMarketplace;
let authChain: TAuthorizationChain;
let enclave: TTestEnclave;
let kit: TServerTestKit;
let buyer: TCaller;
let otherBuyer: TCaller;

/** LE-BASE as the test enclave loaded it, by status. */
const register = [...generateLegalEntities({ count: ENTITIES })];
const revoked = register.filter((e) => e.status === "吊销" || e.status === "注销").map((e) => e.uscc);
const operating = register.filter((e) => e.status === "存续" || e.status === "在业").map((e) => e.uscc);
/** Valid USCCs that are not in the register (another division). */
const strangers = register.slice(0, 10).map((e) => `${e.uscc.slice(0, 2)}4401${e.uscc.slice(6)}`);

/** The buyer page's transport: psi.* procedures, bytes as base64. */
function transportOf(caller: TCaller, sessionId: string, sent: string[]): TPsiBuyerTransport {
  return {
    async sendBuyerChunk(index, points) {
      const base64 = psiBytesToBase64(points);
      sent.push(base64);
      const reply = await caller.psi.sendChunk({ sessionId, index, points: base64 });
      return reply.tags === null ? null : psiBase64ToBytes(reply.tags);
    },
    async fetchReplyChunk(index) {
      return psiBase64ToBytes((await caller.psi.replyChunk({ sessionId, index })).tags);
    },
    async fetchServerChunk(index) {
      return psiBase64ToBytes((await caller.psi.serverChunk({ sessionId, index })).points);
    },
  };
}

/** Runs a whole session of `productId` for `items` as the buyer's page does. */
async function runSession(caller: TCaller, productId: string, items: string[]) {
  const curve = await createSodiumPsiCurve();
  try {
    const client = await createPsiBuyer({ format: "uscc", items, curve });
    const session = await caller.psi.start({ productId, buyerSetSize: client.setSize });
    const sent: string[] = [];
    const result = await runPsiBuyer(client, session.started, transportOf(caller, session.sessionId, sent));
    const finished = await caller.psi.finish({ sessionId: session.sessionId });
    return { session, result, finished, sent };
  } finally {
    await curve.close();
  }
}

beforeAll(async () => {
  world = await startEnclaveMarketplace({ seedCount: ENTITIES });
  ({ authChain, enclave, kit } = world);
  buyer = await kit.callerAs("buyer@demo.pdx.cn");
  otherBuyer = await kit.callerAs(await addSecondBuyer(kit.db));
  expect(revoked.length).toBeGreaterThan(30);
}, 240_000);

afterAll(async () => {
  await world?.stop();
});

describe("a buyer checks its borrowers against revoked and deregistered enterprises", () => {
  const mine = [
    ...revoked.slice(0, 25),
    ...operating.slice(0, 40),
    ...strangers,
    // the same codes again, lower-cased and padded: one item each after normalization
    ...revoked.slice(0, 5).map((u) => `  ${u.toLowerCase()} `),
  ];
  let run: Awaited<ReturnType<typeof runSession>>;
  beforeAll(async () => {
    run = await runSession(buyer, STATUS_CHECK, mine);
  }, 120_000);

  it("learns exactly which of its codes are in the set, in its own order", () => {
    expect(run.result).toEqual({
      mode: "intersection",
      items: revoked.slice(0, 25),
      buyerSetSize: 75,
      serverSetSize: new Set(revoked).size,
    });
    expect(run.session.started).toMatchObject({ mode: "intersection", format: "uscc", buyerSetSize: 75 });
  });

  it("finishes with a usage record whose signed receipt states the sizes and hashes what was relayed", async () => {
    expect(run.finished).toMatchObject({ state: "finished", usageRecordId: expect.any(String) });
    const { rows } = await kit.db.query<{ receipt: unknown; fields: string[]; product_code: string }>(
      "SELECT receipt, fields, product_code FROM usage_records WHERE id = $1",
      [run.finished.usageRecordId],
    );
    const signed = rows[0]!.receipt as Parameters<typeof verifyReceiptV2>[0];
    expect(verifyReceiptV2(signed, enclave.enclaveKeys.publicKey)).toBe(true);
    expect(signed.receipt).toMatchObject({
      product: "le-status-check@1",
      authorizationId: DEMO_PSI_AUTHORIZATION_ID,
      datasets: [{ code: "LE-BASE", version: "2026.11" }],
      fieldsTouched: ["LE-BASE.uscc", "LE-BASE.status"],
      rowsRead: revoked.length,
      verifications: 75,
      computation: {
        kind: "psi",
        reveals: "intersection",
        buyerItems: 75,
        datasetItems: new Set(revoked).size,
      },
    });
    expect(rows[0]).toMatchObject({
      product_code: "le-status-check",
      fields: ["LE-BASE.uscc", "LE-BASE.status"],
    });
    const verification = await verifyUsageRecord(
      { db: kit.db, chain: kit.deps.chain, enclavePublicKey: enclave.enclaveKeys.publicKey },
      run.finished.usageRecordId!,
    );
    const checks = Object.fromEntries(verification.checks.map((c) => [c.name, c.ok]));
    expect(checks).toMatchObject({ record_hash: true, receipt_signature: true });
    expect(verification.record).toMatchObject({ datasetCode: "LE-BASE", runId: run.session.sessionId });
  });

  it("never stores an item of the list: only blinded points went out, and the database holds none", async () => {
    const sentBytes = run.sent.map((b) => Buffer.from(b, "base64"));
    expect(sentBytes.reduce((n, b) => n + b.length, 0)).toBe(75 * 32);
    const everything = JSON.stringify(
      (await kit.db.query("SELECT * FROM psi_sessions")).rows.concat(
        (await kit.db.query("SELECT * FROM usage_records")).rows,
      ),
    );
    for (const item of [...revoked.slice(0, 25), ...operating.slice(0, 40), ...strangers]) {
      expect(everything).not.toContain(item);
      for (const b of sentBytes) expect(b.includes(Buffer.from(item))).toBe(false);
    }
  });
});

describe("the count-only product", () => {
  it("returns how many of the list are operating enterprises, and nothing that ties a match to an item", async () => {
    const mine = [...operating.slice(0, 33), ...revoked.slice(0, 12), ...strangers];
    const run = await runSession(buyer, COVERAGE, mine);
    expect(run.result).toEqual({
      mode: "cardinality",
      intersectionSize: 33,
      buyerSetSize: mine.length,
      serverSetSize: new Set(operating).size,
    });
    expect(run.finished.state).toBe("finished");
  }, 120_000);

  it("answers a buyer chunk with no tags (they come back shuffled as one list)", async () => {
    const curve = await createSodiumPsiCurve();
    try {
      const client = await createPsiBuyer({ format: "uscc", items: operating.slice(0, 25), curve });
      const session = await buyer.psi.start({ productId: COVERAGE, buyerSetSize: client.setSize });
      client.begin(session.started);
      const points = psiBytesToBase64(await client.blindChunk(0));
      expect(await buyer.psi.sendChunk({ sessionId: session.sessionId, index: 0, points })).toEqual({
        index: 0,
        tags: null,
      });
      client.discard();
    } finally {
      await curve.close();
    }
  });
});

describe("rules", () => {
  it("lets only buyers run set-intersection products, and only set-intersection products", async () => {
    for (const email of ["operator@demo.pdx.cn", "regulator@demo.pdx.cn", "auditor@demo.pdx.cn"]) {
      const caller = await kit.callerAs(email);
      expect(await codeOf(caller.psi.start({ productId: STATUS_CHECK, buyerSetSize: 3 })), email).toBe(
        "FORBIDDEN",
      );
    }
    expect(await messageOf(buyer.psi.start({ productId: AGGREGATE, buyerSetSize: 3 }))).toBe(
      "this product is not a private set intersection",
    );
    expect(await messageOf(buyer.runs.start({ productId: STATUS_CHECK }))).toMatch(
      /not an aggregate query: run it from its product page/,
    );
  });

  it("refuses a list over the product's limit, or under the count-only product's floor, naming both sizes", async () => {
    expect(await messageOf(buyer.psi.start({ productId: STATUS_CHECK, buyerSetSize: 100_001 }))).toBe(
      "your list holds 100001 distinct items; this product accepts at most 100000",
    );
    expect(await messageOf(buyer.psi.start({ productId: COVERAGE, buyerSetSize: 19 }))).toBe(
      "your list holds 19 distinct items; this product needs at least 20, so that a count cannot single one out",
    );
  });

  it("refuses a chunk of the wrong size or index, and finishing an incomplete exchange", async () => {
    const session = await buyer.psi.start({ productId: STATUS_CHECK, buyerSetSize: 3 });
    const { sessionId } = session;
    const two = Buffer.alloc(64, 9).toString("base64");
    expect(await messageOf(buyer.psi.sendChunk({ sessionId, index: 0, points: two }))).toBe(
      "buyer chunk 0 must hold 3 points of 32 bytes, not 64 bytes",
    );
    expect(await messageOf(buyer.psi.sendChunk({ sessionId, index: 1, points: two }))).toBe(
      "buyer chunk 1 does not exist (there are 1)",
    );
    expect(await messageOf(buyer.psi.finish({ sessionId }))).toMatch(
      /^the exchange is not complete: reply chunk 0, server chunk 0/,
    );
    // Points that are not valid blinded group elements are refused by the enclave, naming the rule.
    const zeros = Buffer.alloc(96).toString("base64");
    expect(await messageOf(buyer.psi.sendChunk({ sessionId, index: 0, points: zeros }))).toMatch(
      /buyer chunk 0/,
    );
  });

  it("answers another organization's session as unknown", async () => {
    const session = await buyer.psi.start({ productId: STATUS_CHECK, buyerSetSize: 2 });
    expect(await codeOf(otherBuyer.psi.get({ sessionId: session.sessionId }))).toBe("NOT_FOUND");
    expect(await codeOf(otherBuyer.psi.serverChunk({ sessionId: session.sessionId, index: 0 }))).toBe(
      "NOT_FOUND",
    );
    expect(await codeOf(buyer.psi.get({ sessionId: randomUUID() }))).toBe("NOT_FOUND");
    expect((await otherBuyer.psi.listMine()).map((s) => s.sessionId)).not.toContain(session.sessionId);
  });

  it("is refused by the enclave once the authorization is suspended on chain", async () => {
    await authChain.setStatus(DEMO_PSI_AUTHORIZATION_ID, "suspended");
    try {
      expect(await messageOf(buyer.psi.start({ productId: STATUS_CHECK, buyerSetSize: 2 }))).toMatch(
        /^this product's operation authorization is not in force on chain/,
      );
    } finally {
      await authChain.setStatus(DEMO_PSI_AUTHORIZATION_ID, "active");
    }
  });
});
