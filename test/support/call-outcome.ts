/** How a tRPC call ended, for refusal assertions in integration tests. */
import { TRPCError } from "@trpc/server";

/** "OK", or the TRPCError code the call was refused with (any other error is rethrown). */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "OK";
  } catch (err) {
    if (err instanceof TRPCError) return err.code;
    throw err;
  }
}

/** "OK", or the message of the error the call failed with. */
export async function messageOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "OK";
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
