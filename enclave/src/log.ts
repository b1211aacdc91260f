/**
 * The enclave's log: one JSON line per event, built from an allow-list of fields per event kind.
 * Nothing else can be logged — no request bodies, row values, SQL text, error messages or keys —
 * because the types admit only these shapes.
 *
 * The MPC node's events (TMpcLogEvent, owned by mpc/mpc-node.ts: ids, states, steps and codes)
 * are part of the union; mpcLogEvent copies them field by field, so a field added to the MPC
 * events later is not logged until it is listed here.
 */
import type { TMpcLogEvent } from "./mpc/mpc-node";

export type TEnclaveLogEvent =
  | {
      event: "job";
      jobId: string;
      product: string;
      dataset: string;
      rowsRead: number;
      releasedCells: number;
      suppressedCells: number;
      ms: number;
    }
  | { event: "refused"; code: string; status: number; path: string }
  | { event: "internal_error"; path: string; errorName: string; sqlState?: string }
  | {
      event: "vault_ingest";
      dataset: string;
      version: string;
      status: "loaded" | "already-loaded";
      rows: number;
      ms: number;
    }
  | { event: "vault_migrations"; applied: number; alreadyApplied: number }
  | { event: "vault_pool_error"; sqlState?: string }
  | { event: "listening"; url: string }
  | { event: "ready"; ms: number }
  | { event: "stopping"; signal: string }
  | {
      event: "product_job";
      jobId: string;
      mode: "mock" | "real";
      state: string;
      rule?: string;
      queries: number;
      rowsRead: number;
      epsilon: number;
      ms: number;
    }
  | { event: "product_job_error"; jobId: string; errorName: string }
  | { event: "product_jobs_recovered"; count: number }
  | {
      /** A private set intersection session ended: sizes and counts only, never points or items. */
      event: "psi_session_end";
      sessionId: string;
      mode: "intersection" | "cardinality";
      format: string;
      buyerSetSize: number;
      serverSetSize: number;
      buyerChunksReceived: number;
      replyChunksSent: number;
      serverChunksSent: number;
      complete: boolean;
      startedAt: string;
      endedAt: string | null;
    }
  /** This enclave is an MPC node with these peers (ids only). */
  | { event: "mpc_node"; nodeId: string; peers: string[] }
  /** A joint aggregate ended on this node (mpc_job), or a peer's message was refused (mpc_refused). */
  | TMpcLogEvent;

/** Receives one event; implementations must not add fields. */
export type TEnclaveLog = (event: TEnclaveLogEvent) => void;

/** Writes each event as one JSON line on stdout, with a timestamp. */
export const jsonLineLog: TEnclaveLog = (event) => {
  process.stdout.write(`${JSON.stringify({ ts: new Date().toISOString(), ...event })}\n`);
};

/** The allow-listed fields of an MPC node's event (never payloads, shares, values or keys). */
export function mpcLogEvent(event: TMpcLogEvent): TEnclaveLogEvent {
  if (event.event === "mpc_job")
    return {
      event: "mpc_job",
      jobId: event.jobId,
      role: event.role,
      state: event.state,
      step: event.step,
      ...(event.failedNode === undefined ? {} : { failedNode: event.failedNode }),
      ms: event.ms,
    };
  return {
    event: "mpc_refused",
    code: event.code,
    ...(event.round === undefined ? {} : { round: event.round }),
    ...(event.sender === undefined ? {} : { sender: event.sender }),
  };
}

/** SQLSTATE of a pg error, if it is one (safe to log: a five-character class code). */
export function sqlStateOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}
