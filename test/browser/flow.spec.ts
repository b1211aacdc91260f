/**
 * The walking skeleton's flow in Chromium against the whole running system (started by
 * test/support/playwright-global-setup.ts): the buyer signs in, finds the product, runs it and
 * sees a privacy-suppressed table and chart with a signed receipt; the auditor signs in, finds
 * the usage record and sees it verified against the chain. Screenshots of every step go to
 * test-results/screenshots/.
 *
 * The tests run in order and share `usageRecordId` (the buyer's run → the auditor's check).
 */
import { expect, test } from "@playwright/test";
import pg from "pg";
import { PASSWORD, screenshot, signIn, signOut, submitSignIn } from "./support";

const BUYER_EMAIL = "buyer@demo.pdx.cn";
const AUDITOR_EMAIL = "auditor@demo.pdx.cn";
const PRODUCT_CODE = "le-district-industry";
const PRIVACY_RULE_TEXT = "最小分组 k = 10，不足 10 家企业的单元格不予输出";
const CHECK_NAMES = ["record_hash", "receipt_signature", "merkle_proof", "chain_root"] as const;
/** Anchoring runs every few seconds; a fresh record should verify well within this. */
const VERIFIED_WITHIN_MS = 45_000;

test.describe.configure({ mode: "serial" });

/** The usage record created by the buyer's run, checked by the auditor afterwards. */
let usageRecordId = "";

test("a wrong password is refused with a message", async ({ page }) => {
  await submitSignIn(page, BUYER_EMAIL, "not-the-password");
  const error = page.getByTestId("login-error");
  await expect(error).toBeVisible();
  await expect(error).toContainText("登录失败");
  await expect(error).toContainText("邮箱或密码错误");
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByRole("button", { name: "退出登录" })).toHaveCount(0);
  await screenshot(page, "00-login-wrong-password");
});

test("a protected page without a session goes to sign-in", async ({ page }) => {
  await page.goto("/audit");
  await expect(page).toHaveURL(/\/login\?reason=required/);
  await expect(page.getByTestId("login-reason")).toContainText("请先登录");
});

test("the buyer runs the product and gets a suppressed table, a chart and a signed receipt", async ({
  page,
}) => {
  await signIn(page, BUYER_EMAIL, PASSWORD);
  await expect(page).toHaveURL(/\/catalog$/);
  await expect(page.getByTestId("current-user")).toContainText("鹏城商业银行股份有限公司");

  const card = page.locator(`[data-testid="product-card"][data-code="${PRODUCT_CODE}"]`);
  await expect(card).toBeVisible();
  await expect(card.getByTestId("privacy-rule")).toHaveText(PRIVACY_RULE_TEXT);
  await expect(card).toContainText("法人基础库");
  await expect(card).toContainText("市市场监督管理局");
  await screenshot(page, "01-catalog");

  await card.getByRole("link", { name: "查看详情" }).click();
  await expect(page).toHaveURL(/\/products\//);
  await expect(page.getByTestId("privacy-rule")).toHaveText(PRIVACY_RULE_TEXT);
  await expect(page.getByTestId("fields-used").locator("tbody tr")).not.toHaveCount(0);
  await expect(page.getByTestId("fields-used")).toContainText("分组");
  await expect(page.getByTestId("fields-used")).toContainText("聚合");
  await screenshot(page, "02-product");

  await page.getByRole("button", { name: "运行", exact: true }).click();
  const result = page.getByTestId("run-result");
  await expect(result).toBeVisible({ timeout: 120_000 });

  const tableRows = page.getByTestId("result-table").locator("tbody tr");
  await expect(tableRows.first()).toBeVisible();
  expect(await tableRows.count()).toBeGreaterThan(0);
  await expect(page.getByRole("img", { name: "各区与行业的企业数量热力图" })).toBeVisible();
  await expect(page.getByTestId("result-chart").locator('[data-withheld="true"]').first()).toBeVisible();

  const notice = page.getByTestId("suppression-notice");
  await expect(notice).toContainText("不足 k = 10 家");
  const suppressedCells = Number(await notice.getAttribute("data-suppressed-cells"));
  expect(suppressedCells).toBeGreaterThan(0);
  await expect(notice).toContainText(`共有 ${suppressedCells} 个单元格`);

  await expect(page.getByTestId("receipt-signature")).toHaveAttribute("data-valid", "true");
  await expect(page.getByTestId("receipt-signature")).toContainText("✓");
  usageRecordId = (await page.getByTestId("usage-record-id").textContent())?.trim() ?? "";
  expect(usageRecordId).not.toBe("");
  await screenshot(page, "03-run-result");

  await signOut(page);
});

test("the auditor finds the usage record and sees it verified against the chain", async ({ page }) => {
  expect(usageRecordId, "the buyer's run must have produced a usage record").not.toBe("");
  await signIn(page, AUDITOR_EMAIL, PASSWORD);
  await expect(page).toHaveURL(/\/audit$/);

  await page.getByLabel("搜索使用记录").fill(usageRecordId);
  const row = page.locator(`[data-testid="usage-record-row"][data-record-id="${usageRecordId}"]`);
  await expect(row).toBeVisible();
  await expect(row).toContainText("鹏城商业银行股份有限公司");
  await screenshot(page, "04-audit-records");

  await row.getByRole("link", { name: usageRecordId }).click();
  await expect(page).toHaveURL(new RegExp(`/audit/${usageRecordId}$`));
  await expect(page.getByTestId("record-id")).toHaveText(usageRecordId);

  // The record is verified once its batch is anchored; the page re-checks while pending, and
  // "重新校验" asks again at once.
  const verdict = page.getByTestId("verdict");
  await expect(async () => {
    if ((await verdict.getAttribute("data-verdict")) !== "verified") {
      await page.getByRole("button", { name: "重新校验" }).click({ timeout: 5_000 });
    }
    await expect(verdict).toHaveAttribute("data-verdict", "verified", { timeout: 3_000 });
  }).toPass({ timeout: VERIFIED_WITHIN_MS, intervals: [1_000, 2_000] });
  await expect(verdict).toContainText("已验证");

  for (const name of CHECK_NAMES) {
    const check = page.getByTestId(`check-${name}`);
    await expect(check).toHaveAttribute("data-ok", "true");
    await expect(check).toContainText("✓");
  }
  await expect(page.getByTestId("anchor-tx-hash")).toHaveText(/^0x[0-9a-f]{64}$/);
  await screenshot(page, "05-audit-verified");
});

test("altering the record in the database makes the auditor's check fail visibly", async ({ page }) => {
  expect(usageRecordId, "the buyer's run must have produced a usage record").not.toBe("");
  const databaseUrl = process.env.PDX_E2E_DATABASE_URL;
  expect(databaseUrl, "the global setup exposes the system's database").toBeTruthy();
  // An insider edits the stored record directly, bypassing the application.
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const updated = await client.query("UPDATE usage_records SET rows_read = rows_read - 1 WHERE id = $1", [
      usageRecordId,
    ]);
    expect(updated.rowCount).toBe(1);
  } finally {
    await client.end();
  }

  await signIn(page, "auditor@demo.pdx.cn", "Demo#2026");
  await expect(page).toHaveURL(/\/audit$/);
  await page.goto(`/audit/${usageRecordId}`);
  const verdict = page.getByTestId("verdict");
  await expect(verdict).toHaveAttribute("data-verdict", "failed");
  await expect(verdict).toContainText("校验失败");
  await expect(page.getByTestId("check-record_hash")).toHaveAttribute("data-ok", "false");
  await expect(page.getByTestId("check-merkle_proof")).toHaveAttribute("data-ok", "false");
  await screenshot(page, "06-audit-tampered");
});
