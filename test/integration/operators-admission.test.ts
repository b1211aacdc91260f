/**
 * Operator admission through the API with real parts (database, signing keys, audit trail):
 * every (state × action) pair — the right role moves the application, other roles and other
 * organizations are refused, pairs outside the table are INVALID_STATE — the complete flow with
 * signed reviews and the public notice, the dossier rules (five kinds, 5 MB, base64, media type,
 * replacement while draft), who may read what, and tampering detected by the approvals.
 */
import { sha256Hex } from "@pdx/common/hash";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDossierKind } from "../../server/src/domain/operators/dossier";
import { DOSSIER_KINDS, MAX_DOCUMENT_BYTES } from "../../server/src/domain/operators/dossier";
import {
  APPLICATION_ACTIONS,
  APPLICATION_STATES,
  type TApplicationAction,
  type TApplicationState,
} from "../../server/src/domain/operators/operator-machines";
import {
  DEMO_OPERATOR_APPLICATION_ID,
  seedDemoOperators,
} from "../../server/src/domain/operators/seed-operators";
import { orgIdFor } from "../../server/src/domain/seed/seed-demo-data";
import { verifyAuditTrail } from "../../server/src/domain/trail/audit-trail";
import {
  addOrgWithUser,
  createServerTestKit,
  type TCaller,
  type TServerTestKit,
} from "../../server/src/testing/server-test-kit";
import {
  APPLICANT,
  AUDITOR,
  addOperatorOrg,
  BUYER,
  countOf,
  DEMO_OPERATOR,
  outcome,
  REGULATOR,
  refusalMessage,
  SAMPLE_DOCUMENTS,
  SOURCE,
  STATEMENT,
  uploadDossier,
} from "./operators-support";

const DAY_MS = 86_400_000;
let clock = new Date("2026-03-02T02:00:00.000Z");
const advance = (days: number) => {
  clock = new Date(clock.getTime() + days * DAY_MS);
};

let kit: TServerTestKit;
let regulator: TCaller;
let auditor: TCaller;
let buyer: TCaller;
let source: TCaller;
let demoOperator: TCaller;

beforeAll(async () => {
  kit = await createServerTestKit({ now: () => clock, publicNoticeDays: 5 });
  await seedDemoOperators(kit.db, kit.deps.keyring, clock);
  regulator = await kit.callerAs(REGULATOR);
  auditor = await kit.callerAs(AUDITOR);
  buyer = await kit.callerAs(BUYER);
  source = await kit.callerAs(SOURCE);
  demoOperator = await kit.callerAs(DEMO_OPERATOR);
});
afterAll(async () => {
  await kit?.close();
});

/** Takes `action` on an application as `caller` (through the procedure the action belongs to). */
function act(caller: TCaller, applicationId: string, action: TApplicationAction, comment = "审查意见") {
  if (action === "submit") return caller.operators.submitApplication({ applicationId });
  if (action === "withdraw") return caller.operators.withdrawApplication({ applicationId });
  return caller.operators.reviewApplication({ applicationId, action, comment });
}

const PATH: readonly TApplicationAction[] = ["submit", "pre_review", "expert_review", "approve", "admit"];
const PATH_STATES: readonly TApplicationState[] = [
  "draft",
  "submitted",
  "pre_reviewed",
  "expert_reviewed",
  "public_notice",
  "admitted",
];

/** A fresh operator organization whose application is in `state`. */
async function applicationIn(state: TApplicationState): Promise<{ id: string; applicant: TCaller }> {
  const applicant = await kit.callerAs(await addOperatorOrg(kit.db));
  const { id } = await applicant.operators.createApplication({ statement: STATEMENT });
  if (state === "withdrawn") {
    await applicant.operators.withdrawApplication({ applicationId: id });
    return { id, applicant };
  }
  await uploadDossier(applicant, id);
  const target = state === "rejected" ? "submitted" : state;
  for (let i = 0; PATH_STATES[i] !== target; i++) {
    const action = PATH[i]!;
    if (action === "admit") advance(5);
    await act(action === "submit" ? applicant : regulator, id, action);
  }
  if (state === "rejected") await act(regulator, id, "reject", "材料不实");
  return { id, applicant };
}

const ALLOWED: Partial<Record<TApplicationState, Partial<Record<TApplicationAction, TApplicationState>>>> = {
  draft: { submit: "submitted", withdraw: "withdrawn" },
  submitted: { pre_review: "pre_reviewed", reject: "rejected" },
  pre_reviewed: { expert_review: "expert_reviewed", reject: "rejected" },
  expert_reviewed: { approve: "public_notice", reject: "rejected" },
  public_notice: { admit: "admitted", reject: "rejected" },
};
const APPLICANT_ACTIONS: readonly TApplicationAction[] = ["submit", "withdraw"];

describe("admission state machine through the API", () => {
  for (const state of APPLICATION_STATES) {
    it(`from ${state}: allowed actions for the right role only, the rest INVALID_STATE`, async () => {
      const { id, applicant } = await applicationIn(state);
      const other = await kit.callerAs(await addOperatorOrg(kit.db, "other"));
      const allowed = ALLOWED[state] ?? {};
      const status = async () => (await regulator.operators.getApplication({ applicationId: id })).status;
      expect(await status()).toBe(state);

      for (const action of APPLICATION_ACTIONS) {
        const byApplicant = APPLICANT_ACTIONS.includes(action);
        const rightCaller = byApplicant ? applicant : regulator;
        if (!(action in allowed)) {
          expect(await outcome(act(rightCaller, id, action)), `${state} ${action}`).toBe("INVALID_STATE");
          continue;
        }
        // Other roles (and other operators for the applicant's own actions) are refused.
        const wrong = byApplicant
          ? [regulator, auditor, buyer, source, other]
          : [applicant, auditor, buyer, source];
        for (const caller of wrong)
          expect(await outcome(act(caller, id, action)), `${state} ${action}`).toBe("FORBIDDEN");
        expect(await status()).toBe(state);
      }

      // Each allowed action, taken by the right role, on its own copy of the application.
      let first = true;
      for (const [action, to] of Object.entries(allowed) as [TApplicationAction, TApplicationState][]) {
        const target = first ? { id, applicant } : await applicationIn(state);
        first = false;
        if (action === "admit") advance(5);
        const caller = APPLICANT_ACTIONS.includes(action) ? target.applicant : regulator;
        const result = await act(caller, target.id, action, "同意");
        expect(result.status).toBe(to);
        const signed = ["pre_review", "expert_review", "approve", "reject"].includes(action);
        expect(result.approvalId !== null).toBe(signed);
        expect((await regulator.operators.getApplication({ applicationId: target.id })).status).toBe(to);
      }
    });
  }
});

describe("the complete admission of 信创数据科技有限公司", () => {
  let applicant: TCaller;
  let applicationId: string;

  beforeAll(async () => {
    applicant = await kit.callerAs(APPLICANT);
  });

  it("is not admitted yet and may apply", async () => {
    const status = await applicant.operators.myStatus();
    expect(status).toMatchObject({ status: null, canApply: true, canReport: false, openApplicationId: null });
    expect(status.org.name).toBe("信创数据科技有限公司");
    expect(await applicant.operators.myApplication()).toBeNull();
  });

  it("drafts, uploads the five documents (stored with their SHA-256) and submits", async () => {
    ({ id: applicationId } = await applicant.operators.createApplication({ statement: STATEMENT }));
    expect(await outcome(applicant.operators.createApplication({ statement: STATEMENT }))).toBe("CONFLICT");
    await uploadDossier(applicant, applicationId);
    const draft = await applicant.operators.getApplication({ applicationId });
    expect(draft.status).toBe("draft");
    expect(draft.canEdit).toBe(true);
    expect(draft.missingKinds).toEqual([]);
    expect(draft.allowedActions).toEqual(["submit", "withdraw"]);
    expect(draft.documents.map((d) => d.kind)).toEqual([...DOSSIER_KINDS]);
    for (const d of draft.documents) {
      const sample = SAMPLE_DOCUMENTS[d.kind];
      expect(d).toMatchObject({
        fileName: sample.fileName,
        mediaType: sample.mediaType,
        sizeBytes: sample.bytes.length,
        sha256: sha256Hex(sample.bytes),
      });
    }
    // The regulator's queue does not show drafts.
    const queue = await regulator.operators.list();
    expect(queue.applications.some((a) => a.id === applicationId)).toBe(false);

    const submitted = await applicant.operators.submitApplication({ applicationId });
    expect(submitted).toEqual({ id: applicationId, status: "submitted", approvalId: null });
    const view = await applicant.operators.getApplication({ applicationId });
    expect(view.canEdit).toBe(false);
    expect(view.allowedActions).toEqual([]);
    expect(view.submittedAt).toBe(clock.toISOString());
    const submittedQueue = await regulator.operators.list({ applicationStatus: "submitted" });
    expect(submittedQueue.applications.map((a) => a.id)).toContain(applicationId);
    expect(submittedQueue.applications.every((a) => a.status === "submitted")).toBe(true);
  });

  it("is pre-reviewed, expert-reviewed and approved by the regulator, each step signed", async () => {
    const before = await regulator.operators.getApplication({ applicationId });
    expect(before.allowedActions).toEqual(["pre_review", "reject"]);
    for (const action of ["pre_review", "expert_review", "approve"] as const) {
      const r = await regulator.operators.reviewApplication({
        applicationId,
        action,
        comment: `${action} 通过`,
      });
      expect(r.approvalId).not.toBeNull();
    }
    const view = await regulator.operators.getApplication({ applicationId });
    expect(view.status).toBe("public_notice");
    expect(view.noticeStartedAt).toBe(clock.toISOString());
    expect(view.noticeEndsAt).toBe(new Date(clock.getTime() + 5 * DAY_MS).toISOString());
    expect(view.noticeOver).toBe(false);
    expect(view.approvals.map((a) => [a.step, a.decision])).toEqual([
      ["pre_review", "approve"],
      ["expert_review", "approve"],
      ["approve", "approve"],
    ]);
    const { rows: keys } = await kit.db.query<{ key_id: string; public_key: string }>(
      "SELECT key_id, public_key FROM user_signing_keys k JOIN users u ON u.id = k.user_id WHERE u.email = $1",
      [REGULATOR],
    );
    for (const a of view.approvals) {
      expect(a.verified).toBe(true);
      expect(a.checks.map((c) => [c.name, c.ok])).toEqual([
        ["signature", true],
        ["payload_matches_row", true],
        ["subject_hash", true],
      ]);
      expect(a.subjectHash).toBe(view.contentHash);
      expect(a.signerName).toBe("周明（数据要素处）");
      expect([a.keyId, a.publicKey]).toEqual([keys[0]!.key_id, keys[0]!.public_key]);
    }
  });

  it("is admitted only after the public notice period", async () => {
    const early = await refusalMessage(
      regulator.operators.reviewApplication({ applicationId, action: "admit" }),
    );
    expect(early).toMatch(/公示期未满.*public notice period ends at/);
    expect(await outcome(regulator.operators.reviewApplication({ applicationId, action: "admit" }))).toBe(
      "PRECONDITION_FAILED",
    );
    advance(5);
    const admitted = await regulator.operators.reviewApplication({ applicationId, action: "admit" });
    expect(admitted).toMatchObject({ status: "admitted", approvalId: null });

    const status = await applicant.operators.myStatus();
    expect(status).toMatchObject({ status: "admitted", canApply: false, canReport: true });
    expect(status.admittedAt).toBe(clock.toISOString());
    const overview = await regulator.operators.list();
    const row = overview.operators.find((o) => o.org.id === orgIdFor("xinchuang-data"));
    expect(row).toMatchObject({
      status: "admitted",
      applicationId,
      allowedActions: ["rectify", "suspend", "terminate"],
    });
    expect(await outcome(applicant.operators.createApplication({ statement: STATEMENT }))).toBe("CONFLICT");
  });

  it("left one audit event per step, hash-chained", async () => {
    const view = await auditor.operators.getApplication({ applicationId });
    expect(view.auditEvents.map((e) => e.action)).toEqual([
      "operator_application.create",
      ...DOSSIER_KINDS.map(() => "operator_application.upload_document"),
      "operator_application.submit",
      "operator_application.pre_review",
      "operator_application.expert_review",
      "operator_application.approve",
      "operator_application.admit",
    ]);
    const signedEvents = view.auditEvents.filter((e) => e.approvalId !== null).map((e) => e.approvalId);
    expect(signedEvents).toEqual(view.approvals.map((a) => a.id));
    const { rows } = await kit.db.query<{ action: string }>(
      "SELECT action FROM audit_events WHERE object_type = 'operator' AND object_id = $1",
      [orgIdFor("xinchuang-data")],
    );
    expect(rows.map((r) => r.action)).toEqual(["operator.admit"]);
    expect((await verifyAuditTrail(kit.db)).ok).toBe(true);
  });

  it("shows a document changed after the reviews: the approvals no longer verify", async () => {
    const view = await regulator.operators.getApplication({ applicationId });
    const doc = view.documents[0]!;
    const download = await auditor.operators.getDocument({ documentId: doc.id });
    expect(download.sha256Matches).toBe(true);
    expect(Buffer.from(download.contentBase64, "base64").equals(SAMPLE_DOCUMENTS[doc.kind].bytes)).toBe(true);

    const forged = Buffer.from("%PDF-1.7 forged\n");
    await kit.db.query("UPDATE operator_documents SET content = $2, sha256 = $3 WHERE id = $1", [
      doc.id,
      forged,
      sha256Hex(forged),
    ]);
    const after = await regulator.operators.getApplication({ applicationId });
    expect(after.contentHash).not.toBe(view.contentHash);
    for (const a of after.approvals) {
      expect(a.verified).toBe(false);
      expect(a.checks.find((c) => c.name === "subject_hash")?.ok).toBe(false);
      expect(a.checks.find((c) => c.name === "signature")?.ok).toBe(true);
    }
    // Content replaced without fixing the hash: the download says so.
    await kit.db.query("UPDATE operator_documents SET content = $2 WHERE id = $1", [
      doc.id,
      Buffer.from("x"),
    ]);
    expect((await regulator.operators.getDocument({ documentId: doc.id })).sha256Matches).toBe(false);
  });
});

describe("the dossier", () => {
  let applicant: TCaller;
  let applicationId: string;
  const documents = () =>
    countOf(kit.db, "SELECT 1 FROM operator_documents WHERE application_id = $1", [applicationId]);

  beforeAll(async () => {
    applicant = await kit.callerAs(await addOperatorOrg(kit.db, "dossier"));
    ({ id: applicationId } = await applicant.operators.createApplication({ statement: STATEMENT }));
  });

  it("cannot be submitted without all five kinds; the refusal names the missing ones", async () => {
    await uploadDossier(applicant, applicationId, ["audit_report", "security_commitment"]);
    const message = await refusalMessage(applicant.operators.submitApplication({ applicationId }));
    expect(message).toBe(
      "申请材料不全，缺少：财务报表、风险自评估报告、应急预案 / the dossier is incomplete, missing: financial statements (financial_statements), risk self-assessment (risk_self_assessment), emergency plan (emergency_plan)",
    );
    expect(await outcome(applicant.operators.submitApplication({ applicationId }))).toBe(
      "PRECONDITION_FAILED",
    );
    const view = await applicant.operators.getApplication({ applicationId });
    expect(view.status).toBe("draft");
    expect(view.missingKinds).toEqual(["financial_statements", "risk_self_assessment", "emergency_plan"]);
  });

  it("refuses oversize, invalid base64, empty and mislabelled files and stores nothing", async () => {
    const upload = (kind: TDossierKind, mediaType: string, contentBase64: string, fileName = "f.txt") =>
      applicant.operators.uploadDocument({
        applicationId,
        kind,
        fileName,
        mediaType: mediaType as never,
        contentBase64,
      });
    const stored = await documents();
    const oversize = Buffer.alloc(MAX_DOCUMENT_BYTES + 1, 0x41).toString("base64");
    expect(await refusalMessage(upload("emergency_plan", "text/plain", oversize))).toMatch(/5 MB/);
    expect(await outcome(upload("emergency_plan", "text/plain", oversize))).toBe("INVALID_INPUT");
    // Far beyond the limit: refused by the input schema before it is decoded.
    expect(await outcome(upload("emergency_plan", "text/plain", "QUJD".repeat(2_000_000)))).toBe(
      "BAD_REQUEST",
    );
    expect(await outcome(upload("emergency_plan", "text/plain", "@@not base64@@"))).toBe("INVALID_INPUT");
    expect(await outcome(upload("emergency_plan", "text/plain", "QUJ"))).toBe("INVALID_INPUT");
    expect(
      await outcome(upload("emergency_plan", "application/pdf", Buffer.from("hello").toString("base64"))),
    ).toBe("INVALID_INPUT");
    expect(await outcome(upload("emergency_plan", "text/html", Buffer.from("<p>").toString("base64")))).toBe(
      "BAD_REQUEST",
    );
    expect(
      await outcome(upload("emergency_plan", "text/plain", Buffer.from("ok").toString("base64"), "../x.txt")),
    ).toBe("BAD_REQUEST");
    expect(await documents()).toBe(stored);
  });

  it("replaces a document of the same kind while draft", async () => {
    const before = (await applicant.operators.getApplication({ applicationId })).documents;
    const replacement = Buffer.from("新版数据安全承诺书\n", "utf8");
    await applicant.operators.uploadDocument({
      applicationId,
      kind: "security_commitment",
      fileName: "承诺书-v2.txt",
      mediaType: "text/plain",
      contentBase64: replacement.toString("base64"),
    });
    const after = (await applicant.operators.getApplication({ applicationId })).documents;
    expect(after).toHaveLength(before.length);
    const doc = after.find((d) => d.kind === "security_commitment")!;
    expect(doc).toMatchObject({ fileName: "承诺书-v2.txt", sha256: sha256Hex(replacement) });
  });

  it("is frozen once submitted (documents and statement)", async () => {
    await uploadDossier(applicant, applicationId, [
      "financial_statements",
      "risk_self_assessment",
      "emergency_plan",
    ]);
    await applicant.operators.submitApplication({ applicationId });
    const stored = await documents();
    expect(await outcome(uploadDossier(applicant, applicationId, ["audit_report"]))).toBe("INVALID_STATE");
    expect(
      await outcome(
        applicant.operators.updateStatement({
          applicationId,
          statement: { ...STATEMENT, qualifications: "" },
        }),
      ),
    ).toBe("INVALID_STATE");
    expect(await documents()).toBe(stored);
  });
});

describe("who may apply and who may see an application", () => {
  let applicant: TCaller;
  let applicationId: string;
  let documentId: string;

  beforeAll(async () => {
    applicant = await kit.callerAs(await addOperatorOrg(kit.db, "private"));
    ({ id: applicationId } = await applicant.operators.createApplication({ statement: STATEMENT }));
    await uploadDossier(applicant, applicationId, ["audit_report"]);
    documentId = (await applicant.operators.getApplication({ applicationId })).documents[0]!.id;
  });

  it("buyers and other non-operator organizations cannot apply", async () => {
    expect(await outcome(buyer.operators.createApplication({ statement: STATEMENT }))).toBe("FORBIDDEN");
    expect(await outcome(regulator.operators.createApplication({ statement: STATEMENT }))).toBe("FORBIDDEN");
    // Even a user with the operator role, when its organization is not an operator.
    const { orgId } = await addOrgWithUser(
      kit.db,
      { key: "test-buyer-with-operator-user", name: "买方", nameEn: "Buyer", type: "buyer" },
      { email: "odd-operator@test.pdx.cn", displayName: "Odd", role: "operator", isOrgAdmin: true },
    );
    const odd = await kit.callerAs("odd-operator@test.pdx.cn");
    expect(await outcome(odd.operators.createApplication({ statement: STATEMENT }))).toBe("FORBIDDEN");
    expect(await countOf(kit.db, "SELECT 1 FROM operator_applications WHERE org_id = $1", [orgId])).toBe(0);
  });

  it("an admitted operator does not apply again", async () => {
    expect(await outcome(demoOperator.operators.createApplication({ statement: STATEMENT }))).toBe(
      "CONFLICT",
    );
  });

  it("another operator can neither see nor change it", async () => {
    const other = demoOperator;
    expect(await outcome(other.operators.getApplication({ applicationId }))).toBe("FORBIDDEN");
    expect(await outcome(other.operators.getDocument({ documentId }))).toBe("FORBIDDEN");
    expect(await outcome(uploadDossier(other, applicationId, ["emergency_plan"]))).toBe("FORBIDDEN");
    expect(await outcome(other.operators.updateStatement({ applicationId, statement: STATEMENT }))).toBe(
      "FORBIDDEN",
    );
    expect(await outcome(other.operators.submitApplication({ applicationId }))).toBe("FORBIDDEN");
    expect(await outcome(other.operators.withdrawApplication({ applicationId }))).toBe("FORBIDDEN");
    expect((await other.operators.myApplication())?.id).toBe(DEMO_OPERATOR_APPLICATION_ID);
  });

  it("buyers and data sources cannot read it; the regulator and auditors can", async () => {
    for (const c of [buyer, source]) {
      expect(await outcome(c.operators.getApplication({ applicationId }))).toBe("FORBIDDEN");
      expect(await outcome(c.operators.getDocument({ documentId }))).toBe("FORBIDDEN");
      expect(await outcome(c.operators.list())).toBe("FORBIDDEN");
    }
    for (const c of [regulator, auditor, applicant]) {
      expect((await c.operators.getApplication({ applicationId })).id).toBe(applicationId);
      const doc = await c.operators.getDocument({ documentId });
      expect(Buffer.from(doc.contentBase64, "base64").equals(SAMPLE_DOCUMENTS.audit_report.bytes)).toBe(true);
    }
    // Auditors read, they do not act.
    expect((await auditor.operators.getApplication({ applicationId })).allowedActions).toEqual([]);
    expect(
      await outcome(auditor.operators.reviewApplication({ applicationId, action: "reject", comment: "x" })),
    ).toBe("FORBIDDEN");
  });

  it("unknown ids are NOT_FOUND", async () => {
    const id = "00000000-0000-4000-8000-000000000000";
    expect(await outcome(regulator.operators.getApplication({ applicationId: id }))).toBe("NOT_FOUND");
    expect(await outcome(regulator.operators.getDocument({ documentId: id }))).toBe("NOT_FOUND");
    expect(
      await outcome(regulator.operators.reviewApplication({ applicationId: id, action: "pre_review" })),
    ).toBe("NOT_FOUND");
  });

  it("a withdrawn draft frees the organization to apply again", async () => {
    await applicant.operators.withdrawApplication({ applicationId });
    const again = await applicant.operators.createApplication({ statement: STATEMENT });
    expect(again.status).toBe("draft");
    expect((await applicant.operators.myApplication())?.id).toBe(again.id);
  });
});

describe("rejection", () => {
  it("needs a reason, stores it with a signed rejection, and changes nothing without one", async () => {
    const { id, applicant } = await applicationIn("expert_reviewed");
    const approvals = () => countOf(kit.db, "SELECT 1 FROM signed_approvals WHERE subject_id = $1", [id]);
    const signed = await approvals();
    expect(
      await outcome(
        regulator.operators.reviewApplication({ applicationId: id, action: "reject", comment: " " }),
      ),
    ).toBe("INVALID_INPUT");
    expect(await approvals()).toBe(signed);
    expect((await applicant.operators.getApplication({ applicationId: id })).status).toBe("expert_reviewed");

    await regulator.operators.reviewApplication({
      applicationId: id,
      action: "reject",
      comment: "财务状况不满足要求",
    });
    const view = await applicant.operators.getApplication({ applicationId: id });
    expect(view).toMatchObject({ status: "rejected", reason: "财务状况不满足要求" });
    expect(view.decidedAt).toBe(clock.toISOString());
    const rejection = view.approvals.at(-1)!;
    expect(rejection).toMatchObject({
      step: "reject",
      decision: "reject",
      comment: "财务状况不满足要求",
      verified: true,
    });
    // A rejected organization may apply again.
    expect((await applicant.operators.myStatus()).canApply).toBe(true);
  });
});

describe("demo seed", () => {
  it("admits the demo operator with five documents, three verified signed reviews and its audit events, idempotently", async () => {
    const again = await seedDemoOperators(kit.db, kit.deps.keyring, clock);
    expect(again).toEqual({ demoOperatorAdmitted: false, applicantCreated: false });
    const view = await regulator.operators.getApplication({ applicationId: DEMO_OPERATOR_APPLICATION_ID });
    expect(view.status).toBe("admitted");
    expect(view.org.name).toBe("城市数据运营有限公司");
    expect(view.documents.map((d) => d.kind)).toEqual([...DOSSIER_KINDS]);
    expect(view.approvals.map((a) => [a.step, a.verified])).toEqual([
      ["pre_review", true],
      ["expert_review", true],
      ["approve", true],
    ]);
    expect(view.auditEvents.map((e) => e.action.split(".")[1])).toEqual([
      "create",
      "submit",
      "pre_review",
      "expert_review",
      "approve",
      "admit",
    ]);
    expect((await demoOperator.operators.myStatus()).status).toBe("admitted");
    for (const d of view.documents) {
      const download = await auditor.operators.getDocument({ documentId: d.id });
      expect(download.sha256Matches).toBe(true);
      expect(Buffer.from(download.contentBase64, "base64").toString("utf8")).toContain("演示文件");
    }
  });
});
