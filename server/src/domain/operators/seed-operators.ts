/**
 * Demo data of the operators area, idempotent:
 * - the demo operator (city-data-operator) admitted through a complete application: five small
 *   generated text documents with their hashes, the regulator's signed reviews, the audit events
 *   and an `operators` row "admitted";
 * - a second operator organization, 信创数据科技有限公司 (xinchuang-data), with its org admin
 *   applicant@demo.pdx.cn, NOT admitted — the browser test walks its admission.
 */
import { sha256Hex } from "@pdx/common/hash";
import { buildUscc, usccProblem } from "@pdx/common/uscc";
import { DEMO_PASSWORD, type TDemoOrganization, type TDemoUser } from "@pdx/seeds/demo-organizations";
import type { TDb, TQueryable } from "../../db";
import { hashPassword } from "../auth/password";
import { normalizeEmail } from "../auth/sessions";
import { stableUuid } from "../seed/stable-id";
import { signApproval } from "../signing/approvals";
import type { TKeyring } from "../signing/keyring";
import { ensureUserSigningKey } from "../signing/user-keys";
import { appendAuditEvent } from "../trail/audit-trail";
import {
  applicationContentHash,
  DOSSIER_KIND_NAMES,
  DOSSIER_KINDS,
  type TOperatorStatement,
} from "./dossier";

/** The second operator organization, not yet admitted (Shenzhen division, enterprise code). */
export const XINCHUANG_OPERATOR_ORG: TDemoOrganization = {
  key: "xinchuang-data",
  name: "信创数据科技有限公司",
  nameEn: "Xinchuang Data Technology Co., Ltd.",
  type: "operator",
  uscc: buildUscc({ authority: "9", entityType: "1", division: "440300", orgBody8: "MA5G7K2P" }),
};

/** Its org admin, who applies for admission in the browser test. */
export const XINCHUANG_APPLICANT_USER: TDemoUser = {
  email: "applicant@demo.pdx.cn",
  displayName: "吴昊（合规部）",
  role: "operator",
  orgKey: XINCHUANG_OPERATOR_ORG.key,
  isOrgAdmin: true,
};

const DEMO_OPERATOR_KEY = "city-data-operator";
const DEMO_OPERATOR_EMAIL = "operator@demo.pdx.cn";
const REGULATOR_KEY = "data-bureau";
const REGULATOR_EMAIL = "regulator@demo.pdx.cn";

/** Id of the demo operator's seeded application. */
export const DEMO_OPERATOR_APPLICATION_ID = stableUuid(`operator-application:${DEMO_OPERATOR_KEY}`);

const DEMO_STATEMENT: TOperatorStatement = {
  businessScope:
    "在授权运营域内基于法人、信用等公共数据开发企业经营分析、普惠金融风控等数据产品，仅向需求方交付聚合结果。",
  securityOfficer: "陈涛",
  contactPhone: "0755-8888 0001",
  qualifications: "网络安全等级保护三级；ISO/IEC 27001 信息安全管理体系认证",
};

const DAY_MS = 86_400_000;

// The ids seed-demo-data gives organizations and users (not imported from there: it imports this
// module, and the cycle would leave these exports undefined while it loads).
const orgIdFor = (key: string) => stableUuid(`org:${key}`);
const userIdFor = (email: string) => stableUuid(`user:${normalizeEmail(email)}`);

export interface TSeedOperatorsSummary {
  /** The demo operator's application was created now (false: it existed already). */
  demoOperatorAdmitted: boolean;
  /** The applicant user was created now. */
  applicantCreated: boolean;
}

/** Seeds the operators area (see the module comment). Running it again changes nothing. */
export async function seedDemoOperators(
  db: TDb,
  keyring: TKeyring,
  now: Date = new Date(),
): Promise<TSeedOperatorsSummary> {
  const problem = usccProblem(XINCHUANG_OPERATOR_ORG.uscc);
  if (problem) throw new Error(`seed: ${XINCHUANG_OPERATOR_ORG.key} has an invalid USCC: ${problem}`);
  const applicantId = userIdFor(XINCHUANG_APPLICANT_USER.email);
  const { rows: existingUser } = await db.query<{ id: string }>("SELECT id FROM users WHERE id = $1", [
    applicantId,
  ]);
  // scrypt is slow: hash outside the transaction, and only when the user is new.
  const passwordHash = existingUser[0] ? null : await hashPassword(DEMO_PASSWORD);

  return db.withTransaction(async (tx) => {
    const org = XINCHUANG_OPERATOR_ORG;
    await tx.query(
      `INSERT INTO organizations (id, key, name, name_en, type, uscc) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO NOTHING`,
      [orgIdFor(org.key), org.key, org.name, org.nameEn, org.type, org.uscc],
    );
    if (passwordHash) {
      const u = XINCHUANG_APPLICANT_USER;
      await tx.query(
        `INSERT INTO users (id, org_id, email, display_name, role, is_org_admin, password_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
        [applicantId, orgIdFor(u.orgKey), u.email, u.displayName, u.role, u.isOrgAdmin ?? true, passwordHash],
      );
    }
    await ensureUserSigningKey(tx, keyring, applicantId);
    const demoOperatorAdmitted = await seedAdmittedDemoOperator(tx, keyring, now);
    return { demoOperatorAdmitted, applicantCreated: passwordHash !== null };
  });
}

/** The demo operator's admission, dated in the past; false when it exists already. */
async function seedAdmittedDemoOperator(tx: TQueryable, keyring: TKeyring, now: Date): Promise<boolean> {
  const orgId = orgIdFor(DEMO_OPERATOR_KEY);
  const { rows: existing } = await tx.query(
    "SELECT 1 FROM operator_applications WHERE id = $1 UNION ALL SELECT 1 FROM operators WHERE org_id = $2",
    [DEMO_OPERATOR_APPLICATION_ID, orgId],
  );
  if (existing.length > 0) return false;

  const applicant = { id: userIdFor(DEMO_OPERATOR_EMAIL), org: { id: orgId } };
  const regulator = { id: userIdFor(REGULATOR_EMAIL), org: { id: orgIdFor(REGULATOR_KEY) } };
  const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY_MS);
  const id = DEMO_OPERATOR_APPLICATION_ID;
  const createdAt = at(60);
  const submittedAt = at(55);
  const approvedAt = at(40);
  const noticeEndsAt = at(35);
  const admittedAt = at(34);

  await tx.query(
    `INSERT INTO operator_applications (id, org_id, status, statement, submitted_at, notice_started_at,
       notice_ends_at, decided_at, created_by, created_at, updated_at)
     VALUES ($1, $2, 'admitted', $3, $4, $5, $6, $7, $8, $9, $7)`,
    [
      id,
      orgId,
      JSON.stringify(DEMO_STATEMENT),
      submittedAt,
      approvedAt,
      noticeEndsAt,
      admittedAt,
      applicant.id,
      createdAt,
    ],
  );
  const documents = DOSSIER_KINDS.map((kind) => {
    const text = `${DOSSIER_KIND_NAMES[kind].zh}（演示文件，非真实材料）\n城市数据运营有限公司\n${DOSSIER_KIND_NAMES[kind].en} — demo document, not a real filing.\n`;
    const bytes = Buffer.from(text, "utf8");
    return { kind, bytes, sha256: sha256Hex(bytes), fileName: `${kind}.txt` };
  });
  for (const d of documents) {
    await tx.query(
      `INSERT INTO operator_documents (id, application_id, kind, file_name, media_type, size_bytes, sha256,
         content, uploaded_by, uploaded_at)
       VALUES ($1, $2, $3, $4, 'text/plain', $5, $6, $7, $8, $9)`,
      [
        stableUuid(`operator-document:${id}:${d.kind}`),
        id,
        d.kind,
        d.fileName,
        d.bytes.length,
        d.sha256,
        d.bytes,
        applicant.id,
        createdAt,
      ],
    );
  }
  const contentHash = applicationContentHash(DEMO_STATEMENT, documents);
  const state = (status: string) => ({ status, contentHash });
  const event = (
    actor: typeof applicant,
    action: string,
    before: string | null,
    after: string,
    when: Date,
    approvalId: string | null = null,
  ) =>
    appendAuditEvent(
      tx,
      {
        actor,
        action: `operator_application.${action}`,
        objectType: "operator_application",
        objectId: id,
        before: before === null ? null : state(before),
        after: state(after),
        approvalId,
        detail: { orgId, seeded: true },
      },
      when,
    );

  await event(applicant, "create", null, "draft", createdAt);
  await event(applicant, "submit", "draft", "submitted", submittedAt);
  const steps = [
    {
      step: "pre_review",
      from: "submitted",
      to: "pre_reviewed",
      when: at(50),
      comment: "材料齐全，形式审查通过。",
    },
    {
      step: "expert_review",
      from: "pre_reviewed",
      to: "expert_reviewed",
      when: at(45),
      comment: "专家评审通过。",
    },
    {
      step: "approve",
      from: "expert_reviewed",
      to: "public_notice",
      when: approvedAt,
      comment: "同意准入，进入公示。",
    },
  ] as const;
  for (const s of steps) {
    const approval = await signApproval(
      tx,
      keyring,
      regulator,
      {
        subjectType: "operator_application",
        subjectId: id,
        subjectHash: contentHash,
        step: s.step,
        decision: "approve",
        comment: s.comment,
      },
      s.when,
    );
    await event(regulator, s.step, s.from, s.to, s.when, approval.id);
  }
  await event(regulator, "admit", "public_notice", "admitted", admittedAt);
  await tx.query(
    `INSERT INTO operators (org_id, status, application_id, admitted_at, status_changed_at)
     VALUES ($1, 'admitted', $2, $3, $3)`,
    [orgId, id, admittedAt],
  );
  await appendAuditEvent(
    tx,
    {
      actor: regulator,
      action: "operator.admit",
      objectType: "operator",
      objectId: orgId,
      before: null,
      after: { status: "admitted", applicationId: id },
      detail: { applicationId: id, seeded: true },
    },
    admittedAt,
  );
  return true;
}
