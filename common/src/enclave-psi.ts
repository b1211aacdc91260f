/**
 * The enclave's private-set-intersection endpoints as the server calls them (signed), relaying a
 * buyer's browser. The protocol and its chunk messages are common/src/psi/wire.ts; this module
 * adds what only the server knows and the enclave must check — the product, its dataset field and
 * filters, the authorization, the requester — and the signed end of a session.
 *
 *   POST /v1/psi/sessions                           ZPsiEnclaveStart → 201 ZPsiEnclaveStarted
 *   POST /v1/psi/sessions/:id/buyer-chunks/:index   { points } → ZPsiBuyerChunkReply
 *   GET  /v1/psi/sessions/:id/reply-chunks/:index   → ZPsiTagsChunk (cardinality mode)
 *   GET  /v1/psi/sessions/:id/server-chunks/:index  → ZPsiPointsChunk
 *   POST /v1/psi/sessions/:id/finish                → ZPsiSessionFinished (signed v2 receipt)
 *
 * Only blinded points and 16-byte tags cross these endpoints: the buyer's items are hashed to the
 * curve and blinded in the browser; the enclave blinds them again under a fresh per-session
 * secret and streams its own set, blinded. Sessions live in enclave memory only (the secret never
 * touches a disk): a restart or an idle session ends them.
 */
import { z } from "zod";
import { ZAuthorizationScope } from "./authorization-scope";
import { canonicalJson } from "./canonical-json";
import { ZSignedJobReceiptV2 } from "./enclave-jobs";
import { sha256Hex } from "./hash";
import { PSI_ITEM_FORMATS } from "./psi/normalize";
import { PSI_MAX_BUYER_SET_SIZE, PSI_MODES, ZPsiSessionStarted } from "./psi/wire";

const ZHex64 = z.string().regex(/^[0-9a-f]{64}$/);
const ZFieldName = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/);

export const ZPsiEnclaveStart = z.strictObject({
  /** Chosen by the server (its record of the session); the enclave answers under it. */
  sessionId: z.uuid(),
  product: z.strictObject({ code: z.string().min(1).max(100), version: z.int().min(1), versionHash: ZHex64 }),
  datasetCode: z.string().min(1).max(100),
  /** The dataset's identifier field compared with the buyer's items, and its item format. */
  field: ZFieldName,
  format: z.enum(PSI_ITEM_FORMATS),
  /** Only rows passing every filter are in the set. */
  filters: z
    .array(
      z.strictObject({
        field: ZFieldName,
        op: z.literal("in"),
        values: z.array(z.string().min(1).max(60)).min(1).max(20),
      }),
    )
    .max(3),
  /** From the product, never from the buyer. */
  mode: z.enum(PSI_MODES),
  /** Distinct items of the buyer's list after normalization. */
  buyerSetSize: z.int().min(1).max(PSI_MAX_BUYER_SET_SIZE),
  requester: z.strictObject({ orgId: z.string().min(1).max(100), userId: z.string().min(1).max(100) }),
  authorization: z.strictObject({
    id: z.uuid(),
    operatorOrgId: z.string().min(1).max(100),
    scope: ZAuthorizationScope,
  }),
});
export type TPsiEnclaveStart = z.infer<typeof ZPsiEnclaveStart>;

export const ZPsiEnclaveStarted = ZPsiSessionStarted.extend({ datasetVersion: z.string().min(1).max(40) });
export type TPsiEnclaveStarted = z.infer<typeof ZPsiEnclaveStarted>;

export const ZPsiSessionFinished = z.strictObject({ signedReceipt: ZSignedJobReceiptV2 });
export type TPsiSessionFinished = z.infer<typeof ZPsiSessionFinished>;

/** SHA-256 hex digests of the chunks a session released, by index. */
export interface TPsiChunkDigests {
  /** The tags answering the buyer's chunks (or the shuffled reply chunks, cardinality mode). */
  results: readonly string[];
  /** The enclave's blinded set. */
  dataset: readonly string[];
}

/**
 * A session receipt's output hash — what the enclave released: SHA-256 of canonicalJson({ results,
 * dataset }), each the list of SHA-256 hex digests of the chunks' bytes in chunk order (so it does
 * not depend on the order in which they were fetched). The enclave signs it; the server, which
 * relayed every chunk, recomputes it.
 */
export function psiOutputHashOf(chunks: TPsiChunkDigests): string {
  return sha256Hex(canonicalJson({ results: chunks.results, dataset: chunks.dataset }));
}
