/**
 * Configuration of one MPC node: its id, its two secret keys, and the peer list — every other
 * node it may exchange messages with, by id, with its URL and public keys. A message from a node
 * not listed, or signed by another key than the one listed, is refused; a job naming a node not
 * listed is refused. Parsed with zod; errors name the setting, never a key.
 *
 * From the environment (the enclave's ZEnclaveConfig includes these; all three or none):
 *   ENCLAVE_MPC_NODE_ID         this node's id, e.g. "tax"; MPC is off when it is unset or empty
 *   ENCLAVE_MPC_ENCRYPTION_KEY  its X25519 secret key (64 hex); the signing key is ENCLAVE_SIGNING_KEY
 *   ENCLAVE_MPC_PEERS           JSON array of { nodeId, url, signingPublicKey, encryptionPublicKey }
 * The variables are checked one by one (MPC_ENVIRONMENT), then together (mpcEnvironmentIssues),
 * so a launcher learns every bad variable at once; mpcNodeConfigOf turns them into the node's
 * configuration.
 */
import { ZMpcNodeId } from "@pdx/common/mpc-api";
import { z } from "zod";

const hexKey = (message: string) =>
  z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, message)
    .transform((k) => k.toLowerCase());
const ZHexKey = hexKey("must be 64 hex characters");

function isHttpUrl(value: string): boolean {
  try {
    return ["http:", "https:"].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

export const ZMpcPeer = z.strictObject({
  nodeId: ZMpcNodeId,
  /** Base URL of the peer's enclave (its MPC router is mounted at the root). */
  url: z
    .string()
    .refine(isHttpUrl, "must be an http(s) URL")
    .transform((u) => u.replace(/\/+$/, "")),
  signingPublicKey: hexKey("must be 64 hex characters (an ed25519 public key)"),
  encryptionPublicKey: hexKey("must be 64 hex characters (an X25519 public key)"),
});
export type TMpcPeer = z.output<typeof ZMpcPeer>;

/** Most peers of one node. */
const MAX_PEERS = 64;

/** What is wrong with a node's peer list as a whole (duplicates, the node itself). */
function peerListProblems(nodeId: string, peers: readonly { nodeId: string }[]): string[] {
  const ids = peers.map((p) => p.nodeId);
  const problems: string[] = [];
  if (new Set(ids).size !== ids.length) problems.push("each peer may be listed once");
  if (ids.includes(nodeId)) problems.push("the node itself is not its own peer");
  return problems;
}

export const ZMpcNodeConfig = z
  .strictObject({
    nodeId: ZMpcNodeId,
    /** ed25519 secret key (hex): signs every message this node sends. */
    signingKey: ZHexKey,
    /** X25519 secret key (hex): opens every payload sent to this node. */
    encryptionKey: ZHexKey,
    peers: z.array(ZMpcPeer).max(MAX_PEERS),
  })
  .superRefine((config, ctx) => {
    for (const message of peerListProblems(config.nodeId, config.peers))
      ctx.addIssue({ code: "custom", path: ["peers"], message });
  });
export type TMpcNodeConfig = z.output<typeof ZMpcNodeConfig>;
export type TMpcNodeConfigInput = z.input<typeof ZMpcNodeConfig>;

/** Parses a node configuration; throws an Error naming the offending settings (never values). */
export function parseMpcNodeConfig(input: unknown): TMpcNodeConfig {
  const parsed = ZMpcNodeConfig.safeParse(input);
  if (!parsed.success)
    throw new Error(
      `mpc node configuration: ${parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join(".") || "(config)"}: ${i.message}`)
        .join("; ")}`,
    );
  return parsed.data;
}

/** Treats an empty variable like an unset one (launchers pass "" to clear a value). */
const unsetIfEmpty = (v: unknown) => (v === "" ? undefined : v);

const PEERS_FORMAT = "a JSON array of { nodeId, url, signingPublicKey, encryptionPublicKey }";

/** ENCLAVE_MPC_PEERS: JSON text → the peer list (issues name the peer's index and field). */
const ZPeersJson = z
  .string()
  .transform((text, ctx): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      ctx.addIssue({ code: "custom", message: `must be ${PEERS_FORMAT} (it is not JSON)` });
      return z.NEVER;
    }
  })
  .pipe(
    z
      .array(ZMpcPeer, { error: `must be ${PEERS_FORMAT}` })
      .min(1, "must list at least one peer")
      .max(MAX_PEERS, `must list at most ${MAX_PEERS} peers`),
  );

/**
 * The ENCLAVE_MPC_* variables, each checked on its own (an object shape: ZEnclaveConfig spreads
 * it and adds mpcEnvironmentIssues as a refinement).
 */
export const MPC_ENVIRONMENT = {
  ENCLAVE_MPC_NODE_ID: z.preprocess(unsetIfEmpty, ZMpcNodeId.optional()),
  ENCLAVE_MPC_ENCRYPTION_KEY: z.preprocess(
    unsetIfEmpty,
    hexKey("must be 64 hex characters (the node's X25519 secret key)").optional(),
  ),
  ENCLAVE_MPC_PEERS: z.preprocess(unsetIfEmpty, ZPeersJson.optional()),
};
export const ZMpcEnvironment = z.object(MPC_ENVIRONMENT);
export type TMpcEnvironment = z.output<typeof ZMpcEnvironment>;

/** What is wrong with the variables together, each issue naming its variable (never a value). */
export function mpcEnvironmentIssues(env: TMpcEnvironment): { path: string[]; message: string }[] {
  const issues: { path: string[]; message: string }[] = [];
  if (!env.ENCLAVE_MPC_NODE_ID) {
    for (const name of ["ENCLAVE_MPC_ENCRYPTION_KEY", "ENCLAVE_MPC_PEERS"] as const)
      if (env[name] !== undefined)
        issues.push({
          path: [name],
          message: "is set but ENCLAVE_MPC_NODE_ID is not (set both, or neither to leave MPC off)",
        });
    return issues;
  }
  if (env.ENCLAVE_MPC_ENCRYPTION_KEY === undefined)
    issues.push({
      path: ["ENCLAVE_MPC_ENCRYPTION_KEY"],
      message: "is required with ENCLAVE_MPC_NODE_ID (the node's X25519 secret key, 64 hex characters)",
    });
  if (env.ENCLAVE_MPC_PEERS === undefined)
    issues.push({
      path: ["ENCLAVE_MPC_PEERS"],
      message: `is required with ENCLAVE_MPC_NODE_ID (${PEERS_FORMAT})`,
    });
  else
    for (const message of peerListProblems(env.ENCLAVE_MPC_NODE_ID, env.ENCLAVE_MPC_PEERS))
      issues.push({ path: ["ENCLAVE_MPC_PEERS"], message });
  return issues;
}

/**
 * The node configuration from the parsed variables (mpcEnvironmentIssues found nothing) and the
 * enclave's signing key; null when ENCLAVE_MPC_NODE_ID is unset (the enclave then serves no MPC).
 */
export function mpcNodeConfigOf(env: TMpcEnvironment, signingKey: string): TMpcNodeConfig | null {
  if (!env.ENCLAVE_MPC_NODE_ID) return null;
  return parseMpcNodeConfig({
    nodeId: env.ENCLAVE_MPC_NODE_ID,
    signingKey,
    encryptionKey: env.ENCLAVE_MPC_ENCRYPTION_KEY,
    peers: env.ENCLAVE_MPC_PEERS,
  });
}
