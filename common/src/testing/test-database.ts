/**
 * A fresh, empty database for one test file. With DATABASE_URL set (a real PostgreSQL), creates
 * a uniquely named database on that server and drops it afterwards; otherwise starts an
 * in-memory embedded PGlite. Either way the test gets a `pg` connection string.
 */
import pg from "pg";
import { startEmbeddedPostgres } from "../embedded-postgres";

export interface TTestDatabase {
  url: string;
  kind: "postgresql" | "pglite";
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TTestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const embedded = await startEmbeddedPostgres();
    return { url: embedded.url, kind: "pglite", drop: () => embedded.stop() };
  }
  const name = `pdx_test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    kind: "postgresql",
    async drop() {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
