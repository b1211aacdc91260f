/** audit.*: auditors and regulators search usage records and verify them against the chain. */
import { ZSignedJobReceiptV2 } from "@pdx/common/enclave-jobs";
import { ZSignedReceipt } from "@pdx/common/receipt";
import { z } from "zod";
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
      const receipt = z.union([ZSignedReceipt, ZSignedJobReceiptV2]).safeParse(result.record.receipt);
      return { ...result, record: { ...result.record, receipt: receipt.success ? receipt.data : null } };
    }),
});
