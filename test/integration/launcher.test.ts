/**
 * The launcher refuses bad configuration and busy ports before starting anything, naming the
 * variable or the port.
 */
import { spawnSync } from "node:child_process";
import { createServer, type Server } from "node:net";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");

function runLauncher(env: Record<string, string>) {
  const r = spawnSync(join(ROOT, "node_modules/.bin/tsx"), [join(ROOT, "scripts/start.ts")], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: "", VAULT_DATABASE_URL: "", CHAIN_RPC_URL: "", ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe("scripts/start.ts refuses bad input", () => {
  let busy: Server;
  let busyPort = 0;
  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((r) => busy.listen(0, "127.0.0.1", () => r()));
    busyPort = (busy.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => busy.close(() => r())));

  it("stops with exit 78 naming an invalid variable", () => {
    const r = runLauncher({ WEB_PORT: "not-a-port" });
    expect(r.status).toBe(78);
    expect(r.output).toMatch(/WEB_PORT/);
  });

  it("stops with exit 78 when DATABASE_URL is not a URL", () => {
    const r = runLauncher({ DATABASE_URL: "localhost:5432" });
    expect(r.status).toBe(78);
    expect(r.output).toMatch(/DATABASE_URL/);
  });

  it("says which port is taken and which variable moves it", () => {
    const r = runLauncher({ WEB_PORT: String(busyPort) });
    expect(r.status).toBe(1);
    expect(r.output).toContain(`port ${busyPort} (web) is already in use`);
    expect(r.output).toContain("set WEB_PORT");
  });
});
