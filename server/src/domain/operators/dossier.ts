/**
 * The admission dossier: what an applicant declares (statement) and the five documents it must
 * upload, each stored with its SHA-256. The content hash of an application — the statement plus
 * the documents' kinds and hashes — is what every signed review approves, so a document swapped
 * after review no longer matches its approvals.
 */
import { canonicalJson } from "@pdx/common/canonical-json";
import { sha256Hex } from "@pdx/common/hash";
import { z } from "zod";
import { DomainError } from "../domain-error";

/** The documents a dossier must contain before it can be submitted. */
export const DOSSIER_KINDS = [
  "audit_report",
  "financial_statements",
  "security_commitment",
  "risk_self_assessment",
  "emergency_plan",
] as const;
export type TDossierKind = (typeof DOSSIER_KINDS)[number];

/** Names of the kinds, for messages that must read in both languages. */
export const DOSSIER_KIND_NAMES: Record<TDossierKind, { zh: string; en: string }> = {
  audit_report: { zh: "审计报告", en: "audit report" },
  financial_statements: { zh: "财务报表", en: "financial statements" },
  security_commitment: { zh: "数据安全承诺书", en: "security commitment" },
  risk_self_assessment: { zh: "风险自评估报告", en: "risk self-assessment" },
  emergency_plan: { zh: "应急预案", en: "emergency plan" },
};

/** Media types accepted, each with the leading bytes its content must start with. */
export const DOCUMENT_MEDIA_TYPES = [
  "application/pdf",
  "image/png",
  "image/jpeg",
  "text/plain",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
] as const;
export type TDocumentMediaType = (typeof DOCUMENT_MEDIA_TYPES)[number];

/** Largest document accepted (decoded bytes). */
export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;
/** Longest base64 text of a MAX_DOCUMENT_BYTES document. */
export const MAX_DOCUMENT_BASE64_CHARS = Math.ceil(MAX_DOCUMENT_BYTES / 3) * 4;

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const MAGIC: Partial<Record<TDocumentMediaType, readonly number[]>> = {
  "application/pdf": [0x25, 0x50, 0x44, 0x46, 0x2d], // %PDF-
  "image/png": [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  "image/jpeg": [0xff, 0xd8, 0xff],
  // Office Open XML files are ZIP archives.
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ZIP_MAGIC,
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ZIP_MAGIC,
};

/** What the applicant declares about itself (stored with the application, covered by the content hash). */
export const ZOperatorStatement = z
  .object({
    /** Business scope and the authorized-operation business it intends to run. */
    businessScope: z.string().trim().min(1).max(2000),
    /** Name of the data-security officer (数据安全负责人). */
    securityOfficer: z.string().trim().min(1).max(100),
    contactPhone: z
      .string()
      .trim()
      .regex(/^[0-9+\-() ]{5,30}$/, "digits, spaces and + - ( ) only"),
    /** Qualifications held (等保三级, ISO/IEC 27001, …); may be empty. */
    qualifications: z.string().trim().max(2000),
  })
  .strict();
export type TOperatorStatement = z.infer<typeof ZOperatorStatement>;

/** A safe file name: no path separators or control characters. */
export const ZDocumentFileName = z
  .string()
  .trim()
  .min(1)
  .max(255)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
  .regex(/^[^\\/\u0000-\u001f\u007f]+$/, "no path separators or control characters");

/**
 * Decodes a document's base64 content and checks it: canonical base64, 1 byte to 5 MB, and
 * content that matches the declared media type. Throws INVALID_INPUT naming the problem.
 */
export function decodeDocumentContent(contentBase64: string, mediaType: TDocumentMediaType): Buffer {
  const text = contentBase64.replace(/\s+/g, "");
  if (text.length === 0) throw new DomainError("INVALID_INPUT", "文件为空 / the file is empty");
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) {
    throw new DomainError(
      "INVALID_INPUT",
      "文件内容不是有效的 base64 编码 / the content is not valid base64",
    );
  }
  if (text.length > MAX_DOCUMENT_BASE64_CHARS + 4) throw tooLarge();
  const bytes = Buffer.from(text, "base64");
  if (bytes.length === 0) throw new DomainError("INVALID_INPUT", "文件为空 / the file is empty");
  if (bytes.length > MAX_DOCUMENT_BYTES) throw tooLarge();
  const magic = MAGIC[mediaType];
  if (magic && !magic.every((b, i) => bytes[i] === b)) {
    throw new DomainError(
      "INVALID_INPUT",
      `文件内容与类型 ${mediaType} 不符 / the content is not a ${mediaType} file`,
    );
  }
  if (mediaType === "text/plain" && !isPlainText(bytes)) {
    throw new DomainError("INVALID_INPUT", "文本文件须为 UTF-8 编码 / a text file must be UTF-8 text");
  }
  return bytes;
}

function tooLarge(): DomainError {
  return new DomainError(
    "INVALID_INPUT",
    `文件超过 ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB 上限 / the file is larger than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB`,
  );
}

function isPlainText(bytes: Buffer): boolean {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The kinds missing from a dossier, in the required order. */
export function missingDossierKinds(presentKinds: Iterable<string>): TDossierKind[] {
  const present = new Set(presentKinds);
  return DOSSIER_KINDS.filter((k) => !present.has(k));
}

/** "缺少：审计报告、财务报表 / missing: audit report, financial statements". */
export function missingKindsMessage(missing: readonly TDossierKind[]): string {
  return `申请材料不全，缺少：${missing.map((k) => DOSSIER_KIND_NAMES[k].zh).join("、")} / the dossier is incomplete, missing: ${missing.map((k) => `${DOSSIER_KIND_NAMES[k].en} (${k})`).join(", ")}`;
}

/**
 * SHA-256 of the canonical JSON of the statement and the documents' kinds and hashes (sorted), the
 * subject hash every signed review of the application carries.
 */
export function applicationContentHash(
  statement: unknown,
  documents: readonly { kind: string; sha256: string }[],
): string {
  const docs = documents
    .map((d) => ({ kind: d.kind, sha256: d.sha256 }))
    .sort((a, b) => (a.kind === b.kind ? cmp(a.sha256, b.sha256) : cmp(a.kind, b.kind)));
  return sha256Hex(canonicalJson({ statement, documents: docs }));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
