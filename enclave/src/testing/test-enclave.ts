/**
 * A real enclave for tests: a fresh vault database (createTestDatabase: PGlite, or real
 * PostgreSQL when DATABASE_URL is set), migrations, a small LE-BASE load, and the app listening
 * on a free port of 127.0.0.1. Also a signing client that sends jobs the way the server does.
 * Jobs check their authorization on the chain given by `authorizationRegistry`; without one, the
 * enclave reads a registry at a closed port, so every job is refused with CHAIN_UNAVAILABLE.
 */
import type { AddressInfo } from "node:net";
import { generateKeyPair, type TEd25519KeyPair } from "@pdx/common/ed25519";
import { signRequest } from "@pdx/common/signed-request";
import { createTestDatabase, type TTestDatabase } from "@pdx/common/testing/test-database";
import { createEnclaveApp, type TEnclaveAppDeps } from "../app";
import {
  createAuthorizationRegistryReader,
  type TAuthorizationRegistryReaderOptions,
} from "../authorization/authorization-registry";
import type { TEnclaveLogEvent } from "../log";
import { Vault } from "../vault/vault";

export interface TTestEnclave {
  url: string;
  db: TTestDatabase;
  vault: Vault;
  /** The enclave's receipt key pair. */
  enclaveKeys: TEd25519KeyPair;
  /** A client key pair the enclave trusts. */
  clientKeys: TEd25519KeyPair;
  /** Every event the enclave logged, in order. */
  logs: TEnclaveLogEvent[];
  /** Stops the listener (the vault and database stay, for a restart on the same data). */
  stopApp(): Promise<void>;
  /** Starts a fresh app (and vault pool) on the same database, as a restarted enclave would. */
  restartApp(): Promise<void>;
  /** Stops everything and drops the database. */
  stop(): Promise<void>;
}

export interface TTestEnclaveOptions {
  /** LE-BASE rows to load (default 5,000). */
  seedCount?: number;
  /** Chain JSON-RPC URL and AuthorizationRegistry address that jobs are checked against. */
  authorizationRegistry?: TAuthorizationRegistryReaderOptions;
  appDeps?: Partial<Omit<TEnclaveAppDeps, "vault" | "signingKey" | "trustedClientKeys">>;
}

/** Starts a test enclave; see the module comment. */
export async function startTestEnclave(options: TTestEnclaveOptions = {}): Promise<TTestEnclave> {
  const db = await createTestDatabase();
  const enclaveKeys = generateKeyPair();
  const clientKeys = generateKeyPair();
  const logs: TEnclaveLogEvent[] = [];
  let vault = Vault.open(db.url);
  const authorizations = createAuthorizationRegistryReader(
    options.authorizationRegistry ?? {
      rpcUrl: "http://127.0.0.1:9",
      address: "0x0000000000000000000000000000000000000000",
    },
  );
  await vault.migrate();
  await vault.ensureLegalEntities({ count: options.seedCount ?? 5000 });

  let close: () => Promise<void> = async () => {};
  const listen = async () => {
    const app = createEnclaveApp({
      vault,
      signingKey: enclaveKeys.secretKey,
      trustedClientKeys: [clientKeys.publicKey],
      authorizations,
      log: (e) => logs.push(e),
      ...options.appDeps,
    });
    const server = app.listen(0, "127.0.0.1");
    await new Promise<void>((resolve, reject) => {
      server.once("listening", resolve);
      server.once("error", reject);
    });
    close = () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  const handle: TTestEnclave = {
    url: await listen(),
    db,
    get vault() {
      return vault;
    },
    enclaveKeys,
    clientKeys,
    logs,
    stopApp: () => close(),
    async restartApp() {
      await close();
      await vault.close();
      vault = Vault.open(db.url);
      await vault.migrate();
      await vault.ensureLegalEntities({ count: options.seedCount ?? 5000 });
      handle.url = await listen();
    },
    async stop() {
      await close();
      await vault.close();
      await authorizations.close();
      await db.drop();
    },
  };
  return handle;
}

export interface TSignedPostOptions {
  /** Key pair that signs (default: the trusted client). */
  keys?: TEd25519KeyPair;
  /** Signing clock (ms). */
  now?: number;
  nonce?: string;
  /** Sent body, when it should differ from the signed one. */
  sentBody?: string;
  path?: string;
}

/** POSTs a signed body (object → JSON) to `url + path`; returns status, parsed JSON and the headers sent. */
export async function postSigned(
  url: string,
  signer: TEd25519KeyPair,
  body: unknown,
  options: TSignedPostOptions = {},
): Promise<{ status: number; json: unknown; headers: Record<string, string>; bodyText: string }> {
  const path = options.path ?? "/v1/jobs/aggregate";
  const bodyText = typeof body === "string" ? body : JSON.stringify(body);
  const keys = options.keys ?? signer;
  const headers = signRequest({
    method: "POST",
    path,
    body: bodyText,
    secretKey: keys.secretKey,
    publicKey: keys.publicKey,
    now: options.now,
    nonce: options.nonce,
  });
  const res = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: options.sentBody ?? bodyText,
  });
  return { status: res.status, json: await res.json(), headers, bodyText };
}
