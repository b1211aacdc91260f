/**
 * Loads SEAL in a Node process or worker thread of the enclave: from node-seal's own .wasm file
 * read off disk, so the module's WebAssembly memory is known and sealHeapBytes() can report the
 * heap size (the heap-growth tests and the worker pool's heapBytes() use it). One module per
 * thread (presets.ts keeps the singleton).
 */
import { readFile } from "node:fs/promises";
import { loadSeal, type TSeal } from "@pdx/common/he/presets";

/** node-seal's "throws" build: a transparent result makes SEAL throw instead of returning it. */
const WASM_FILE = "seal_throws.wasm";

export async function loadSealInNode(): Promise<TSeal> {
  const entry = import.meta.resolve("node-seal");
  const bytes = await readFile(new URL(WASM_FILE, entry));
  return loadSeal({ wasmBinary: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
}
