/**
 * Encrypted-query products in Chromium against the whole running system: the buyer's keys are
 * made in a Web Worker of the product page, its weights / choice / portfolio are encrypted there,
 * and the decrypted results equal the plaintext computation over the register the system loaded.
 * Every request the page sent is inspected: the homomorphic request holds only ciphertexts, a
 * public key and Galois keys — no secret key — and no code the buyer typed ever left the page.
 * Screenshots go to test-results/screenshots/.
 */
import { heFeatureValue } from "@pdx/common/he/features";
import { LE_ENTERPRISE_FEATURES } from "@pdx/products/le-enterprise-features";
import { generateLegalEntities } from "@pdx/seeds/legal-entities";
import { expect, type Page, type Request, test } from "@playwright/test";
import { screenshot, signIn } from "./support";

/** The register as the system loaded it (test/support/system-under-test.ts: 100,000 entities). */
const register = [...generateLegalEntities({ count: 100_000 })];
const active = register.filter((e) => e.status === "存续" || e.status === "在业");
const featuresOf = (e: (typeof register)[number]) =>
  LE_ENTERPRISE_FEATURES.map((f) =>
    heFeatureValue(f, (e as unknown as Record<string, string>)[f.field] ?? null),
  );

/** Every object key anywhere in a JSON value. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)]);
  return [];
}

function recordBodies(page: Page): string[] {
  const bodies: string[] = [];
  page.on("request", (request: Request) => {
    const body = request.postData();
    if (body) bodies.push(body);
  });
  return bodies;
}

async function openProduct(page: Page, code: string): Promise<void> {
  await page.goto("/catalog");
  const card = page.locator(`[data-testid="product-card"][data-code="${code}"]`);
  await card.getByRole("link", { name: "查看详情" }).click();
  await expect(page.getByTestId("he-runner")).toBeVisible();
}

/** The body of the he.run call: what the homomorphic request was. */
function runBody(bodies: string[]): unknown {
  const body = bodies.find((b) => b.includes('"galoisKeys"'));
  expect(body, "the page sent an encrypted request").toBeDefined();
  return JSON.parse(body!);
}

test("the buyer scores enterprises with its secret weights; only the page can decrypt", async ({ page }) => {
  const bodies = recordBodies(page);
  const shown = active.slice(5, 8);
  await signIn(page, "buyer@demo.pdx.cn");
  await openProduct(page, "le-private-scoring");
  await expect(page.getByTestId("privacy-rule")).toContainText("密态输入");
  await expect(page.getByTestId("he-features")).toContainText("注册资本档位");
  await page.getByTestId("he-weight-capital_band").fill("3");
  await page.getByTestId("he-weight-founded_year").fill("0.25");
  await page.getByTestId("he-weight-status_code").fill("-7");
  await page.getByTestId("he-list").fill(shown.map((e) => e.uscc).join("\n"));
  await page.getByTestId("he-run").click();

  await expect(page.getByTestId("he-result")).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId("he-summary")).toContainText(
    `已解密 ${active.length.toLocaleString("zh-CN")} 家企业的评分`,
  );
  const rows = await page.getByTestId("he-scores").locator("tbody tr").all();
  expect(rows).toHaveLength(3);
  for (const [i, row] of rows.entries()) {
    const cells = await row.locator("td").allTextContents();
    expect(cells[0]).toBe(shown[i]!.uscc);
    const expected = featuresOf(shown[i]!).reduce((s, x, k) => s + x * [3, 0.25, -7][k]!, 0);
    expect(Math.abs(Number(cells[1]!.replace(/,/g, "")) - expected)).toBeLessThan(0.01);
  }
  await expect(page.getByTestId("he-usage")).toContainText("使用记录 #");
  await screenshot(page, "he-01-buyer-private-scoring");

  const keys = new Set(keysOf(runBody(bodies)));
  expect(keys).toContain("publicKey");
  expect(keys).toContain("galoisKeys");
  expect(keys).toContain("weights");
  for (const key of keys) expect(key.toLowerCase()).not.toContain("secret");
  for (const body of bodies) for (const e of shown) expect(body).not.toContain(e.uscc);
});

test("the buyer looks one enterprise up without revealing which", async ({ page }) => {
  const bodies = recordBodies(page);
  const chosen = register[1234]!;
  await signIn(page, "buyer@demo.pdx.cn");
  await openProduct(page, "le-private-lookup");
  await page.getByTestId("he-list").fill(chosen.uscc);
  await page.getByTestId("he-run").click();
  await expect(page.getByTestId("he-lookup")).toBeVisible({ timeout: 120_000 });
  const values = await page.getByTestId("he-lookup").locator("td").allTextContents();
  expect(values.map((v) => Number(v.replace(/,/g, "")))).toEqual(featuresOf(chosen));
  await screenshot(page, "he-02-buyer-private-lookup");
  const keys = new Set(keysOf(runBody(bodies)));
  expect(keys).toContain("selection");
  for (const key of keys) expect(key.toLowerCase()).not.toContain("secret");
  for (const body of bodies) expect(body).not.toContain(chosen.uscc);
});

test("the buyer gets exact statistics of its portfolio with BFV", async ({ page }) => {
  const bodies = recordBodies(page);
  const portfolio = register.slice(100, 112);
  await signIn(page, "buyer@demo.pdx.cn");
  await openProduct(page, "le-portfolio-stats");
  await page.getByTestId("he-list").fill(portfolio.map((e) => e.uscc).join("\n"));
  await page.getByTestId("he-run").click();
  await expect(page.getByTestId("he-summary")).toHaveText("组合中有 12 家企业在目录内", { timeout: 120_000 });
  const rows = await page.getByTestId("he-aggregate").locator("tbody tr").all();
  for (const [k, row] of rows.entries()) {
    const sum = portfolio.reduce((s, e) => s + featuresOf(e)[k]!, 0);
    const cells = await row.locator("td").allTextContents();
    expect(Number(cells[0]!.replace(/,/g, ""))).toBe(sum);
  }
  await screenshot(page, "he-03-buyer-portfolio-stats");
  for (const body of bodies) for (const e of portfolio) expect(body).not.toContain(e.uscc);
});
