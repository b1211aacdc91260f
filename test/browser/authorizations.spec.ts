/**
 * Scenario filing and authorization in Chromium against the whole running system: the admitted
 * demo operator (operator@demo.pdx.cn) drafts a scenario on LE-BASE fields picked from the
 * catalog and files it; the regulator accepts it; the operator applies for authorization — 6
 * years is refused with a clear message, 3 years goes through; 市市场监督管理局
 * (source@demo.pdx.cn) and the regulator each approve with a signature that verifies on the page;
 * the authorization is 生效 with its chain transaction shown; the regulator suspends it → 已暂停.
 * Screenshots go to test-results/screenshots/.
 *
 * The tests run in order and share the scenario and authorization ids.
 */
import { expect, test } from "@playwright/test";
import { screenshot, signIn, signOut } from "./support";

const OPERATOR_EMAIL = "operator@demo.pdx.cn";
const REGULATOR_EMAIL = "regulator@demo.pdx.cn";
const SOURCE_EMAIL = "source@demo.pdx.cn";
const FIELDS = ["district", "industry", "registered_capital"] as const;
/** The chain-write worker confirms within seconds; allow for a slow dev chain. */
const ON_CHAIN_WITHIN_MS = 60_000;

test.describe.configure({ mode: "serial" });

const SCENARIO_TITLE = `小微企业区域分布监测（浏览器测试 ${Date.now().toString(36)}）`;
let scenarioId = "";
let authorizationId = "";

test("the operator drafts a scenario from the catalog and files it", async ({ page }) => {
  await signIn(page, OPERATOR_EMAIL);
  await expect(page).toHaveURL(/\/scenarios$/);
  await page.getByTestId("new-scenario").click();
  await expect(page).toHaveURL(/\/scenarios\/new$/);

  await page.getByTestId("scenario-title-input").fill(SCENARIO_TITLE);
  await page
    .getByTestId("scenario-purpose-input")
    .fill("按行政区和行业统计小微企业数量与注册资本，支持普惠信贷投放规划。仅在授权运营域内聚合计算。");
  await page.getByTestId("scenario-beneficiary-input").selectOption("industry");
  await page.getByTestId("scenario-mode-input").selectOption("sandbox");
  await page
    .getByTestId("scenario-outputs-input")
    .fill("各区 × 行业的企业数量与注册资本合计，不足 10 家的单元格不予输出。");

  // Fields the grade policy forbids for sandbox computation cannot be ticked.
  await expect(page.locator('[data-testid="picker-field"][data-access="never"]').first()).toBeDisabled();

  await page.getByTestId("dataset-search").fill("LE-BASE");
  const leBase = page.locator('[data-testid="picker-dataset"][data-code="LE-BASE"]');
  await expect(leBase).toBeVisible();
  await expect(leBase).toContainText("法人基础库");
  await expect(leBase).toContainText("市市场监督管理局");
  for (const field of FIELDS) {
    const box = leBase.locator(`[data-testid="picker-field"][data-field="${field}"]`);
    await expect(box).toBeEnabled();
    await box.check();
  }
  await expect(
    leBase.locator('[data-testid="picker-field"][data-field="registered_capital"]'),
  ).toHaveAttribute("data-access", "aggregate_min_group");
  await expect(page.getByTestId("selected-count")).toContainText("已选 3 个字段");
  await screenshot(page, "az-01-scenario-form");

  await page.getByTestId("scenario-save").click();
  await expect(page).toHaveURL(/\/scenarios\/[0-9a-f-]{36}$/);
  scenarioId = page.url().split("/").pop() ?? "";
  await expect(page.getByTestId("scenario-title")).toHaveText(SCENARIO_TITLE);
  await expect(page.getByTestId("scenario-status")).toHaveText("草稿");
  for (const field of FIELDS) {
    await expect(
      page.locator(`[data-testid="scope-field"][data-dataset="LE-BASE"][data-field="${field}"]`),
    ).toBeVisible();
  }

  await page.getByTestId("scenario-file").click();
  await expect(page.getByTestId("scenario-status")).toHaveText("待受理");
  await expect(page.getByTestId("content-hash")).toHaveText(/^[0-9a-f]{64}$/);
  await screenshot(page, "az-02-scenario-filed");
  await signOut(page);
});

test("the regulator accepts the filing", async ({ page }) => {
  expect(scenarioId, "the operator must have filed a scenario").not.toBe("");
  await signIn(page, REGULATOR_EMAIL);
  await page.goto("/authorizations");
  await page.getByTestId("tab-scenarios").click();
  await expect(page).toHaveURL(/\/scenarios$/);
  await page.getByTestId("scenario-filter-status").selectOption("filed");
  const row = page.locator(`[data-testid="scenario-row"][data-id="${scenarioId}"]`);
  await expect(row).toContainText("城市数据运营有限公司");
  await row.getByTestId("scenario-link").click();

  await expect(page.getByTestId("scenario-status")).toHaveText("待受理");
  await page.getByTestId("scenario-accept").click();
  await expect(page.getByTestId("scenario-status")).toHaveText("备案通过");
  await expect(page.getByTestId("events")).toContainText("备案通过");
  await screenshot(page, "az-03-scenario-accepted");
  await signOut(page);
});

test("the operator applies: 6 years is refused, 3 years goes to approval", async ({ page }) => {
  expect(scenarioId).not.toBe("");
  await signIn(page, OPERATOR_EMAIL);
  await page.goto(`/scenarios/${scenarioId}`);
  const panel = page.getByTestId("apply-panel");
  await expect(panel).toBeVisible();
  for (const field of FIELDS) {
    await expect(panel.locator(`[data-testid="apply-field"][data-field="${field}"]`)).toBeChecked();
  }

  await page.getByTestId("apply-term-years").fill("6");
  await page.getByTestId("apply-submit").click();
  const error = panel.getByTestId("error-notice");
  await expect(error).toBeVisible();
  await expect(error).toContainText("term exceeds 5 years");
  await expect(page).toHaveURL(new RegExp(`/scenarios/${scenarioId}$`));
  await screenshot(page, "az-04-term-too-long");

  await page.getByTestId("apply-term-years").fill("3");
  await page.getByTestId("apply-submit").click();
  await expect(page).toHaveURL(/\/authorizations\/[0-9a-f-]{36}$/);
  authorizationId = page.url().split("/").pop() ?? "";
  await expect(page.getByTestId("authorization-status")).toHaveText("待审批");
  const steps = page.getByTestId("step");
  await expect(steps).toHaveCount(2);
  await expect(steps.nth(0)).toContainText("市市场监督管理局");
  await expect(steps.nth(0)).toHaveAttribute("data-status", "pending");
  await expect(steps.nth(1)).toHaveAttribute("data-step", "regulator");
  await expect(page.getByTestId("no-chain-writes")).toBeVisible();
  await screenshot(page, "az-05-authorization-pending");
  await signOut(page);
});

test("the source department approves its step with a verified signature", async ({ page }) => {
  expect(authorizationId).not.toBe("");
  await signIn(page, SOURCE_EMAIL);
  await page.goto("/authorizations");
  await page.getByTestId("authorization-filter-awaiting").check();
  const row = page.locator(`[data-testid="authorization-row"][data-id="${authorizationId}"]`);
  await expect(row.getByTestId("awaiting-me")).toBeVisible();
  await row.getByTestId("authorization-link").click();

  await page.getByTestId("approval-comment").fill("字段为区域、行业和注册资本，同意在沙箱内聚合使用。");
  await page.getByTestId("approve").click();
  const step = page.locator('[data-testid="step"][data-kind="source"]');
  await expect(step).toHaveAttribute("data-status", "approved");
  await expect(step.getByTestId("step-signer")).toContainText("林静（数据处）");
  await expect(step.getByTestId("step-key-id")).toHaveText(/^[0-9a-f]{16}$/);
  await expect(step.getByTestId("step-verified")).toHaveAttribute("data-ok", "true");
  await expect(step.getByTestId("step-verified")).toContainText("✓");
  await expect(page.getByTestId("authorization-status")).toHaveText("待审批");
  await expect(page.getByTestId("authorization-actions")).toHaveCount(0);
  await screenshot(page, "az-06-source-approved");
  await signOut(page);
});

test("the regulator's approval makes it 生效 with the chain transaction shown; suspending shows 已暂停", async ({
  page,
}) => {
  expect(authorizationId).not.toBe("");
  await signIn(page, REGULATOR_EMAIL);
  await page.goto(`/authorizations/${authorizationId}`);
  await page.getByTestId("approval-comment").fill("场景已备案，授权范围符合分级授权要求。");
  await page.getByTestId("approve").click();

  await expect(page.getByTestId("authorization-status")).toHaveText("生效");
  const regulatorStep = page.locator('[data-testid="step"][data-step="regulator"]');
  await expect(regulatorStep).toHaveAttribute("data-status", "approved");
  await expect(regulatorStep.getByTestId("step-verified")).toHaveAttribute("data-ok", "true");
  const record = page.locator('[data-testid="chain-write"][data-kind="authorization.record"]');
  await expect(record).toHaveAttribute("data-status", "confirmed", { timeout: ON_CHAIN_WITHIN_MS });
  await expect(record.getByTestId("chain-tx")).toHaveText(/^0x[0-9a-f]{64}$/);
  await expect(page.getByTestId("events")).toContainText("授权生效并提交上链");
  await screenshot(page, "az-07-authorization-active");

  await page.getByTestId("status-reason-input").fill("监测到超出场景用途的调用，暂停核查。");
  await page.getByTestId("suspend").click();
  await expect(page.getByTestId("authorization-status")).toHaveText("已暂停");
  await expect(page.getByTestId("status-reason")).toContainText("监测到超出场景用途的调用");
  const statusWrite = page.locator('[data-testid="chain-write"][data-kind="authorization.status"]');
  await expect(statusWrite).toHaveAttribute("data-status", "confirmed", { timeout: ON_CHAIN_WITHIN_MS });
  await expect(statusWrite.getByTestId("chain-tx")).toHaveText(/^0x[0-9a-f]{64}$/);
  await expect(page.getByTestId("resume")).toBeVisible();
  await screenshot(page, "az-08-authorization-suspended");
  await signOut(page);
});
