/** auth.*: sign in, sign out, who am I. */
import { login, logout } from "../../domain/auth/sessions";
import { ZLoginInput, ZLoginOutput, ZLogoutOutput, ZNoInput, ZUser } from "../schemas";
import { publicProcedure, router } from "../trpc";
import { acceptInvitationProcedure } from "./orgs";

export const authRouter = router({
  /** Sets the password of an invited user and creates their account and signing key. */
  acceptInvitation: acceptInvitationProcedure,

  login: publicProcedure
    .input(ZLoginInput)
    .output(ZLoginOutput)
    .mutation(async ({ ctx, input }) => {
      const { deps } = ctx;
      const result = await login(deps.db, input, { ttlMinutes: deps.sessionTtlMinutes, now: deps.now?.() });
      // A previous session on this browser ends with the new sign-in.
      if (ctx.sessionToken) await logout(deps.db, ctx.sessionToken);
      ctx.cookies.setSession(result.token, result.expiresAt);
      return { user: result.user };
    }),

  // No .input(): with one, tRPC parses the request body, and a plain (non-batched) client sends
  // none for an input-less mutation. Nothing of the body is ever read here.
  logout: publicProcedure.output(ZLogoutOutput).mutation(async ({ ctx }) => {
    await logout(ctx.deps.db, ctx.sessionToken);
    ctx.cookies.clearSession();
    return { ok: true as const };
  }),

  me: publicProcedure
    .input(ZNoInput)
    .output(ZUser.nullable())
    .query(({ ctx }) => {
      if (ctx.session.status === "valid") return ctx.session.user;
      // An expired or unknown session cookie is cleared; the client shows the sign-in page.
      if (ctx.sessionToken) ctx.cookies.clearSession();
      return null;
    }),
});
