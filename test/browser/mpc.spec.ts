/**
 * The joint-statistics product (multi-party computation across the tax, social and health
 * enclave nodes the launcher starts) in Chromium against the whole running system: the buyer
 * opens the product, reads the privacy claim, runs it, and sees the joint table for every month
 * of the domain — released months with their noisy values, withheld ones marked — with the noise
 * and ε stated and the coordinator's signed receipt (a usage record). Screenshots go to
 * test-results/screenshots/.
 */
import { expect, test } from "@playwright/test";
import { screenshot, signIn } from "./support";

test("the buyer runs the joint statistic of three departments and sees the noisy joint table", async ({
  page,
}) => {
  await signIn(page, "buyer@demo.pdx.cn");
  await page.goto("/catalog");
  const card = page.locator('[data-testid="product-card"][data-code="dept-monthly-coverage"]');
  await card.getByRole("link", { name: "查看详情" }).click();
  await expect(page.getByTestId("mpc-runner")).toBeVisible();
  await expect(page.getByTestId("mpc-runner")).toContainText("tax");
  await expect(page.getByTestId("mpc-runner")).toContainText("HC-VACCINATION");

  await page.getByTestId("mpc-run").click();
  await expect(page.getByTestId("mpc-result")).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId("mpc-state")).toHaveAttribute("data-state", "released");
  // Every month of the domain has a row: 2025-01 … 2026-10 (22 months), each far above k = 20.
  await expect(page.getByTestId("mpc-row")).toHaveCount(22);
  await expect(page.locator('[data-testid="mpc-row"][data-released="yes"]')).toHaveCount(22);
  await expect(page.getByTestId("mpc-noise")).toContainText("ε = 0.3");
  await expect(page.getByTestId("mpc-receipt")).toContainText("协调节点 tax 签名回执");
  await expect(page.getByTestId("mpc-receipt")).toContainText("使用记录 #");
  await screenshot(page, "mpc-01-buyer-joint-statistics");
});

test("a non-buyer sees the product but cannot run it", async ({ page }) => {
  await signIn(page, "operator@demo.pdx.cn");
  await page.goto("/catalog");
  const card = page.locator('[data-testid="product-card"][data-code="dept-monthly-coverage"]');
  await card.getByRole("link", { name: "查看详情" }).click();
  await expect(page.getByTestId("product-name")).toContainText("跨部门月度服务人次联合统计");
  await expect(page.getByTestId("mpc-runner")).toHaveCount(0);
});
