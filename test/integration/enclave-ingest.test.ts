/**
 * The vault's ingest endpoints end to end: a real enclave app (createEnclaveApp with its upload
 * service) on a real vault database (PGlite, or PostgreSQL with DATABASE_URL), every request
 * signed like the server signs it. Covers the session lifecycle (start, chunks, resume, complete,
 * cancel), every refusal code, all-or-nothing loads, JSON Lines, the versions list, and resuming
 * both a receiving and a validating upload across a restart of the enclave.
 */
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { generateKeyPair } from "@pdx/common/ed25519";
import { ZEnclaveError } from "@pdx/common/enclave-api";
import { signRequest } from "@pdx/common/signed-request";
import {
  type TStartUploadRequest,
  type TUploadStatus,
  UPLOAD_CHUNK_BYTES,
  ZDatasetVersion,
  ZUploadStatus,
} from "@pdx/common/vault-api";
import { createEnclaveApp } from "@pdx/enclave/src/app";
import { createAuthorizationRegistryReader } from "@pdx/enclave/src/authorization/authorization-registry";
import {
  startIngestHarness,
  type TIngestHarness,
  testCsv,
  testJsonl,
  testRow,
  testSpec,
} from "@pdx/enclave/src/ingest/test-support";
import { UploadService } from "@pdx/enclave/src/ingest/upload-service";
import type { TEnclaveLogEvent } from "@pdx/enclave/src/log";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const enclaveKeys = generateKeyPair();
const clientKeys = generateKeyPair();
const authorizations = createAuthorizationRegistryReader({
  rpcUrl: "http://127.0.0.1:9",
  address: "0x0000000000000000000000000000000000000000",
});

let harness: TIngestHarness;
let uploads: UploadService;
let url: string;
let closeServer: () => Promise<void>;
const logs: TEnclaveLogEvent[] = [];

async function startApp() {
  uploads = await UploadService.open({
    store: harness.store,
    keyStore: harness.keyStore,
    dataDir: harness.dataDir,
    log: (e) => logs.push(e),
    batchRows: 1000,
  });
  const app = createEnclaveApp({
    vault: harness.vault,
    signingKey: enclaveKeys.secretKey,
    trustedClientKeys: [clientKeys.publicKey],
    authorizations,
    log: (e) => logs.push(e),
    uploads,
  });
  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closeServer = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
}

/** Stops the app and its upload service, reopens the vault pool, starts again (a restart). */
async function restart() {
  await closeServer();
  await uploads.close();
  await harness.reopen();
  await startApp();
}

beforeAll(async () => {
  harness = await startIngestHarness();
  await startApp();
});
afterAll(async () => {
  await closeServer?.();
  await uploads?.close();
  await harness?.stop();
  await authorizations.close();
});

interface TResponse {
  status: number;
  json: unknown;
}

async function call(
  method: string,
  path: string,
  body?: string | Buffer,
  unsigned = false,
): Promise<TResponse> {
  const signedBody = body === undefined ? "" : body;
  const headers: Record<string, string> = unsigned
    ? {}
    : signRequest({
        method,
        path,
        body: signedBody,
        secretKey: clientKeys.secretKey,
        publicKey: clientKeys.publicKey,
      });
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...headers,
      "content-type": typeof body === "string" ? "application/json" : "application/octet-stream",
    },
    body: typeof body === "string" || body === undefined ? body : new Uint8Array(body),
  });
  return { status: res.status, json: await res.json() };
}

function expectError(res: TResponse, status: number, code: string): string {
  expect(res.status).toBe(status);
  const body = ZEnclaveError.parse(res.json);
  expect(body.error.code).toBe(code);
  return body.error.message;
}

function startRequest(overrides: Partial<TStartUploadRequest> & { bytes: Buffer }): TStartUploadRequest {
  const { bytes, ...rest } = overrides;
  return {
    uploadId: randomUUID(),
    dataset: testSpec(),
    version: `v${Math.random().toString(36).slice(2, 8)}`,
    format: "csv",
    totalBytes: bytes.length,
    uploadedBy: { orgId: "org-source", userId: "user-source" },
    ...rest,
  };
}

const startUpload = (request: TStartUploadRequest) => call("POST", "/v1/uploads", JSON.stringify(request));
const putChunk = (id: string, offset: number, bytes: Buffer) =>
  call("PUT", `/v1/uploads/${id}/chunks/${offset}`, bytes);
const complete = (id: string) => call("POST", `/v1/uploads/${id}/complete`);
const getStatus = async (id: string) => ZUploadStatus.parse((await call("GET", `/v1/uploads/${id}`)).json);

async function waitForEnd(id: string): Promise<TUploadStatus> {
  for (let i = 0; i < 600; i++) {
    const status = await getStatus(id);
    if (status.state !== "validating") return status;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("upload did not finish");
}

/** Starts, sends in `chunkBytes` pieces, completes; returns the final status. */
async function uploadWhole(
  bytes: Buffer,
  overrides: Partial<TStartUploadRequest> = {},
  chunkBytes = 64 * 1024,
) {
  const request = startRequest({ bytes, ...overrides });
  expect((await startUpload(request)).status).toBe(201);
  for (let offset = 0; offset < bytes.length; offset += chunkBytes) {
    const res = await putChunk(request.uploadId, offset, bytes.subarray(offset, offset + chunkBytes));
    expect(res.status).toBe(200);
  }
  expect((await complete(request.uploadId)).status).toBe(202);
  return { request, status: await waitForEnd(request.uploadId) };
}

async function tablesLike(pattern: string): Promise<number> {
  const { Client } = await import("pg");
  const client = new Client({ connectionString: harness.db.url });
  await client.connect();
  try {
    const { rows } = await client.query("SELECT count(*)::int AS n FROM pg_tables WHERE tablename LIKE $1", [
      pattern,
    ]);
    return rows[0].n as number;
  } finally {
    await client.end();
  }
}

describe("ingest endpoints: a CSV version in chunks", () => {
  const file = Buffer.from(testCsv(3000), "utf8");
  const request = startRequest({ bytes: file });
  const half = 40_000;

  it("opens a session (201, receiving) and answers a repeat of the same request idempotently (200)", async () => {
    const first = await startUpload(request);
    expect(first.status).toBe(201);
    const status = ZUploadStatus.parse(first.json);
    expect(status).toMatchObject({
      uploadId: request.uploadId,
      datasetCode: "TEST-PEOPLE",
      version: request.version,
      state: "receiving",
      totalBytes: file.length,
      receivedBytes: 0,
      errors: [],
      failure: null,
      contentHash: null,
      finishedAt: null,
    });
    const again = await startUpload(request);
    expect(again.status).toBe(200);
    expect(ZUploadStatus.parse(again.json)).toEqual(status);
    const other = await startUpload({ ...request, totalBytes: request.totalBytes + 1 });
    expect(expectError(other, 409, "UPLOAD_STATE")).toMatch(/already used by a different upload/);
  });

  it("takes a chunk at the received offset, refuses a gap naming the expected offset, and accepts a re-sent chunk as a no-op", async () => {
    const first = await putChunk(request.uploadId, 0, file.subarray(0, half));
    expect(ZUploadStatus.parse(first.json).receivedBytes).toBe(half);
    const gap = await putChunk(request.uploadId, half + 10, file.subarray(half + 10, half + 20));
    expect(expectError(gap, 409, "UPLOAD_OFFSET")).toMatch(new RegExp(`start at byte ${half}\\b`));
    const overlap = await putChunk(request.uploadId, half - 5, file.subarray(half - 5, half + 5));
    expectError(overlap, 409, "UPLOAD_OFFSET");
    const resent = await putChunk(request.uploadId, 0, file.subarray(0, half));
    expect(resent.status).toBe(200);
    expect(ZUploadStatus.parse(resent.json).receivedBytes).toBe(half);
    const pastEnd = await putChunk(
      request.uploadId,
      half,
      Buffer.concat([file.subarray(half), Buffer.from("x")]),
    );
    expect(expectError(pastEnd, 400, "INVALID_REQUEST")).toMatch(/past the upload's totalBytes/);
  });

  it("refuses to complete before every byte arrived", async () => {
    expect(expectError(await complete(request.uploadId), 409, "UPLOAD_STATE")).toMatch(
      new RegExp(`only ${half} of ${file.length} bytes`),
    );
  });

  it("resumes after a restart of the enclave from the recorded offset", async () => {
    await restart();
    const status = await getStatus(request.uploadId);
    expect(status).toMatchObject({ state: "receiving", receivedBytes: half });
    const rest = await putChunk(request.uploadId, half, file.subarray(half));
    expect(ZUploadStatus.parse(rest.json).receivedBytes).toBe(file.length);
  });

  it("completes at once (202, validating), then loads every row and lists the version", async () => {
    const res = await complete(request.uploadId);
    expect(res.status).toBe(202);
    expect(ZUploadStatus.parse(res.json).state).toBe("validating");
    const done = await waitForEnd(request.uploadId);
    expect(done).toMatchObject({ state: "loaded", rowsProcessed: 3000, rowsLoaded: 3000, errorCount: 0 });
    expect(done.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(done.finishedAt).not.toBeNull();
    const again = await complete(request.uploadId);
    expect(again.status).toBe(200);
    expect(ZUploadStatus.parse(again.json).state).toBe("loaded");

    const versions = await call("GET", "/v1/datasets/TEST-PEOPLE/versions");
    expect(versions.status).toBe(200);
    const list = ZDatasetVersion.array().parse(versions.json);
    expect(list[0]).toMatchObject({
      code: "TEST-PEOPLE",
      version: request.version,
      rows: 3000,
      contentHash: done.contentHash,
    });
    expect(list[0]!.fields).toContainEqual({ name: "person_id", storage: "sealed", fingerprint: true });
    expect(list[0]!.fields).toContainEqual({ name: "note", storage: "dropped", fingerprint: false });
    expect(existsSync(join(harness.dataDir, "staging", request.uploadId))).toBe(false);
    expect(logs).toContainEqual(
      expect.objectContaining({
        event: "vault_ingest",
        dataset: "TEST-PEOPLE",
        version: request.version,
        rows: 3000,
      }),
    );
  });

  it("refuses a new upload of a loaded version (VERSION_EXISTS) and chunks after completion (UPLOAD_STATE)", async () => {
    const again = startRequest({ bytes: file, version: request.version });
    expect(expectError(await startUpload(again), 409, "VERSION_EXISTS")).toMatch(/already loaded/);
    expectError(await putChunk(request.uploadId, file.length, Buffer.from("x")), 409, "UPLOAD_STATE");
    expectError(await call("DELETE", `/v1/uploads/${request.uploadId}`), 409, "UPLOAD_STATE");
  });
});

describe("ingest endpoints: all or nothing", () => {
  it("rejects a file whose LAST row is invalid, loading nothing, with the error by row and field", async () => {
    const rows = 2500;
    const csv = testCsv(rows, (i) => {
      const row = testRow(i);
      if (i === rows) row[0] = `${row[0]!.slice(0, 17)}${row[0]![17] === "0" ? "1" : "0"}`;
      return row;
    });
    const before = await tablesLike("vault_rows_%");
    const { request, status } = await uploadWhole(Buffer.from(csv));
    expect(status).toMatchObject({
      state: "rejected",
      rowsProcessed: rows,
      rowsLoaded: 0,
      errorCount: 1,
      errors: [{ row: rows, field: "uscc", reason: "not a valid USCC (check character)" }],
      contentHash: null,
    });
    expect(await tablesLike("vault_rows_%")).toBe(before);
    expect(await tablesLike("vault_load_%")).toBe(0);
    const list = ZDatasetVersion.array().parse((await call("GET", "/v1/datasets/TEST-PEOPLE/versions")).json);
    expect(list.map((v) => v.version)).not.toContain(request.version);
    // The report carries no value of the file.
    expect(JSON.stringify(status)).not.toContain(testRow(rows)[1]);
  });

  it("counts every error and keeps the first 200, in file order", async () => {
    const csv = testCsv(300, (i) => {
      const row = testRow(i);
      row[4] = "12,5";
      row[7] = "yes";
      return row;
    });
    const { status } = await uploadWhole(Buffer.from(csv));
    expect(status.state).toBe("rejected");
    expect(status.errorCount).toBe(600);
    expect(status.errors).toHaveLength(200);
    expect(status.errors[0]).toEqual({
      row: 1,
      field: "amount",
      reason: "not a decimal number (digits, one optional point)",
    });
    expect(status.errors[1]).toEqual({
      row: 1,
      field: "active",
      reason: 'not a boolean ("true" or "false")',
    });
    expect(status.errors[199]!.row).toBe(100);
  });

  it("rejects a header that does not name exactly the registered fields, naming the columns", async () => {
    const spec = testSpec();
    const header = [...spec.fields.map((f) => f.name).filter((n) => n !== "amount"), "extra_col", "uscc"];
    const csv = `${header.join(",")}\n${header.map(() => "x").join(",")}\n`;
    const { status } = await uploadWhole(Buffer.from(csv));
    expect(status.state).toBe("rejected");
    expect(status.failure).toMatch(/missing column amount/);
    expect(status.failure).toMatch(/unexpected columns "extra_col", "uscc"|unexpected column "extra_col"/);
    expect(status.failure).toMatch(/duplicate column "uscc"/);
  });
});

describe("ingest endpoints: JSON Lines", () => {
  it("loads a JSONL version sent in chunks that split UTF-8 characters", async () => {
    const bytes = Buffer.from(testJsonl(1500), "utf8");
    const { status } = await uploadWhole(bytes, { format: "jsonl" }, 10_007);
    expect(status).toMatchObject({ state: "loaded", rowsLoaded: 1500 });
  });
});

describe("ingest endpoints: cancel, unknown, unsigned, too large", () => {
  it("cancels a receiving upload and removes its staged bytes", async () => {
    const bytes = Buffer.from(testCsv(10));
    const request = startRequest({ bytes });
    await startUpload(request);
    await putChunk(request.uploadId, 0, bytes.subarray(0, 100));
    const staged = join(harness.dataDir, "staging", request.uploadId);
    expect(existsSync(staged)).toBe(true);
    const res = await call("DELETE", `/v1/uploads/${request.uploadId}`);
    expect(res.status).toBe(200);
    expect(ZUploadStatus.parse(res.json).state).toBe("cancelled");
    expect(existsSync(staged)).toBe(false);
    expectError(await putChunk(request.uploadId, 100, bytes.subarray(100)), 409, "UPLOAD_STATE");
    expectError(await complete(request.uploadId), 409, "UPLOAD_STATE");
  });

  it("answers UPLOAD_UNKNOWN for an unknown id, 401 for an unsigned request, 413 for an oversized chunk", async () => {
    expectError(await call("GET", `/v1/uploads/${randomUUID()}`), 404, "UPLOAD_UNKNOWN");
    expectError(await call("GET", "/v1/uploads/not-a-uuid"), 404, "UPLOAD_UNKNOWN");
    expectError(
      await call("GET", "/v1/datasets/TEST-PEOPLE/versions", undefined, true),
      401,
      "HEADER_MISSING",
    );
    const bytes = Buffer.from(testCsv(10));
    const request = startRequest({ bytes });
    await startUpload(request);
    const big = Buffer.alloc(UPLOAD_CHUNK_BYTES + 1, 97);
    expectError(await putChunk(request.uploadId, 0, big), 413, "INVALID_REQUEST");
  });

  it("refuses a chunk whose bytes differ from the signed ones", async () => {
    const bytes = Buffer.from(testCsv(10));
    const request = startRequest({ bytes });
    await startUpload(request);
    const path = `/v1/uploads/${request.uploadId}/chunks/0`;
    const headers = signRequest({
      method: "PUT",
      path,
      body: bytes,
      secretKey: clientKeys.secretKey,
      publicKey: clientKeys.publicKey,
    });
    const tampered = Buffer.from(bytes);
    tampered[5] = (tampered[5]! + 1) % 256;
    const res = await fetch(`${url}${path}`, { method: "PUT", headers, body: new Uint8Array(tampered) });
    expectError({ status: res.status, json: await res.json() }, 401, "SIGNATURE_INVALID");
  });

  it("refuses a start request that fails the contract (INVALID_REQUEST naming the field)", async () => {
    const bytes = Buffer.from("x");
    const bad = { ...startRequest({ bytes }), version: "bad version!" };
    expect(expectError(await startUpload(bad), 400, "INVALID_REQUEST")).toMatch(/^version:/);
  });
});

describe("ingest endpoints: a load interrupted by a stop runs again at the next start", () => {
  it("resumes a validating upload after a restart and loads it whole", async () => {
    const bytes = Buffer.from(testCsv(20_000));
    const request = startRequest({ bytes });
    await startUpload(request);
    for (let offset = 0; offset < bytes.length; offset += UPLOAD_CHUNK_BYTES) {
      await putChunk(request.uploadId, offset, bytes.subarray(offset, offset + UPLOAD_CHUNK_BYTES));
    }
    expect((await complete(request.uploadId)).status).toBe(202);
    await restart();
    const status = await waitForEnd(request.uploadId);
    expect(status).toMatchObject({ state: "loaded", rowsLoaded: 20_000 });
    expect(await tablesLike("vault_load_%")).toBe(0);
  });
});
