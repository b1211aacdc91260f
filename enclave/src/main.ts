/**
 * The enclave process. Reads its configuration (config.ts; exit 78 naming a bad variable), binds
 * its port first (so a port in use fails fast, with the port named), prepares the vault
 * (migrations, then LE-BASE ingest on first start) while /health answers 503, then serves the
 * app. Every job's authorization is read from the AuthorizationRegistry (CHAIN_RPC_URL,
 * AUTHORIZATION_REGISTRY_ADDRESS) at job time. SIGINT/SIGTERM close the listener and the vault
 * pool and exit 0.
 */
import { createServer, type RequestListener } from "node:http";
import { loadConfigOrExit } from "@pdx/common/env";
import { createEnclaveApp } from "./app";
import { createAuthorizationRegistryReader } from "./authorization/authorization-registry";
import { ZEnclaveConfig } from "./config";
import { jsonLineLog as log, sqlStateOf } from "./log";
import { Vault } from "./vault/vault";

const startedAt = performance.now();
const config = loadConfigOrExit("enclave", ZEnclaveConfig);

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

const vault = Vault.open(config.VAULT_DATABASE_URL, {
  onPoolError: (err) => log({ event: "vault_pool_error", sqlState: sqlStateOf(err) }),
});

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  log({ event: "stopping", signal });
  server.close();
  server.closeAllConnections();
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
  });
  log({ event: "ready", ms: Math.round(performance.now() - startedAt) });
}
