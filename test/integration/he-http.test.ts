/**
 * The encrypted-query modes end to end over real HTTP: the buyer client builds requests, they
 * travel as JSON to a small HTTP endpoint in front of the real HE worker pool (what the lead's
 * enclave route will do), and the buyer decrypts the JSON responses — also from a session
 * restored from the exported secret key. Refusals travel as { error: { code, message } }.
 */
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createHeBuyer } from "@pdx/common/he/buyer-client";
import { HeError } from "@pdx/common/he/he-error";
import { BFV_PRESET_ID, CKKS_PRESET_ID, loadSeal } from "@pdx/common/he/presets";
import type { THeColumnsData, THeScoringData } from "@pdx/enclave/src/he/data";
import { createHeWorkerPool, type HeWorkerPool } from "@pdx/enclave/src/he/he-worker-pool";
import { scoringTolerance } from "@pdx/enclave/src/he/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const n = 12_000;
const d = 4;
const features = Float64Array.from({ length: n * d }, (_, i) => ((i * 2654435761) % 1000) / 10);
const rent = Int32Array.from({ length: n }, (_, i) => ((i * 40503) % 20_000) - 10_000);
const scoringData: THeScoringData = { entityCount: n, featureCount: d, features };
const columnsData: THeColumnsData = { entityCount: n, columns: { rent } };

let pool: HeWorkerPool;
let server: Server;
let base: string;

beforeAll(async () => {
  pool = createHeWorkerPool();
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const mode = req.url?.replace("/he/", "");
    try {
      const request: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      const response =
        mode === "scoring"
          ? await pool.scoring(request, scoringData)
          : mode === "lookup"
            ? await pool.lookup(request, columnsData)
            : await pool.aggregate(request, columnsData);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(response));
    } catch (err) {
      const error =
        err instanceof HeError ? { code: err.code, message: err.message } : { code: "INTERNAL", message: "" };
      res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error }));
    }
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.close();
  await pool.close();
});

async function post(mode: string, body: unknown): Promise<{ status: number; json: unknown; bytes: number }> {
  const text = JSON.stringify(body);
  const res = await fetch(`${base}/he/${mode}`, {
    method: "POST",
    body: text,
    headers: { "content-type": "application/json" },
  });
  const reply = await res.text();
  return { status: res.status, json: JSON.parse(reply), bytes: reply.length };
}

describe("HE over HTTP", () => {
  it("scores 12,000 entities for a buyer who keeps the weights secret", async () => {
    const seal = await loadSeal();
    const buyer = await createHeBuyer(CKKS_PRESET_ID, { seal });
    const weights = [0.1, -0.2, 0.3, 1.5];
    const { status, json } = await post("scoring", buyer.scoringRequest(weights, n));
    expect(status).toBe(200);
    const scores = buyer.decodeScores(json);
    for (const j of [0, 4095, 4096, 11_999]) {
      const want = weights.reduce((sum, w, k) => sum + w * features[j * d + k]!, 0);
      expect(Math.abs(scores[j]! - want)).toBeLessThanOrEqual(scoringTolerance(weights, features, j, d));
    }
    buyer.dispose();
  });

  it("looks up one entity, and a session restored from the exported key decrypts the answer", async () => {
    const seal = await loadSeal();
    const buyer = await createHeBuyer(BFV_PRESET_ID, { seal });
    const saved = buyer.exportSecretKey();
    const { status, json } = await post("lookup", buyer.lookupRequest(n, 11_111, ["rent"]));
    expect(status).toBe(200);
    buyer.dispose();
    const later = await createHeBuyer(BFV_PRESET_ID, { seal, secretKey: saved });
    expect(later.decodeLookup(json)).toEqual({ rent: BigInt(rent[11_111]!) });
    // Someone else's key cannot read it.
    const stranger = await createHeBuyer(BFV_PRESET_ID, { seal });
    expect(() => stranger.decodeLookup(json)).toThrow(HeError);
    later.dispose();
    stranger.dispose();
  });

  it("aggregates over a subset the enclave never sees", async () => {
    const seal = await loadSeal();
    const buyer = await createHeBuyer(BFV_PRESET_ID, { seal });
    const subset = Array.from({ length: 500 }, (_, i) => i * 23);
    const { status, json } = await post("aggregate", buyer.aggregateRequest(n, subset, ["rent"]));
    expect(status).toBe(200);
    const result = buyer.decodeAggregate(json);
    expect(result.count).toBe(500n);
    expect(result.fields.rent!.sum).toBe(subset.reduce((sum, i) => sum + BigInt(rent[i]!), 0n));
    buyer.dispose();
  });

  it("answers a refusal with its code and a message naming the part", async () => {
    const seal = await loadSeal();
    const buyer = await createHeBuyer(BFV_PRESET_ID, { seal });
    const request = buyer.lookupRequest(n, 1, ["rent"]);
    const { status, json } = await post("lookup", { ...request, selection: request.selection.slice(1) });
    expect(status).toBe(400);
    expect(json).toEqual({
      error: {
        code: "HE_WRONG_COUNT",
        message: "selection has 1 ciphertexts; 12000 entities under bfv-8192-t60 need 2",
      },
    });
    buyer.dispose();
  });
});
