/**
 * Serves node-seal's WebAssembly binary to the buyer's HE worker (lib/he/he-worker.ts), which
 * instantiates SEAL from these bytes: the bundler cannot place the package's own
 * `new URL("seal_throws.wasm", import.meta.url)` asset, so the worker fetches it from here.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";

export const dynamic = "force-static";

/** node_modules of the web app, then of the workspace root (npm hoists it there). */
const CANDIDATES = [
  join(process.cwd(), "node_modules", "node-seal", "dist", "seal_throws.wasm"),
  join(process.cwd(), "..", "node_modules", "node-seal", "dist", "seal_throws.wasm"),
];

export async function GET(): Promise<Response> {
  for (const path of CANDIDATES) {
    try {
      const bytes = await readFile(path);
      return new Response(new Uint8Array(bytes), {
        headers: { "content-type": "application/wasm", "cache-control": "public, max-age=86400" },
      });
    } catch {
      // try the next place
    }
  }
  return new Response("node-seal's WebAssembly binary is not installed", { status: 500 });
}
