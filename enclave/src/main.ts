/**
 * The enclave process. Reads its configuration (config.ts; exit 78 naming a bad variable), binds
 * its port first (so a port in use fails fast, with the port named), prepares the vault
 * (migrations, then LE-BASE ingest on first start — into its legacy table and, through the ingest
 * pipeline, as a generic version) while /health answers 503, then serves the app with its upload
 * endpoints. The key store's master secret is ENCLAVE_KEY_STORE_KEY or a 0600 file in
 * ENCLAVE_DATA_DIR (created on first start), which also holds the uploads' staging files. Every job's authorization is read from the AuthorizationRegistry (CHAIN_RPC_URL,
 * AUTHORIZATION_REGISTRY_ADDRESS) at job time. With ENCLAVE_MPC_NODE_ID set (and its key and
 * peers, config.ts), the enclave is also an MPC node (mpc/README.md, mpc/vault-node.ts): it reads
 * its own vault for joint aggregates, claims message nonces in the vault's store (replays refused
 * across restarts), and serves /v1/mpc/…. Encrypted-query jobs run on a pool of HE worker
 * threads (one per core beyond the first, at most two: the main thread keeps serving). SIGINT/
 * SIGTERM close the listener, fail the running MPC jobs (telling their peers), stop the HE
 * workers, close the vault pool and exit 0.
 */
import { createServer, type RequestListener } from "node:http";
import { availableParallelism } from "node:os";
import { publicKeyOf } from "@pdx/common/ed25519";
import { loadConfigOrExit } from "@pdx/common/env";
import type { TPsiCurve } from "@pdx/common/psi/curve";
import { createNodePsiCurvePool } from "@pdx/common/psi/node-curve-pool";
import { CATALOG_DATASETS } from "@pdx/seeds/catalog/index";
import { createEnclaveApp } from "./app";
import { createAuthorizationRegistryReader } from "./authorization/authorization-registry";
import { ZEnclaveConfig } from "./config";
import { createHeWorkerPool, type HeWorkerPool } from "./he/he-worker-pool";
import { ensureCatalogSampleVersion, ensureLegalEntitiesVersion } from "./ingest/generated-versions";
import { UploadService } from "./ingest/upload-service";
import { HeService } from "./jobs/he-service";
import { createProductJobEngines, previewProductJob } from "./jobs/product-job-engines";
import { ProductJobQueue } from "./jobs/product-job-queue";
import { PsiService } from "./jobs/psi-service";
import { openKeyStore } from "./keys/key-store";
import { jsonLineLog as log, sqlStateOf } from "./log";
import type { MpcNode } from "./mpc/mpc-node";
import { mpcNodeConfigOf } from "./mpc/node-config";
import { createVaultMpcNode } from "./mpc/vault-node";
import { PsiColumnCache } from "./psi/psi-column";
import { PsiSessionStore } from "./psi/psi-session-store";
import { Vault } from "./vault/vault";

const startedAt = performance.now();
const config = loadConfigOrExit("enclave", ZEnclaveConfig);
const mpcConfig = mpcNodeConfigOf(config, config.ENCLAVE_SIGNING_KEY);

const starting: RequestListener = (_req, res) => {
  res.writeHead(503, { "content-type": "application/json", "retry-after": "1" });
  res.end(
    JSON.stringify({
      error: { code: "INTERNAL", message: "the enclave is starting: its vault is being prepared" },
    }),
  );
};
let handler: RequestListener = starting;
const server = createServer((req, res) => handler(req, res));

await new Promise<void>((resolve) => {
  server.once("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EADDRINUSE") console.error(`[enclave] port ${config.ENCLAVE_PORT} is already in use`);
    else if (err.code === "EACCES")
      console.error(`[enclave] not allowed to listen on port ${config.ENCLAVE_PORT}`);
    else
      console.error(
        `[enclave] cannot listen on ${config.ENCLAVE_HOST}:${config.ENCLAVE_PORT} (${err.code ?? "error"})`,
      );
    process.exit(1);
  });
  server.listen(config.ENCLAVE_PORT, config.ENCLAVE_HOST, resolve);
});
const address = server.address();
const port = typeof address === "object" && address ? address.port : config.ENCLAVE_PORT;
log({ event: "listening", url: `http://${config.ENCLAVE_HOST}:${port}` });

const authorizations = createAuthorizationRegistryReader({
  rpcUrl: config.CHAIN_RPC_URL,
  address: config.AUTHORIZATION_REGISTRY_ADDRESS,
});

// The key store first: without it nothing can be loaded. Its errors name the file, never the key.
const keyStore = await openKeyStore({
  dataDir: config.ENCLAVE_DATA_DIR,
  envKey: config.ENCLAVE_KEY_STORE_KEY,
}).catch((err: unknown) => {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  console.error(
    `[enclave] cannot open the key store in ENCLAVE_DATA_DIR: ${code ?? (err instanceof Error ? err.message : "error")}`,
  );
  process.exit(1);
});

const vault = Vault.open(config.VAULT_DATABASE_URL, {
  onPoolError: (err) => log({ event: "vault_pool_error", sqlState: sqlStateOf(err) }),
});

let uploads: UploadService | undefined;
let productJobs: ProductJobQueue | undefined;
let psi: PsiService | undefined;
let psiCurve: TPsiCurve | undefined;
let he: HeService | undefined;
let hePool: HeWorkerPool | undefined;
let mpc: MpcNode | undefined;
let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  log({ event: "stopping", signal });
  server.close();
  server.closeAllConnections();
  mpc?.close();
  await uploads?.close().catch(() => {});
  await productJobs?.stop().catch(() => {});
  psi?.close();
  await psiCurve?.close().catch(() => {});
  he?.close();
  await hePool?.close().catch(() => {});
  await vault.close().catch(() => {});
  await authorizations.close().catch(() => {});
  process.exit(0);
}
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));

try {
  const migrations = await vault.migrate();
  log({
    event: "vault_migrations",
    applied: migrations.applied.length,
    alreadyApplied: migrations.alreadyApplied,
  });
  const ingest = await vault.ensureLegalEntities({ count: config.ENCLAVE_SEED_LEGAL_ENTITIES });
  log({
    event: "vault_ingest",
    dataset: ingest.dataset,
    version: ingest.version,
    status: ingest.status,
    rows: ingest.rows,
    ms: ingest.ms,
  });
  if (ingest.status === "already-loaded" && ingest.rows !== config.ENCLAVE_SEED_LEGAL_ENTITIES) {
    console.error(
      `[enclave] note: ${ingest.dataset} ${ingest.version} is already loaded with ${ingest.rows} rows; ` +
        `ENCLAVE_SEED_LEGAL_ENTITIES=${config.ENCLAVE_SEED_LEGAL_ENTITIES} applies to an empty vault only`,
    );
  }
  const store = vault.ingestStore();
  const generic = await ensureLegalEntitiesVersion(
    { store, keyStore },
    { count: config.ENCLAVE_SEED_LEGAL_ENTITIES },
  );
  log({
    event: "vault_ingest",
    dataset: generic.stored.code,
    version: generic.stored.version,
    status: generic.status,
    rows: generic.stored.rowCount,
    ms: generic.ms,
  });
  // Generated department datasets (ENCLAVE_GENERATED_DATASETS), e.g. an MPC node's own data.
  for (const dataset of config.ENCLAVE_GENERATED_DATASETS) {
    const loaded = await ensureCatalogSampleVersion({ store, keyStore }, dataset);
    log({
      event: "vault_ingest",
      dataset: loaded.stored.code,
      version: loaded.stored.version,
      status: loaded.status,
      rows: loaded.stored.rowCount,
      ms: loaded.ms,
    });
  }
  uploads = await UploadService.open({ store, keyStore, dataDir: config.ENCLAVE_DATA_DIR, log });
  productJobs = new ProductJobQueue({
    store: vault.productJobStore(),
    engines: createProductJobEngines({ vault, keyStore, authorizations, catalog: CATALOG_DATASETS }),
    signer: { secretKey: config.ENCLAVE_SIGNING_KEY, publicKey: publicKeyOf(config.ENCLAVE_SIGNING_KEY) },
    log,
  });
  const recovered = await productJobs.recover();
  if (recovered > 0) log({ event: "product_jobs_recovered", count: recovered });
  psiCurve = await createNodePsiCurvePool();
  psi = new PsiService({
    vault,
    keyStore,
    authorizations,
    curve: psiCurve,
    columns: new PsiColumnCache(),
    // What is kept of an ended session: its sizes and counts, in the log.
    sessions: new PsiSessionStore({ onEnd: (summary) => log({ event: "psi_session_end", ...summary }) }),
    signer: { secretKey: config.ENCLAVE_SIGNING_KEY, publicKey: publicKeyOf(config.ENCLAVE_SIGNING_KEY) },
  });
  hePool = createHeWorkerPool({ size: Math.max(1, Math.min(2, availableParallelism() - 1)) });
  he = new HeService({
    vault,
    keyStore,
    authorizations,
    catalog: CATALOG_DATASETS,
    pool: hePool,
    signer: { secretKey: config.ENCLAVE_SIGNING_KEY, publicKey: publicKeyOf(config.ENCLAVE_SIGNING_KEY) },
  });
  if (mpcConfig) {
    mpc = createVaultMpcNode({ config: mpcConfig, vault, log, authorizations });
    log({ event: "mpc_node", nodeId: mpc.id, peers: mpcConfig.peers.map((p) => p.nodeId) });
  }
} catch (err) {
  // Never the error text: it may carry SQL or connection details. The code says enough.
  const code = sqlStateOf(err) ?? (err as NodeJS.ErrnoException | null)?.code ?? (err as Error | null)?.name;
  console.error(
    `[enclave] cannot prepare the vault database named by VAULT_DATABASE_URL (${code ?? "error"})`,
  );
  await vault.close().catch(() => {});
  process.exit(1);
}

if (!stopping) {
  handler = createEnclaveApp({
    vault,
    signingKey: config.ENCLAVE_SIGNING_KEY,
    trustedClientKeys: config.ENCLAVE_TRUSTED_CLIENT_KEYS,
    authorizations,
    log,
    uploads,
    productJobs: productJobs && {
      queue: productJobs,
      preview: (request) => previewProductJob(vault, request),
    },
    psi,
    he,
    mpc,
  });
  log({ event: "ready", ms: Math.round(performance.now() - startedAt) });
}
