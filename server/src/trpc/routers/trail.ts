/** trail.*: the hash-chained audit trail of every workflow transition, and approval signatures. */
import { verifyApproval } from "../../domain/signing/approvals";
import { listAuditEvents, verifyAuditTrail } from "../../domain/trail/audit-trail";
import {
  ZApprovalVerification,
  ZAuditEvent,
  ZIdInput,
  ZTrailListInput,
  ZTrailVerification,
} from "../schemas/orgs";
import { router, userProcedure } from "../trpc";

export const trailRouter = router({
  list: userProcedure
    .input(ZTrailListInput)
    .output(ZAuditEvent.array())
    .query(({ ctx, input }) =>
      listAuditEvents(ctx.deps.db, {
        ...input,
        beforeSeq: input?.cursor ?? undefined,
        from: input?.from ? new Date(input.from) : undefined,
        to: input?.to ? new Date(input.to) : undefined,
      }),
    ),

  verify: userProcedure.output(ZTrailVerification).query(({ ctx }) => verifyAuditTrail(ctx.deps.db)),

  verifyApproval: userProcedure
    .input(ZIdInput)
    .output(ZApprovalVerification)
    .query(({ ctx, input }) => verifyApproval(ctx.deps.db, input.id)),
});
