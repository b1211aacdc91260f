import { E2E_WEB_PORT } from "../../playwright.config";
import { startSystemUnderTest } from "./system-under-test";

/**
 * Starts the real system once for all browser tests and exposes its database URL to them
 * (PDX_E2E_DATABASE_URL) for the tamper check. Returns the teardown.
 */
export default async function globalSetup() {
  const sut = await startSystemUnderTest(
    { web: E2E_WEB_PORT, api: 4310, enclave: 4320, chain: 8645, pg: 55532, vaultPg: 55533 },
    { seedCount: Number(process.env.E2E_SEED_COUNT ?? 100_000), log: !!process.env.E2E_LOG },
  );
  process.env.PDX_E2E_DATABASE_URL = sut.databaseUrl ?? "";
  return async () => sut.stop();
}
