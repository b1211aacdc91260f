/**
 * Organization members and the audit trail in Chromium against the whole running system: the
 * buyer's org admin invites a colleague, who opens the invitation link, sets a password and signs
 * in; the admin removes them again; the auditor checks the whole hash-chained trail, filters it
 * and verifies an approval's signature.
 */
import { expect, test } from "@playwright/test";
import { PASSWORD, screenshot, signIn, submitSignIn } from "./support";

const NEW_MEMBER = "analyst@pengcheng-bank.example";
const NEW_PASSWORD = "Analyst2026pass";

test.describe.configure({ mode: "serial" });

let inviteLink = "";

test("an org admin invites a member and sees the one-time link", async ({ page }) => {
  await signIn(page, "buyer@demo.pdx.cn", PASSWORD);
  await page.getByRole("link", { name: "成员管理" }).click();
  await expect(page).toHaveURL(/\/org\/members/);
  await expect(page.getByTestId("member-row").filter({ hasText: "buyer@demo.pdx.cn" })).toBeVisible();
  const form = page.getByTestId("invite-form");
  await form.getByLabel("邮箱").fill(NEW_MEMBER);
  await form.getByLabel("姓名").fill("李想（信贷审批部）");
  await form.getByRole("button", { name: "生成邀请" }).click();
  const link = page.getByTestId("invite-link");
  await expect(link).toContainText("/invite?token=");
  inviteLink = (await link.textContent())?.trim() ?? "";
  await expect(page.getByTestId("invitation-row").filter({ hasText: NEW_MEMBER })).toBeVisible();
  await screenshot(page, "members-invited");
});

test("the invitee sets a password, signs in, and is removed by the admin", async ({ browser }) => {
  const invitee = await browser.newPage();
  await invitee.goto(inviteLink);
  await invitee.getByLabel("设置密码（至少 10 位，含字母和数字）").fill("short");
  await invitee.getByLabel("确认密码").fill("short");
  await invitee.getByRole("button", { name: "设置密码并创建账号" }).click();
  await expect(invitee.getByTestId("invite-error")).toContainText("密码至少 10 位");
  await invitee.getByLabel("设置密码（至少 10 位，含字母和数字）").fill(NEW_PASSWORD);
  await invitee.getByLabel("确认密码").fill(NEW_PASSWORD);
  await invitee.getByRole("button", { name: "设置密码并创建账号" }).click();
  await expect(invitee.getByTestId("invite-accepted")).toContainText(NEW_MEMBER);
  await signIn(invitee, NEW_MEMBER, NEW_PASSWORD);
  await expect(invitee.getByTestId("current-user")).toContainText("李想（信贷审批部）");
  // A plain member has no member management.
  await expect(invitee.getByRole("link", { name: "成员管理" })).toHaveCount(0);
  await invitee.close();

  const admin = await browser.newPage();
  await signIn(admin, "buyer@demo.pdx.cn", PASSWORD);
  await admin.goto("/org/members");
  const row = admin.getByTestId("member-row").filter({ hasText: NEW_MEMBER });
  await expect(row).toBeVisible();
  admin.once("dialog", (dialog) => dialog.accept());
  await row.getByTestId("member-remove").click();
  await expect(admin.getByTestId("member-row").filter({ hasText: NEW_MEMBER })).toHaveCount(0);
  await admin.close();

  const again = await browser.newPage();
  await submitSignIn(again, NEW_MEMBER, NEW_PASSWORD);
  await expect(again.getByTestId("login-error")).toContainText("邮箱或密码错误");
  await again.close();
});

test("the auditor verifies the whole trail, filters it and checks an approval signature", async ({
  page,
}) => {
  await signIn(page, "auditor@demo.pdx.cn", PASSWORD);
  await page.getByRole("link", { name: "操作留痕" }).click();
  await expect(page).toHaveURL(/\/trail/);
  await page.getByTestId("trail-verify").click();
  const verdict = page.getByTestId("trail-verdict");
  await expect(verdict).toHaveAttribute("data-ok", "true");
  await expect(verdict).toContainText("留痕完整");

  await page.getByTestId("trail-filter-action").fill("member.remove");
  await expect(page.getByTestId("trail-row").first()).toHaveAttribute("data-action", "member.remove");
  await expect(page.getByTestId("trail-row").first()).toContainText("王芳（风险管理部）");

  await page.getByTestId("trail-filter-action").fill("");
  const signed = page.getByTestId("trail-row").filter({ has: page.getByRole("button", { name: /验签/ }) });
  await signed.first().getByRole("button", { name: /验签/ }).click();
  await expect(page.getByTestId("approval-check").first()).toHaveAttribute("data-ok", "true");
  await screenshot(page, "trail-verified");
});
