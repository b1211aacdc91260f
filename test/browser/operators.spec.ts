/**
 * Operator admission in Chromium against the whole running system (PUBLIC_NOTICE_DAYS=0): the
 * seeded, not yet admitted 信创数据科技有限公司 (applicant@demo.pdx.cn) drafts its application,
 * uploads the five dossier documents and submits; the regulator pre-reviews, expert-reviews and
 * approves (each signed and verified on the page) and, the notice period being over, admits; the
 * applicant then sees 已准入. Screenshots go to test-results/screenshots/.
 *
 * The tests run in order and share `applicationId`.
 */
import { createHash } from "node:crypto";
import { expect, test } from "@playwright/test";
import { screenshot, signIn, signOut } from "./support";

const APPLICANT_EMAIL = "applicant@demo.pdx.cn";
const REGULATOR_EMAIL = "regulator@demo.pdx.cn";
const APPLICANT_ORG = "信创数据科技有限公司";

test.describe.configure({ mode: "serial" });

let applicationId = "";

/** One small generated file per dossier kind, in several accepted formats. */
const DOCUMENTS = [
  {
    kind: "audit_report",
    name: "审计报告.pdf",
    mimeType: "application/pdf",
    buffer: Buffer.from("%PDF-1.4\n%%EOF\n"),
  },
  {
    kind: "financial_statements",
    name: "财务报表.xlsx",
    mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    buffer: Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from("xl/workbook.xml")]),
  },
  {
    kind: "security_commitment",
    name: "数据安全承诺书.txt",
    mimeType: "text/plain",
    buffer: Buffer.from("本单位承诺遵守数据安全相关法律法规。\n", "utf8"),
  },
  {
    kind: "risk_self_assessment",
    name: "风险自评估报告.docx",
    mimeType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    buffer: Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from("word/document.xml")]),
  },
  {
    kind: "emergency_plan",
    name: "应急预案.png",
    mimeType: "image/png",
    buffer: Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.from("IHDR"),
    ]),
  },
] as const;

test("the applicant drafts its application, uploads the five documents and submits", async ({ page }) => {
  await signIn(page, APPLICANT_EMAIL);
  await page.goto("/operators/admission");
  const standing = page.getByTestId("operator-standing");
  await expect(standing).toContainText(APPLICANT_ORG);
  await expect(standing.getByTestId("operator-status")).toHaveAttribute("data-status", "none");

  const form = page.getByTestId("statement-form");
  await form
    .getByTestId("statement-businessScope")
    .fill("基于法人与信用公共数据开发普惠金融风控产品，仅交付聚合结果。");
  await form.getByTestId("statement-securityOfficer").fill("吴昊");
  await form.getByTestId("statement-contactPhone").fill("0755-8666 1234");
  await form.getByTestId("statement-qualifications").fill("网络安全等级保护三级");
  await form.getByTestId("statement-save").click();

  const mine = page.getByTestId("my-application");
  await expect(mine).toBeVisible();
  await expect(mine.getByTestId("application-status").first()).toHaveAttribute("data-status", "draft");
  applicationId = (await mine.getAttribute("data-application-id")) ?? "";
  expect(applicationId).toMatch(/^[0-9a-f-]{36}$/);
  await expect(page.getByTestId("missing-kinds")).toContainText("审计报告");
  await expect(page.getByTestId("application-submit")).toBeDisabled();

  for (const doc of DOCUMENTS) {
    await page.getByTestId(`upload-${doc.kind}`).setInputFiles({
      name: doc.name,
      mimeType: doc.mimeType,
      buffer: doc.buffer,
    });
    const slot = page.locator(`[data-testid="document-slot"][data-kind="${doc.kind}"]`);
    await expect(slot).toHaveAttribute("data-uploaded", "true");
    await expect(slot.getByTestId("slot-file-name")).toHaveText(doc.name);
    await expect(slot.getByTestId("slot-size")).toHaveText(`${doc.buffer.length} B`);
    await expect(slot.getByTestId("slot-sha256")).toHaveText(
      createHash("sha256").update(doc.buffer).digest("hex"),
    );
  }
  await expect(page.getByTestId("missing-kinds")).toHaveCount(0);
  await screenshot(page, "operators-01-dossier");

  await page.getByTestId("application-submit").click();
  await expect(mine.getByTestId("application-status").first()).toHaveAttribute("data-status", "submitted");
  await expect(page.getByTestId("documents-table").getByTestId("document-row")).toHaveCount(5);
  await screenshot(page, "operators-02-submitted");
  await signOut(page);
});

test("the regulator pre-reviews, expert-reviews, approves (signed) and admits after the notice", async ({
  page,
}) => {
  await signIn(page, REGULATOR_EMAIL);
  await page.goto("/operators");
  const row = page.locator(`[data-testid="application-row"][data-application-id="${applicationId}"]`);
  await expect(row).toHaveAttribute("data-status", "submitted");
  await expect(row).toContainText(APPLICANT_ORG);
  await screenshot(page, "operators-03-queue");
  await row.getByTestId("application-open").click();
  await expect(page).toHaveURL(new RegExp(`/operators/applications/${applicationId}$`));

  const detail = page.getByTestId("application-detail");
  await expect(detail.getByTestId("document-row")).toHaveCount(5);
  for (const [action, next, comment] of [
    ["pre_review", "pre_reviewed", "材料齐全，形式审查通过。"],
    ["expert_review", "expert_reviewed", "专家评审通过。"],
    ["approve", "public_notice", "同意准入，进入公示。"],
  ] as const) {
    await page.getByTestId(`action-${action}`).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog).toContainText("该操作将以您的个人密钥签名");
    await dialog.getByTestId("dialog-comment").fill(comment);
    await dialog.getByTestId("dialog-confirm").click();
    await expect(dialog).toHaveCount(0);
    await expect(detail).toHaveAttribute("data-status", next);
  }
  const approvals = page.getByTestId("approval-row");
  await expect(approvals).toHaveCount(3);
  for (const step of ["pre_review", "expert_review", "approve"]) {
    const approval = page.locator(`[data-testid="approval-row"][data-step="${step}"]`);
    await expect(approval).toHaveAttribute("data-verified", "true");
    await expect(approval.getByTestId("approval-signer")).toContainText("市数据局");
  }
  // PUBLIC_NOTICE_DAYS=0 in the browser tests: the notice is over at once.
  await expect(page.getByTestId("notice-state")).toContainText("公示期已满");
  await screenshot(page, "operators-04-public-notice");

  await page.getByTestId("action-admit").click();
  await expect(detail).toHaveAttribute("data-status", "admitted");
  await expect(page.getByTestId("audit-event-row").last()).toHaveAttribute(
    "data-action",
    "operator_application.admit",
  );
  await screenshot(page, "operators-05-admitted");

  await page.goto("/operators");
  const operator = page.locator(`[data-testid="operator-row"][data-org-name="${APPLICANT_ORG}"]`);
  await expect(operator).toHaveAttribute("data-status", "admitted");
  await signOut(page);
});

test("the applicant sees 已准入", async ({ page }) => {
  await signIn(page, APPLICANT_EMAIL);
  await page.goto("/operators/admission");
  const status = page.getByTestId("operator-standing").getByTestId("operator-status");
  await expect(status).toHaveAttribute("data-status", "admitted");
  await expect(status).toHaveText("已准入");
  await expect(page.getByTestId("my-application").getByTestId("application-status").first()).toHaveText(
    "已准入",
  );
  await expect(page.getByTestId("annual-report-form")).toBeVisible();
  await screenshot(page, "operators-06-applicant-admitted");
});
