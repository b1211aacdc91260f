/** audit.*: auditors and regulators search usage records and verify them against the chain. */
import { ZSignedReceipt } from "@pdx/common/receipt";
import { listUsageRecords } from "../../domain/audit/usage-records";
import { verifyUsageRecord } from "../../domain/audit/verify-usage-record";
import {
  ZListUsageRecordsInput,
  ZUsageRecordPage,
  ZUsageRecordVerification,
  ZVerifyUsageRecordInput,
} from "../schemas";
import { router, userProcedure } from "../trpc";

export const auditRouter = router({
  listUsageRecords: userProcedure
    .input(ZListUsageRecordsInput)
    .output(ZUsageRecordPage)
    .query(({ ctx, input }) => listUsageRecords(ctx.deps.db, input)),

  verifyUsageRecord: userProcedure
    .input(ZVerifyUsageRecordInput)
    .output(ZUsageRecordVerification)
    .query(async ({ ctx, input }) => {
      const result = await verifyUsageRecord(ctx.deps, input.id);
      const receipt = ZSignedReceipt.safeParse(result.record.receipt);
      return { ...result, record: { ...result.record, receipt: receipt.success ? receipt.data : null } };
    }),
});
