import { defineConfig } from "vitest/config";

// Unit tests live next to their code; cross-component tests under test/integration.
// Integration tests get a fresh database each (common/src/testing/test-database.ts): a real
// PostgreSQL when DATABASE_URL is set, embedded PGlite otherwise.
export default defineConfig({
  test: {
    include: [
      "common/src/**/*.test.ts",
      "enclave/src/**/*.test.ts",
      "server/src/**/*.test.ts",
      "seeds/**/*.test.ts",
      "products/**/*.test.ts",
      "test/integration/**/*.test.ts",
      "test/adversarial/**/*.test.ts",
      "test/architecture/**/*.test.ts",
      "web/lib/**/*.test.ts",
    ],
    exclude: ["**/node_modules/**"],
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
