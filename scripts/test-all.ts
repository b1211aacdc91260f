/**
 * Runs every test suite and prints one closing line "N passed, N failed" summed over all runners:
 *   static checks (biome, tsc) · Vitest (unit + integration) · Hardhat mocha (contracts)
 *   · Playwright (browser, Debian Chromium)
 * Each runner's counts come from its machine-readable report. Exit status 1 if anything failed
 * or a runner produced no report. `--only vitest,contracts,browser,static` runs a subset.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

const ROOT = resolve(import.meta.dirname, "..");
const BIN = join(ROOT, "node_modules", ".bin");
const OUT = join(ROOT, "test-results");
mkdirSync(OUT, { recursive: true });

const { values } = parseArgs({ options: { only: { type: "string" } } });
const only = values.only ? new Set(values.only.split(",")) : null;
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", FORCE_COLOR: "0" };

interface TSuiteResult {
  suite: string;
  passed: number;
  failed: number;
  seconds: number;
  note?: string;
}
const results: TSuiteResult[] = [];

/** Runs a tool from node_modules/.bin, echoing its output live and keeping stdout for parsing. */
function run(cmd: string, args: string[], extraEnv: Record<string, string> = {}) {
  const started = Date.now();
  return new Promise<{ status: number | null; stdout: string; seconds: number }>((resolvePromise) => {
    const child = spawn(join(BIN, cmd), args, {
      cwd: ROOT,
      env: { ...env, ...extraEnv },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      process.stdout.write(d);
    });
    child.stderr.on("data", (d: Buffer) => process.stderr.write(d));
    child.on("close", (status) => resolvePromise({ status, stdout, seconds: (Date.now() - started) / 1000 }));
  });
}

function section(name: string) {
  console.log(`\n━━━━━━━━ ${name} ━━━━━━━━`);
}

if (!only || only.has("static")) {
  section("static checks: biome, tsc");
  const biome = await run("biome", ["check", "."]);
  results.push({
    suite: "lint (biome)",
    passed: biome.status === 0 ? 1 : 0,
    failed: biome.status === 0 ? 0 : 1,
    seconds: biome.seconds,
  });
  const tsc = await run("tsc", ["-p", "tsconfig.json", "--noEmit"]);
  results.push({
    suite: "typecheck (tsc)",
    passed: tsc.status === 0 ? 1 : 0,
    failed: tsc.status === 0 ? 0 : 1,
    seconds: tsc.seconds,
  });
}

if (!only || only.has("contracts") || only.has("vitest")) {
  section("compile contracts");
  const c = await run("hardhat", ["compile", "--quiet"]);
  if (c.status !== 0) results.push({ suite: "hardhat compile", passed: 0, failed: 1, seconds: c.seconds });
}

if (!only || only.has("vitest")) {
  section("Vitest: unit and integration");
  const report = join(OUT, "vitest.json");
  rmSync(report, { force: true });
  const r = await run("vitest", [
    "run",
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${report}`,
  ]);
  if (existsSync(report)) {
    const j = JSON.parse(readFileSync(report, "utf8"));
    // A file that failed to load counts once as a failure even though it ran no test.
    const brokenFiles = (j.testResults ?? []).filter(
      (f: { status: string; assertionResults: unknown[] }) =>
        f.status === "failed" && f.assertionResults.length === 0,
    ).length;
    results.push({
      suite: "vitest",
      passed: j.numPassedTests,
      failed: j.numFailedTests + brokenFiles,
      seconds: r.seconds,
    });
  } else results.push({ suite: "vitest", passed: 0, failed: 1, seconds: r.seconds, note: "no report" });
}

if (!only || only.has("contracts")) {
  section("Hardhat: contract tests (mocha, in-process EDR)");
  const r = await run("hardhat", ["test", "mocha"]);
  const passing = /(\d+) passing/.exec(r.stdout);
  const failing = /(\d+) failing/.exec(r.stdout);
  if (passing || failing) {
    results.push({
      suite: "contracts",
      passed: Number(passing?.[1] ?? 0),
      failed: Number(failing?.[1] ?? 0) + (r.status !== 0 && !failing ? 1 : 0),
      seconds: r.seconds,
    });
  } else
    results.push({ suite: "contracts", passed: 0, failed: 1, seconds: r.seconds, note: "no mocha summary" });
}

if (!only || only.has("browser")) {
  section("Playwright: browser flow in Debian Chromium");
  const report = join(OUT, "playwright.json");
  rmSync(report, { force: true });
  const r = await run("playwright", ["test", "--reporter=list,json"], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: report,
  });
  if (existsSync(report)) {
    const s = JSON.parse(readFileSync(report, "utf8")).stats;
    const errors = (JSON.parse(readFileSync(report, "utf8")).errors ?? []).length;
    results.push({
      suite: "browser",
      passed: s.expected + s.flaky,
      failed: s.unexpected + (errors > 0 && s.unexpected === 0 ? 1 : 0),
      seconds: r.seconds,
    });
  } else results.push({ suite: "browser", passed: 0, failed: 1, seconds: r.seconds, note: "no report" });
}

section("summary");
for (const r of results) {
  console.log(
    `  ${r.suite.padEnd(18)} ${String(r.passed).padStart(4)} passed ${String(r.failed).padStart(3)} failed  ${r.seconds.toFixed(1).padStart(6)} s${r.note ? `  (${r.note})` : ""}`,
  );
}
const passed = results.reduce((a, r) => a + r.passed, 0);
const failed = results.reduce((a, r) => a + r.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
