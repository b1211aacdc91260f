/** orgs.*: the caller's organization and its members; organizations and public signing keys. */
import {
  acceptInvitation,
  inviteMember,
  listMembers,
  removeMember,
  revokeInvitation,
} from "../../domain/orgs/members";
import {
  listOrganizations,
  listPublicKeys,
  myOrganization,
  registerOrganization,
} from "../../domain/orgs/organizations";
import { nowOf } from "../context";
import {
  ZAcceptInvitationInput,
  ZAcceptInvitationOutput,
  ZIdInput,
  ZInviteInput,
  ZInviteOutput,
  ZListOrganizationsInput,
  ZMembers,
  ZOk,
  ZOrganization,
  ZPublicKey,
  ZPublicKeysInput,
  ZRegisterOrganizationInput,
} from "../schemas/orgs";
import { publicProcedure, router, userProcedure } from "../trpc";

export const orgsRouter = router({
  myOrganization: userProcedure
    .output(ZOrganization)
    .query(({ ctx }) => myOrganization(ctx.deps.db, ctx.user)),

  listMembers: userProcedure
    .output(ZMembers)
    .query(({ ctx }) => listMembers(ctx.deps.db, ctx.user, nowOf(ctx.deps))),

  invite: userProcedure
    .input(ZInviteInput)
    .output(ZInviteOutput)
    .mutation(({ ctx, input }) => inviteMember(ctx.deps.db, ctx.user, input, nowOf(ctx.deps))),

  revokeInvitation: userProcedure
    .input(ZIdInput)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await revokeInvitation(ctx.deps.db, ctx.user, input.id, nowOf(ctx.deps));
      return { ok: true as const };
    }),

  removeMember: userProcedure
    .input(ZIdInput)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await removeMember(ctx.deps.db, ctx.user, input.id, nowOf(ctx.deps));
      return { ok: true as const };
    }),

  list: userProcedure
    .input(ZListOrganizationsInput)
    .output(ZOrganization.array())
    .query(({ ctx, input }) => listOrganizations(ctx.deps.db, { type: input?.type })),

  register: userProcedure
    .input(ZRegisterOrganizationInput)
    .output(ZOrganization)
    .mutation(({ ctx, input }) => registerOrganization(ctx.deps.db, ctx.user, input, nowOf(ctx.deps))),

  publicKeys: userProcedure
    .input(ZPublicKeysInput)
    .output(ZPublicKey.array())
    .query(({ ctx, input }) => listPublicKeys(ctx.deps.db, { orgId: input?.orgId })),
});

/** auth.acceptInvitation lives here with the rest of the membership logic; auth.ts re-exports it. */
export const acceptInvitationProcedure = publicProcedure
  .input(ZAcceptInvitationInput)
  .output(ZAcceptInvitationOutput)
  .mutation(({ ctx, input }) => acceptInvitation(ctx.deps.db, ctx.deps.keyring, input, nowOf(ctx.deps)));
