/**
 * Product jobs in Chromium against the whole running system: the operator runs the example logic
 * on mock data and saves it as a new version (its hash shown); the buyer previews the cost and
 * runs a job on real data, whose output is held for the regulator; the regulator releases it;
 * the buyer then sees the output and the enclave-signed receipt. Screenshots go to
 * test-results/screenshots/.
 */
import { expect, test } from "@playwright/test";
import { screenshot, signIn, signOut } from "./support";

const PRODUCT_CODE = "le-district-industry";

test.describe.configure({ mode: "serial" });

/** The buyer's job, released by the regulator afterwards. */
let jobId = "";

test("the operator runs logic on mock data and saves a new version", async ({ page }) => {
  await signIn(page, "operator@demo.pdx.cn");
  await page.getByRole("link", { name: "产品逻辑" }).click();
  await expect(page).toHaveURL(/\/logic$/);
  const source = page.getByTestId("logic-source");
  await expect(source).toHaveValue(/pdx\.aggregate/);
  await expect(page.getByTestId("logic-fields")).toHaveValue(
    "LE-BASE: district, industry, registered_capital",
  );

  await page.getByTestId("logic-run-mock").click();
  const result = page.getByTestId("mock-result");
  await expect(result.getByTestId("job-state")).toHaveAttribute("data-state", "released", {
    timeout: 90_000,
  });
  await expect(result.getByTestId("job-output-row").first()).toBeVisible();
  await expect(result.getByTestId("mock-epsilon")).toHaveText(/^\d/);
  await expect(result.getByTestId("mock-logs")).toContainText("cells released");
  await screenshot(page, "jobs-01-operator-mock-run");

  // A new version each run of this spec (a version's content must differ from the newest one).
  await source.fill(
    `${await source.inputValue()}// saved by the browser test at ${new Date().toISOString()}\n`,
  );
  await page.getByTestId("logic-save").click();
  await expect(page.getByTestId("logic-saved-hash")).toHaveText(/^[0-9a-f]{64}$/);
  await expect(page.getByTestId("logic-version-row").first()).toContainText("待首次结果审核");
  await screenshot(page, "jobs-02-operator-saved-version");
  await signOut(page);
});

test("the buyer previews the cost and runs a job, whose output awaits the regulator", async ({ page }) => {
  await signIn(page, "buyer@demo.pdx.cn");
  await page.getByRole("link", { name: "计算任务" }).click();
  await expect(page).toHaveURL(/\/jobs$/);
  const option = page.locator('[data-testid="job-product"] option', { hasText: PRODUCT_CODE });
  await page.getByTestId("job-product").selectOption((await option.getAttribute("value")) ?? "");
  await expect(page.getByTestId("runnable-version-hash")).toBeVisible();
  await page.getByTestId("job-preview").click();
  await expect(page.getByTestId("preview-max-epsilon")).toHaveText(/^\d/);
  await expect(page.getByTestId("preview-budget").first()).toContainText("LE-BASE");
  await screenshot(page, "jobs-03-buyer-preview");

  await page.getByTestId("job-start").click();
  await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}$/);
  jobId = decodeURIComponent(page.url().split("/").pop() ?? "");
  const state = page.getByTestId("job-state");
  await expect(state).toHaveAttribute("data-state", "released", { timeout: 90_000 });
  await expect(state).toHaveAttribute("data-review", "held");
  await expect(page.getByTestId("job-awaiting-review")).toContainText("等待监管方审核");
  await expect(page.getByTestId("job-output-section")).toHaveCount(0);
  await expect(page.getByTestId("receipt-signature")).toHaveAttribute("data-valid", "true");
  await screenshot(page, "jobs-04-buyer-held");
  await signOut(page);
});

test("the regulator releases the held output", async ({ page }) => {
  await signIn(page, "regulator@demo.pdx.cn");
  await page.getByRole("link", { name: "结果审核" }).click();
  await expect(page).toHaveURL(/\/reviews$/);
  const held = page.locator(`[data-testid="held-job"][data-job-id="${jobId}"]`);
  await expect(held).toBeVisible();
  await expect(held.getByTestId("job-output-row").first()).toBeVisible();
  await held.getByTestId("review-comment").fill("抽查通过，无个体可识别信息");
  await screenshot(page, "jobs-05-regulator-review");
  await held.getByTestId("review-release").click();
  await expect(held).toHaveCount(0);
  await signOut(page);
});

test("the buyer sees the output and the signed receipt", async ({ page }) => {
  await signIn(page, "buyer@demo.pdx.cn");
  await page.goto(`/jobs/${jobId}`);
  await expect(page.getByTestId("job-state")).toHaveAttribute("data-review", "released_by_regulator");
  await expect(page.getByTestId("job-output-row").first()).toBeVisible();
  const receipt = page.getByTestId("job-receipt");
  await expect(receipt.getByTestId("receipt-fields")).toContainText("LE-BASE.district");
  await expect(receipt.getByTestId("receipt-version-hash")).toHaveText(/^[0-9a-f]{64}$/);
  await expect(receipt.getByTestId("receipt-output-hash")).toHaveText(/^[0-9a-f]{64}$/);
  await expect(receipt.getByTestId("receipt-authorization")).toHaveText(/^[0-9a-f-]{36}$/);
  await expect(receipt.getByTestId("receipt-signature")).toHaveAttribute("data-valid", "true");
  await screenshot(page, "jobs-06-buyer-released");
});
