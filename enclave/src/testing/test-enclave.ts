/**
 * A real enclave for tests: a fresh vault database (createTestDatabase: PGlite, or real
 * PostgreSQL when DATABASE_URL is set), migrations, a small LE-BASE load, and the app listening
 * on a free port of 127.0.0.1. Also a signing client that sends jobs the way the server does.
 * Jobs check their authorization on the chain given by `authorizationRegistry`; without one, the
 * enclave reads a registry at a closed port, so every job is refused with CHAIN_UNAVAILABLE.
 * Like main.ts, it also loads LE-BASE into the generic layout (ingest pipeline) and serves the
 * upload endpoints, product jobs, private set intersection sessions (node:crypto curve on
 * the main thread) and encrypted-query products (one HE worker thread, started at the first HE
 * job), with a key store under a temporary data directory.
 *
 * With `mpc`, the enclave is also an MPC node, wired as main.ts does (createVaultMpcNode: its own
 * vault as the data source, the vault's nonce store; the real app's /v1/mpc/… routes; its ed25519
 * key is the enclave's, its X25519 key fresh unless given). Peers' ports are known only once they listen,
 * so the peer list can be set after start (`mpc.setPeers`): like a restart with a new
 * ENCLAVE_MPC_PEERS, it replaces the node and rebuilds the app, on the same port. Given an
 * `authorizationRegistry`, the node checks every joint job's authorization as main.ts does.
 * test-enclave-cluster.ts starts n such enclaves and connects them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKeyPair, type TEd25519KeyPair } from "@pdx/common/ed25519";
import { createNodePsiCurve } from "@pdx/common/psi/node-curve";
import { signRequest } from "@pdx/common/signed-request";
import { createTestDatabase, type TTestDatabase } from "@pdx/common/testing/test-database";
import { CATALOG_DATASETS } from "@pdx/seeds/catalog/index";
import { createEnclaveApp, type TEnclaveAppDeps } from "../app";
import {
  createAuthorizationRegistryReader,
  type TAuthorizationRegistryReaderOptions,
} from "../authorization/authorization-registry";
import { createHeWorkerPool, type HeWorkerPool } from "../he/he-worker-pool";
import { ensureLegalEntitiesVersion } from "../ingest/generated-versions";
import { UploadService } from "../ingest/upload-service";
import { HeService } from "../jobs/he-service";
import { createProductJobEngines, previewProductJob } from "../jobs/product-job-engines";
import { ProductJobQueue } from "../jobs/product-job-queue";
import { PsiService } from "../jobs/psi-service";
import { type KeyStore, openKeyStore } from "../keys/key-store";
import type { TEnclaveLogEvent } from "../log";
import { generateMpcKeys, mpcKeysOf, type TMpcKeys } from "../mpc/envelope";
import type { TMpcInspector } from "../mpc/joint-aggregate-job";
import type { MpcNode } from "../mpc/mpc-node";
import { parseMpcNodeConfig, type TMpcPeer } from "../mpc/node-config";
import { createVaultMpcNode } from "../mpc/vault-node";
import { PsiColumnCache } from "../psi/psi-column";
import { PsiSessionStore } from "../psi/psi-session-store";
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
  keyStore: KeyStore;
  /** The enclave's data directory (key file, staging files). */
  dataDir: string;
  /** The running app's product-job queue. */
  readonly productJobs: ProductJobQueue;
  /** The running app's upload service. */
  readonly uploads: UploadService;
  /** This enclave as an MPC node, when started with `mpc`; null otherwise. */
  readonly mpc: TTestEnclaveMpc | null;
  /** Stops the listener (the vault and database stay, for a restart on the same data). */
  stopApp(): Promise<void>;
  /** Starts a fresh app (and vault pool) on the same database, as a restarted enclave would. */
  restartApp(): Promise<void>;
  /** Stops everything and drops the database. */
  stop(): Promise<void>;
}

export interface TTestEnclaveMpc {
  nodeId: string;
  /** The node's keys: ed25519 = the enclave's receipt key pair, X25519 = its encryption key pair. */
  keys: TMpcKeys;
  /** How other nodes list this one: its current URL (restartApp changes it) and public keys. */
  readonly peer: TMpcPeer;
  /** The running app's node. */
  readonly node: MpcNode;
  /** Replaces the peer list: a new node with the new list and the app rebuilt, on the same port. */
  setPeers(peers: readonly TMpcPeer[]): void;
}

export interface TTestEnclaveMpcOptions {
  nodeId: string;
  /** The node's X25519 secret key (hex; default: a fresh one). */
  encryptionKey?: string;
  /** Peers known at start (default none; see `mpc.setPeers`). */
  peers?: readonly TMpcPeer[];
  /** FOR TESTS ONLY: sees values that never leave the node (joint-aggregate-job.ts). */
  inspect?: TMpcInspector;
}

export interface TTestEnclaveOptions {
  /** LE-BASE rows to load (default 5,000). */
  seedCount?: number;
  /** The client key pair the enclave trusts (default: a fresh one). */
  clientKeys?: TEd25519KeyPair;
  /** Start the enclave as an MPC node too (see the module comment). */
  mpc?: TTestEnclaveMpcOptions;
  /** Chain JSON-RPC URL and AuthorizationRegistry address that jobs are checked against. */
  authorizationRegistry?: TAuthorizationRegistryReaderOptions;
  appDeps?: Partial<Omit<TEnclaveAppDeps, "vault" | "signingKey" | "trustedClientKeys">>;
}

/** Starts a test enclave; see the module comment. */
export async function startTestEnclave(options: TTestEnclaveOptions = {}): Promise<TTestEnclave> {
  const db = await createTestDatabase();
  const enclaveKeys = generateKeyPair();
  const clientKeys = options.clientKeys ?? generateKeyPair();
  const logs: TEnclaveLogEvent[] = [];
  let vault = Vault.open(db.url);
  const authorizations = createAuthorizationRegistryReader(
    options.authorizationRegistry ?? {
      rpcUrl: "http://127.0.0.1:9",
      address: "0x0000000000000000000000000000000000000000",
    },
  );
  const dataDir = mkdtempSync(join(tmpdir(), "pdx-enclave-"));
  const keyStore = await openKeyStore({ dataDir });
  const prepare = async () => {
    await vault.migrate();
    await vault.ensureLegalEntities({ count: options.seedCount ?? 5000 });
    await ensureLegalEntitiesVersion(
      { store: vault.ingestStore(), keyStore },
      { count: options.seedCount ?? 5000 },
    );
  };
  await prepare();
  const psiCurve = await createNodePsiCurve();
  // Started at the first HE job only: most tests never run one.
  let hePool: HeWorkerPool | undefined;
  const heEvaluator = {
    evaluate(job: Parameters<HeWorkerPool["evaluate"]>[0]) {
      hePool ??= createHeWorkerPool({ size: 1 });
      return hePool.evaluate(job);
    },
  };

  // The MPC node, when asked for: rebuilt with the vault (restartApp) and with the peer list.
  const mpcOptions = options.mpc;
  const mpcKeys = mpcOptions
    ? mpcKeysOf(enclaveKeys.secretKey, mpcOptions.encryptionKey ?? generateMpcKeys().encryptionKey)
    : null;
  let mpcPeers: readonly TMpcPeer[] = mpcOptions?.peers ?? [];
  let mpcNode: MpcNode | undefined;
  const startMpcNode = (): MpcNode | undefined =>
    mpcOptions && mpcKeys
      ? createVaultMpcNode({
          config: parseMpcNodeConfig({
            nodeId: mpcOptions.nodeId,
            signingKey: mpcKeys.signingKey,
            encryptionKey: mpcKeys.encryptionKey,
            peers: mpcPeers,
          }),
          vault,
          log: (e) => logs.push(e),
          inspect: mpcOptions.inspect,
          // Joint jobs are checked against the chain only when the test gives a registry.
          ...(options.authorizationRegistry ? { authorizations } : {}),
        })
      : undefined;

  let close: () => Promise<void> = async () => {};
  let productJobs!: ProductJobQueue;
  let uploads!: UploadService;
  let psi!: PsiService;
  let he!: HeService;
  let handler!: RequestListener;
  const buildApp = () =>
    createEnclaveApp({
      vault,
      signingKey: enclaveKeys.secretKey,
      trustedClientKeys: [clientKeys.publicKey],
      authorizations,
      log: (e) => logs.push(e),
      uploads,
      productJobs: { queue: productJobs, preview: (request) => previewProductJob(vault, request) },
      psi,
      he,
      mpc: mpcNode,
      ...options.appDeps,
    });
  const listen = async () => {
    uploads = await UploadService.open({
      store: vault.ingestStore(),
      keyStore,
      dataDir,
      log: (e) => logs.push(e),
    });
    productJobs = new ProductJobQueue({
      store: vault.productJobStore(),
      engines: createProductJobEngines({
        vault,
        keyStore,
        authorizations,
        catalog: CATALOG_DATASETS,
        // ~55 rows per LE-BASE district × industry cell: the example logic has cells above k = 20.
        mockRows: 10_000,
      }),
      signer: { secretKey: enclaveKeys.secretKey, publicKey: enclaveKeys.publicKey },
      log: (e) => logs.push(e),
    });
    await productJobs.recover();
    psi = new PsiService({
      vault,
      keyStore,
      authorizations,
      curve: psiCurve,
      columns: new PsiColumnCache(),
      sessions: new PsiSessionStore(),
      signer: { secretKey: enclaveKeys.secretKey, publicKey: enclaveKeys.publicKey },
    });
    he = new HeService({
      vault,
      keyStore,
      authorizations,
      catalog: CATALOG_DATASETS,
      pool: heEvaluator,
      signer: { secretKey: enclaveKeys.secretKey, publicKey: enclaveKeys.publicKey },
    });
    mpcNode = startMpcNode();
    handler = buildApp();
    // The listener goes through `handler`, so setPeers can swap the app on the same port.
    const server = createServer((req, res) => handler(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once("listening", resolve);
      server.once("error", reject);
      server.listen(0, "127.0.0.1");
    });
    const [jobs, service, sessions, encrypted] = [productJobs, uploads, psi, he];
    close = async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      mpcNode?.close();
      mpcNode = undefined;
      await jobs.stop();
      await service.close();
      sessions.close();
      encrypted.close();
    };
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  const mpc: TTestEnclaveMpc | null =
    mpcOptions && mpcKeys
      ? {
          nodeId: mpcOptions.nodeId,
          keys: mpcKeys,
          get peer() {
            return {
              nodeId: mpcOptions.nodeId,
              url: handle.url,
              signingPublicKey: mpcKeys.signingPublicKey,
              encryptionPublicKey: mpcKeys.encryptionPublicKey,
            };
          },
          get node() {
            if (!mpcNode) throw new Error(`test enclave ${mpcOptions.nodeId} is not running`);
            return mpcNode;
          },
          setPeers(peers) {
            mpcPeers = [...peers];
            if (!mpcNode) return; // stopped: the next restartApp uses the new list
            mpcNode.close();
            mpcNode = startMpcNode();
            handler = buildApp();
          },
        }
      : null;

  const handle: TTestEnclave = {
    url: await listen(),
    db,
    get vault() {
      return vault;
    },
    enclaveKeys,
    clientKeys,
    logs,
    keyStore,
    dataDir,
    get productJobs() {
      return productJobs;
    },
    get uploads() {
      return uploads;
    },
    mpc,
    stopApp: () => close(),
    async restartApp() {
      await close();
      await vault.close();
      vault = Vault.open(db.url);
      await prepare();
      handle.url = await listen();
    },
    async stop() {
      await close();
      await psiCurve.close();
      await hePool?.close();
      await vault.close();
      await authorizations.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
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

/** Sends a signed request with any method (body object → JSON; none for GET). */
export async function sendSigned(
  url: string,
  signer: TEd25519KeyPair,
  method: "GET" | "POST" | "PUT" | "DELETE",
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const bodyText = body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body);
  const headers = signRequest({
    method,
    path,
    body: bodyText,
    secretKey: signer.secretKey,
    publicKey: signer.publicKey,
  });
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { ...headers, ...(bodyText ? { "content-type": "application/json" } : {}) },
    ...(bodyText ? { body: bodyText } : {}),
  });
  return { status: res.status, json: await res.json() };
}
