/**
 * Starts the whole marketplace on embedded defaults, in dependency order:
 *   marketplace PostgreSQL (PGlite) · vault PostgreSQL (PGlite) · dev chain (Hardhat node)
 *   · enclave · API server · web (Next.js production build)
 * Any of the first three is skipped when DATABASE_URL / VAULT_DATABASE_URL / CHAIN_RPC_URL point
 * at a real one. Ctrl-C stops every child. Prints the URLs and demo accounts when ready.
 *
 * State lives under PDX_DATA_DIR (default .data/, git-ignored): databases, service keys, the web
 * build stamp, and runtime.json (URLs of the running system, no secrets).
 */
import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { generateKeyPair, type TEd25519KeyPair } from "@pdx/common/ed25519";
import { ConfigError, parseConfig } from "@pdx/common/env";
import { z } from "zod";
import { x25519PublicKeyOf } from "../enclave/src/mpc/envelope";
import { DEV_CHAIN_ACCOUNT0_PRIVATE_KEY } from "../server/src/chain";
import { Supervisor } from "./lib/children";
import { deployRegistries } from "./lib/deploy-registries";
import { DEMO_MPC_NODES } from "./lib/mpc-nodes";
import { isPortFree, waitForHttp, waitForJsonRpc } from "./lib/ports";

const ROOT = resolve(import.meta.dirname, "..");
const BIN = join(ROOT, "node_modules", ".bin");
const t0 = Date.now();

const ZPort = z.coerce.number().int().min(1).max(65535);
const blankToUndefined = (v: unknown) => (v === "" ? undefined : v);
const ZOptionalUrl = z.preprocess(blankToUndefined, z.string().url().optional());
const ZOptionalPostgresUrl = z.preprocess(
  blankToUndefined,
  z
    .string()
    .regex(/^postgres(ql)?:\/\/[^/]+/, "must be a postgres://user@host:port/database URL")
    .optional(),
);
const ZLauncherConfig = z.object({
  PDX_DATA_DIR: z.string().min(1).default(join(ROOT, ".data")),
  WEB_PORT: ZPort.default(3000),
  PORT: ZPort.default(4000),
  ENCLAVE_PORT: ZPort.default(4100),
  CHAIN_PORT: ZPort.default(8545),
  PG_PORT: ZPort.default(55432),
  VAULT_PG_PORT: ZPort.default(55433),
  // The MPC nodes (scripts/lib/mpc-nodes.ts): enclaves on MPC_PORT + i, vaults on MPC_VAULT_PG_PORT + i.
  MPC_PORT: ZPort.default(4101),
  MPC_VAULT_PG_PORT: ZPort.default(55434),
  DATABASE_URL: ZOptionalPostgresUrl,
  VAULT_DATABASE_URL: ZOptionalPostgresUrl,
  CHAIN_RPC_URL: ZOptionalUrl,
  ANCHOR_INTERVAL_MS: z.coerce.number().int().min(200).max(3_600_000).default(3000),
  ENCLAVE_SEED_LEGAL_ENTITIES: z.coerce.number().int().min(1000).max(5_000_000).default(100_000),
  PDX_WEB_MODE: z.enum(["production", "dev"]).default("production"),
});

let config: z.infer<typeof ZLauncherConfig>;
try {
  config = parseConfig(ZLauncherConfig);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`[start] ${err.message}`);
    process.exit(78);
  }
  throw err;
}

const dataDir = resolve(config.PDX_DATA_DIR);
mkdirSync(join(dataDir, "keys"), { recursive: true, mode: 0o700 });
const sup = new Supervisor();
let shuttingDown = false;

async function shutdown(code: number) {
  if (shuttingDown) return;
  shuttingDown = true;
  console.log("\n[start] stopping…");
  await sup.stopAll();
  console.log("[start] stopped");
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
sup.onUnexpectedExit = (child, code) => {
  console.error(`[start] ${child.name} exited unexpectedly (code ${code}); stopping everything`);
  void shutdown(1);
};

function step(msg: string) {
  console.log(`[start] ${msg} (+${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

/** A service key pair kept in the data dir (mode 0600); created on first start. */
function serviceKey(name: string): TEd25519KeyPair {
  const file = join(dataDir, "keys", `${name}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8"));
  const pair = generateKeyPair();
  writeFileSync(file, JSON.stringify(pair), { mode: 0o600 });
  return pair;
}

/** A 32-byte secret (hex) kept in the data dir (mode 0600); created on first start. */
function secretHex(name: string): string {
  const file = join(dataDir, "keys", `${name}.hex`);
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const secret = randomBytes(32).toString("hex");
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** Hash of the web app's sources (and what it imports), to rebuild only when they changed. */
function webSourceHash(): string {
  const h = createHash("sha256");
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      if ([".next", "node_modules", "test-results"].includes(entry.name)) continue;
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else {
        h.update(relative(ROOT, p));
        h.update(readFileSync(p));
      }
    }
  };
  for (const d of ["web", "server/src/trpc", "common/src"])
    if (existsSync(join(ROOT, d))) walk(join(ROOT, d));
  return h.digest("hex");
}

async function main() {
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", FORCE_COLOR: "0" };
  const wanted: [string, number, boolean][] = [
    ["web", config.WEB_PORT, true],
    ["API server", config.PORT, true],
    ["enclave", config.ENCLAVE_PORT, true],
    ["dev chain", config.CHAIN_PORT, !config.CHAIN_RPC_URL],
    ["marketplace PGlite", config.PG_PORT, !config.DATABASE_URL],
    ["vault PGlite", config.VAULT_PG_PORT, !config.VAULT_DATABASE_URL],
    ...DEMO_MPC_NODES.flatMap((n, i): [string, number, boolean][] => [
      [`MPC node ${n.nodeId}`, config.MPC_PORT + i, true],
      [`MPC vault PGlite ${n.nodeId}`, config.MPC_VAULT_PG_PORT + i, true],
    ]),
  ];
  for (const [name, port, needed] of wanted) {
    if (needed && !(await isPortFree(port))) {
      const variable =
        {
          web: "WEB_PORT",
          "API server": "PORT",
          enclave: "ENCLAVE_PORT",
          "dev chain": "CHAIN_PORT",
          "marketplace PGlite": "PG_PORT",
          "vault PGlite": "VAULT_PG_PORT",
        }[name] ?? (name.startsWith("MPC vault") ? "MPC_VAULT_PG_PORT" : "MPC_PORT");
      throw new Error(`port ${port} (${name}) is already in use — stop what holds it or set ${variable}`);
    }
  }

  // 1. Databases
  let databaseUrl = config.DATABASE_URL;
  let vaultUrl = config.VAULT_DATABASE_URL;
  const startDb = async (name: string, dir: string, port: number) => {
    const child = sup.start(
      name,
      join(BIN, "tsx"),
      [join(ROOT, "scripts/embedded-postgres.ts"), "--data-dir", join(dataDir, dir), "--port", String(port)],
      env,
    );
    const line = await child.waitForLine(/^ready /, 120_000);
    return line.slice("ready ".length).trim();
  };
  if (!databaseUrl || !vaultUrl) step("starting embedded PostgreSQL (PGlite)");
  // Each MPC node's own vault: always an embedded PGlite of its own, started with the others.
  let mpcVaultUrls: string[];
  [databaseUrl, vaultUrl, ...mpcVaultUrls] = await Promise.all([
    databaseUrl ?? startDb("db", "pg", config.PG_PORT),
    vaultUrl ?? startDb("vault-db", "vault", config.VAULT_PG_PORT),
    ...DEMO_MPC_NODES.map((n, i) =>
      startDb(`mpc-vault-${n.nodeId}`, `mpc-vault-${n.nodeId}`, config.MPC_VAULT_PG_PORT + i),
    ),
  ]);

  // 2. Chain
  let rpcUrl = config.CHAIN_RPC_URL;
  step("compiling contracts");
  const compile = spawnSync(join(BIN, "hardhat"), ["compile", "--quiet"], {
    cwd: ROOT,
    env,
    stdio: "inherit",
  });
  if (compile.status !== 0) throw new Error("contract compilation failed (npx hardhat compile)");
  if (!rpcUrl) {
    step("starting the local dev chain (Hardhat node, in memory)");
    const chain = sup.start(
      "chain",
      join(BIN, "hardhat"),
      ["node", "--hostname", "127.0.0.1", "--port", String(config.CHAIN_PORT)],
      env,
      ROOT,
      { echo: false },
    );
    rpcUrl = `http://127.0.0.1:${config.CHAIN_PORT}`;
    await waitForJsonRpc(rpcUrl, 120_000, () => chain.proc.exitCode === null);
  }

  // Catalog and authorization registries: deployed once per chain (reused while the chain lives);
  // the enclave reads authorizations from them at job time, the server records into them.
  step("deploying the catalog and authorization registries");
  const registries = await deployRegistries({
    rpcUrl,
    // The server's chain account deploys (it holds REGISTRAR_ROLE); the well-known key only locally.
    privateKey: process.env.CHAIN_PRIVATE_KEY || DEV_CHAIN_ACCOUNT0_PRIVATE_KEY,
    stateFile: join(dataDir, "chain-registries.json"),
  });

  // 3. Enclave and server, each holding only its own key
  const serverKey = serviceKey("server");
  const enclaveKey = serviceKey("enclave");
  step("starting the enclave (loads the vault on first start)");
  const enclave = sup.start("enclave", join(BIN, "tsx"), [join(ROOT, "enclave/src/main.ts")], {
    ...env,
    ENCLAVE_PORT: String(config.ENCLAVE_PORT),
    VAULT_DATABASE_URL: vaultUrl,
    ENCLAVE_SIGNING_KEY: enclaveKey.secretKey,
    ENCLAVE_TRUSTED_CLIENT_KEYS: serverKey.publicKey,
    ENCLAVE_SEED_LEGAL_ENTITIES: String(config.ENCLAVE_SEED_LEGAL_ENTITIES),
    CHAIN_RPC_URL: rpcUrl,
    AUTHORIZATION_REGISTRY_ADDRESS: registries.authorizationRegistry,
    DATABASE_URL: undefined,
  });
  const enclaveUrl = `http://127.0.0.1:${config.ENCLAVE_PORT}`;

  // The MPC nodes, started with the enclave: each its own process, vault, keys and port; each
  // knows the others as peers and trusts the server's key like the enclave does.
  const mpcNodes = DEMO_MPC_NODES.map((n, i) => {
    const keys = serviceKey(`mpc-${n.nodeId}`);
    const encryptionKey = secretHex(`mpc-${n.nodeId}-x25519`);
    return {
      ...n,
      keys,
      encryptionKey,
      url: `http://127.0.0.1:${config.MPC_PORT + i}`,
      port: config.MPC_PORT + i,
      vaultUrl: mpcVaultUrls[i]!,
      peer: {
        nodeId: n.nodeId,
        url: `http://127.0.0.1:${config.MPC_PORT + i}`,
        signingPublicKey: keys.publicKey,
        encryptionPublicKey: x25519PublicKeyOf(encryptionKey),
      },
    };
  });
  if (mpcNodes.length > 0) step(`starting the MPC nodes ${mpcNodes.map((n) => n.nodeId).join(", ")}`);
  const mpcChildren = mpcNodes.map((n) =>
    sup.start(`mpc-${n.nodeId}`, join(BIN, "tsx"), [join(ROOT, "enclave/src/main.ts")], {
      ...env,
      ENCLAVE_PORT: String(n.port),
      VAULT_DATABASE_URL: n.vaultUrl,
      ENCLAVE_SIGNING_KEY: n.keys.secretKey,
      ENCLAVE_TRUSTED_CLIENT_KEYS: serverKey.publicKey,
      ENCLAVE_SEED_LEGAL_ENTITIES: "1000",
      ENCLAVE_DATA_DIR: join(dataDir, `mpc-${n.nodeId}`),
      ENCLAVE_GENERATED_DATASETS: `${n.dataset.code}@${n.dataset.version}=${n.dataset.rows}`,
      ENCLAVE_MPC_NODE_ID: n.nodeId,
      ENCLAVE_MPC_ENCRYPTION_KEY: n.encryptionKey,
      ENCLAVE_MPC_PEERS: JSON.stringify(mpcNodes.filter((o) => o.nodeId !== n.nodeId).map((o) => o.peer)),
      CHAIN_RPC_URL: rpcUrl,
      AUTHORIZATION_REGISTRY_ADDRESS: registries.authorizationRegistry,
      DATABASE_URL: undefined,
      ENCLAVE_KEY_STORE_KEY: undefined,
    }),
  );
  await Promise.all([
    waitForHttp("enclave", `${enclaveUrl}/health`, 300_000, () => enclave.proc.exitCode === null),
    ...mpcNodes.map((n, i) =>
      waitForHttp(
        `mpc-${n.nodeId}`,
        `${n.url}/health`,
        300_000,
        () => mpcChildren[i]!.proc.exitCode === null,
      ),
    ),
  ]);

  step("starting the API server");
  const server = sup.start("server", join(BIN, "tsx"), [join(ROOT, "server/src/main.ts")], {
    ...env,
    PORT: String(config.PORT),
    DATABASE_URL: databaseUrl,
    ENCLAVE_URL: enclaveUrl,
    ENCLAVE_PUBLIC_KEY: enclaveKey.publicKey,
    SERVER_SIGNING_KEY: serverKey.secretKey,
    USER_KEY_ENCRYPTION_KEY: secretHex("user-key-encryption-key"),
    CHAIN_RPC_URL: rpcUrl,
    CATALOG_REGISTRY_ADDRESS: registries.catalogRegistry,
    AUTHORIZATION_REGISTRY_ADDRESS: registries.authorizationRegistry,
    ANCHOR_INTERVAL_MS: String(config.ANCHOR_INTERVAL_MS),
    MPC_NODES: JSON.stringify(
      mpcNodes.map((n) => ({ nodeId: n.nodeId, url: n.url, signingPublicKey: n.keys.publicKey })),
    ),
    ALLOWED_ORIGINS: `http://localhost:${config.WEB_PORT},http://127.0.0.1:${config.WEB_PORT}`,
    VAULT_DATABASE_URL: undefined,
    ENCLAVE_SIGNING_KEY: undefined,
  });
  const apiUrl = `http://127.0.0.1:${config.PORT}`;
  await waitForHttp("server", `${apiUrl}/health`, 180_000, () => server.proc.exitCode === null);

  // 4. Web
  const webEnv = { ...env, API_URL: apiUrl, PORT: String(config.WEB_PORT) };
  const webDir = join(ROOT, "web");
  if (config.PDX_WEB_MODE === "production") {
    const stampFile = join(webDir, ".next", "pdx-source-hash");
    const hash = webSourceHash();
    const upToDate =
      existsSync(join(webDir, ".next", "BUILD_ID")) &&
      existsSync(stampFile) &&
      readFileSync(stampFile, "utf8") === hash;
    if (!upToDate) {
      step("building the web app (next build; only when its sources changed)");
      const build = spawnSync(join(BIN, "next"), ["build"], { cwd: webDir, env: webEnv, stdio: "inherit" });
      if (build.status !== 0) throw new Error("web build failed (next build)");
      writeFileSync(stampFile, hash);
    }
  }
  step("starting the web app");
  const web = sup.start(
    "web",
    join(BIN, "next"),
    [
      config.PDX_WEB_MODE === "production" ? "start" : "dev",
      "-p",
      String(config.WEB_PORT),
      "-H",
      "127.0.0.1",
    ],
    webEnv,
    webDir,
  );
  const webUrl = `http://127.0.0.1:${config.WEB_PORT}`;
  await waitForHttp("web", `${webUrl}/login`, 180_000, () => web.proc.exitCode === null);

  writeFileSync(
    join(dataDir, "runtime.json"),
    JSON.stringify(
      {
        webUrl,
        apiUrl,
        enclaveUrl,
        chainRpcUrl: rpcUrl,
        databaseUrl: redactUrl(databaseUrl),
        pid: process.pid,
      },
      null,
      2,
    ),
  );
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  console.log(`
────────────────────────────────────────────────────────────────────
 公共数据授权运营与交易平台 · Public Data Marketplace — ready in ${secs} s
   Web          ${webUrl}
   API          ${apiUrl}/trpc   (health: ${apiUrl}/health)
   Enclave      ${enclaveUrl}   (signed requests only)
   MPC nodes    ${mpcNodes.map((n) => `${n.nodeId} ${n.url}`).join(" · ")}
   Chain        ${rpcUrl}
 Demo accounts (password Demo#2026):
   buyer@demo.pdx.cn      鹏城商业银行 · buyer
   auditor@demo.pdx.cn    信衡会计师事务所 · auditor
   operator@demo.pdx.cn   城市数据运营有限公司 · operator
   source@demo.pdx.cn     市市场监督管理局 · data source
   regulator@demo.pdx.cn  市数据局 · regulator
 Data: ${dataDir}   ·   Ctrl-C stops everything
────────────────────────────────────────────────────────────────────`);
  console.log("PDX READY");
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable)";
  }
}

main().catch(async (err) => {
  console.error(`[start] ${(err as Error).message}`);
  await shutdown(1);
});
