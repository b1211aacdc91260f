/**
 * The demand list and the data-quality loop in Chromium against the whole running system:
 * - a buyer posts a demand, the market-regulation bureau answers offering LE-BASE, the buyer
 *   marks that answer as satisfying it and the satisfaction statistics change;
 * - a buyer reports a problem with LE-BASE field registered_capital, the bureau acknowledges and
 *   rectifies it with a note, the buyer verifies it with 4 stars and sees 已验证 and the score.
 * Titles and descriptions carry a run stamp, so reruns on the same database do not collide.
 * Screenshots of every step go to test-results/screenshots/.
 */
import { expect, test } from "@playwright/test";
import { screenshot, signIn, signOut } from "./support";

const BUYER_EMAIL = "buyer@demo.pdx.cn";
const SOURCE_EMAIL = "source@demo.pdx.cn";
const SOURCE_ORG = "市市场监督管理局";
const RUN_STAMP = Date.now().toString(36);

test.describe.configure({ mode: "serial" });

/** The demand posted by the first test, answered and satisfied by the next ones. */
let demandUrl = "";
let rateBeforePosting = "";
const DEMAND_TITLE = `按行业统计小微企业注册资本分布 ${RUN_STAMP}`;

test("the buyer posts a demand and sees it open in the list", async ({ page }) => {
  await signIn(page, BUYER_EMAIL);
  await page.goto("/demands");
  await expect(page.getByRole("heading", { name: "需求清单", level: 1 })).toBeVisible();
  const rate = page.getByTestId("stat-satisfaction-rate");
  await expect(rate).toBeVisible();
  rateBeforePosting = (await rate.textContent())?.trim() ?? "";

  const form = page.getByTestId("demand-post-form");
  await form.getByTestId("demand-title").fill(DEMAND_TITLE);
  await form.getByTestId("demand-description").fill("用于小微企业授信策略，只需按行业汇总的聚合结果。");
  await form.getByTestId("demand-library").selectOption("legal_entity");
  await form.getByTestId("demand-datasets").fill("LE-BASE");
  await form.getByTestId("demand-submit").click();
  await expect(page.getByTestId("demand-posted")).toContainText("需求已发布");

  const row = page.getByTestId("demand-row").filter({ hasText: DEMAND_TITLE });
  await expect(row).toBeVisible();
  await expect(row.getByTestId("demand-status")).toHaveText("待答复");
  await expect(row).toContainText("LE-BASE");
  await screenshot(page, "dq-01-demand-posted");

  await row.getByTestId("demand-link").click();
  await expect(page).toHaveURL(/\/demands\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("demand-heading")).toHaveText(DEMAND_TITLE);
  demandUrl = new URL(page.url()).pathname;
  await signOut(page);
});

test("the market-regulation bureau answers the demand offering LE-BASE", async ({ page }) => {
  expect(demandUrl, "the buyer must have posted the demand").not.toBe("");
  await signIn(page, SOURCE_EMAIL);
  await page.goto("/demands");
  await page.getByTestId("demand-row").filter({ hasText: DEMAND_TITLE }).getByTestId("demand-link").click();
  await expect(page).toHaveURL(new RegExp(`${demandUrl}$`));

  const form = page.getByTestId("demand-respond-form");
  await form
    .getByTestId("response-message")
    .fill("法人基础库已登记行业与注册资本字段，可经授权运营以聚合方式使用。");
  await form.getByTestId("response-dataset").selectOption("LE-BASE");
  await form.getByTestId("response-submit").click();

  const response = page.locator(`[data-testid="demand-response"][data-org="${SOURCE_ORG}"]`);
  await expect(response).toBeVisible();
  await expect(response.getByTestId("offered-dataset")).toContainText("LE-BASE");
  await expect(page.getByTestId("demand-status").first()).toHaveText("已答复");
  // Only the posting buyer may mark an answer as satisfying.
  await expect(page.getByTestId("mark-satisfied")).toHaveCount(0);
  await screenshot(page, "dq-02-demand-answered");
  await signOut(page);
});

test("the buyer marks the answer as satisfying and the statistics change", async ({ page }) => {
  expect(demandUrl, "the buyer must have posted the demand").not.toBe("");
  await signIn(page, BUYER_EMAIL);
  await page.goto(demandUrl);
  const response = page.locator(`[data-testid="demand-response"][data-org="${SOURCE_ORG}"]`);
  await response.getByTestId("mark-satisfied").click();

  await expect(page.getByTestId("demand-status").first()).toHaveText("已满足");
  await expect(response.getByTestId("satisfied-badge")).toBeVisible();
  await expect(page.getByTestId("demand-time-to-satisfy")).toBeVisible();
  await expect(page.getByTestId("mark-satisfied")).toHaveCount(0);
  await screenshot(page, "dq-03-demand-satisfied");

  await page.goto("/demands");
  const row = page.getByTestId("demand-row").filter({ hasText: DEMAND_TITLE });
  await expect(row.getByTestId("demand-status")).toHaveText("已满足");
  // One more satisfied demand: the rate moves (it stays put only if every demand was already
  // satisfied, which the seeded open demands rule out) and a median time exists.
  await expect(page.getByTestId("stat-satisfaction-rate")).not.toHaveText(rateBeforePosting);
  await expect(page.getByTestId("stat-satisfaction-rate")).toHaveText(/^\d+(\.\d)?%$/);
  await expect(page.getByTestId("stat-median")).not.toHaveText("—");
  await screenshot(page, "dq-04-demand-stats");
  await signOut(page);
});

/** The quality issue reported by the buyer, handled by the bureau, verified by the buyer. */
let issueUrl = "";
const ISSUE_DESCRIPTION = `部分企业注册资本以元而非万元录入，数值偏大一万倍 ${RUN_STAMP}`;

test("the buyer reports a quality problem on LE-BASE registered_capital", async ({ page }) => {
  await signIn(page, BUYER_EMAIL);
  await page.goto("/quality");
  await expect(page.getByRole("heading", { name: "数据质量反馈", level: 1 })).toBeVisible();

  const form = page.getByTestId("quality-report-form");
  await form.getByTestId("quality-dataset").selectOption("LE-BASE");
  await expect(form.getByTestId("quality-routed-to")).toContainText(SOURCE_ORG);
  await form.getByTestId("quality-field").selectOption("registered_capital");
  await form.getByTestId("quality-category").selectOption("accuracy");
  await form.getByTestId("quality-description").fill(ISSUE_DESCRIPTION);
  await form.getByTestId("quality-submit").click();
  await expect(page.getByTestId("quality-reported")).toContainText("已转交数源部门");

  const row = page.getByTestId("quality-row").filter({ hasText: ISSUE_DESCRIPTION });
  await expect(row.getByTestId("quality-status")).toHaveText("待受理");
  await expect(row).toContainText("受理截止");
  await expect(row).toContainText(SOURCE_ORG);
  await screenshot(page, "dq-05-quality-reported");

  await page.getByTestId("quality-reported-link").click();
  await expect(page).toHaveURL(/\/quality\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("quality-issue-source")).toHaveText(SOURCE_ORG);
  await expect(page.getByTestId("quality-issue-field")).toContainText("registered_capital");
  issueUrl = new URL(page.url()).pathname;
  await signOut(page);
});

test("the market-regulation bureau acknowledges and rectifies it with a note", async ({ page }) => {
  expect(issueUrl, "the buyer must have reported the issue").not.toBe("");
  await signIn(page, SOURCE_EMAIL);
  await page.goto(issueUrl);
  await expect(page.getByTestId("quality-status")).toHaveText("待受理");
  await page.getByTestId("quality-acknowledge").click();
  await expect(page.getByTestId("quality-status")).toHaveText("整改中");

  await page
    .getByTestId("quality-rectify-note")
    .fill("已核对登记档案，统一按万元更正注册资本，并增加录入单位校验。");
  await page.getByTestId("quality-rectify-submit").click();
  await expect(page.getByTestId("quality-status")).toHaveText("待验证");
  await expect(page.getByTestId("quality-rectification-note")).toContainText("统一按万元更正");
  // Verifying belongs to the reporting organization.
  await expect(page.getByTestId("quality-verify-form")).toHaveCount(0);
  await screenshot(page, "dq-06-quality-rectified");
  await signOut(page);
});

test("the buyer verifies the fix with 4 stars and sees 已验证 and the score", async ({ page }) => {
  expect(issueUrl, "the buyer must have reported the issue").not.toBe("");
  await signIn(page, BUYER_EMAIL);
  await page.goto(issueUrl);
  await expect(page.getByTestId("quality-status")).toHaveText("待验证");
  await page.getByTestId("score-label-4").click();
  await expect(page.getByTestId("score-star-4")).toBeChecked();
  await page.getByTestId("quality-verify-comment").fill("抽查 20 家企业，数据已更正。");
  await page.getByTestId("quality-verify-submit").click();

  await expect(page.getByTestId("quality-status")).toHaveText("已验证");
  await expect(page.getByTestId("quality-score")).toHaveAttribute("data-score", "4");
  await expect(page.getByTestId("quality-score")).toContainText("评分 4 / 5");
  const steps = page.getByTestId("timeline-entry");
  await expect(steps).toHaveCount(4);
  await expect(steps.last()).toHaveAttribute("data-step", "verify");
  await expect(steps.last()).toContainText("抽查 20 家企业");
  await screenshot(page, "dq-07-quality-verified");

  await page.goto("/quality");
  const row = page.getByTestId("quality-row").filter({ hasText: ISSUE_DESCRIPTION });
  await expect(row.getByTestId("quality-status")).toHaveText("已验证");
  await expect(row.getByTestId("quality-score")).toHaveAttribute("data-score", "4");
  await signOut(page);
});
