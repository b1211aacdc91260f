/**
 * The buyer client against real node-seal: everything a request carries is public material —
 * the secret key's bytes appear nowhere in it, not even after each SEAL object is expanded —
 * Galois keys cover exactly the mode's steps, the client imports nothing Node-only, and bad
 * inputs are refused before anything is encrypted.
 */
import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { createHeBuyer, type HeBuyer } from "./buyer-client";
import { galoisElementOfStep, galoisStepsFor } from "./layout";
import { BFV_PRESET_ID, CKKS_PRESET_ID, HE_PRESETS, loadSeal, presetKit, type THePresetId } from "./presets";
import { base64ToBytes } from "./wire";

const seal = await loadSeal();

/** The secret key's raw (uncompressed) serialization. */
function rawSecretKey(buyer: HeBuyer, preset: THePresetId): Buffer {
  const key = new seal.SecretKey();
  try {
    key.loadFromArray(presetKit(seal, preset).context, buyer.exportSecretKey());
    return Buffer.from(key.saveToArray(seal.ComprModeType.none) as Uint8Array);
  } finally {
    key.delete();
  }
}

/** 48-byte windows spread over the key's polynomial data (past the serialization header). */
function windowsOf(raw: Buffer, count = 24): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const at = 200 + Math.floor(((raw.length - 300) * i) / count);
    out.push(raw.subarray(at, at + 48));
  }
  return out;
}

/** Every string leaf of a JSON value with its path. */
function stringLeaves(value: unknown, path = "request"): [string, string][] {
  if (typeof value === "string") return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringLeaves(v, `${path}[${i}]`));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => stringLeaves(v, `${path}.${k}`));
  }
  return [];
}

/** Loads a sent object as what it claims to be and saves it expanded (seed → polynomial). */
function expanded(preset: THePresetId, path: string, bytes: Uint8Array): Buffer {
  const { context } = presetKit(seal, preset);
  const object = path.endsWith("galoisKeys")
    ? new seal.GaloisKeys()
    : path.endsWith("publicKey")
      ? new seal.PublicKey()
      : new seal.Ciphertext();
  try {
    object.loadFromArray(context, bytes);
    return Buffer.from(object.saveToArray(seal.ComprModeType.none) as Uint8Array);
  } finally {
    object.delete();
  }
}

async function sentBlobs(
  preset: THePresetId,
  buyer: HeBuyer,
): Promise<{ requests: object[]; blobs: Buffer[] }> {
  const requests: object[] =
    preset === CKKS_PRESET_ID
      ? [
          buyer.scoringRequest([0.25, -1, 3, 7, 0.5], 5000),
          buyer.aggregateRequest(5000, [1, 2, 4999], ["area"]),
        ]
      : [
          buyer.lookupRequest(9000, 8500, ["rent", "area"]),
          buyer.aggregateRequest(9000, [0, 8191, 8192], ["rent"]),
        ];
  const blobs: Buffer[] = [];
  for (const request of requests) {
    for (const [path, text] of stringLeaves(JSON.parse(JSON.stringify(request)))) {
      if (["request.mode", "request.preset"].includes(path) || path.startsWith("request.fields")) continue;
      const bytes = base64ToBytes(text, path);
      blobs.push(Buffer.from(bytes), expanded(preset, path, bytes));
    }
  }
  return { requests, blobs };
}

describe("HE buyer client", () => {
  for (const preset of [CKKS_PRESET_ID, BFV_PRESET_ID] as const) {
    it(`${preset}: no request carries the secret key, in any form`, async () => {
      const buyer = await createHeBuyer(preset, { seal });
      try {
        const raw = rawSecretKey(buyer, preset);
        const compressed = Buffer.from(buyer.exportSecretKey());
        const needles = [...windowsOf(raw), compressed.subarray(32, 96)];
        const { requests, blobs } = await sentBlobs(preset, buyer);
        expect(blobs.length).toBeGreaterThanOrEqual(8);
        for (const blob of blobs) for (const needle of needles) expect(blob.indexOf(needle)).toBe(-1);
        // The probe finds the key where it is: the check can fail.
        const planted = Buffer.concat([blobs[0]!, raw]);
        expect(needles.some((needle) => planted.indexOf(needle) !== -1)).toBe(true);
        // Only the documented parts travel: no secret key, no relinearization keys.
        const parts: Record<string, string[]> = {
          scoring: ["entityCount", "featureCount", "keys", "mode", "preset", "weights"],
          lookup: ["entityCount", "fields", "keys", "mode", "preset", "selection"],
          aggregate: ["entityCount", "fields", "keys", "mode", "preset", "selection", "squares"],
        };
        for (const request of requests as { mode: string; keys: object }[]) {
          expect(Object.keys(request).sort()).toEqual(parts[request.mode]);
          expect(Object.keys(request.keys).sort()).toEqual(["galoisKeys", "publicKey"]);
        }
      } finally {
        buyer.dispose();
      }
    });
  }

  it("sends Galois keys for exactly the steps of the mode", async () => {
    const buyer = await createHeBuyer(CKKS_PRESET_ID, { seal });
    const { context } = presetKit(seal, CKKS_PRESET_ID);
    try {
      for (const featureCount of [1, 3, 5, 16]) {
        const keys = new seal.GaloisKeys();
        try {
          keys.loadFromArray(
            context,
            base64ToBytes(buyer.evaluationKeys("scoring", featureCount).galoisKeys, "gk"),
          );
          const steps = galoisStepsFor("scoring", HE_PRESETS[CKKS_PRESET_ID], featureCount);
          expect(keys.size()).toBe(steps.length);
          for (const step of steps) expect(keys.hasKey(galoisElementOfStep(step, 8192))).toBe(true);
        } finally {
          keys.delete();
        }
      }
    } finally {
      buyer.dispose();
    }
  });

  it("restores a session from an exported secret key", async () => {
    const first = await createHeBuyer(BFV_PRESET_ID, { seal });
    const exported = first.exportSecretKey();
    const restored = await createHeBuyer(BFV_PRESET_ID, { seal, secretKey: exported });
    try {
      expect(Buffer.from(restored.exportSecretKey()).equals(Buffer.from(exported))).toBe(true);
      await expect(createHeBuyer(CKKS_PRESET_ID, { seal, secretKey: exported })).rejects.toMatchObject({
        code: "HE_OBJECT_REJECTED",
      });
    } finally {
      first.dispose();
      restored.dispose();
    }
  });

  it("refuses bad inputs before encrypting", async () => {
    const ckks = await createHeBuyer(CKKS_PRESET_ID, { seal });
    const bfv = await createHeBuyer(BFV_PRESET_ID, { seal });
    try {
      expect(() => ckks.scoringRequest([], 10)).toThrow(/weights must be 1\.\.16 finite numbers/);
      expect(() => ckks.scoringRequest([1, Number.NaN], 10)).toThrow(/finite/);
      expect(() => ckks.scoringRequest(new Array(17).fill(1), 10)).toThrow(/1\.\.16/);
      expect(() => ckks.scoringRequest([1], 0)).toThrow(/entityCount/);
      expect(() => ckks.lookupRequest(10, 1, ["x"])).toThrow(/needs a BFV session/);
      expect(() => bfv.scoringRequest([1], 10)).toThrow(/needs a CKKS session/);
      expect(() => bfv.lookupRequest(10, 10, ["x"])).toThrow(/index must be an integer in 0\.\.9/);
      expect(() => bfv.aggregateRequest(10, [1, 1], ["x"])).toThrow(/index 1 twice/);
      expect(() => bfv.aggregateRequest(10, new Uint8Array(9), ["x"])).toThrow(/10 entries/);
      expect(() => bfv.aggregateRequest(10, Uint8Array.of(0, 1, 2, 0, 0, 0, 0, 0, 0, 0), ["x"])).toThrow(
        /0 and 1/,
      );
    } finally {
      ckks.dispose();
      bfv.dispose();
    }
    expect(() => ckks.evaluationKeys("aggregate")).toThrow(/disposed/);
  });

  it("imports nothing Node-only (it runs in the browser)", () => {
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    const seen = new Set<string>();
    const offending: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']/gm)) {
        const spec = m[1]!;
        if (spec.startsWith(".")) visit(join(dirname(file), `${spec}.ts`));
        else if (spec.startsWith("node:") || builtins.has(spec.split("/")[0]!))
          offending.push(`${file}: ${spec}`);
      }
      if (/\bprocess\.|\brequire\(/.test(text)) offending.push(`${file}: uses process or require`);
    };
    visit(join(import.meta.dirname, "buyer-client.ts"));
    expect(seen.size).toBeGreaterThanOrEqual(5);
    expect(offending).toEqual([]);
  });
});
