import type { NextConfig } from "next";

// This machine is offline beyond the package registries: never phone home.
process.env.NEXT_TELEMETRY_DISABLED = "1";

const nextConfig: NextConfig = {
  // Workspace packages ship TypeScript source; compile them with the app.
  transpilePackages: ["@pdx/common"],
  poweredByHeader: false,
  reactStrictMode: true,
  // The API server's address (API_URL) is read by the /trpc route at run time, never baked in.
  typescript: { tsconfigPath: "tsconfig.json" },
  // node-seal's WebAssembly glue (the buyer's HE client, lib/he) imports Node's "module" on its
  // Node-only code path, which a browser never takes; the browser bundle resolves that import to
  // lib/empty-module.ts (a createRequire that throws if it were ever reached).
  turbopack: { resolveAlias: { module: { browser: "./lib/empty-module.ts" } } },
};

export default nextConfig;
