/**
 * The three PSI engines give identical bytes for every operation (libsodium in a browser, node:crypto
 * on the server, and the worker pool over node:crypto), the exponentiation commutes, and the pool
 * keeps order across slices and concurrent calls and names a bad point by its position in the call.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TPsiCurve } from "./curve";
import { PSI_POINT_BYTES, randomPsiScalar, SMALL_ORDER_U_HEX } from "./group";
import { createNodePsiCurve } from "./node-curve";
import { createNodePsiCurvePool } from "./node-curve-pool";
import { createSodiumPsiCurve } from "./sodium-curve";
import { truncateToTags } from "./tags";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const ITEMS = [
  "91350100M000100Y3X",
  "110101199003071234",
  "",
  "重庆市渝中区",
  "emoji 🧾",
  ...Array.from({ length: 700 }, (_, i) => `item-${i}`),
];

let sodiumCurve: TPsiCurve;
let nodeCurve: TPsiCurve;
let pool: TPsiCurve;

beforeAll(async () => {
  [sodiumCurve, nodeCurve, pool] = await Promise.all([
    createSodiumPsiCurve(),
    createNodePsiCurve(),
    createNodePsiCurvePool({ threads: 2, minSliceItems: 64 }),
  ]);
});

afterAll(async () => {
  await Promise.all([sodiumCurve?.close(), nodeCurve?.close(), pool?.close()]);
});

describe("engines agree byte for byte", () => {
  it("hashToGroup, hashAndExponentiate, exponentiate and exponentiateToTags", async () => {
    const scalar = randomPsiScalar();
    const engines = [sodiumCurve, nodeCurve, pool];
    const hashed = await Promise.all(engines.map((c) => c.hashToGroup("generic", ITEMS)));
    expect(hashed[0]!.length).toBe(ITEMS.length * PSI_POINT_BYTES);
    for (const h of hashed) expect(hex(h)).toBe(hex(hashed[0]!));

    const blinded = await Promise.all(engines.map((c) => c.hashAndExponentiate("generic", ITEMS, scalar)));
    for (const b of blinded) expect(hex(b)).toBe(hex(blinded[0]!));
    expect(hex(blinded[0]!)).not.toBe(hex(hashed[0]!));

    const powered = await Promise.all(engines.map((c) => c.exponentiate(scalar, hashed[0]!)));
    for (const p of powered) expect(hex(p)).toBe(hex(blinded[0]!));

    const tags = await Promise.all(engines.map((c) => c.exponentiateToTags(scalar, hashed[0]!)));
    for (const t of tags) expect(hex(t)).toBe(hex(truncateToTags(blinded[0]!)));
  });

  it("the format is part of the hash: the same text hashes differently as uscc and as generic", async () => {
    const [asUscc, asGeneric] = await Promise.all([
      pool.hashToGroup("uscc", ["91350100M000100Y3X"]),
      pool.hashToGroup("generic", ["91350100M000100Y3X"]),
    ]);
    expect(hex(asUscc)).not.toBe(hex(asGeneric));
  });
});

describe("exponentiation commutes", () => {
  it("[a][b]H(x) = [b][a]H(x) for random scalars, across engines", async () => {
    for (let round = 0; round < 5; round++) {
      const a = randomPsiScalar();
      const b = randomPsiScalar();
      const items = Array.from({ length: 40 }, (_, i) => `round${round}-${i}-${Math.random()}`);
      const h = await pool.hashToGroup("generic", items);
      const ab = await pool.exponentiate(a, await sodiumCurve.exponentiate(b, h));
      const ba = await sodiumCurve.exponentiate(b, await nodeCurve.exponentiate(a, h));
      expect(hex(ab)).toBe(hex(ba));
    }
  });

  it("different scalars give different products (no accidental identity)", async () => {
    const h = await pool.hashToGroup("generic", ["x"]);
    const one = await pool.exponentiate(randomPsiScalar(), h);
    const two = await pool.exponentiate(randomPsiScalar(), h);
    expect(hex(one)).not.toBe(hex(two));
  });
});

describe("worker pool", () => {
  it("keeps order across many concurrent calls", async () => {
    const scalar = randomPsiScalar();
    const calls = Array.from({ length: 12 }, (_, i) => ITEMS.slice(i * 50, i * 50 + 90));
    const fromPool = await Promise.all(
      calls.map((items) => pool.hashAndExponentiate("generic", items, scalar)),
    );
    for (const [i, items] of calls.entries()) {
      expect(hex(fromPool[i]!)).toBe(hex(await nodeCurve.hashAndExponentiate("generic", items, scalar)));
    }
  });

  it("names a small-order point by its position in the whole call, on every engine", async () => {
    const points = await pool.hashToGroup("generic", ITEMS.slice(0, 300));
    points.set(Buffer.from(SMALL_ORDER_U_HEX[3], "hex"), 250 * PSI_POINT_BYTES);
    for (const engine of [pool, nodeCurve, sodiumCurve]) {
      await expect(engine.exponentiate(randomPsiScalar(), points)).rejects.toThrow(
        /^point 250 has small order/,
      );
    }
  });

  it("accepts Node Buffers (views into a larger buffer) and leaves the caller's bytes intact", async () => {
    const h = await nodeCurve.hashToGroup("generic", ITEMS.slice(0, 400));
    const backing = Buffer.alloc(h.length + 64);
    backing.set(h, 32);
    const view = backing.subarray(32, 32 + h.length);
    const scalar = Buffer.from(randomPsiScalar());
    const before = hex(backing);
    const fromPool = await pool.exponentiate(scalar, view);
    expect(hex(fromPool)).toBe(hex(await nodeCurve.exponentiate(scalar, h)));
    expect(hex(backing)).toBe(before);
    expect(hex(await pool.exponentiate(scalar, view))).toBe(hex(fromPool)); // still usable
  });

  it("handles empty calls and refuses packed input that is not whole points", async () => {
    expect((await pool.hashToGroup("generic", [])).length).toBe(0);
    expect((await pool.exponentiate(randomPsiScalar(), new Uint8Array(0))).length).toBe(0);
    await expect(pool.exponentiate(randomPsiScalar(), new Uint8Array(40))).rejects.toThrow(/multiple of 32/);
  });

  it("refuses work once closed", async () => {
    const own = await createNodePsiCurvePool({ threads: 1 });
    await own.close();
    await expect(own.hashToGroup("generic", ["a"])).rejects.toThrow(/closed/);
  });
});
