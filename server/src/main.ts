/**
 * The API server process: parse config, migrate and seed the database, check the enclave's
 * identity, make sure the chain contract exists (re-anchoring after a dev-chain reset), start
 * the anchoring timer, listen. SIGINT/SIGTERM stop it cleanly.
 */
import type { Server } from "node:http";
import { loadConfigOrExit } from "@pdx/common/env";
import { createChainClient, type TChainClient } from "./chain";
import { createRegistriesClient, type TRegistriesClient } from "./chain/registries";
import { ZServerConfig } from "./config";
import { createDb, type TDb } from "./db";
import { flushChainWrites, reconcileRegistryDeployment } from "./domain/chain-writes/outbox";
import { isDomainError } from "./domain/domain-error";
import { seedDemoData } from "./domain/seed/seed-demo-data";
import { createKeyring } from "./domain/signing/keyring";
import { reanchorAfterChainReset } from "./domain/usage/anchoring";
import { createEnclaveClient, type TEnclaveClient } from "./enclave-client";
import { createMpcJobsClient } from "./enclave-client/mpc-jobs";
import { createServerApp } from "./http/app";
import { startAnchoringTimer, type TAnchoringTimer } from "./jobs/anchoring-timer";
import { startChainWritesTimer, type TChainWritesTimer } from "./jobs/chain-writes-timer";
import { startExpiryTimer, type TExpiryTimer } from "./jobs/expiry-timer";
import { startProductJobsTimer, type TProductJobsTimer } from "./jobs/product-jobs-timer";

const NAME = "server";
const log = (line: string) => console.log(`[${NAME}] ${line}`);
const logError = (line: string) => console.error(`[${NAME}] ${line}`);

/** How long to wait for the enclave to come up before giving up. */
const ENCLAVE_WAIT_MS = 120_000;

async function waitForEnclaveIdentity(enclave: TEnclaveClient, expectedPublicKey: string): Promise<void> {
  const deadline = Date.now() + ENCLAVE_WAIT_MS;
  let announced = false;
  for (;;) {
    try {
      const identity = await enclave.identity();
      if (identity.publicKey !== expectedPublicKey) {
        throw new Error(
          `the enclave at ENCLAVE_URL identifies with public key ${identity.publicKey.slice(0, 16)}…, ` +
            `not ENCLAVE_PUBLIC_KEY ${expectedPublicKey.slice(0, 16)}…; refusing to start (wrong enclave or stale key)`,
        );
      }
      log(
        `enclave identity checked (key ${identity.keyId}; datasets: ${identity.datasets.map((d) => `${d.code}@${d.version}`).join(", ") || "none"})`,
      );
      return;
    } catch (err) {
      if (!isDomainError(err, "ENCLAVE_UNAVAILABLE") || Date.now() > deadline) throw err;
      if (!announced) log("waiting for the enclave to start…");
      announced = true;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

async function main() {
  const config = loadConfigOrExit(NAME, ZServerConfig);
  let db: TDb | undefined;
  let chain: TChainClient | undefined;
  let timer: TAnchoringTimer | undefined;
  let chainWritesTimer: TChainWritesTimer | undefined;
  let expiryTimer: TExpiryTimer | undefined;
  let productJobsTimer: TProductJobsTimer | undefined;
  let registries: TRegistriesClient | undefined;
  let server: Server | undefined;
  let stopping = false;

  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log("stopping…");
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server?.closeAllConnections();
    await timer?.stop(); // waits for an in-flight anchoring to finish
    await expiryTimer?.stop();
    await productJobsTimer?.stop();
    await chainWritesTimer?.stop();
    await registries?.close();
    await chain?.close();
    await db?.close();
    log("stopped");
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));

  try {
    db = createDb(config.DATABASE_URL);
    const migrations = await db.migrate();
    log(`migrations: ${migrations.applied.length} applied, ${migrations.alreadyApplied} already applied`);
    const keyring = createKeyring(config.USER_KEY_ENCRYPTION_KEY);
    const seeded = await seedDemoData(db, { keyring });
    log(
      `demo data: ${seeded.organizations} organizations, ${seeded.users} users (${seeded.usersCreated} new), ${seeded.products} products`,
    );

    const enclave = createEnclaveClient({
      baseUrl: config.ENCLAVE_URL,
      serverSigningKey: config.SERVER_SIGNING_KEY,
      enclavePublicKey: config.ENCLAVE_PUBLIC_KEY,
    });
    await waitForEnclaveIdentity(enclave, config.ENCLAVE_PUBLIC_KEY);
    const mpc =
      config.MPC_NODES.length > 0
        ? createMpcJobsClient({ nodes: config.MPC_NODES, serverSigningKey: config.SERVER_SIGNING_KEY })
        : null;

    chain = createChainClient({ rpcUrl: config.CHAIN_RPC_URL, privateKey: config.CHAIN_PRIVATE_KEY });
    const anchor = await reanchorAfterChainReset(db, chain, { log });
    log(
      `UsageAnchor at ${anchor.address} on chain ${anchor.chainId}${anchor.deployedNow ? " (deployed now)" : ""}`,
    );

    timer = startAnchoringTimer({ db, chain, intervalMs: config.ANCHOR_INTERVAL_MS, log, logError });

    registries = createRegistriesClient({
      rpcUrl: config.CHAIN_RPC_URL,
      privateKey: config.CHAIN_PRIVATE_KEY,
      catalogRegistryAddress: config.CATALOG_REGISTRY_ADDRESS,
      authorizationRegistryAddress: config.AUTHORIZATION_REGISTRY_ADDRESS,
    });
    await reconcileRegistryDeployment(db, registries, { log });
    // Everything seeded or left pending goes on chain before the server takes requests, so the
    // enclave (which checks authorizations on chain) sees what the database says is active.
    const flushed = await flushChainWrites({ db, registries, log: logError }, 120_000);
    log(
      `chain writes: ${flushed.status === "done" ? `${flushed.confirmed.length} confirmed, ${flushed.pending} pending` : flushed.status}`,
    );
    expiryTimer = startExpiryTimer({ db, registries, intervalMs: 60_000, log, logError });
    await expiryTimer.tickNow();
    chainWritesTimer = startChainWritesTimer({
      db,
      registries,
      intervalMs: config.CHAIN_WRITES_INTERVAL_MS,
      log,
      logError,
    });
    productJobsTimer = startProductJobsTimer({
      db,
      productJobs: enclave.productJobs,
      intervalMs: 1000,
      log,
      logError,
    });

    const app = createServerApp(
      {
        db,
        enclave,
        mpc,
        chain,
        registries,
        enclavePublicKey: config.ENCLAVE_PUBLIC_KEY,
        sessionTtlMinutes: config.SESSION_TTL_MINUTES,
        keyring,
        publicNoticeDays: config.PUBLIC_NOTICE_DAYS,
        allowedOrigins: config.ALLOWED_ORIGINS,
        log: logError,
      },
      { cookieSecure: config.COOKIE_SECURE },
    );
    server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(config.PORT, config.HOST);
      s.once("listening", () => resolve(s));
      s.once("error", (err: NodeJS.ErrnoException) =>
        reject(err.code === "EADDRINUSE" ? new Error(`port ${config.PORT} is already in use`) : err),
      );
    });
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : config.PORT;
    log(`server ready on http://${config.HOST}:${port}`);
  } catch (err) {
    logError(
      isDomainError(err)
        ? `${err.userMessage}${err.internalDetail ? ` (${err.internalDetail})` : ""}`
        : (err as Error).message,
    );
    await shutdown(1);
  }
}

void main();
