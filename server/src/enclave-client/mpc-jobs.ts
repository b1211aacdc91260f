/**
 * The server's client of the MPC nodes (common/src/mpc-api.ts): it starts a joint job on the
 * coordinator node and polls its status there, every request signed with the server's key (the
 * nodes trust it like the enclave does). It never talks to the other parties: they take part
 * through the coordinator's signed, encrypted messages.
 *
 * Answers are checked before use: schema, job id, node, and for a released job the coordinator's
 * v2 receipt — its signature under the coordinator's configured public key (MPC_NODES), job id,
 * product and version hash, authorization, buyer, request hash (of the parsed spec), the parties
 * and datasets, and the output hash, which must equal the SHA-256 of the released result's
 * canonical JSON that this server received.
 */
import { canonicalJson } from "@pdx/common/canonical-json";
import type { TSignedJobReceiptV2 } from "@pdx/common/enclave-jobs";
import { sha256Hex } from "@pdx/common/hash";
import {
  MPC_JOBS_PATH,
  type TMpcJobSpec,
  type TMpcJobSpecInput,
  type TMpcJobStatus,
  ZMpcJobSpec,
  ZMpcJobStatus,
} from "@pdx/common/mpc-api";
import { z } from "zod";
import { DomainError } from "../domain/domain-error";
import { enclaveRefusal } from "./index";
import { releasedReceiptProblems } from "./released-receipt";
import { createSignedCall, INVALID_MESSAGE, type TSignedCall } from "./signed-call";

/** One MPC node as the server knows it (server config MPC_NODES). */
export const ZMpcNodeRef = z.strictObject({
  nodeId: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, "must be a lowercase node id"),
  url: z.url(),
  /** The node's ed25519 public key (hex): its coordinator receipts must verify with it. */
  signingPublicKey: z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex characters"),
});
export type TMpcNodeRef = z.infer<typeof ZMpcNodeRef>;

export interface TMpcJobsClient {
  /** The nodes this server may use, by id. */
  readonly nodes: ReadonlyMap<string, TMpcNodeRef>;
  /** Starts `spec` on its coordinator; resolves with the coordinator's first status. */
  start(spec: TMpcJobSpecInput): Promise<TMpcJobStatus>;
  /** The job's status on its coordinator (with a verified receipt once released). */
  status(spec: TMpcJobSpec): Promise<TMpcJobStatus>;
}

export interface TMpcJobsClientOptions {
  nodes: readonly TMpcNodeRef[];
  serverSigningKey: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

function invalid(detail: string): DomainError {
  return new DomainError("ENCLAVE_RESPONSE_INVALID", INVALID_MESSAGE, `mpc node: ${detail}`);
}

/** SHA-256 of the parsed spec's canonical JSON: what the coordinator's receipt names as request hash. */
export function mpcRequestHash(spec: TMpcJobSpec): string {
  return sha256Hex(canonicalJson(spec));
}

/** Problems of a released job's receipt against the spec and the result received; empty when it verifies. */
export function mpcReceiptProblems(
  signed: TSignedJobReceiptV2,
  spec: TMpcJobSpec,
  status: TMpcJobStatus,
  coordinatorPublicKey: string,
): string[] {
  const r = signed.receipt;
  const problems = releasedReceiptProblems(
    signed,
    {
      jobId: spec.jobId,
      ...(spec.product ? { product: spec.product } : {}),
      authorizationId: spec.authorization?.id ?? null,
      requesterOrgId: spec.buyer.orgId,
      requestHash: mpcRequestHash(spec),
      outputHash: status.result ? sha256Hex(canonicalJson(status.result)) : "(no result)",
    },
    coordinatorPublicKey,
  );
  const c = r.computation;
  if (
    c?.kind !== "mpc" ||
    c.coordinator !== spec.coordinator ||
    canonicalJson(c.parties) !== canonicalJson(spec.parties.map((p) => p.node))
  )
    problems.push("parties mismatch");
  if (
    canonicalJson(r.datasets) !==
    canonicalJson(spec.parties.map((p) => ({ code: p.dataset, version: p.version })))
  )
    problems.push("datasets mismatch");
  return problems;
}

/** Creates the client. */
export function createMpcJobsClient(opts: TMpcJobsClientOptions): TMpcJobsClient {
  const nodes = new Map(opts.nodes.map((n) => [n.nodeId, n]));
  const calls = new Map<string, TSignedCall>();
  const callOf = (nodeId: string): { node: TMpcNodeRef; send: TSignedCall } => {
    const node = nodes.get(nodeId);
    if (!node)
      throw new DomainError(
        "ENCLAVE_UNAVAILABLE",
        `the secure node "${nodeId}" is not configured on this platform`,
        `mpc: node ${nodeId} not in MPC_NODES`,
      );
    let send = calls.get(nodeId);
    if (!send) {
      send = createSignedCall({
        baseUrl: node.url,
        serverSigningKey: opts.serverSigningKey,
        timeoutMs: opts.timeoutMs ?? 30_000,
        fetch: opts.fetch,
      });
      calls.set(nodeId, send);
    }
    return { node, send };
  };
  const parseStatus = (body: unknown, spec: TMpcJobSpec, what: string): TMpcJobStatus => {
    const parsed = ZMpcJobStatus.safeParse(body);
    if (!parsed.success) throw invalid(`${what}: answer does not match the schema`);
    if (parsed.data.jobId !== spec.jobId || parsed.data.node !== spec.coordinator)
      throw invalid(`${what}: job or node mismatch`);
    return parsed.data;
  };

  return {
    nodes,
    async start(input) {
      const spec = ZMpcJobSpec.parse(input);
      const { send } = callOf(spec.coordinator);
      const { status, body } = await send("POST", MPC_JOBS_PATH, JSON.stringify(input));
      if (status !== 202) throw enclaveRefusal(status, body);
      return parseStatus(body, spec, "start");
    },
    async status(spec) {
      const { node, send } = callOf(spec.coordinator);
      const { status, body } = await send("GET", `${MPC_JOBS_PATH}/${encodeURIComponent(spec.jobId)}`);
      if (status !== 200) throw enclaveRefusal(status, body);
      const job = parseStatus(body, spec, "status");
      if (job.state === "released") {
        if (!job.receipt || !job.result)
          throw invalid("status: a released job without its receipt or result");
        const problems = mpcReceiptProblems(job.receipt, spec, job, node.signingPublicKey);
        if (problems.length > 0) throw invalid(`receipt: ${problems.join(", ")}`);
      }
      return job;
    },
  };
}
