/**
 * Shared pieces of the catalog tests: valid test entries (with item codes no seed uses), a second
 * data-source department, row counts for "nothing was written" checks, and a helper that reads
 * a tRPC error's code and message.
 */
import type { TDatasetEntry, TDatasetField } from "@pdx/common/catalog/dataset-entry";
import { TRPCError } from "@trpc/server";
import type { TDb } from "../../server/src/db";
import { addOrgWithUser } from "../../server/src/testing/server-test-kit";

export const SOURCE = "source@demo.pdx.cn";
export const REGULATOR = "regulator@demo.pdx.cn";
export const BUYER = "buyer@demo.pdx.cn";
export const OPERATOR = "operator@demo.pdx.cn";
export const AUDITOR = "auditor@demo.pdx.cn";
/** The demo source department (source@): 市市场监督管理局. */
export const SOURCE_ORG_NAME = "市市场监督管理局";

/** A second data-source department with one user. */
export const OTHER_DEPT = {
  key: "test-transport-bureau",
  name: "测试市交通运输局",
  nameEn: "Test Municipal Transport Bureau",
  email: "transport@test.pdx.cn",
} as const;

export async function addOtherDepartment(db: TDb): Promise<string> {
  const { orgId } = await addOrgWithUser(
    db,
    { key: OTHER_DEPT.key, name: OTHER_DEPT.name, nameEn: OTHER_DEPT.nameEn, type: "data_source" },
    { email: OTHER_DEPT.email, displayName: "测试交通用户", role: "data_source", isOrgAdmin: true },
  );
  return orgId;
}

/** The item-code namespace of a test dataset (no seed uses "t."). */
export const itemBase = (code: string) => `t.${code.toLowerCase().replaceAll("-", "_")}`;

function field(
  name: string,
  zh: string,
  en: string,
  item: string,
  extra: Partial<TDatasetField> = {},
): TDatasetField {
  return {
    name,
    label: { zh, en },
    type: "text",
    description: { zh: `${zh}（测试）`, en: `${en} (test)` },
    grade: "general",
    personalInfo: false,
    masking: "none",
    item,
    authoritative: true,
    ...extra,
  };
}

/** A valid theme-library entry with three authoritative fields whose items are unique to `code`. */
export function testEntry(code: string, over: Partial<TDatasetEntry> = {}): TDatasetEntry {
  const base = itemBase(code);
  return {
    code,
    name: { zh: `纳税信用测试集${code}`, en: `Tax credit test set ${code}` },
    description: {
      zh: "企业纳税信用等级与联系电话，仅用于自动化测试。",
      en: "Enterprises' tax credit grades and contact phones, for automated tests only.",
    },
    library: "theme",
    libraryCode: "tax",
    category: {
      sector: { code: "public_finance", zh: "财政税务", en: "Public finance" },
      business: { code: "tax_credit", zh: "纳税信用", en: "Tax credit" },
    },
    grade: "important",
    sharing: { attribute: "conditional", conditions: "经授权用于信贷风控场景" },
    open: { attribute: "restricted", reason: "含企业经营信息" },
    updateFrequency: "monthly",
    volume: { rows: 12000, asOf: "2026-10-31" },
    fields: [
      field("uscc", "统一社会信用代码", "Unified social credit code", `${base}.uscc`, {
        sample: { kind: "identifier", format: "uscc" },
      }),
      field("tax_grade", "纳税信用等级", "Tax credit grade", `${base}.tax_grade`, {
        grade: "important",
        sample: { kind: "enum", values: ["A", "B", "C", "D", "M"] },
      }),
      field("contact_phone", "联系电话", "Contact phone", `${base}.contact_phone`, {
        grade: "important",
        personalInfo: true,
        masking: "mask_phone",
        sample: { kind: "identifier", format: "mobile" },
      }),
    ],
    ...over,
  };
}

/** Row counts of every table a registration writes. */
export async function catalogRowCounts(db: TDb): Promise<Record<string, number>> {
  const { rows } = await db.query<Record<string, number>>(
    `SELECT (SELECT count(*)::int FROM dataset_registrations) AS registrations,
            (SELECT count(*)::int FROM datasets) AS datasets,
            (SELECT count(*)::int FROM data_item_sources) AS item_sources,
            (SELECT count(*)::int FROM audit_events) AS audit_events,
            (SELECT count(*)::int FROM signed_approvals) AS approvals,
            (SELECT count(*)::int FROM chain_writes) AS chain_writes`,
  );
  return rows[0]!;
}

/** The outcome of a call: "OK", or the domain/tRPC code with the message. */
export async function outcomeOf(call: () => Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await call();
    return { code: "OK", message: "" };
  } catch (err) {
    if (err instanceof TRPCError) {
      const domain = (err.cause as { code?: string } | undefined)?.code;
      return { code: typeof domain === "string" ? domain : err.code, message: err.message };
    }
    throw err;
  }
}
