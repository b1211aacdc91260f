/**
 * Shared setup of the scenario & authorization tests: the catalog datasets they use (from the
 * seeded catalog, written with their entries if the catalog seed has not done so), the
 * departments behind them with one user each, the demo operator admitted, a second admitted
 * operator and a third one that is not admitted.
 */
import type { TAuthorizationScope } from "@pdx/common/authorization-scope";
import type { TDatasetEntry } from "@pdx/common/catalog/dataset-entry";
import {
  CATALOG_DATASET_SEEDS,
  CATALOG_DEPARTMENT_USERS,
  CATALOG_DEPARTMENTS,
} from "@pdx/seeds/catalog/index";
import type { TDb } from "../../server/src/db";
import { isDomainError } from "../../server/src/domain/domain-error";
import { datasetIdFor, orgIdFor } from "../../server/src/domain/seed/seed-demo-data";
import { addOrgWithUser, type TCaller, type TServerTestKit } from "../../server/src/testing/server-test-kit";

/**
 * Datasets the tests use: LE-BASE from the seeded catalog (市市场监督管理局), and three test
 * datasets derived from its entry so the tests do not depend on how other seeded entries are
 * graded: TEST-CORE (its uscc field is core data), TEST-PROHIBITED (prohibited from opening),
 * both of 市市场监督管理局, and TEST-REFORM of 市发展和改革委员会 (a second source department).
 */
export const TEST_DATASETS = ["LE-BASE", "TEST-CORE", "TEST-PROHIBITED", "TEST-REFORM"] as const;

function testEntries(): { entry: TDatasetEntry; sourceOrgKey: string }[] {
  const le = CATALOG_DATASET_SEEDS.find((s) => s.entry.code === "LE-BASE");
  if (!le) throw new Error("test: the seeded catalog has no LE-BASE");
  const named = (code: string, zh: string, en: string): TDatasetEntry => ({
    ...le.entry,
    code,
    name: { zh, en },
    description: { zh: `${zh}（测试用）`, en: `${en} (for tests)` },
  });
  const core = named("TEST-CORE", "测试核心数据集", "Test core dataset");
  core.grade = "core";
  core.fields = core.fields.map((f) => (f.name === "uscc" ? { ...f, grade: "core" } : f));
  const prohibited = named("TEST-PROHIBITED", "测试禁止开放数据集", "Test prohibited dataset");
  prohibited.open = { attribute: "prohibited", reason: "测试：禁止开放。" };
  return [
    { entry: le.entry, sourceOrgKey: le.sourceOrgKey },
    { entry: core, sourceOrgKey: "market-regulation" },
    { entry: prohibited, sourceOrgKey: "market-regulation" },
    {
      entry: named("TEST-REFORM", "测试发改数据集", "Test reform dataset"),
      sourceOrgKey: "development-reform",
    },
  ];
}

export const OPERATOR = "operator@demo.pdx.cn";
export const REGULATOR = "regulator@demo.pdx.cn";
export const AUDITOR = "auditor@demo.pdx.cn";
export const BUYER = "buyer@demo.pdx.cn";
/** 市市场监督管理局 (source of LE-BASE). */
export const MARKET_SOURCE = "source@demo.pdx.cn";
/** 市发展和改革委员会 (source of TEST-REFORM). */
export const REFORM_SOURCE = "development-reform@demo.pdx.cn";
/** 市公安局: a department with no dataset in any test scope. */
export const POLICE_SOURCE = "public-security@demo.pdx.cn";
/** A second admitted operator. */
export const OTHER_OPERATOR = "operator2@test.pdx.cn";
/** An operator organization that was never admitted. */
export const UNADMITTED_OPERATOR = "operator3@test.pdx.cn";

export const MARKET_ORG_ID = orgIdFor("market-regulation");
export const REFORM_ORG_ID = orgIdFor("development-reform");
export const OPERATOR_ORG_ID = orgIdFor("city-data-operator");
export const OTHER_OPERATOR_ORG_ID = orgIdFor("test-operator-two");

/** A scope on LE-BASE only (one source department). */
export const LE_SCOPE: TAuthorizationScope = [
  { datasetCode: "LE-BASE", fields: ["district", "industry", "registered_capital"] },
];
/** A scope on two departments' datasets. */
export const TWO_SOURCE_SCOPE: TAuthorizationScope = [
  { datasetCode: "LE-BASE", fields: ["district", "industry", "registered_capital", "uscc"] },
  { datasetCode: "TEST-REFORM", fields: ["district", "industry"] },
];

async function admit(db: TDb, orgId: string, at: Date): Promise<void> {
  await db.query(
    `INSERT INTO operators (org_id, status, admitted_at, status_changed_at) VALUES ($1, 'admitted', $2, $2)
     ON CONFLICT (org_id) DO UPDATE SET status = 'admitted'`,
    [orgId, at],
  );
}

/** Sets up the catalog, departments and operators the tests need (idempotent). */
export async function prepareAuthorizationWorld(kit: TServerTestKit): Promise<void> {
  const db = kit.db;
  for (const seed of testEntries()) {
    const code = seed.entry.code;
    const dept = CATALOG_DEPARTMENTS.find((d) => d.key === seed.sourceOrgKey);
    if (!dept) throw new Error(`test: no department ${seed.sourceOrgKey}`);
    const deptUser = CATALOG_DEPARTMENT_USERS.find((u) => u.orgKey === dept.key);
    if (deptUser) {
      await addOrgWithUser(
        db,
        { ...dept, type: "data_source" },
        { email: deptUser.email, displayName: deptUser.displayName, role: "data_source", isOrgAdmin: true },
      );
    }
    const e = seed.entry;
    await db.query(
      `INSERT INTO datasets (id, code, name_zh, name_en, description_zh, description_en, source_org_id, fields,
         entry, grade, sharing, open_attribute, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'coded')
       ON CONFLICT (code) DO UPDATE SET entry = EXCLUDED.entry, grade = EXCLUDED.grade,
         sharing = EXCLUDED.sharing, open_attribute = EXCLUDED.open_attribute
       WHERE datasets.entry IS NULL`,
      [
        datasetIdFor(code),
        code,
        e.name.zh,
        e.name.en,
        e.description.zh,
        e.description.en,
        orgIdFor(seed.sourceOrgKey),
        JSON.stringify(e.fields.map((f) => ({ name: f.name, label: f.label, type: f.type }))),
        JSON.stringify(e),
        e.grade,
        e.sharing.attribute,
        e.open.attribute,
      ],
    );
  }
  const police = CATALOG_DEPARTMENTS.find((d) => d.key === "public-security");
  if (!police) throw new Error("test: no public-security department");
  await addOrgWithUser(
    db,
    { ...police, type: "data_source" },
    { email: POLICE_SOURCE, displayName: "公安局用户", role: "data_source", isOrgAdmin: true },
  );
  const at = new Date();
  await admit(db, OPERATOR_ORG_ID, at);
  await addOrgWithUser(
    db,
    { key: "test-operator-two", name: "第二运营单位", nameEn: "Second operator", type: "operator" },
    { email: OTHER_OPERATOR, displayName: "Operator Two", role: "operator", isOrgAdmin: true },
  );
  await admit(db, OTHER_OPERATOR_ORG_ID, at);
  await addOrgWithUser(
    db,
    { key: "test-operator-three", name: "未准入运营单位", nameEn: "Unadmitted operator", type: "operator" },
    { email: UNADMITTED_OPERATOR, displayName: "Operator Three", role: "operator", isOrgAdmin: true },
  );
}

/** Scenario content for tests (title made unique by the caller when needed). */
export function scenarioInput(
  scope: TAuthorizationScope = LE_SCOPE,
  over: Partial<{ title: string; computeMode: "sandbox" | "he" | "mpc" | "verification" }> = {},
) {
  return {
    title: over.title ?? "企业区域行业分布分析",
    purpose: "为普惠金融风控统计企业的区域和行业分布。",
    beneficiaryClass: "industry" as const,
    computeMode: over.computeMode ?? ("sandbox" as const),
    expectedOutputs: "各区 × 行业的企业数与注册资本合计。",
    requestedScope: scope,
  };
}

const YEAR_MS = 365 * 86_400_000;

/** A term starting now and lasting `years` (calendar years, UTC). */
export function term(years: number, from = new Date()): { validFrom: string; validUntil: string } {
  const until = new Date(from);
  until.setUTCFullYear(until.getUTCFullYear() + years);
  return { validFrom: from.toISOString(), validUntil: until.toISOString() };
}
export { YEAR_MS };

/** The callers of the tests, signed in once. */
export interface TCallers {
  operator: TCaller;
  otherOperator: TCaller;
  unadmitted: TCaller;
  regulator: TCaller;
  auditor: TCaller;
  buyer: TCaller;
  market: TCaller;
  reform: TCaller;
  police: TCaller;
}

export async function signInAll(kit: TServerTestKit): Promise<TCallers> {
  return {
    operator: await kit.callerAs(OPERATOR),
    otherOperator: await kit.callerAs(OTHER_OPERATOR),
    unadmitted: await kit.callerAs(UNADMITTED_OPERATOR),
    regulator: await kit.callerAs(REGULATOR),
    auditor: await kit.callerAs(AUDITOR),
    buyer: await kit.callerAs(BUYER),
    market: await kit.callerAs(MARKET_SOURCE),
    reform: await kit.callerAs(REFORM_SOURCE),
    police: await kit.callerAs(POLICE_SOURCE),
  };
}

/** An accepted scenario of the demo operator with `scope`; returns its id. */
export async function acceptedScenario(
  c: TCallers,
  scope: TAuthorizationScope = LE_SCOPE,
  title = "场景",
): Promise<string> {
  const { id } = await c.operator.authorizations.createScenario(scenarioInput(scope, { title }));
  await c.operator.authorizations.fileScenario({ id });
  await c.regulator.authorizations.acceptScenario({ id });
  return id;
}

/** Counts rows that any write of the workflow would add or change. */
export async function writeCounts(db: TDb): Promise<Record<string, number>> {
  const { rows } = await db.query<Record<string, string>>(
    `SELECT (SELECT count(*) FROM scenarios)::text AS scenarios,
            (SELECT count(*) FROM authorizations)::text AS authorizations,
            (SELECT count(*) FROM signed_approvals)::text AS approvals,
            (SELECT count(*) FROM audit_events)::text AS events,
            (SELECT count(*) FROM chain_writes)::text AS chain_writes,
            (SELECT coalesce(max(updated_at), 'epoch')::text FROM scenarios) AS scenarios_updated,
            (SELECT coalesce(max(updated_at), 'epoch')::text FROM authorizations) AS authorizations_updated`,
  );
  const row = rows[0] ?? {};
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => [k, /^\d+$/.test(v) ? Number(v) : Date.parse(v)]),
  );
}

/**
 * How a call failed: the tRPC code, the domain code (when a DomainError caused it) and the
 * message. Throws if the call succeeds.
 */
export async function failureOf(
  call: Promise<unknown>,
): Promise<{ code: string; domainCode: string | null; message: string }> {
  try {
    await call;
  } catch (err) {
    const e = err as { code?: string; message?: string; cause?: unknown };
    const domainCode = isDomainError(e.cause) ? e.cause.code : isDomainError(err) ? err.code : null;
    return { code: e.code ?? "?", domainCode, message: e.message ?? "" };
  }
  throw new Error("expected the call to fail, but it succeeded");
}
