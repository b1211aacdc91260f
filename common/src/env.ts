/**
 * Configuration from the environment, parsed once at start with zod. A bad value stops the
 * process with a message naming the variable — never echoing secret values.
 */
import type { z } from "zod";

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Parses `env` with `schema`; throws ConfigError listing each bad variable by name. */
export function parseConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const name = issue.path.join(".") || "(environment)";
      return `${name}: ${issue.message}`;
    }),
  );
}

/** For a process entry point: parse or print the problems and exit with status 78 (EX_CONFIG). */
export function loadConfigOrExit<S extends z.ZodType>(processName: string, schema: S): z.infer<S> {
  try {
    return parseConfig(schema);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`[${processName}] ${err.message}`);
      process.exit(78);
    }
    throw err;
  }
}
