/**
 * Configuration of one MPC node: its id, its two secret keys, and the peer list — every other
 * node it may exchange messages with, by id, with its URL and public keys. A message from a node
 * not listed, or signed by another key than the one listed, is refused; a job naming a node not
 * listed is refused. Parsed with zod; errors name the setting, never a key.
 *
 * From the environment (what the lead's enclave main would read; all three or none):
 *   ENCLAVE_MPC_NODE_ID         this node's id, e.g. "tax"
 *   ENCLAVE_MPC_ENCRYPTION_KEY  its X25519 secret key (64 hex); the signing key is ENCLAVE_SIGNING_KEY
 *   ENCLAVE_MPC_PEERS           JSON array of { nodeId, url, signingPublicKey, encryptionPublicKey }
 */
import { ZMpcNodeId } from "@pdx/common/mpc-api";
import { z } from "zod";

const ZHexKey = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, "must be 64 hex characters")
  .transform((k) => k.toLowerCase());

export const ZMpcPeer = z.strictObject({
  nodeId: ZMpcNodeId,
  /** Base URL of the peer's enclave (its MPC router is mounted at the root). */
  url: z
    .string()
    .url()
    .refine((u) => ["http:", "https:"].includes(new URL(u).protocol), "must be an http(s) URL")
    .transform((u) => u.replace(/\/+$/, "")),
  signingPublicKey: ZHexKey,
  encryptionPublicKey: ZHexKey,
});
export type TMpcPeer = z.output<typeof ZMpcPeer>;

export const ZMpcNodeConfig = z
  .strictObject({
    nodeId: ZMpcNodeId,
    /** ed25519 secret key (hex): signs every message this node sends. */
    signingKey: ZHexKey,
    /** X25519 secret key (hex): opens every payload sent to this node. */
    encryptionKey: ZHexKey,
    peers: z.array(ZMpcPeer).max(64),
  })
  .superRefine((config, ctx) => {
    const ids = config.peers.map((p) => p.nodeId);
    if (new Set(ids).size !== ids.length)
      ctx.addIssue({ code: "custom", path: ["peers"], message: "each peer may be listed once" });
    if (ids.includes(config.nodeId))
      ctx.addIssue({ code: "custom", path: ["peers"], message: "the node itself is not its own peer" });
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

/**
 * The node configuration from ENCLAVE_MPC_* variables and the enclave's signing key; null when
 * ENCLAVE_MPC_NODE_ID is unset (the enclave then serves no MPC). Throws naming the variable.
 */
export function mpcNodeConfigFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  signingKey: string,
): TMpcNodeConfig | null {
  const nodeId = env.ENCLAVE_MPC_NODE_ID;
  if (!nodeId) return null;
  let peers: unknown;
  try {
    peers = JSON.parse(env.ENCLAVE_MPC_PEERS ?? "");
  } catch {
    throw new Error("ENCLAVE_MPC_PEERS: must be a JSON array of peers");
  }
  if (!env.ENCLAVE_MPC_ENCRYPTION_KEY)
    throw new Error("ENCLAVE_MPC_ENCRYPTION_KEY: is required with ENCLAVE_MPC_NODE_ID");
  return parseMpcNodeConfig({ nodeId, signingKey, encryptionKey: env.ENCLAVE_MPC_ENCRYPTION_KEY, peers });
}
