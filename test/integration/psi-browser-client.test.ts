/**
 * The browser's PSI client: the buyer on the portable libsodium engine (what a page runs, on its
 * main thread) against the enclave on node:crypto workers. It must send the very bytes the Node
 * buyer sends for the same secret, reach the same answer, keep the page's event loop turning
 * during long chunks, and the modules a page imports must not reach any node: module.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { createPsiBuyer, runPsiBuyer } from "@pdx/common/psi/buyer";
import type { TPsiCurve } from "@pdx/common/psi/curve";
import { randomPsiScalar } from "@pdx/common/psi/group";
import { createNodePsiCurvePool } from "@pdx/common/psi/node-curve-pool";
import { createSodiumPsiCurve } from "@pdx/common/psi/sodium-curve";
import { preparePsiColumn, type TPsiColumn } from "@pdx/enclave/src/psi/psi-column";
import { openPsiLoopback, type TPsiWireMessage } from "@pdx/enclave/src/psi/psi-loopback";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
let browserCurve: TPsiCurve;
let nodeCurve: TPsiCurve;
let enclaveCurve: TPsiCurve;
let column: TPsiColumn;

const residentIds = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => `11010519900101${String(from + i).padStart(4, "0")}`);

beforeAll(async () => {
  [browserCurve, nodeCurve, enclaveCurve] = await Promise.all([
    createSodiumPsiCurve({ yieldEvery: 128 }),
    createNodePsiCurvePool(),
    createNodePsiCurvePool(),
  ]);
  // Column: ids 0–2999 and one whose check character is X (the buyer writes it "x").
  const values = [...residentIds(0, 3000), "11010519900101999X"];
  column = await preparePsiColumn({ format: "resident_id", values, curve: enclaveCurve });
});

afterAll(async () => {
  await Promise.all([browserCurve?.close(), nodeCurve?.close(), enclaveCurve?.close()]);
});

async function session(curve: TPsiCurve, items: string[], secret: Uint8Array) {
  const buyer = await createPsiBuyer({ format: "resident_id", items, curve, secret });
  const messages: TPsiWireMessage[] = [];
  const { started, transport } = openPsiLoopback({
    request: buyer.sessionRequest(),
    mode: "intersection",
    column,
    curve: enclaveCurve,
    record: (m) => messages.push(m),
  });
  const result = await runPsiBuyer(buyer, started, transport, { concurrency: 2 });
  const sent = messages
    .filter((m) => m.kind === "buyer-chunk")
    .map((m) => JSON.parse(m.body) as { index: number; points: string })
    .sort((a, b) => a.index - b.index)
    .map((m) => m.points);
  return { result, sent };
}

describe("browser buyer (libsodium engine)", () => {
  it("sends the same bytes as the Node buyer for the same secret, and gets the same intersection", async () => {
    const items = [...residentIds(2500, 1000), " 11010519900101999x "];
    const secret = randomPsiScalar();
    const fromBrowser = await session(browserCurve, items, secret);
    const fromNode = await session(nodeCurve, items, secret);
    expect(fromBrowser.sent).toEqual(fromNode.sent);
    const expected = [...residentIds(2500, 500), "11010519900101999X"];
    expect(fromBrowser.result).toEqual({
      mode: "intersection",
      items: expected,
      buyerSetSize: 1001,
      serverSetSize: 3001,
    });
    expect(fromNode.result).toEqual(fromBrowser.result);
  });

  it("lets the event loop turn while it works (a page stays responsive)", async () => {
    const ticks: number[] = [];
    const timer = setInterval(() => ticks.push(ticks.length), 0);
    try {
      await browserCurve.hashAndExponentiate("generic", residentIds(0, 600), randomPsiScalar());
    } finally {
      clearInterval(timer);
    }
    expect(ticks.length).toBeGreaterThan(2); // a 600-item call yields at least every 128 items
  });
});

describe("what a page imports", () => {
  it("reaches no node: module and no Node engine from common/src/psi/index.ts", () => {
    const seen = new Set<string>();
    const offending: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"/gm)) {
        const spec = m[1]!;
        if (spec.startsWith("node:") || /node-curve/.test(spec))
          offending.push(`${file.slice(ROOT.length + 1)} → ${spec}`);
        if (spec.startsWith(".")) visit(join(dirname(file), `${spec}.ts`));
      }
    };
    visit(join(ROOT, "common/src/psi/index.ts"));
    expect(offending).toEqual([]);
    expect([...seen].map((f) => f.slice(ROOT.length + 1)).sort()).toEqual(
      [
        "common/src/psi/buyer.ts",
        "common/src/psi/curve.ts",
        "common/src/psi/group.ts",
        "common/src/psi/index.ts",
        "common/src/psi/normalize.ts",
        "common/src/psi/sodium-curve.ts",
        "common/src/psi/tags.ts",
        "common/src/psi/wire.ts",
      ].sort(),
    );
  });
});
