/**
 * The enclave's configuration, read once from the environment at start. A bad value stops the
 * process naming the variable; secret values are never echoed.
 *
 * Joint aggregates with other enclave nodes (MPC, mpc/README.md) are optional: the ENCLAVE_MPC_*
 * variables and their rules are owned by mpc/node-config.ts (MPC_ENVIRONMENT, checked together by
 * mpcEnvironmentIssues); MPC is off when ENCLAVE_MPC_NODE_ID is unset.
 */
import { z } from "zod";
import { MPC_ENVIRONMENT, mpcEnvironmentIssues } from "./mpc/node-config";

const HEX_KEY = /^[0-9a-fA-F]{64}$/;

/** Treats an empty variable like an unset one (launchers pass "" to clear a value). */
const unsetIfEmpty = (v: unknown) => (v === "" ? undefined : v);

/** Environment of the enclave process; see main.ts for how each value is used. */
export const ZEnclaveConfig = z
  .object({
    ENCLAVE_PORT: z.preprocess(
      unsetIfEmpty,
      z.coerce.number().int().min(0).max(65535, "must be a port number (0–65535)").default(4100),
    ),
    ENCLAVE_HOST: z.preprocess(unsetIfEmpty, z.string().min(1).default("127.0.0.1")),
    VAULT_DATABASE_URL: z.preprocess(
      unsetIfEmpty,
      z
        .string({ error: "is required (postgres:// URL of the vault database)" })
        .regex(/^postgres(ql)?:\/\/\S+$/, "must be a postgres:// URL"),
    ),
    ENCLAVE_SIGNING_KEY: z.preprocess(
      unsetIfEmpty,
      z
        .string({ error: "is required (the enclave's ed25519 secret key, 64 hex characters)" })
        .regex(HEX_KEY, "must be 64 hex characters (an ed25519 secret key)")
        .transform((k) => k.toLowerCase()),
    ),
    ENCLAVE_TRUSTED_CLIENT_KEYS: z.preprocess(
      unsetIfEmpty,
      z
        .string({ error: "is required (comma-separated ed25519 public keys of trusted clients)" })
        .transform((s) =>
          s
            .split(",")
            .map((k) => k.trim())
            .filter((k) => k !== ""),
        )
        .pipe(
          z
            .array(z.string().regex(HEX_KEY, "each key must be 64 hex characters (an ed25519 public key)"))
            .min(1, "must list at least one ed25519 public key")
            .transform((keys) => keys.map((k) => k.toLowerCase())),
        ),
    ),
    CHAIN_RPC_URL: z.preprocess(
      unsetIfEmpty,
      z
        .string({
          error: "is required (http(s) JSON-RPC URL of the chain holding the AuthorizationRegistry)",
        })
        .refine((v) => {
          try {
            return ["http:", "https:"].includes(new URL(v).protocol);
          } catch {
            return false;
          }
        }, "must be an http(s) URL"),
    ),
    AUTHORIZATION_REGISTRY_ADDRESS: z.preprocess(
      unsetIfEmpty,
      z
        .string({ error: "is required (address of the AuthorizationRegistry contract)" })
        .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte address"),
    ),
    ENCLAVE_SEED_LEGAL_ENTITIES: z.preprocess(
      unsetIfEmpty,
      z.coerce
        .number()
        .int("must be a whole number")
        .min(1, "must be at least 1")
        .max(5_000_000, "must be at most 5,000,000")
        .default(100_000),
    ),
    ENCLAVE_DATA_DIR: z.preprocess(unsetIfEmpty, z.string().min(1).default(".data/enclave")),
    ENCLAVE_KEY_STORE_KEY: z.preprocess(
      unsetIfEmpty,
      z
        .string()
        .regex(HEX_KEY, "must be 64 hex characters (the key store's master secret)")
        .transform((k) => k.toLowerCase())
        .optional(),
    ),
    /**
     * Catalog datasets this enclave generates on first start (deterministic synthetic rows, loaded
     * through the ingest pipeline like an upload): "CODE@VERSION=ROWS", comma-separated. The demo's
     * MPC nodes each hold their department's dataset this way (ingest/generated-versions.ts).
     */
    ENCLAVE_GENERATED_DATASETS: z.preprocess(
      unsetIfEmpty,
      z
        .string()
        .transform((s) =>
          s
            .split(",")
            .map((x) => x.trim())
            .filter((x) => x !== ""),
        )
        .pipe(
          z.array(
            z
              .string()
              .regex(
                /^[A-Z][A-Z0-9-]{1,63}@[0-9A-Za-z.-]{1,40}=[1-9][0-9]{0,6}$/,
                "each entry must be CODE@VERSION=ROWS (e.g. TAX-INVOICE-SUMMARY@2026.11=4000)",
              )
              .transform((x) => {
                const [ref, rows] = x.split("=") as [string, string];
                const [code, version] = ref.split("@") as [string, string];
                return { code, version, rows: Number(rows) };
              }),
          ),
        )
        .default([]),
    ),
    ...MPC_ENVIRONMENT,
  })
  .superRefine((config, ctx) => {
    for (const issue of mpcEnvironmentIssues(config)) ctx.addIssue({ code: "custom", ...issue });
  });
export type TEnclaveConfig = z.infer<typeof ZEnclaveConfig>;
