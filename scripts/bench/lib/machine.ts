/**
 * What a benchmark ran on: CPU model and cores, memory, load when it started, Node, and the
 * PostgreSQL server's version and the settings that shape its query times.
 */
import os from "node:os";
import pg from "pg";

export interface TMachine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  /** 1-minute load average when the run started (other work on the machine skews timings). */
  loadAverage1m: number;
  node: string;
  postgres: string;
  postgresSettings: Record<string, string>;
}

const SETTINGS = ["shared_buffers", "work_mem", "max_parallel_workers_per_gather", "synchronous_commit"];

/** Describes this machine and the PostgreSQL server at `databaseUrl`. */
export async function describeMachine(databaseUrl: string): Promise<TMachine> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const version = await client.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    const settings = await client.query<{ name: string; setting: string }>(
      "SELECT name, current_setting(name) AS setting FROM pg_settings WHERE name = ANY($1::text[]) ORDER BY name",
      [SETTINGS],
    );
    return {
      cpuModel: os.cpus()[0]?.model.trim() ?? "unknown",
      cores: os.cpus().length,
      memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
      loadAverage1m: Number(os.loadavg()[0]!.toFixed(2)),
      node: process.version,
      postgres: version.rows[0]?.v ?? "unknown",
      postgresSettings: Object.fromEntries(settings.rows.map((r) => [r.name, r.setting])),
    };
  } finally {
    await client.end();
  }
}

export function formatMachine(m: TMachine): string {
  const settings = Object.entries(m.postgresSettings)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
  return [
    `machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, load ${m.loadAverage1m} at start`,
    `node ${m.node}; PostgreSQL ${m.postgres} (${settings})`,
  ].join("\n");
}
