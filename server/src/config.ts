/**
 * The server's configuration, parsed once at start from the environment (common/env): a bad
 * value stops the process naming the variable, never echoing a secret.
 */

import { z } from "zod";
import { DEV_CHAIN_ACCOUNT0_PRIVATE_KEY } from "./chain";
import { DEFAULT_SESSION_TTL_MINUTES } from "./domain/auth/sessions";
import { ZMpcNodeRef } from "./enclave-client/mpc-jobs";

const HEX32 = /^[0-9a-f]{64}$/;
const blankToUndefined = (v: unknown) => (v === "" ? undefined : v);

const ZBoolean = z.preprocess(
  blankToUndefined,
  z
    .enum(["true", "false", "1", "0"], { message: 'must be "true" or "false"' })
    .default("false")
    .transform((v) => v === "true" || v === "1"),
);

const ZOrigins = z.preprocess(
  blankToUndefined,
  z
    .string()
    .default("http://localhost:3000,http://127.0.0.1:3000")
    .transform((v) =>
      v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(
          z
            .string()
            .url()
            .refine((o) => new URL(o).origin === o, "each origin must be scheme://host[:port] with no path"),
        )
        .min(1),
    ),
);

/** True for http(s) URLs on this machine (where the well-known dev key is acceptable). */
export function isLocalRpcUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === "127.0.0.1" || host === "localhost" || host === "[::1]";
  } catch {
    return false;
  }
}

export const ZServerConfig = z
  .object({
    PORT: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(65_535).default(4000)),
    HOST: z.preprocess(blankToUndefined, z.string().min(1).default("127.0.0.1")),
    DATABASE_URL: z
      .string({ message: "is required (postgres://…)" })
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL"),
    ENCLAVE_URL: z.preprocess(blankToUndefined, z.string().url().default("http://127.0.0.1:4100")),
    ENCLAVE_PUBLIC_KEY: z
      .string({ message: "is required (the enclave's ed25519 public key, 64 hex chars)" })
      .regex(HEX32, "must be 64 lowercase hex characters"),
    SERVER_SIGNING_KEY: z
      .string({ message: "is required (the server's ed25519 secret key, 64 hex chars)" })
      .regex(HEX32, "must be 64 lowercase hex characters"),
    USER_KEY_ENCRYPTION_KEY: z
      .string({ message: "is required (64 hex chars; seals every user's signing key)" })
      .regex(HEX32, "must be 64 lowercase hex characters"),
    /**
     * The MPC nodes joint-statistics products run on: JSON array of { nodeId, url,
     * signingPublicKey } (each node's ed25519 key: coordinator receipts must verify with it).
     * Empty: no joint products can run.
     */
    MPC_NODES: z.preprocess(
      blankToUndefined,
      z
        .string()
        .transform((text, ctx): unknown => {
          try {
            return JSON.parse(text);
          } catch {
            ctx.addIssue({
              code: "custom",
              message: "must be a JSON array of { nodeId, url, signingPublicKey }",
            });
            return z.NEVER;
          }
        })
        .pipe(z.array(ZMpcNodeRef).max(64))
        .default([]),
    ),
    PUBLIC_NOTICE_DAYS: z.preprocess(blankToUndefined, z.coerce.number().min(0).max(60).default(5)),
    CHAIN_RPC_URL: z.preprocess(blankToUndefined, z.string().url().default("http://127.0.0.1:8545")),
    CHAIN_PRIVATE_KEY: z.preprocess(
      blankToUndefined,
      z
        .string()
        .regex(/^0x[0-9a-fA-F]{64}$/, "must be 0x followed by 64 hex characters")
        .optional(),
    ),
    CATALOG_REGISTRY_ADDRESS: z
      .string({ message: "is required (address of the CatalogRegistry contract)" })
      .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte address"),
    AUTHORIZATION_REGISTRY_ADDRESS: z
      .string({ message: "is required (address of the AuthorizationRegistry contract)" })
      .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte address"),
    CHAIN_WRITES_INTERVAL_MS: z.preprocess(
      blankToUndefined,
      z.coerce.number().int().min(200).max(3_600_000).default(2000),
    ),
    ANCHOR_INTERVAL_MS: z.preprocess(
      blankToUndefined,
      z.coerce.number().int().min(200).max(3_600_000).default(3000),
    ),
    SESSION_TTL_MINUTES: z.preprocess(
      blankToUndefined,
      z.coerce
        .number()
        .int()
        .min(1)
        .max(7 * 24 * 60)
        .default(DEFAULT_SESSION_TTL_MINUTES),
    ),
    COOKIE_SECURE: ZBoolean,
    ALLOWED_ORIGINS: ZOrigins,
  })
  .transform((c, ctx) => {
    let chainPrivateKey = c.CHAIN_PRIVATE_KEY;
    if (!chainPrivateKey) {
      if (!isLocalRpcUrl(c.CHAIN_RPC_URL)) {
        ctx.addIssue({
          code: "custom",
          path: ["CHAIN_PRIVATE_KEY"],
          message: "is required when CHAIN_RPC_URL is not a local (127.0.0.1/localhost) chain",
        });
        return z.NEVER;
      }
      // Hardhat's public test key: only ever for the local dev chain.
      chainPrivateKey = DEV_CHAIN_ACCOUNT0_PRIVATE_KEY;
    }
    return { ...c, CHAIN_PRIVATE_KEY: chainPrivateKey };
  });

export type TServerConfig = z.infer<typeof ZServerConfig>;
