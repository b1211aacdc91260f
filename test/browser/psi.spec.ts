/**
 * Private set intersection products in Chromium against the whole running system: a buyer pastes
 * its borrowers' USCC codes into the status-check product's page; the list is blinded in the
 * browser, the page shows the codes that are revoked or deregistered — exactly the plaintext
 * intersection with the register the system loaded — and the usage record; no request the page
 * sent carries a code of the list. The count-only product shows a count and no codes.
 * Screenshots go to test-results/screenshots/.
 */
import { generateLegalEntities } from "@pdx/seeds/legal-entities";
import { expect, type Request, test } from "@playwright/test";
import { screenshot, signIn } from "./support";

/** The register's first entities as the system loaded it (the generator is prefix-stable). */
const register = [...generateLegalEntities({ count: 3000 })];
const revoked = register.filter((e) => e.status === "吊销" || e.status === "注销").map((e) => e.uscc);
const operating = register.filter((e) => e.status === "存续" || e.status === "在业").map((e) => e.uscc);

async function openProduct(page: import("@playwright/test").Page, code: string): Promise<void> {
  await page.goto("/catalog");
  const card = page.locator(`[data-testid="product-card"][data-code="${code}"]`);
  await card.getByRole("link", { name: "查看详情" }).click();
  await expect(page.getByTestId("psi-list")).toBeVisible();
}

test("the buyer checks its borrowers in the browser and sees exactly its revoked and deregistered ones", async ({
  page,
}) => {
  const mine = [...revoked.slice(0, 6), ...operating.slice(0, 14)];
  const sentBodies: string[] = [];
  page.on("request", (request: Request) => {
    const body = request.postData();
    if (body) sentBodies.push(body);
  });
  await signIn(page, "buyer@demo.pdx.cn");
  await openProduct(page, "le-status-check");
  await expect(page.getByTestId("privacy-rule")).toContainText("隐私集合求交");
  await page.getByTestId("psi-list").fill(mine.join("\n"));
  await expect(page.getByTestId("psi-count")).toHaveText("20 项（已去重）");
  await page.getByTestId("psi-run").click();

  await expect(page.getByTestId("psi-result")).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId("psi-summary")).toHaveText("名单 20 项中有 6 项命中");
  const shown = await page.getByTestId("psi-matches").locator("li").allTextContents();
  expect(shown).toEqual(revoked.slice(0, 6));
  await expect(page.getByTestId("psi-usage")).toContainText("使用记录 #");
  await page.locator(".psi-sent summary").click();
  await screenshot(page, "psi-01-buyer-status-check");

  // Not one code of the list left the page, in clear.
  expect(sentBodies.length).toBeGreaterThan(0);
  for (const code of mine) for (const body of sentBodies) expect(body).not.toContain(code);
});

test("the count-only product shows how many codes match, not which", async ({ page }) => {
  const mine = [...operating.slice(100, 117), ...revoked.slice(20, 28)];
  await signIn(page, "buyer@demo.pdx.cn");
  await openProduct(page, "le-register-coverage");
  await expect(page.getByTestId("privacy-rule")).toContainText("名单 20–100,000 项");
  // Too short a list would make the count a membership test: refused before anything is sent.
  await page.getByTestId("psi-list").fill(mine.slice(0, 5).join("\n"));
  await expect(page.getByTestId("psi-count")).toHaveText(
    "名单有 5 项，本产品至少需要 20 项，以免数量结果指向单个企业",
  );
  await expect(page.getByTestId("psi-run")).toBeDisabled();
  await page.getByTestId("psi-list").fill(mine.join("\n"));
  await page.getByTestId("psi-run").click();
  await expect(page.getByTestId("psi-summary")).toHaveText("名单 25 项中命中数量：17", { timeout: 90_000 });
  await expect(page.getByTestId("psi-matches")).toHaveCount(0);
  await screenshot(page, "psi-02-buyer-coverage-count");
});
