/**
 * What every browser spec does the same way: sign in and out through the real form, and save
 * full-page screenshots to test-results/screenshots/ (looked at after each run).
 */
import { join, resolve } from "node:path";
import { expect, type Page } from "@playwright/test";

/** The password of every demo user. */
export const PASSWORD = "Demo#2026";

const SCREENSHOT_DIR = resolve(import.meta.dirname, "../../test-results/screenshots");

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** Fills and submits the sign-in form without waiting for the outcome (for refused sign-ins). */
export async function submitSignIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("邮箱").fill(email);
  await page.getByLabel("密码").fill(password);
  await page.getByRole("button", { name: "登录", exact: true }).click();
}

/** Signs in and waits until the header shows the signed-in user. */
export async function signIn(page: Page, email: string, password: string = PASSWORD): Promise<void> {
  await submitSignIn(page, email, password);
  await expect(page.getByTestId("current-user")).toBeVisible();
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "退出登录" }).click();
  await expect(page).toHaveURL(/\/login/);
}
