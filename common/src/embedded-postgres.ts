/**
 * Embedded PostgreSQL: PGlite (PostgreSQL in WASM) served over the PostgreSQL wire protocol on
 * 127.0.0.1, so every process reaches it with `pg` exactly as it would a real server.
 *
 * PGlite runs one query at a time and does not isolate interleaved transactions of different
 * connections: clients of an embedded database must use a pool of size 1 (see poolSizeFor).
 */
import { createServer } from "node:net";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export interface TEmbeddedPostgres {
  /** postgres://… connection string for `pg`. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Marks an embedded database URL so clients know to keep a single connection. */
export const EMBEDDED_URL_PARAM = "pdx_embedded=1";

/** Starts PGlite on `port` (0 = any free port). `dataDir` undefined keeps data in memory. */
export async function startEmbeddedPostgres(
  opts: { dataDir?: string; port?: number } = {},
): Promise<TEmbeddedPostgres> {
  const port = opts.port ?? 0;
  const chosen = port === 0 ? await freePort() : port;
  const db = opts.dataDir ? new PGlite(opts.dataDir) : new PGlite();
  await db.waitReady;
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: chosen, maxConnections: 8 });
  try {
    await server.start();
  } catch (err) {
    await db.close();
    throw err;
  }
  return {
    url: `postgres://postgres@127.0.0.1:${chosen}/postgres?sslmode=disable&${EMBEDDED_URL_PARAM}`,
    port: chosen,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

/** Pool size to use for a connection string: 1 for embedded PGlite, `fallback` otherwise. */
export function poolSizeFor(url: string, fallback = 10): number {
  return url.includes(EMBEDDED_URL_PARAM) ? 1 : fallback;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
