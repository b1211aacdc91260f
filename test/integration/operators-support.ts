/** Shared helpers of the operators integration tests (operators-*.test.ts). */
import { TRPCError } from "@trpc/server";
import type { TDb } from "../../server/src/db";
import { DomainError } from "../../server/src/domain/domain-error";
import type { TDocumentMediaType, TDossierKind } from "../../server/src/domain/operators/dossier";
import { DOSSIER_KINDS } from "../../server/src/domain/operators/dossier";
import { addOrgWithUser, type TCaller } from "../../server/src/testing/server-test-kit";

export const REGULATOR = "regulator@demo.pdx.cn";
export const AUDITOR = "auditor@demo.pdx.cn";
export const BUYER = "buyer@demo.pdx.cn";
export const SOURCE = "source@demo.pdx.cn";
export const DEMO_OPERATOR = "operator@demo.pdx.cn";
export const APPLICANT = "applicant@demo.pdx.cn";

export const STATEMENT = {
  businessScope: "基于公共数据开发普惠金融风控产品",
  securityOfficer: "吴昊",
  contactPhone: "0755-1234 5678",
  qualifications: "等保三级",
};

/** One small document per kind, in every accepted family of media types. */
export const SAMPLE_DOCUMENTS: Record<
  TDossierKind,
  { fileName: string; mediaType: TDocumentMediaType; bytes: Buffer }
> = {
  audit_report: {
    fileName: "审计报告.pdf",
    mediaType: "application/pdf",
    bytes: Buffer.from("%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"),
  },
  financial_statements: {
    fileName: "财务报表.xlsx",
    mediaType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    bytes: Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from("xl/workbook.xml")]),
  },
  security_commitment: {
    fileName: "数据安全承诺书.txt",
    mediaType: "text/plain",
    bytes: Buffer.from("本单位承诺遵守数据安全法律法规。\n", "utf8"),
  },
  risk_self_assessment: {
    fileName: "风险自评估.docx",
    mediaType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    bytes: Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from("word/document.xml")]),
  },
  emergency_plan: {
    fileName: "应急预案.png",
    mediaType: "image/png",
    bytes: Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.from("IHDR"),
    ]),
  },
};

/** Uploads the given kinds (all five by default) to an application. */
export async function uploadDossier(
  caller: TCaller,
  applicationId: string,
  kinds: readonly TDossierKind[] = DOSSIER_KINDS,
): Promise<void> {
  for (const kind of kinds) {
    const d = SAMPLE_DOCUMENTS[kind];
    await caller.operators.uploadDocument({
      applicationId,
      kind,
      fileName: d.fileName,
      mediaType: d.mediaType,
      contentBase64: d.bytes.toString("base64"),
    });
  }
}

/** "OK", or the domain code of the refusal (the tRPC code when there is none). */
export async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "OK";
  } catch (err) {
    if (err instanceof TRPCError) return err.cause instanceof DomainError ? err.cause.code : err.code;
    if (err instanceof DomainError) return err.code;
    throw err;
  }
}

/** The message of a refused call. */
export async function refusalMessage(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error("expected the call to be refused");
}

let orgCounter = 0;

/** Adds a fresh operator organization with an org-admin operator user; returns the user's e-mail. */
export async function addOperatorOrg(db: TDb, label = "op"): Promise<string> {
  orgCounter++;
  const key = `test-${label}-${orgCounter}-${Math.random().toString(36).slice(2, 7)}`;
  const email = `${key}@test.pdx.cn`;
  await addOrgWithUser(
    db,
    { key, name: `测试运营单位${orgCounter}`, nameEn: `Test operator ${orgCounter}`, type: "operator" },
    { email, displayName: `运营${orgCounter}`, role: "operator", isOrgAdmin: true },
  );
  return email;
}

/** Counts rows of a query (for "nothing changed" checks). */
export async function countOf(db: TDb, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM (${sql}) q`, params);
  return Number(rows[0]!.n);
}
