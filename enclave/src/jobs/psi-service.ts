/**
 * Private set intersection sessions as the enclave serves them to the server
 * (common/src/enclave-psi.ts): the checks only the enclave can make, around the protocol objects
 * of enclave/src/psi (session, column cache, session store).
 *
 * Start: the request's authorization is read from the chain and must cover the matched field and
 * the filter fields of the dataset (as for every job); the newest loaded version of the dataset is
 * used; the field must be a joinable identifier of the request's item format and the filters must
 * be allowed as verification where-filters (query/identifier-column.ts). The column — distinct
 * normalized values of the rows that pass the filters, hashed to the curve — is built once per
 * (version, field, format, filters) and cached in memory. Then a protocol session opens under the
 * server's session id.
 *
 * Every chunk released (the tags answering the buyer's chunks, the shuffled reply chunks, the
 * enclave's blinded set) is digested; finish signs a v2 receipt whose output hash is
 * psiOutputHashOf(those digests) — the server recomputes it from what it relayed — and whose
 * `computation` names the mode and the two set sizes. Nothing else about a session is kept.
 */
import { createHash } from "node:crypto";
import { authorizationChainId } from "@pdx/common/authorization-scope";
import { canonicalJson } from "@pdx/common/canonical-json";
import type { TSignedJobReceiptV2 } from "@pdx/common/enclave-jobs";
import {
  psiOutputHashOf,
  type TPsiEnclaveStart,
  type TPsiEnclaveStarted,
  ZPsiEnclaveStart,
} from "@pdx/common/enclave-psi";
import { sha256Hex } from "@pdx/common/hash";
import type { TPsiCurve } from "@pdx/common/psi/curve";
import type { TPsiBuyerChunkReply, TPsiPointsChunk, TPsiTagsChunk } from "@pdx/common/psi/wire";
import { psiBase64ToBytes, psiBytesToBase64 } from "@pdx/common/psi/wire";
import { signReceiptV2 } from "@pdx/common/receipt";
import type { TAuthorizationRegistryReader } from "../authorization/authorization-registry";
import { checkAuthorization } from "../authorization/check-authorization";
import { EnclaveError } from "../errors";
import { sealedAad } from "../ingest/load-version";
import { valueCipher } from "../keys/key-store";
import type { TKeyStore } from "../keys/types";
import { type PsiColumnCache, preparePsiColumn, type TPsiColumn } from "../psi/psi-column";
import { type PsiSession, startPsiSession } from "../psi/psi-session";
import type { PsiSessionStore } from "../psi/psi-session-store";
import { planIdentifierColumn } from "../query/identifier-column";
import type { Vault } from "../vault/vault";

export interface TPsiServiceDeps {
  vault: Vault;
  keyStore: TKeyStore;
  authorizations: TAuthorizationRegistryReader;
  curve: TPsiCurve;
  columns: PsiColumnCache;
  sessions: PsiSessionStore;
  signer: { secretKey: string; publicKey: string };
  now?: () => Date;
  /** Statement time limit of the column read. */
  statementTimeoutMs?: number;
}

interface TOpenSession {
  request: TPsiEnclaveStart;
  /** The protocol session's own id in the store. */
  protocolId: string;
  dataset: { code: string; version: string };
  fieldsTouched: string[];
  rowsRead: number;
  serverSetSize: number;
  replyDigests: (string | null)[];
  serverDigests: (string | null)[];
  startedAt: string;
}

const digest = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

export class PsiService {
  readonly #open = new Map<string, TOpenSession>();
  readonly #now: () => Date;

  constructor(private readonly deps: TPsiServiceDeps) {
    this.#now = deps.now ?? (() => new Date());
  }

  /** Opens a session; see the module comment. */
  async start(raw: unknown): Promise<TPsiEnclaveStarted> {
    const parsed = ZPsiEnclaveStart.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new EnclaveError("INVALID_REQUEST", `${issue.path.join(".") || "request"}: ${issue.message}`);
    }
    const request = parsed.data;
    if (this.#open.has(request.sessionId))
      throw new EnclaveError("INVALID_REQUEST", "this session id is taken");
    const now = this.#now();
    const fieldsRead = [request.field, ...request.filters.map((f) => f.field)];
    const onChain = await this.deps.authorizations.read(authorizationChainId(request.authorization.id));
    checkAuthorization(onChain, request.authorization, { datasetCode: request.datasetCode, fieldsRead }, now);

    const stored = await this.deps.vault.storedDataset(request.datasetCode);
    if (!stored)
      throw new EnclaveError("DATASET_UNKNOWN", `dataset ${request.datasetCode} is not held by this enclave`);
    const plan = planIdentifierColumn(stored, request.field, request.filters, fieldsRead);
    if (plan.field.format !== request.format)
      throw new EnclaveError(
        "QUERY_INVALID",
        `field: "${request.field}" holds ${plan.field.format ?? "no identifier"} values, not ${request.format}`,
      );
    const key = `${stored.code}@${stored.version}/${request.field}/${request.format}?${sha256Hex(canonicalJson(plan.filters.map((f) => [f.field.name, [...f.values].sort()])))}`;
    const column: TPsiColumn = await this.deps.columns.get(key, () =>
      this.#buildColumn(plan, request.format),
    );

    const session: PsiSession = startPsiSession(
      { mode: request.mode, format: request.format, buyerSetSize: request.buyerSetSize },
      { column, curve: this.deps.curve, now: this.#now },
    );
    this.deps.sessions.add(session);
    const { started } = session;
    this.#open.set(request.sessionId, {
      request,
      protocolId: session.sessionId,
      dataset: { code: stored.code, version: stored.version },
      fieldsTouched: plan.fieldsTouched.map((f) => `${stored.code}.${f}`),
      rowsRead: column.size + column.empty + column.duplicates,
      serverSetSize: started.serverSetSize,
      replyDigests: Array.from({ length: started.buyerChunkCount }, () => null),
      serverDigests: Array.from({ length: started.serverChunkCount }, () => null),
      startedAt: now.toISOString(),
    });
    return { ...started, sessionId: request.sessionId, datasetVersion: stored.version };
  }

  async #buildColumn(plan: ReturnType<typeof planIdentifierColumn>, format: TPsiEnclaveStart["format"]) {
    const { stored } = plan;
    let key: Buffer | null = null;
    const open =
      plan.field.storage === "sealed"
        ? (field: { name: string }, row: number, sealed: Buffer) => {
            key ??= this.deps.keyStore.unwrapDataKey(stored.code, stored.version, stored.wrappedDataKey);
            return valueCipher.open(key, sealedAad(stored.code, stored.version, field.name, row), sealed);
          }
        : undefined;
    const pages = this.deps.vault.readIdentifierColumn(plan, {
      statementTimeoutMs: this.deps.statementTimeoutMs ?? 120_000,
      ...(open ? { open } : {}),
    });
    async function* values() {
      for await (const page of pages) yield* page;
    }
    try {
      return await preparePsiColumn({ format, values: values(), curve: this.deps.curve });
    } finally {
      (key as Buffer | null)?.fill(0);
    }
  }

  #session(sessionId: string): { open: TOpenSession; session: PsiSession } {
    const open = this.#open.get(sessionId);
    if (!open) throw new EnclaveError("JOB_UNKNOWN", "no open PSI session with this id");
    try {
      return { open, session: this.deps.sessions.get(open.protocolId) };
    } catch {
      this.#open.delete(sessionId);
      throw new EnclaveError(
        "JOB_UNKNOWN",
        "the PSI session ended (idle too long, or the enclave restarted)",
      );
    }
  }

  /** Blinds buyer chunk `index` ([b]H(x), base64); intersection mode answers its tags. */
  async buyerChunk(sessionId: string, index: number, pointsBase64: string): Promise<TPsiBuyerChunkReply> {
    const { open, session } = this.#session(sessionId);
    const tags = await session.blindBuyerChunk(index, psiBase64ToBytes(pointsBase64));
    if (tags === null) return { index, tags: null };
    open.replyDigests[index] = digest(tags);
    return { index, tags: psiBytesToBase64(tags) };
  }

  /** Cardinality mode: shuffled reply chunk `index`. */
  replyChunk(sessionId: string, index: number): TPsiTagsChunk {
    const { open, session } = this.#session(sessionId);
    const tags = session.replyChunk(index);
    open.replyDigests[index] = digest(tags);
    return { index, tags: psiBytesToBase64(tags) };
  }

  /** Chunk `index` of the enclave's blinded set. */
  async serverChunk(sessionId: string, index: number): Promise<TPsiPointsChunk> {
    const { open, session } = this.#session(sessionId);
    const points = await session.serverChunk(index);
    open.serverDigests[index] = digest(points);
    return { index, points: psiBytesToBase64(points) };
  }

  /** Ends a complete session with its signed receipt (refused while chunks are missing). */
  finish(sessionId: string): TSignedJobReceiptV2 {
    const { open, session } = this.#session(sessionId);
    const missing = [
      ...open.replyDigests.flatMap((d, i) => (d === null ? [`reply chunk ${i}`] : [])),
      ...open.serverDigests.flatMap((d, i) => (d === null ? [`server chunk ${i}`] : [])),
    ];
    if (!session.complete || missing.length > 0)
      throw new EnclaveError(
        "INVALID_REQUEST",
        `the exchange is not complete (${missing.slice(0, 3).join(", ") || "buyer chunks missing"})`,
      );
    this.deps.sessions.end(open.protocolId);
    this.#open.delete(sessionId);
    const { request } = open;
    return signReceiptV2(
      {
        jobId: request.sessionId,
        product: `${request.product.code}@${request.product.version}`,
        productVersionHash: request.product.versionHash,
        mode: "real",
        authorizationId: request.authorization.id,
        requesterOrgId: request.requester.orgId,
        state: "released",
        datasets: [open.dataset],
        fieldsTouched: open.fieldsTouched,
        rowsRead: open.rowsRead,
        queries: 1,
        // Intersection mode answers "is it in the set?" for every item of the buyer's list.
        verifications: request.mode === "intersection" ? request.buyerSetSize : 0,
        epsilonSpent: 0,
        outputHash: psiOutputHashOf({
          results: open.replyDigests as string[],
          dataset: open.serverDigests as string[],
        }),
        blockedBy: null,
        requestHash: sha256Hex(canonicalJson(request)),
        startedAt: open.startedAt,
        finishedAt: this.#now().toISOString(),
        computation: {
          kind: "psi",
          reveals: request.mode,
          buyerItems: request.buyerSetSize,
          datasetItems: open.serverSetSize,
        },
      },
      this.deps.signer.secretKey,
      this.deps.signer.publicKey,
    );
  }

  /** Ends every session (shutdown). */
  close(): void {
    this.deps.sessions.closeAll();
    this.#open.clear();
  }
}
