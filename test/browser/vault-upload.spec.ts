/**
 * Vault ingest in Chromium against the whole running system: 市市场监督管理局 (source@, the
 * source of LE-BASE) opens 数据入库 from the menu, uploads a valid generated CSV of 50,000 rows
 * (upload throttled to 2 MB/s so the progress bar is seen with its MB/s) and sees it loaded with
 * how each field is stored; then uploads a corrupted JSON Lines file and sees the row-level error
 * table naming exactly the planned rows and fields; then an upload whose network drops midway
 * pauses after its retries and, resumed, continues from where the vault stands and loads.
 * Files are generated with scripts/lib/sample-upload.ts. Screenshots go to
 * test-results/screenshots/.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { CATALOG_DATASETS } from "@pdx/seeds/catalog/index";
import { type CDPSession, expect, type Page, test } from "@playwright/test";
import { samplePlanOf, sampleUploadLines } from "../../scripts/lib/sample-upload";
import { screenshot, signIn } from "./support";

const SOURCE_EMAIL = "source@demo.pdx.cn";
const DATASET = "LE-BASE";
const ENTRY = CATALOG_DATASETS.find((e) => e.code === DATASET)!;
const FILES = resolve(import.meta.dirname, "../../test-results/vault-upload");
/** Unique per run, so the spec can run against a vault that already saw it. */
const SUFFIX = Date.now().toString(36);

test.describe.configure({ mode: "serial" });

function writeSample(name: string, rows: number, format: "csv" | "jsonl", errors = 0): string {
  mkdirSync(FILES, { recursive: true });
  const path = join(FILES, name);
  writeFileSync(path, [...sampleUploadLines(ENTRY, { rows, format, errors })].join(""));
  return path;
}

/** Limits the page's upload bandwidth (bytes/s), or lifts the limit (null); `offline` cuts it. */
async function network(cdp: CDPSession, uploadBytesPerSecond: number | null, offline = false): Promise<void> {
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", {
    offline,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: uploadBytesPerSecond ?? -1,
  });
}

async function openVault(page: Page): Promise<void> {
  await signIn(page, SOURCE_EMAIL);
  await page.getByRole("link", { name: "数据入库" }).click();
  await expect(page).toHaveURL(/\/vault$/);
  await expect(page.getByRole("heading", { name: "数据入库", level: 1 })).toBeVisible();
}

async function chooseUpload(page: Page, version: string, file: string): Promise<void> {
  await page.getByTestId("vault-dataset").selectOption(DATASET);
  await page.getByTestId("vault-version").fill(version);
  await page.getByTestId("vault-file").setInputFiles(file);
}

test("a data source uploads 50,000 valid rows, sees the progress, then the version loaded", async ({
  page,
}) => {
  const file = writeSample(`le-base-50k-${SUFFIX}.csv`, 50_000, "csv");
  const version = `e2e-${SUFFIX}`;
  await openVault(page);
  await chooseUpload(page, version, file);
  await expect(page.getByTestId("vault-format")).toHaveValue("csv");
  // The columns the file must have, with how the vault will store each.
  await expect(page.locator('[data-testid="vault-field-row"][data-field="uscc"]')).toBeVisible();
  await screenshot(page, "vault-01-form");

  const cdp = await page.context().newCDPSession(page);
  await network(cdp, 2_000_000);
  await page.getByTestId("vault-start").click();
  const progress = page.getByTestId("vault-upload-progress");
  await expect(progress).toBeVisible();
  await expect(progress.getByTestId("progress-detail")).toContainText("MB/s");
  await expect(progress.getByRole("progressbar")).toHaveAttribute("aria-valuenow", /^[1-9]\d?$/);
  await screenshot(page, "vault-02-uploading");
  await network(cdp, null);

  const result = page.getByTestId("vault-result");
  await expect(result).toHaveAttribute("data-state", "loaded", { timeout: 120_000 });
  await expect(result).toContainText("50,000");
  await expect(page.getByTestId("vault-content-hash")).toHaveText(/^[0-9a-f]{64}$/);
  const stored = result.getByTestId("vault-field-row");
  await expect(stored).toHaveCount(ENTRY.fields.length);
  await expect(page.locator(`[data-testid="vault-version-row"][data-version="${version}"]`)).toBeVisible();
  await expect(
    page.locator(`[data-testid="vault-upload-row"][data-version="${version}"][data-state="loaded"]`),
  ).toBeVisible();
  await screenshot(page, "vault-03-loaded");
});

test("a corrupted file is rejected with the errors by row and field", async ({ page }) => {
  const rows = 20_000;
  const errors = 12;
  const file = writeSample(`le-base-bad-${SUFFIX}.jsonl`, rows, "jsonl", errors);
  const plan = samplePlanOf(ENTRY, { rows, format: "jsonl", errors });
  await openVault(page);
  await chooseUpload(page, `e2e-bad-${SUFFIX}`, file);
  await expect(page.getByTestId("vault-format")).toHaveValue("jsonl");
  await page.getByTestId("vault-start").click();

  const result = page.getByTestId("vault-result");
  await expect(result).toHaveAttribute("data-state", "rejected", { timeout: 120_000 });
  await expect(result).toContainText(`共 ${errors} 处错误`);
  const table = page.getByTestId("vault-row-errors");
  await expect(table.getByTestId("vault-row-error")).toHaveCount(errors);
  for (const c of plan) {
    await expect(table.locator(`[data-row="${c.row}"][data-field="${c.field}"]`)).toBeVisible();
  }
  await expect(table).toContainText("check character");
  await screenshot(page, "vault-04-rejected");
});

test("an upload whose network drops pauses, and resumes where the vault stands", async ({ page }) => {
  const file = writeSample(`le-base-resume-${SUFFIX}.csv`, 90_000, "csv");
  const version = `e2e-resume-${SUFFIX}`;
  await openVault(page);
  await chooseUpload(page, version, file);
  const cdp = await page.context().newCDPSession(page);
  await network(cdp, 1_500_000);
  await page.getByTestId("vault-start").click();
  const bar = page.getByTestId("vault-upload-progress").getByRole("progressbar");
  // Once the first chunk is stored, the network goes away: 3 retries, then "paused".
  await expect(bar).toHaveAttribute("aria-valuenow", /^[1-9]\d?$/, { timeout: 60_000 });
  await network(cdp, 1_500_000, true);
  await expect(page.getByTestId("vault-paused")).toBeVisible({ timeout: 30_000 });
  await screenshot(page, "vault-05-paused");
  await network(cdp, null);
  await page.getByTestId("vault-resume").click();
  const result = page.getByTestId("vault-result");
  await expect(result).toHaveAttribute("data-state", "loaded", { timeout: 120_000 });
  await expect(result).toContainText("90,000");
});
