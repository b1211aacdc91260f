import { defineConfig } from "@playwright/test";

// Browser tests drive Debian's Chromium (never a downloaded browser) against the whole system,
// started by test/support/system-under-test.ts on its own ports and a fresh data directory.
export const E2E_WEB_PORT = 3310;

export default defineConfig({
  testDir: "test/browser",
  outputDir: "test-results/playwright",
  timeout: 180_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  globalSetup: "./test/support/playwright-global-setup.ts",
  use: {
    baseURL: `http://127.0.0.1:${E2E_WEB_PORT}`,
    locale: "zh-CN",
    viewport: { width: 1360, height: 900 },
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
});
