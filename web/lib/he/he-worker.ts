/// <reference lib="webworker" />
/**
 * The buyer's homomorphic-encryption keys live here, in a Web Worker of the product page: key
 * generation, encryption and decryption run off the page's main thread, and the secret keys never
 * leave this worker — messages out carry requests (ciphertexts, public evaluation keys) and
 * decrypted results only. One key pair per preset, made on first use and kept while the page lives.
 */
import { createHeBuyer, type HeBuyer } from "@pdx/common/he/buyer-client";
import { loadSeal, type THePresetId, type TSeal } from "@pdx/common/he/presets";
import type { THeWorkerIn, THeWorkerOut } from "./he-worker-protocol";

/** SEAL from the binary the web app serves (app/he/seal-wasm/route.ts), loaded once. */
let seal: Promise<TSeal> | undefined;
const sealModule = () => {
  seal ??= fetch("/he/seal-wasm")
    .then((res) => {
      if (!res.ok) throw new Error(`the encryption library could not be loaded (HTTP ${res.status})`);
      return res.arrayBuffer();
    })
    .then((bytes) => loadSeal({ wasmBinary: new Uint8Array(bytes) }));
  return seal;
};

const buyers = new Map<THePresetId, Promise<HeBuyer>>();
const buyer = (preset: THePresetId) => {
  let made = buyers.get(preset);
  if (!made) {
    made = sealModule().then((loaded) => createHeBuyer(preset, { seal: loaded }));
    buyers.set(preset, made);
  }
  return made;
};

async function handle(message: THeWorkerIn): Promise<THeWorkerOut["result"]> {
  switch (message.op) {
    case "scoring":
      return {
        op: "request",
        request: (await buyer("ckks-8192-s40")).scoringRequest(message.weights, message.entityCount),
      };
    case "lookup":
      return {
        op: "request",
        request: (await buyer("bfv-8192-t60")).lookupRequest(
          message.entityCount,
          message.index,
          message.fields,
        ),
      };
    case "aggregate":
      return {
        op: "request",
        request: (await buyer(message.preset)).aggregateRequest(
          message.entityCount,
          message.subset,
          message.fields,
          {
            squares: true,
          },
        ),
      };
    case "decode": {
      const { response } = message;
      if (response.mode === "scoring")
        return { op: "scores", scores: (await buyer("ckks-8192-s40")).decodeScores(response) };
      if (response.mode === "lookup") {
        const values = (await buyer("bfv-8192-t60")).decodeLookup(response);
        return {
          op: "lookup",
          values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Number(v)])),
        };
      }
      const result = (await buyer(response.preset as THePresetId)).decodeAggregate(response);
      return {
        op: "aggregate",
        count: Number(result.count),
        fields: Object.fromEntries(
          Object.entries(
            result.fields as Record<
              string,
              { sum: number | bigint; mean: number | null; variance?: number | null }
            >,
          ).map(([k, v]) => [k, { sum: Number(v.sum), mean: v.mean, variance: v.variance ?? null }]),
        ),
      };
    }
  }
}

self.onmessage = (event: MessageEvent<THeWorkerIn>) => {
  const message = event.data;
  handle(message).then(
    (result) => self.postMessage({ id: message.id, result } satisfies THeWorkerOut),
    (err: unknown) =>
      self.postMessage({
        id: message.id,
        error: err instanceof Error ? err.message : "the encryption library failed",
      } satisfies THeWorkerOut),
  );
};
