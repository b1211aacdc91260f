/**
 * One joint aggregate job as ONE node runs it: the protocol's steps, in order, over an injected
 * `send` (the node seals and delivers) and a mailbox the node fills with verified payloads. No
 * crypto of messages, no transport here.
 *
 *   propose          coordinator → every party: the spec (the party's job is created on receipt;
 *                    the party answers 202 once the spec passed its checks), then, once every
 *                    party accepted, "start" → every party. No party touches its data before
 *                    every party accepted the job (a node down at the start costs nobody ε).
 *   local-aggregate  every party: its data source checks, charges ε and computes the raw local
 *                    vector x_i (joint-vector.ts layout)
 *   share            every party i: a fresh seed s_ij per other party j, sent to j; i keeps
 *                    x_i − Σ_j PRG(s_ij). Party j adds PRG(s_ij) of every seed it receives to
 *                    the share it kept: its sum-share S_j. Σ_j S_j = Σ_i x_i.
 *   sum              every party but the coordinator → coordinator: S_j
 *   release          coordinator: totals = Σ S_j, decoded, output rules applied (release.ts); the
 *                    job is released there
 *   outcome          coordinator → every party: released, with the output's hash
 * A failure anywhere ends the job `failed` on that node with {node, step, reason} and is sent to
 * every other party as an "abort", which ends the job there with the same failure. Nothing is
 * released before the release step, and a failed coordinator releases nothing.
 */
import { canonicalJson } from "@pdx/common/canonical-json";
import {
  type TMpcFailure,
  type TMpcJobSpec,
  type TMpcJobStatus,
  type TMpcJointResult,
  type TMpcRound,
  type TMpcStep,
  ZMpcAbortPayload,
  ZMpcOutcomePayload,
  ZMpcStartPayload,
} from "@pdx/common/mpc-api";
import { EnclaveError } from "../errors";
import type { TMpcDataSource } from "./data-source";
import { sha256HexOf } from "./envelope";
import {
  decodeTotals,
  groupDomainOf,
  type TJointGroupTotals,
  type TVectorLayout,
  vectorLayoutOf,
} from "./joint-vector";
import { Mailbox, MissingMessagesError } from "./mailbox";
import { protectJointTotals } from "./release";
import {
  addInto,
  expandSeed,
  randomSeed,
  SHARE_SEED_BYTES,
  subtractSeedsInto,
  vectorBytes,
  vectorFromBytes,
} from "./shares";

/**
 * Hooks that see values which never leave the node (raw local vectors, received shares, the
 * totals before the output rules). FOR TESTS ONLY: production wiring passes none.
 */
export interface TMpcInspector {
  localVector?(jobId: string, vector: BigUint64Array): void;
  /** The share another party's seed expanded to, as this node added it. */
  shareReceived?(jobId: string, from: string, share: BigUint64Array): void;
  /** A sum-share the coordinator received. */
  sumShareReceived?(jobId: string, from: string, sumShare: BigUint64Array): void;
  /** The reconstructed vector, before decoding. */
  reconstructed?(jobId: string, vector: BigUint64Array): void;
  /** The reconstructed totals before any output rule, decoded. */
  totals?(jobId: string, totals: readonly TJointGroupTotals[]): void;
}

/** A message could not be delivered; `reason` is safe to record and to send to the other nodes. */
export class DeliveryError extends Error {
  constructor(
    readonly recipient: string,
    readonly reason: string,
  ) {
    super(reason);
    this.name = "DeliveryError";
  }
}

/** A failure that ends the job (carried through the steps to `fail`). */
class JobFailure extends Error {
  constructor(readonly failure: TMpcFailure) {
    super(failure.reason);
    this.name = "JobFailure";
  }
}

export interface TJobDeps {
  self: string;
  spec: TMpcJobSpec;
  dataSource: TMpcDataSource;
  /** Seals and delivers one payload within `timeoutMs`; throws DeliveryError. */
  send(recipient: string, round: TMpcRound, payload: Uint8Array, timeoutMs: number): Promise<void>;
  inspect?: TMpcInspector;
  /** Called once when the job ends (released or failed). */
  onEnd?(status: TMpcJobStatus): void;
}

/** Time allowed to deliver an abort or the outcome (best effort, after the job ended here). */
const ABORT_TIMEOUT_MS = 5_000;
/** How long past the deadline a send in progress may still fail by itself (naming its recipient). */
const SEND_GRACE_MS = 1_000;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A short, safe text of an error thrown by a data source or the output rules. */
function safeReason(err: unknown): string {
  if (err instanceof EnclaveError) return `${err.code}: ${err.safeMessage}`;
  if (err instanceof RangeError) return err.message.slice(0, 300);
  return "internal error";
}

export class JointAggregateJob {
  readonly role: "coordinator" | "party";
  readonly layout: TVectorLayout;
  readonly mailbox = new Mailbox();
  private readonly others: string[];
  private readonly deadline: number;
  private readonly startedAt = new Date();
  private endedAt: Date | null = null;
  private state: TMpcJobStatus["state"] = "running";
  private step: TMpcStep = "propose";
  private failure: TMpcFailure | null = null;
  private result: TMpcJointResult | null = null;
  private outputSha256: string | null = null;
  private readonly ended: Promise<TMpcJobStatus>;
  private resolveEnded!: (status: TMpcJobStatus) => void;
  private sendsInFlight = 0;

  constructor(private readonly deps: TJobDeps) {
    const { spec, self } = deps;
    this.role = spec.coordinator === self ? "coordinator" : "party";
    this.layout = vectorLayoutOf(spec);
    this.others = spec.parties.map((p) => p.node).filter((n) => n !== self);
    this.deadline = Date.now() + spec.timeoutMs;
    this.ended = new Promise((resolve) => {
      this.resolveEnded = resolve;
    });
  }

  get jobId(): string {
    return this.deps.spec.jobId;
  }

  /** The job's (parsed) spec. */
  get spec(): TMpcJobSpec {
    return this.deps.spec;
  }

  get isRunning(): boolean {
    return this.state === "running";
  }

  /** Resolves with the final status once the job has ended. */
  whenEnded(): Promise<TMpcJobStatus> {
    return this.ended;
  }

  status(): TMpcJobStatus {
    return {
      jobId: this.jobId,
      node: this.deps.self,
      role: this.role,
      state: this.state,
      step: this.step,
      failure: this.failure,
      outputSha256: this.outputSha256,
      result: this.result,
      startedAt: this.startedAt.toISOString(),
      endedAt: this.endedAt?.toISOString() ?? null,
    };
  }

  /**
   * Which senders may send `round` to this node in this job (the node refuses anything else):
   * shares and aborts from every other party, sums only to the coordinator, start and outcome
   * only from it (the propose creates the job: the node handles it).
   */
  expects(round: TMpcRound, sender: string): boolean {
    if (!this.others.includes(sender)) return false;
    switch (round) {
      case "share":
      case "abort":
        return true;
      case "sum":
        return this.role === "coordinator";
      case "start":
      case "outcome":
        return this.role === "party" && sender === this.deps.spec.coordinator;
      case "propose":
        return false;
    }
  }

  /**
   * Takes a verified, decrypted payload. Throws EnclaveError INVALID_REQUEST when it is malformed
   * or a duplicate; a malformed payload from an authenticated party also fails the job, naming it.
   */
  deliver(round: TMpcRound, sender: string, payload: Uint8Array): void {
    if (!this.expects(round, sender))
      throw new EnclaveError(
        "INVALID_REQUEST",
        `mpc message: ${sender} may not send ${round} in job ${this.jobId}`,
      );
    if (round === "abort") {
      const parsed = parseJson(payload, ZMpcAbortPayload);
      if (!parsed) throw this.malformed(sender, round, "the abort payload is malformed");
      this.fail(parsed.failure, { broadcast: false });
      return;
    }
    const problem =
      round === "share"
        ? payload.length === SHARE_SEED_BYTES
          ? null
          : "a share is a 32-byte seed"
        : round === "sum"
          ? payload.length === this.layout.length * 8
            ? null
            : `a sum-share has ${this.layout.length} entries`
          : round === "start"
            ? parseJson(payload, ZMpcStartPayload)
              ? null
              : "the start payload is malformed"
            : parseJson(payload, ZMpcOutcomePayload)
              ? null
              : "the outcome payload is malformed";
    if (problem) throw this.malformed(sender, round, problem);
    if (!this.isRunning) throw new EnclaveError("INVALID_REQUEST", `mpc job ${this.jobId} has ended`);
    if (!this.mailbox.put(round, sender, payload))
      throw new EnclaveError("INVALID_REQUEST", `mpc message: ${round} from ${sender} was already received`);
  }

  /** Runs the job to its end; never throws (a failure ends the job). */
  async run(): Promise<TMpcJobStatus> {
    const timer = setTimeout(() => this.timeUp(), this.remainingMs());
    try {
      if (this.role === "coordinator") await this.propose();
      else await this.awaitStart();
      const local = await this.localAggregate();
      const sumShare = await this.shareRound(local);
      if (this.role === "coordinator") await this.releaseRound(sumShare);
      else await this.partyEnd(sumShare);
    } catch (err) {
      if (err instanceof JobFailure) this.fail(err.failure, { broadcast: true });
      else if (this.isRunning)
        this.fail({ node: this.deps.self, step: this.step, reason: "internal error" }, { broadcast: true });
    } finally {
      clearTimeout(timer);
    }
    return this.ended;
  }

  /** Ends the job failed (once); sends the failure to every other party unless it came from one. */
  fail(failure: TMpcFailure, options: { broadcast: boolean }): void {
    if (!this.isRunning) return;
    this.state = "failed";
    this.failure = failure;
    this.step = failure.step;
    this.end();
    this.mailbox.close(new JobFailure(failure));
    if (options.broadcast) {
      const payload = encoder.encode(JSON.stringify({ failure }));
      for (const other of this.others)
        this.deps.send(other, "abort", payload, ABORT_TIMEOUT_MS).catch(() => {});
    }
  }

  private end(): void {
    this.endedAt = new Date();
    const status = this.status();
    this.deps.onEnd?.(status);
    this.resolveEnded(status);
  }

  private malformed(sender: string, round: TMpcRound, problem: string): EnclaveError {
    const reason = `${sender} sent a malformed ${round} message (${problem})`;
    this.fail({ node: sender, step: stepOf(round), reason }, { broadcast: true });
    return new EnclaveError("INVALID_REQUEST", `mpc message: ${problem}`);
  }

  private remainingMs(): number {
    return Math.max(0, this.deadline - Date.now());
  }

  /**
   * The deadline: a wait in progress fails naming who is missing; a send in progress fails by
   * its own timeout (capped at the deadline) naming its recipient, with a grace period; anything
   * else still running is this node's own step.
   */
  private timeUp(): void {
    if (!this.isRunning || this.mailbox.expire()) return;
    const failSelf = () =>
      this.fail(
        {
          node: this.deps.self,
          step: this.step,
          reason: `${this.deps.self} reached the job's time limit of ${this.deps.spec.timeoutMs} ms during ${this.step}`,
        },
        { broadcast: true },
      );
    if (this.sendsInFlight > 0) setTimeout(failSelf, SEND_GRACE_MS).unref();
    else failSelf();
  }

  private async sendOne(recipient: string, round: TMpcRound, payload: Uint8Array): Promise<void> {
    this.sendsInFlight++;
    try {
      await this.deps.send(recipient, round, payload, Math.max(1, this.remainingMs()));
    } finally {
      this.sendsInFlight--;
    }
  }

  private async sendAll(round: TMpcRound, payloadFor: (recipient: string) => Uint8Array): Promise<void> {
    const results = await Promise.allSettled(this.others.map((o) => this.sendOne(o, round, payloadFor(o))));
    this.checkRunning();
    const failed = results.findIndex((r) => r.status === "rejected");
    if (failed >= 0)
      throw this.deliveryFailure(
        round,
        (results[failed] as PromiseRejectedResult).reason,
        this.others[failed]!,
      );
  }

  private deliveryFailure(round: TMpcRound, err: unknown, recipient: string): JobFailure {
    const reason = err instanceof DeliveryError ? err.reason : "internal error";
    return new JobFailure({
      node: recipient,
      step: this.step,
      reason: `could not deliver the ${round} message to ${recipient}: ${reason}`,
    });
  }

  /** Throws the recorded failure if the job ended meanwhile (an abort arrived). */
  private checkRunning(): void {
    if (!this.isRunning && this.failure) throw new JobFailure(this.failure);
  }

  private async collect(round: TMpcRound, senders: readonly string[]): Promise<Map<string, Uint8Array>> {
    try {
      return await this.mailbox.collect(round, senders);
    } catch (err) {
      if (err instanceof MissingMessagesError)
        throw new JobFailure({
          node: err.missing[0]!,
          step: this.step,
          reason: `no ${round} message from ${err.missing.join(", ")} within the job's time limit of ${this.deps.spec.timeoutMs} ms`,
        });
      throw err;
    }
  }

  private async propose(): Promise<void> {
    this.step = "propose";
    const spec = encoder.encode(JSON.stringify(this.deps.spec));
    await this.sendAll("propose", () => spec);
    const start = encoder.encode(JSON.stringify({ accepted: this.deps.spec.parties.length }));
    await this.sendAll("start", () => start);
  }

  private async awaitStart(): Promise<void> {
    this.step = "propose";
    await this.collect("start", [this.deps.spec.coordinator]);
  }

  private async localAggregate(): Promise<BigUint64Array> {
    this.step = "local-aggregate";
    const { spec, self } = this.deps;
    const party = spec.parties.find((p) => p.node === self)!;
    try {
      const { vector } = await this.deps.dataSource.localAggregate({ spec, party, layout: this.layout });
      if (vector.length !== this.layout.length)
        throw new RangeError("the local vector does not match the layout");
      this.checkRunning();
      this.deps.inspect?.localVector?.(this.jobId, vector.slice());
      return vector;
    } catch (err) {
      if (err instanceof JobFailure) throw err;
      throw new JobFailure({
        node: self,
        step: "local-aggregate",
        reason: `${self} refused: ${safeReason(err)}`,
      });
    }
  }

  private async shareRound(local: BigUint64Array): Promise<BigUint64Array> {
    this.step = "share";
    const seeds = new Map(this.others.map((o) => [o, randomSeed()]));
    // The raw local vector becomes the share this node keeps (in place: no raw copy remains).
    const own = local;
    subtractSeedsInto(own, [...seeds.values()]);
    await this.sendAll("share", (recipient) => seeds.get(recipient)!);
    seeds.clear();
    const received = await this.collect("share", this.others);
    for (const [from, seed] of received) {
      const share = expandSeed(seed, this.layout.length);
      this.deps.inspect?.shareReceived?.(this.jobId, from, share);
      addInto(own, share);
    }
    return own;
  }

  private async releaseRound(ownSumShare: BigUint64Array): Promise<void> {
    this.step = "sum";
    const sums = await this.collect("sum", this.others);
    // Σ of the sum-shares, into the coordinator's own (not used otherwise).
    const reconstructed = ownSumShare;
    for (const [from, bytes] of sums) {
      const sumShare = vectorFromBytes(bytes, this.layout.length);
      this.deps.inspect?.sumShareReceived?.(this.jobId, from, sumShare);
      addInto(reconstructed, sumShare);
    }
    this.deps.inspect?.reconstructed?.(this.jobId, reconstructed);
    this.step = "release";
    const { spec } = this.deps;
    let result: TMpcJointResult;
    try {
      const domain = groupDomainOf(spec.groups);
      const totals = decodeTotals(reconstructed, this.layout, domain, spec.encoding);
      this.deps.inspect?.totals?.(this.jobId, totals);
      result = await protectJointTotals({ spec, domain, totals });
    } catch (err) {
      throw new JobFailure({ node: this.deps.self, step: "release", reason: safeReason(err) });
    }
    this.checkRunning();
    this.result = result;
    this.outputSha256 = sha256HexOf(encoder.encode(canonicalJson(result)));
    this.step = "outcome";
    this.state = "released";
    this.end();
    this.mailbox.close(new Error("released"));
    // Informational: the release has happened; a party that misses this ends failed by its deadline.
    const outcome = encoder.encode(JSON.stringify({ released: true, outputSha256: this.outputSha256 }));
    await Promise.allSettled(this.others.map((o) => this.deps.send(o, "outcome", outcome, ABORT_TIMEOUT_MS)));
  }

  private async partyEnd(sumShare: BigUint64Array): Promise<void> {
    this.step = "sum";
    const coordinator = this.deps.spec.coordinator;
    try {
      await this.sendOne(coordinator, "sum", vectorBytes(sumShare));
    } catch (err) {
      throw this.deliveryFailure("sum", err, coordinator);
    }
    this.checkRunning();
    this.step = "outcome";
    const messages = await this.collect("outcome", [coordinator]);
    const outcome = parseJson(messages.get(coordinator)!, ZMpcOutcomePayload)!;
    this.outputSha256 = outcome.outputSha256;
    this.state = "released";
    this.end();
    this.mailbox.close(new Error("released"));
  }
}

/** The step a message of `round` belongs to. */
function stepOf(round: TMpcRound): TMpcStep {
  return round === "abort" ? "outcome" : round === "start" ? "propose" : round;
}

function parseJson<T>(
  payload: Uint8Array,
  schema: { safeParse(v: unknown): { success: boolean; data?: T } },
): T | null {
  try {
    const parsed = schema.safeParse(JSON.parse(decoder.decode(payload)));
    return parsed.success ? (parsed.data as T) : null;
  } catch {
    return null;
  }
}
