/**
 * The catalog workflow in Chromium against the whole running system (PUBLIC_NOTICE_DAYS=0): the
 * market-regulation department (source@) drafts a registration of a new dataset through the form
 * and submits it; the data bureau (regulator@) accepts, reviews (signed, verified on the page),
 * publishes the notice and assigns the code; the dataset then shows in /datasets search with its
 * registration code, and its page shows the dictionary and labelled mock rows. A second draft
 * that claims a data item another department already provides (pop.id_number, 市公安局) is
 * refused with an error naming that department. Screenshots go to test-results/screenshots/.
 *
 * The tests run in order and share `registrationUrl`.
 */
import { expect, type Page, test } from "@playwright/test";
import { screenshot, signIn, signOut } from "./support";

const SOURCE_EMAIL = "source@demo.pdx.cn";
const REGULATOR_EMAIL = "regulator@demo.pdx.cn";
const SOURCE_ORG = "市市场监督管理局";
/** Unique per run, so the test can run against a database that already saw it. */
const SUFFIX = Date.now().toString(36).toUpperCase();
const DATASET_CODE = `E2E-FOOD-${SUFFIX}`;
const ITEM_BASE = `e2e_${SUFFIX.toLowerCase()}`;
const DATASET_NAME = `食品经营许可测试集${SUFFIX}`;

test.describe.configure({ mode: "serial" });

let registrationUrl = "";

/** Fills the basic, classification and attribute parts of the registration form. */
async function fillBasics(page: Page, code: string, nameZh: string): Promise<void> {
  await page.getByTestId("reg-code").fill(code);
  await page.getByTestId("reg-name-zh").fill(nameZh);
  await page.getByTestId("reg-name-en").fill(`Food business permits ${SUFFIX}`);
  await page.getByTestId("reg-desc-zh").fill("全市食品经营许可证的发证信息（端到端测试）。");
  await page.getByTestId("reg-desc-en").fill("Food business permits issued in the city (end-to-end test).");
  await page.getByTestId("reg-library").selectOption("base");
  await page.getByTestId("reg-library-code").selectOption("legal_entity");
  await page.getByTestId("reg-sector-code").fill("market_regulation");
  await page.getByTestId("reg-sector-zh").fill("市场监管");
  await page.getByTestId("reg-sector-en").fill("Market regulation");
  await page.getByTestId("reg-business-code").fill("food_permit");
  await page.getByTestId("reg-business-zh").fill("食品经营许可");
  await page.getByTestId("reg-business-en").fill("Food business permits");
  await page.getByTestId("reg-grade").selectOption("general");
  await page.getByTestId("reg-sharing").selectOption("conditional");
  await page.getByTestId("reg-sharing-conditions").fill("经授权用于食品安全监管与信用评价场景");
  await page.getByTestId("reg-open").selectOption("restricted");
  await page.getByTestId("reg-open-reason").fill("含企业经营信息，依申请开放");
  await page.getByTestId("reg-frequency").selectOption("monthly");
  await page.getByTestId("reg-volume-rows").fill("1200");
}

/** Fills field row `index` of the fields editor. */
async function fillField(
  page: Page,
  index: number,
  f: { name: string; zh: string; en: string; type?: string; item: string; authoritative?: boolean },
): Promise<void> {
  const row = page.locator(`[data-testid="field-row"][data-index="${index}"]`);
  await row.getByTestId("field-name").fill(f.name);
  await row.getByTestId("field-label-zh").fill(f.zh);
  await row.getByTestId("field-label-en").fill(f.en);
  if (f.type) await row.getByTestId("field-type").selectOption(f.type);
  await row.getByTestId("field-item").fill(f.item);
  if (f.authoritative === false) await row.getByTestId("field-authoritative").uncheck();
}

test("the source department drafts a registration through the form and submits it", async ({ page }) => {
  await signIn(page, SOURCE_EMAIL);
  await expect(page).toHaveURL(/\/registrations$/);
  await page.getByTestId("new-registration").click();
  await expect(page).toHaveURL(/\/registrations\/new$/);

  await fillBasics(page, DATASET_CODE, DATASET_NAME);
  await fillField(page, 0, {
    name: "permit_no",
    zh: "许可证编号",
    en: "Permit number",
    item: `${ITEM_BASE}.permit_no`,
  });
  await page.getByTestId("add-field").click();
  await fillField(page, 1, {
    name: "issued_on",
    zh: "发证日期",
    en: "Issued on",
    type: "date",
    item: `${ITEM_BASE}.issued_on`,
  });
  await page.getByTestId("add-field").click();
  // A join key to the legal-entity register: a reference, not a second source.
  await fillField(page, 2, {
    name: "uscc",
    zh: "统一社会信用代码",
    en: "Unified social credit code",
    item: "le.uscc",
    authoritative: false,
  });
  await page.getByTestId("reg-check").click();
  await expect(page.getByTestId("form-check-ok")).toBeVisible();
  await screenshot(page, "catalog-01-registration-form");

  await page.getByTestId("reg-save").click();
  await expect(page).toHaveURL(/\/registrations\/[0-9a-f-]{36}$/);
  registrationUrl = new URL(page.url()).pathname;
  await expect(page.getByTestId("registration-status").first()).toHaveAttribute("data-status", "draft");
  await expect(page.getByTestId("registration-source")).toHaveText(SOURCE_ORG);
  await expect(page.getByTestId("data-dictionary").getByTestId("dictionary-row")).toHaveCount(3);

  await page.getByTestId("action-submit").click();
  await expect(page.getByTestId("registration-status").first()).toHaveAttribute("data-status", "submitted");
  await expect(page.getByTestId("registration-events")).toContainText("提交");
  await screenshot(page, "catalog-02-submitted");
  await signOut(page);
});

test("the data bureau accepts, reviews with a verified signature, publishes the notice and codes it", async ({
  page,
}) => {
  await signIn(page, REGULATOR_EMAIL);
  await expect(page).toHaveURL(/\/registrations$/);
  const row = page.locator(`[data-testid="registration-row"][data-code="${DATASET_CODE}"]`);
  await expect(row).toBeVisible();
  await row.getByTestId("registration-link").click();
  await expect(page).toHaveURL(new RegExp(`${registrationUrl}$`));
  const status = page.getByTestId("registration-status").first();

  await page.getByTestId("action-accept").click();
  await expect(status).toHaveAttribute("data-status", "accepted");

  await page.getByTestId("action-review").click();
  await expect(page.getByTestId("action-dialog")).toContainText("电子签名");
  await page.getByTestId("reason-input").fill("目录内容完整，分级合理，同意登记。");
  await page.getByTestId("reason-confirm").click();
  await expect(status).toHaveAttribute("data-status", "reviewed");
  const approval = page.getByTestId("approval").first();
  await expect(approval).toHaveAttribute("data-ok", "true");
  await expect(approval.getByTestId("approval-signer")).toContainText("市数据局");
  await expect(approval.getByTestId("approval-key-id")).toHaveText(/^[0-9a-f]{16}$/);
  await expect(approval.getByTestId("approval-check-subject_hash")).toHaveAttribute("data-ok", "true");

  await page.getByTestId("action-publish_notice").click();
  await expect(status).toHaveAttribute("data-status", "public_notice");
  // PUBLIC_NOTICE_DAYS=0 in the system under test: the notice is over at once.
  await page.getByTestId("action-code").click();
  await expect(status).toHaveAttribute("data-status", "coded");
  await expect(page.getByTestId("registration-code")).toHaveText(/^PCDR-\d{4}-\d{6}$/);
  await expect(page.getByTestId("chain-write").first()).toHaveAttribute("data-kind", "registration.record");
  await expect(page.getByTestId("registration-events")).toContainText("赋码");
  await screenshot(page, "catalog-03-coded");
});

test("the coded dataset shows in the catalog search with its registration code, dictionary and mock rows", async ({
  page,
}) => {
  await signIn(page, REGULATOR_EMAIL);
  await page.goto(registrationUrl);
  const registrationCode = (await page.getByTestId("registration-code").textContent())?.trim() ?? "";
  expect(registrationCode).toMatch(/^PCDR-\d{4}-\d{6}$/);

  await page.goto("/datasets");
  await expect(page.getByTestId("catalog-stats")).toBeVisible();
  await page.getByTestId("datasets-search").fill(`食品经营许可 ${SUFFIX}`);
  const row = page.locator(`[data-testid="dataset-row"][data-code="${DATASET_CODE}"]`);
  await expect(row).toBeVisible();
  await expect(page.getByTestId("dataset-row")).toHaveCount(1);
  await expect(row.getByTestId("dataset-registration-code")).toContainText(registrationCode);
  await expect(row).toContainText(SOURCE_ORG);
  await screenshot(page, "catalog-04-search");

  await row.getByRole("link", { name: DATASET_NAME }).click();
  await expect(page).toHaveURL(new RegExp(`/datasets/${DATASET_CODE}$`));
  await expect(page.getByTestId("registration-code")).toHaveText(registrationCode);
  await expect(page.getByTestId("dictionary-row")).toHaveCount(3);
  await expect(
    page.locator('[data-testid="dictionary-row"][data-field="uscc"] [data-testid="field-authoritative"]'),
  ).toContainText("市市场监督管理局");
  await expect(page.getByTestId("mock-rows-label")).toHaveText("模拟数据（依据数据结构生成，非真实数据）");
  await expect(page.getByTestId("mock-row")).toHaveCount(10);
  await expect(page.getByTestId("access-row")).toHaveCount(3);
  await screenshot(page, "catalog-05-dataset");
});

test("claiming a data item another department provides is refused, naming that department", async ({
  page,
}) => {
  await signIn(page, SOURCE_EMAIL);
  await page.goto("/registrations/new");
  await fillBasics(page, `E2E-DUP-${SUFFIX}`, `重复来源测试${SUFFIX}`);
  await fillField(page, 0, {
    name: "id_number",
    zh: "公民身份号码",
    en: "Citizen ID",
    item: "pop.id_number",
  });
  await page.getByTestId("reg-save").click();

  const error = page.getByTestId("form-error");
  await expect(error).toBeVisible();
  await expect(error).toContainText("数据项 pop.id_number 已由 市公安局 作为权威来源登记");
  const problem = page.locator('[data-testid="field-problem"][data-path="fields[0].item"]');
  await expect(problem).toContainText("市公安局");
  await expect(page).toHaveURL(/\/registrations\/new$/);
  await screenshot(page, "catalog-06-duplicate-source");

  // Nothing was saved: the department's list has no such registration.
  await page.goto("/registrations");
  await expect(page.locator(`[data-testid="registration-row"][data-code="E2E-DUP-${SUFFIX}"]`)).toHaveCount(
    0,
  );
});
