/**
 * Serves one embedded PGlite database over the PostgreSQL wire protocol until SIGINT/SIGTERM.
 * Started by scripts/start.ts when DATABASE_URL / VAULT_DATABASE_URL are not set.
 *   tsx scripts/embedded-postgres.ts --data-dir .data/pg --port 55432
 * Prints "ready <url>" on stdout once it accepts connections.
 */
import { mkdirSync } from "node:fs";
import { parseArgs } from "node:util";
import { startEmbeddedPostgres } from "@pdx/common/embedded-postgres";

const { values } = parseArgs({ options: { "data-dir": { type: "string" }, port: { type: "string" } } });
const dataDir = values["data-dir"];
const port = Number(values.port);
if (!dataDir || !Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error("usage: embedded-postgres --data-dir DIR --port PORT (1–65535)");
  process.exit(64);
}
mkdirSync(dataDir, { recursive: true });
try {
  const db = await startEmbeddedPostgres({ dataDir, port });
  console.log(`ready ${db.url}`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await db.stop();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
} catch (err) {
  const code = (err as NodeJS.ErrnoException).code;
  console.error(
    code === "EADDRINUSE"
      ? `port ${port} is already in use`
      : `cannot start embedded PostgreSQL: ${(err as Error).message}`,
  );
  process.exit(1);
}
