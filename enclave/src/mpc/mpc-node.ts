/**
 * One MPC node: its identity and peer list, its jobs, and the checks every incoming message
 * passes before a job sees it. Transport-neutral: messages arrive as frames (`receive`, called by
 * the HTTP router) and leave through a `TMpcTransport` (HTTP by default, http-transport.ts).
 *
 * Incoming frame → parse → recipient is this node → sender is a configured peer → time window →
 * payload hash → signature → nonce never seen (TNonceStore: per sender, within the window) →
 * decrypt → the job: a "propose" from the job's coordinator creates it (spec validated, every
 * party a known node); any other round goes to the running job, which accepts each (round,
 * sender) once and only from the parties allowed to send it. A share or abort for a job not
 * started here yet (its propose is still on the way) waits in a small bounded buffer.
 * Refusals throw SignedRequestError / EnclaveError, which the router maps to HTTP statuses.
 */

import { publicKeyOf } from "@pdx/common/ed25519";
import {
  type TMpcJobSpec,
  type TMpcJobStatus,
  type TMpcRound,
  type TMpcStep,
  ZMpcJobSpec,
} from "@pdx/common/mpc-api";
import {
  DEFAULT_REQUEST_WINDOW_MS,
  MemoryNonceStore,
  SignedRequestError,
  type TNonceStore,
} from "@pdx/common/signed-request";
import { EnclaveError } from "../errors";
import { describeIssues } from "../http/parse-body";
import type { TMpcDataSource } from "./data-source";
import { openPayload, parseFrame, sealMessage, verifyHeader } from "./envelope";
import { httpTransport, type TMpcTransport } from "./http-transport";
import { JointAggregateJob, type TMpcInspector } from "./joint-aggregate-job";
import type { TMpcNodeConfig, TMpcPeer } from "./node-config";
import { signMpcReceipt } from "./receipt";

/** What the node logs: ids, states and codes only (never payloads, values or keys). */
export type TMpcLogEvent =
  | {
      event: "mpc_job";
      jobId: string;
      role: "coordinator" | "party";
      state: "released" | "failed";
      step: TMpcStep;
      failedNode?: string;
      ms: number;
    }
  | { event: "mpc_refused"; code: string; round?: TMpcRound; sender?: string };

export interface TMpcNodeOptions {
  config: TMpcNodeConfig;
  dataSource: TMpcDataSource;
  /** Where message nonces are claimed (default: in memory; the enclave's vault store survives restarts). */
  nonces?: TNonceStore;
  /** Accepted distance of a message's time from this node's clock (default ±30 s). */
  windowMs?: number;
  /** Most ms one message may take to deliver (default 30 000; never beyond the job's deadline). */
  sendTimeoutMs?: number;
  transport?: TMpcTransport;
  log?: (event: TMpcLogEvent) => void;
  /** FOR TESTS ONLY: sees values that never leave the node (joint-aggregate-job.ts). */
  inspect?: TMpcInspector;
  /**
   * Ended jobs remembered for status queries and late messages (default 100). A released job on
   * the coordinator holds its whole result (one row per released group) until it is forgotten.
   */
  keepEndedJobs?: number;
}

/** Messages waiting for their job's propose: at most this many, for at most the window. */
const MAX_EARLY_MESSAGES = 1000;

interface TEarlyMessage {
  jobId: string;
  round: TMpcRound;
  sender: string;
  payload: Uint8Array;
  at: number;
}

export class MpcNode {
  readonly id: string;
  private readonly peers: ReadonlyMap<string, TMpcPeer>;
  private readonly peerSigningKeys: ReadonlyMap<string, string>;
  private readonly jobs = new Map<string, JointAggregateJob>();
  private readonly ended: string[] = [];
  private early: TEarlyMessage[] = [];
  private readonly nonces: TNonceStore;
  private readonly windowMs: number;
  private readonly transport: TMpcTransport;
  private closed = false;

  constructor(private readonly options: TMpcNodeOptions) {
    this.id = options.config.nodeId;
    this.peers = new Map(options.config.peers.map((p) => [p.nodeId, p]));
    this.peerSigningKeys = new Map(options.config.peers.map((p) => [p.nodeId, p.signingPublicKey]));
    this.windowMs = options.windowMs ?? DEFAULT_REQUEST_WINDOW_MS;
    this.nonces = options.nonces ?? new MemoryNonceStore(this.windowMs);
    this.transport = options.transport ?? httpTransport;
  }

  /**
   * Starts a job this node coordinates (the caller authenticated the platform's request). Throws
   * EnclaveError INVALID_REQUEST naming what is wrong with the spec.
   */
  startJob(specInput: unknown): TMpcJobStatus {
    const spec = this.parseSpec(specInput);
    if (spec.coordinator !== this.id)
      throw new EnclaveError(
        "INVALID_REQUEST",
        `coordinator: this node is ${this.id}, not ${spec.coordinator}`,
      );
    return this.launch(spec).status();
  }

  /** The node's view of a job, or null if it does not know it. */
  status(jobId: string): TMpcJobStatus | null {
    return this.jobs.get(jobId)?.status() ?? null;
  }

  /**
   * The status with, on the coordinator of a released job, its signed v2 receipt (receipt.ts:
   * signed with this node's ed25519 key, the enclave's receipt key); null if the job is unknown.
   */
  statusWithReceipt(jobId: string): TMpcJobStatus | null {
    const job = this.jobs.get(jobId);
    if (!job) return null;
    const status = job.status();
    const { signingKey } = this.options.config;
    const receipt = signMpcReceipt(job.spec, status, {
      secretKey: signingKey,
      publicKey: publicKeyOf(signingKey),
    });
    return { ...status, receipt };
  }

  /** Resolves with the job's final status once it ended here; throws JOB_UNKNOWN. */
  whenEnded(jobId: string): Promise<TMpcJobStatus> {
    const job = this.jobs.get(jobId);
    if (!job) throw new EnclaveError("JOB_UNKNOWN", `no mpc job ${jobId} on node ${this.id}`);
    return job.whenEnded();
  }

  /** Checks and takes one incoming frame; see the module comment for the order of checks. */
  async receive(frame: Uint8Array): Promise<void> {
    let sender: string | undefined;
    let round: TMpcRound | undefined;
    try {
      if (this.closed) throw new EnclaveError("INVALID_REQUEST", `node ${this.id} is stopping`);
      const parsed = parseFrame(frame);
      ({ sender, round } = parsed.header);
      verifyHeader(parsed, {
        self: this.id,
        peerSigningKeys: this.peerSigningKeys,
        now: Date.now(),
        windowMs: this.windowMs,
      });
      if (!(await this.nonces.claim(`mpc:${sender}`, parsed.header.nonce, parsed.header.sentAt)))
        throw new SignedRequestError("NONCE_REPLAYED", "mpc message: already received (replay refused)");
      const payload = openPayload(parsed, this.options.config.encryptionKey);
      this.route(parsed.header.jobId, round, sender, payload);
    } catch (err) {
      const code = err instanceof EnclaveError || err instanceof SignedRequestError ? err.code : "INTERNAL";
      this.options.log?.({
        event: "mpc_refused",
        code,
        ...(round ? { round } : {}),
        ...(sender ? { sender } : {}),
      });
      throw err;
    }
  }

  /** Stops: running jobs fail naming this node; later messages are refused. */
  close(): void {
    this.closed = true;
    for (const job of this.jobs.values())
      job.fail({ node: this.id, step: job.status().step, reason: `${this.id} stopped` }, { broadcast: true });
  }

  private route(jobId: string, round: TMpcRound, sender: string, payload: Uint8Array): void {
    const job = this.jobs.get(jobId);
    if (round === "propose") {
      if (job)
        throw new EnclaveError("INVALID_REQUEST", `mpc job ${jobId} is already known on node ${this.id}`);
      this.acceptProposal(jobId, sender, payload);
      return;
    }
    if (job) {
      // A job that ended here already told every party (abort or outcome): a late message is
      // taken and dropped, so its sender learns the end from that message, not from a refusal.
      if (job.isRunning) job.deliver(round, sender, payload);
      return;
    }
    if (round !== "share" && round !== "abort")
      throw new EnclaveError("JOB_UNKNOWN", `no mpc job ${jobId} on node ${this.id}`);
    const now = Date.now();
    this.early = this.early.filter((m) => now - m.at <= this.windowMs);
    if (this.early.length >= MAX_EARLY_MESSAGES)
      throw new EnclaveError(
        "LIMIT_EXCEEDED",
        `node ${this.id} holds too many messages for jobs it has not started`,
      );
    if (this.early.some((m) => m.jobId === jobId && m.round === round && m.sender === sender))
      throw new EnclaveError("INVALID_REQUEST", `mpc message: ${round} from ${sender} was already received`);
    this.early.push({ jobId, round, sender, payload, at: now });
  }

  private acceptProposal(jobId: string, sender: string, payload: Uint8Array): void {
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(payload));
    } catch {
      throw new EnclaveError("INVALID_REQUEST", "mpc propose: the spec is not JSON");
    }
    const spec = this.parseSpec(json);
    if (spec.jobId !== jobId)
      throw new EnclaveError("INVALID_REQUEST", "mpc propose: the spec is for another job");
    if (spec.coordinator !== sender)
      throw new EnclaveError("INVALID_REQUEST", `mpc propose: ${sender} is not the job's coordinator`);
    const job = this.launch(spec);
    const mine = this.early.filter((m) => m.jobId === jobId);
    this.early = this.early.filter((m) => m.jobId !== jobId);
    for (const m of mine) {
      try {
        job.deliver(m.round, m.sender, m.payload);
      } catch {
        // A malformed early message already failed the job (deliver names its sender).
      }
    }
  }

  /** Validates a spec against this node's peer list (every party is this node or a peer). */
  private parseSpec(input: unknown): TMpcJobSpec {
    const parsed = ZMpcJobSpec.safeParse(input);
    if (!parsed.success)
      throw new EnclaveError("INVALID_REQUEST", `mpc job spec: ${describeIssues(parsed.error.issues)}`);
    const spec = parsed.data;
    if (!spec.parties.some((p) => p.node === this.id))
      throw new EnclaveError("INVALID_REQUEST", `mpc job spec: node ${this.id} is not a party`);
    const unknown = spec.parties.map((p) => p.node).filter((n) => n !== this.id && !this.peers.has(n));
    if (unknown.length > 0)
      throw new EnclaveError(
        "INVALID_REQUEST",
        `mpc job spec: ${unknown.join(", ")} not in the peer list of ${this.id}`,
      );
    if (this.jobs.has(spec.jobId))
      throw new EnclaveError("INVALID_REQUEST", `mpc job ${spec.jobId} is already known on node ${this.id}`);
    return spec;
  }

  private launch(spec: TMpcJobSpec): JointAggregateJob {
    const started = performance.now();
    const job = new JointAggregateJob({
      self: this.id,
      spec,
      dataSource: this.options.dataSource,
      inspect: this.options.inspect,
      send: (recipient, round, payload, timeoutMs) =>
        this.send(spec.jobId, recipient, round, payload, timeoutMs),
      onEnd: (status) => {
        this.options.log?.({
          event: "mpc_job",
          jobId: status.jobId,
          role: status.role,
          state: status.state === "released" ? "released" : "failed",
          step: status.step,
          ...(status.failure ? { failedNode: status.failure.node } : {}),
          ms: Math.round(performance.now() - started),
        });
        this.remember(status.jobId);
      },
    });
    this.jobs.set(spec.jobId, job);
    void job.run();
    return job;
  }

  private remember(jobId: string): void {
    this.ended.push(jobId);
    const keep = this.options.keepEndedJobs ?? 100;
    while (this.ended.length > keep) this.jobs.delete(this.ended.shift()!);
  }

  private async send(
    jobId: string,
    recipient: string,
    round: TMpcRound,
    payload: Uint8Array,
    timeoutMs: number,
  ): Promise<void> {
    const peer = this.peers.get(recipient);
    if (!peer) throw new Error(`mpc: ${recipient} is not a peer`);
    const frame = sealMessage({
      jobId,
      round,
      sender: this.id,
      recipient,
      payload,
      signingKey: this.options.config.signingKey,
      recipientEncryptionKey: peer.encryptionPublicKey,
    });
    await this.transport.send(peer, frame, Math.min(timeoutMs, this.options.sendTimeoutMs ?? 30_000));
  }
}
