/**
 * The benchmark of the three encrypted-query modes as the product runs them (real buyer client,
 * real enclave evaluation functions, one thread each — the worker pool adds a structured clone
 * and runs two of these side by side), each against a plain-JS baseline timed in the same run:
 *
 *   sum        encrypted aggregate (mode c) of one field over a buyer-chosen half of n entities:
 *              count + Σx, BFV (exact) and CKKS; baseline Σ s_i·x_i in plain JS.
 *   scoring    w·f_j for n entities × d features (mode a), CKKS, diagonal layout; baseline the
 *              same dot products in plain JS; plus the entity-major layout (he-reference.ts).
 *   lookup     one entity's d fields out of n (mode b), BFV; baseline the same oblivious work in
 *              plain JS (Σ s_i·x_i over every field), and a direct read.
 *
 * "server" = evaluateX(parsed request, data): loading the buyer's keys and ciphertexts, the
 * computation, re-randomization and serialization. "end to end" = the buyer's encryption (keys
 * already generated for the session) + server + the buyer's decryption. Key generation is a
 * once-per-session cost and reported on its own.
 */
import { createHeBuyer, type HeBuyer } from "@pdx/common/he/buyer-client";
import { BFV_PRESET_ID, CKKS_PRESET_ID, type THePresetId, type TSeal } from "@pdx/common/he/presets";
import {
  base64ByteLength,
  parseHeRequest,
  type THeAggregateRequest,
  type THeLookupRequest,
  type THeScoringRequest,
} from "@pdx/common/he/wire";
import { evaluateAggregate } from "@pdx/enclave/src/he/evaluate-aggregate";
import { evaluateLookup } from "@pdx/enclave/src/he/evaluate-lookup";
import { evaluateScoring } from "@pdx/enclave/src/he/evaluate-scoring";
import { median, type TBenchResult } from "../../lib/measure";
import { additiveSum, entityMajorScoring } from "./he-reference";

export interface THeModesOptions {
  seal: TSeal;
  sumEntities: number;
  scoringEntities: number;
  lookupEntities: number;
  features: number;
  repeats: number;
  log: (line: string) => void;
}

export interface THeModesResult {
  results: TBenchResult[];
  notes: string[];
}

/** Deterministic pseudo-random numbers in [0, 1). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/** Median ms of `fn` over `times` runs after one warm-up; returns the last value too. */
function timeMedian<T>(times: number, fn: () => T): { ms: number; value: T } {
  let value = fn();
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    value = fn();
    samples.push(performance.now() - started);
  }
  return { ms: median(samples), value };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
const ms = (value: number) => Number(value.toFixed(2));
function requestBytes(request: THeScoringRequest | THeLookupRequest | THeAggregateRequest): {
  keys: number;
  ciphertexts: number;
} {
  const keys = base64ByteLength(request.keys.publicKey) + base64ByteLength(request.keys.galoisKeys);
  const texts = request.mode === "scoring" ? [request.weights] : request.selection;
  return { keys, ciphertexts: texts.reduce((bytes, text) => bytes + base64ByteLength(text), 0) };
}

async function session(
  seal: TSeal,
  preset: THePresetId,
  log: (line: string) => void,
  notes: string[],
): Promise<HeBuyer> {
  const started = performance.now();
  const buyer = await createHeBuyer(preset, { seal });
  buyer.evaluationKeys(preset === BFV_PRESET_ID ? "lookup" : "aggregate");
  const took = performance.now() - started;
  log(`  ${preset}: buyer keys generated in ${took.toFixed(0)} ms`);
  notes.push(
    `${preset}: buyer key generation incl. Galois keys for rotate-and-sum (once per session): ${took.toFixed(0)} ms`,
  );
  return buyer;
}

export async function benchHeModes(o: THeModesOptions): Promise<THeModesResult> {
  const { seal, repeats, log } = o;
  const results: TBenchResult[] = [];
  const notes: string[] = [];
  const bfv = await session(seal, BFV_PRESET_ID, log, notes);
  const ckks = await session(seal, CKKS_PRESET_ID, log, notes);
  try {
    // ---------------------------------------------------------------- sum (mode c)
    {
      const n = o.sumEntities;
      const section = `HE sum of ${n.toLocaleString("en-US")} values (encrypted aggregate over a buyer-chosen subset)`;
      log(`${section}…`);
      const next = random(1);
      const values = Int32Array.from({ length: n }, () => Math.floor(next() * 1000));
      const mask = Uint8Array.from({ length: n }, () => (next() < 0.5 ? 1 : 0));
      const plain = timeMedian(Math.max(21, repeats), () => {
        let sum = 0;
        for (let i = 0; i < n; i++) sum += mask[i]! * values[i]!;
        return sum;
      });
      const baseName = "plain JS Σ s_i·x_i";
      results.push({
        section,
        name: baseName,
        value: ms(plain.ms),
        unit: "ms",
        ratio: 1,
        note: `median of ${Math.max(21, repeats)}; Int32Array values, Uint8Array selection`,
      });
      const data = { entityCount: n, columns: { value: values } };
      for (const buyer of [bfv, ckks]) {
        const scheme = buyer.preset.scheme.toUpperCase();
        const encrypt = timeMedian(repeats, () =>
          buyer.aggregateRequest(n, mask, ["value"], { squares: false }),
        );
        const request = parseHeRequest(encrypt.value) as THeAggregateRequest;
        const server = timeMedian(repeats, () => evaluateAggregate(seal, request, data));
        const decrypt = timeMedian(repeats, () => buyer.decodeAggregate(server.value));
        const got = decrypt.value.fields.value!.sum;
        const want = plain.value;
        const error = Math.abs(Number(got) - want);
        if (scheme === "BFV" ? error !== 0 : error > 1e-3 * Math.sqrt(n) * 1000) {
          throw new Error(`bench: ${scheme} sum ${got} differs from ${want}`);
        }
        const bytes = requestBytes(request);
        const responseBytes =
          base64ByteLength(server.value.count) + base64ByteLength(server.value.fields[0]!.sum);
        results.push({
          section,
          name: `${scheme} server evaluation (count + Σx, one thread)`,
          value: ms(server.ms),
          unit: "ms",
          baseline: baseName,
          ratio: server.ms / plain.ms,
          note: `${request.selection.length} selection ciphertexts; request ${mb(bytes.ciphertexts)} ciphertexts + ${mb(bytes.keys)} keys, response ${mb(responseBytes)}${scheme === "CKKS" ? `; |error| ${error.toExponential(1)}` : "; exact"}`,
        });
        const total = encrypt.ms + server.ms + decrypt.ms;
        results.push({
          section,
          name: `${scheme} end to end (buyer encrypts selection, server, buyer decrypts)`,
          value: ms(total),
          unit: "ms",
          baseline: baseName,
          ratio: total / plain.ms,
          note: `encrypt ${encrypt.ms.toFixed(0)} ms + server ${server.ms.toFixed(0)} ms + decrypt ${decrypt.ms.toFixed(1)} ms`,
        });
      }
      const additive = timeMedian(Math.min(repeats, 3), () => additiveSum(seal, values));
      const plainSum = values.reduce((a, v) => a + v, 0);
      if (additive.value.total !== BigInt(plainSum)) throw new Error("bench: additive HE sum is wrong");
      const plainAll = timeMedian(Math.max(21, repeats), () => {
        let sum = 0;
        for (let i = 0; i < n; i++) sum += values[i]!;
        return sum;
      });
      results.push({
        section,
        name: "plain JS Σ x_i",
        value: ms(plainAll.ms),
        unit: "ms",
        ratio: 1,
        note: "baseline of the reference lines",
      });
      results.push({
        section,
        name: "reference: server adds the buyer's own encrypted values (BFV, no vault data)",
        value: ms(additive.value.serverMs),
        unit: "ms",
        baseline: "plain JS Σ x_i",
        ratio: additive.value.serverMs / plainAll.ms,
        note: `${Math.ceil(n / 8192)} ciphertexts loaded and added, one switch to 2 primes; the buyer sums the 8192 slots; request ${mb(additive.value.requestBytes)}`,
      });
      const additiveTotal = additive.value.encryptMs + additive.value.serverMs + additive.value.decryptMs;
      results.push({
        section,
        name: "reference end to end (buyer encrypts 1 value per slot, server adds, buyer decrypts)",
        value: ms(additiveTotal),
        unit: "ms",
        baseline: "plain JS Σ x_i",
        ratio: additiveTotal / plainAll.ms,
        note: `encrypt ${additive.value.encryptMs.toFixed(0)} ms + server ${additive.value.serverMs.toFixed(0)} ms + decrypt ${additive.value.decryptMs.toFixed(1)} ms`,
      });
    }

    // ---------------------------------------------------------------- scoring (mode a)
    {
      const n = o.scoringEntities;
      const d = o.features;
      const section = `private scoring of ${n.toLocaleString("en-US")} entities × ${d} features (CKKS)`;
      log(`${section}…`);
      const next = random(2);
      const features = Float64Array.from({ length: n * d }, () => next() * 20 - 10);
      const weights = Array.from({ length: d }, () => next() * 2 - 1);
      const plain = timeMedian(Math.max(21, repeats), () => {
        const scores = new Float64Array(n);
        for (let j = 0; j < n; j++) {
          let score = 0;
          for (let k = 0; k < d; k++) score += weights[k]! * features[j * d + k]!;
          scores[j] = score;
        }
        return scores;
      });
      const baseName = "plain JS w·f_j for every entity";
      results.push({
        section,
        name: baseName,
        value: ms(plain.ms),
        unit: "ms",
        ratio: 1,
        note: `median of ${Math.max(21, repeats)}`,
      });
      const data = { entityCount: n, featureCount: d, features };
      const encrypt = timeMedian(repeats, () => ckks.scoringRequest(weights, n));
      const request = parseHeRequest(encrypt.value) as THeScoringRequest;
      const server = timeMedian(repeats, () => evaluateScoring(seal, request, data));
      const decrypt = timeMedian(repeats, () => ckks.decodeScores(server.value));
      let maxError = 0;
      let maxRelative = 0;
      for (let j = 0; j < n; j++) {
        const error = Math.abs(decrypt.value[j]! - plain.value[j]!);
        let absFeatures = 0;
        for (let k = 0; k < d; k++) absFeatures += Math.abs(features[j * d + k]!);
        maxError = Math.max(maxError, error);
        maxRelative = Math.max(maxRelative, error / absFeatures);
      }
      const bytes = requestBytes(request);
      const responseBytes = server.value.scores.reduce((sum, text) => sum + base64ByteLength(text), 0);
      results.push({
        section,
        name: "CKKS server evaluation (diagonal layout, one thread)",
        value: ms(server.ms),
        unit: "ms",
        baseline: baseName,
        ratio: server.ms / plain.ms,
        note: `${server.value.scores.length} result ciphertexts (${mb(responseBytes)}); request ${mb(bytes.ciphertexts)} weights + ${mb(bytes.keys)} keys; max |error| ${maxError.toExponential(1)} (features in ±10), ≤ ${maxRelative.toExponential(1)}·Σ|f|`,
      });
      const total = encrypt.ms + server.ms + decrypt.ms;
      results.push({
        section,
        name: "CKKS end to end (buyer encrypts weights, server, buyer decrypts all scores)",
        value: ms(total),
        unit: "ms",
        baseline: baseName,
        ratio: total / plain.ms,
        note: `encrypt ${encrypt.ms.toFixed(0)} ms + server ${server.ms.toFixed(0)} ms + decrypt ${decrypt.ms.toFixed(0)} ms`,
      });
      if (d === 16) {
        log("  entity-major layout (rotate-and-sum per 256 entities)…");
        const entityMajor = entityMajorScoring(seal, ckks, request, features, n);
        for (let j = 0; j < entityMajor.firstScores.length; j++) {
          if (Math.abs(entityMajor.firstScores[j]! - plain.value[j]!) > 1e-2)
            throw new Error("bench: entity-major scoring is wrong");
        }
        results.push({
          section,
          name: "entity-major layout with masks: server evaluation (not used)",
          value: ms(entityMajor.serverMs),
          unit: "ms",
          baseline: baseName,
          ratio: entityMajor.serverMs / plain.ms,
          note: `one run; ${entityMajor.ciphertexts} result ciphertexts (${mb(entityMajor.responseBytes)}), 4 rotations per 256 entities`,
        });
      }
    }

    // ---------------------------------------------------------------- lookup (mode b)
    {
      const n = o.lookupEntities;
      const d = o.features;
      const section = `private lookup of 1 in ${n.toLocaleString("en-US")} entities × ${d} fields (BFV)`;
      log(`${section}…`);
      const next = random(3);
      const fields = Array.from({ length: d }, (_, k) => `field_${k}`);
      const columns = Object.fromEntries(
        fields.map((field) => [field, Int32Array.from({ length: n }, () => Math.floor(next() * 2 ** 31))]),
      );
      const index = Math.floor(n * 0.61803);
      const selection = new Uint8Array(n);
      selection[index] = 1;
      const scan = timeMedian(Math.max(21, repeats), () =>
        fields.map((field) => {
          const column = columns[field]!;
          let sum = 0;
          for (let i = 0; i < n; i++) sum += selection[i]! * column[i]!;
          return sum;
        }),
      );
      const baseName = "plain JS oblivious scan Σ s_i·x_i over every field";
      results.push({
        section,
        name: baseName,
        value: ms(scan.ms),
        unit: "ms",
        ratio: 1,
        note: "the work a lookup that hides the index must do",
      });
      const direct = timeMedian(101, () => fields.map((field) => columns[field]![index]!));
      results.push({
        section,
        name: "plain JS direct read of one row",
        value: Number(direct.ms.toFixed(4)),
        unit: "ms",
        ratio: 1,
        note: "reveals the index",
      });
      const data = { entityCount: n, columns };
      const encrypt = timeMedian(repeats, () => bfv.lookupRequest(n, index, fields));
      const request = parseHeRequest(encrypt.value) as THeLookupRequest;
      const server = timeMedian(repeats, () => evaluateLookup(seal, request, data));
      const decrypt = timeMedian(repeats, () => bfv.decodeLookup(server.value));
      for (const field of fields) {
        if (decrypt.value[field] !== BigInt(columns[field]![index]!))
          throw new Error(`bench: lookup of ${field} is wrong`);
      }
      const bytes = requestBytes(request);
      const responseBytes = server.value.values.reduce((sum, v) => sum + base64ByteLength(v.value), 0);
      results.push({
        section,
        name: "BFV server evaluation (one thread)",
        value: ms(server.ms),
        unit: "ms",
        baseline: baseName,
        ratio: server.ms / scan.ms,
        note: `${request.selection.length} selection ciphertexts; request ${mb(bytes.ciphertexts)} + ${mb(bytes.keys)} keys; response ${d} ciphertexts ${mb(responseBytes)}; exact`,
      });
      const total = encrypt.ms + server.ms + decrypt.ms;
      results.push({
        section,
        name: "BFV end to end (buyer encrypts one-hot selection, server, buyer decrypts)",
        value: ms(total),
        unit: "ms",
        baseline: baseName,
        ratio: total / scan.ms,
        note: `encrypt ${encrypt.ms.toFixed(0)} ms + server ${server.ms.toFixed(0)} ms + decrypt ${decrypt.ms.toFixed(0)} ms`,
      });
    }
    return { results, notes };
  } finally {
    bfv.dispose();
    ckks.dispose();
  }
}
