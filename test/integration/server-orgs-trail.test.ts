/**
 * Organizations and people (invitations, removal, identity codes), per-user signing keys and
 * signed approvals, and the hash-chained audit trail — on a real database (PostgreSQL when
 * DATABASE_URL is set, PGlite otherwise), through the tRPC callers where a user would act.
 */
import { randomUUID } from "node:crypto";
import { buildUscc } from "@pdx/common/uscc";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainError } from "../../server/src/domain/domain-error";
import { acceptInvitation } from "../../server/src/domain/orgs/members";
import { orgIdFor, userIdFor } from "../../server/src/domain/seed/seed-demo-data";
import { listApprovals, signApproval, verifyApproval } from "../../server/src/domain/signing/approvals";
import { createKeyring, generateKeyEncryptionKey } from "../../server/src/domain/signing/keyring";
import { appendAuditEvent, verifyAuditTrail } from "../../server/src/domain/trail/audit-trail";
import {
  addUserToOrg,
  createServerTestKit,
  type TServerTestKit,
} from "../../server/src/testing/server-test-kit";

let kit: TServerTestKit;
beforeAll(async () => {
  kit = await createServerTestKit();
});
afterAll(async () => {
  await kit?.close();
});

const BUYER = "buyer@demo.pdx.cn";
const REGULATOR = "regulator@demo.pdx.cn";
const actorOf = (email: string, orgKey: string) => ({
  id: userIdFor(email),
  org: { id: orgIdFor(orgKey), name: "x", type: "buyer" as const },
});

async function count(table: string): Promise<number> {
  const { rows } = await kit.db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`);
  return Number(rows[0]!.n);
}

describe("invitations and members", () => {
  it("an org admin invites; the invitee sets a password, signs in and has a signing key", async () => {
    const admin = await kit.callerAs(BUYER);
    const invite = await admin.orgs.invite({
      email: "New.Analyst@Bank.example",
      displayName: "新分析员",
      isOrgAdmin: false,
    });
    expect(invite.token.length).toBeGreaterThan(30);
    const { invitations } = await admin.orgs.listMembers();
    expect(invitations.map((i) => i.email)).toContain("new.analyst@bank.example");

    const anonymous = await kit.callerAs(null);
    await expect(
      anonymous.auth.acceptInvitation({ token: invite.token, password: "short1" }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "password: at least 10 characters",
    });
    expect(await anonymous.auth.acceptInvitation({ token: invite.token, password: "Analyst#2026x" })).toEqual(
      {
        email: "new.analyst@bank.example",
      },
    );
    // Used once only.
    await expect(
      anonymous.auth.acceptInvitation({ token: invite.token, password: "Analyst#2026x" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    const signedIn = await anonymous.auth.login({
      email: "new.analyst@bank.example",
      password: "Analyst#2026x",
    });
    expect(signedIn.user).toMatchObject({
      role: "buyer",
      isOrgAdmin: false,
      org: { id: orgIdFor("pengcheng-bank") },
    });
    const { members } = await admin.orgs.listMembers();
    const member = members.find((m) => m.email === "new.analyst@bank.example");
    expect(member?.keyId).toMatch(/^[0-9a-f]{16}$/);
  });

  it("refuses an e-mail that already has an account, and an expired invitation", async () => {
    const admin = await kit.callerAs(BUYER);
    await expect(
      admin.orgs.invite({ email: "auditor@demo.pdx.cn", displayName: "x", isOrgAdmin: false }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
      message: "email: this e-mail already has an account",
    });
    const invite = await admin.orgs.invite({
      email: "late@bank.example",
      displayName: "Late",
      isOrgAdmin: false,
    });
    const eightDaysLater = new Date(Date.now() + 8 * 86_400_000);
    await expect(
      acceptInvitation(
        kit.db,
        kit.deps.keyring,
        { token: invite.token, password: "Late#20261234" },
        eightDaysLater,
      ),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("removes a member: sign-in refused and sessions ended; not yourself, not another org's user", async () => {
    await addUserToOrg(kit.db, "pengcheng-bank", {
      email: "leaver@bank.example",
      displayName: "Leaver",
      role: "buyer",
    });
    const leaver = await kit.callerAs("leaver@bank.example");
    expect((await leaver.auth.me())?.email).toBe("leaver@bank.example");

    const admin = await kit.callerAs(BUYER);
    await admin.orgs.removeMember({ id: userIdFor("leaver@bank.example") });
    const { rows: sessions } = await kit.db.query("SELECT 1 FROM sessions WHERE user_id = $1", [
      userIdFor("leaver@bank.example"),
    ]);
    expect(sessions).toEqual([]);
    await expect(kit.callerAs("leaver@bank.example")).rejects.toMatchObject({ code: "INVALID_CREDENTIALS" });

    await expect(admin.orgs.removeMember({ id: userIdFor(BUYER) })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message: "you cannot remove yourself",
    });
    // Another organization's user looks exactly like an unknown one.
    await expect(admin.orgs.removeMember({ id: userIdFor(REGULATOR) })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "no such member in your organization",
    });
    const { rows } = await kit.db.query<{ removed_at: Date | null }>(
      "SELECT removed_at FROM users WHERE id = $1",
      [userIdFor(REGULATOR)],
    );
    expect(rows[0]!.removed_at).toBeNull();
  });

  it("a plain member cannot manage members", async () => {
    await addUserToOrg(kit.db, "pengcheng-bank", {
      email: "plain@bank.example",
      displayName: "Plain",
      role: "buyer",
    });
    const plain = await kit.callerAs("plain@bank.example");
    await expect(
      plain.orgs.invite({ email: "x@bank.example", displayName: "x", isOrgAdmin: true }),
    ).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(plain.orgs.listMembers()).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("organization identity codes", () => {
  const division = "440300";
  it("refuses an invalid unified social credit code, naming the check character, and writes nothing", async () => {
    const admin = await kit.callerAs("admin@demo.pdx.cn");
    const valid = buildUscc({ authority: "9", entityType: "1", division, orgBody8: "11223344" });
    const wrongCheck = valid.slice(0, 17) + (valid[17] === "A" ? "B" : "A");
    const before = await count("organizations");
    const err = await admin.orgs
      .register({ key: "bad-bank", name: "坏银行", nameEn: "Bad bank", type: "buyer", uscc: wrongCheck })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "BAD_REQUEST" });
    expect((err as Error).message).toMatch(
      new RegExp(
        `^uscc: not a valid unified social credit code \\(GB 32100\\): check character should be ${valid[17]}`,
      ),
    );
    await expect(
      admin.orgs.register({
        key: "bad-dept",
        name: "坏部门",
        nameEn: "Bad dept",
        type: "data_source",
        agencyCode: "12345678-0",
      }),
    ).rejects.toMatchObject({
      message: expect.stringMatching(/^agencyCode: not a valid organization code \(GB 11714\)/),
    });
    await expect(
      admin.orgs.register({ key: "no-code", name: "无代码", nameEn: "No code", type: "operator" }),
    ).rejects.toMatchObject({ message: "uscc: an enterprise needs its unified social credit code" });
    expect(await count("organizations")).toBe(before);
  });

  it("registers a valid enterprise once; the same code again is a conflict", async () => {
    const admin = await kit.callerAs("admin@demo.pdx.cn");
    const uscc = buildUscc({ authority: "9", entityType: "1", division, orgBody8: "55667788" });
    const org = await admin.orgs.register({
      key: "good-insurer",
      name: "鹏城保险",
      nameEn: "Pengcheng Insurance",
      type: "buyer",
      uscc,
    });
    expect(org).toMatchObject({ uscc, type: "buyer", memberCount: 0 });
    await expect(
      admin.orgs.register({ key: "good-insurer-2", name: "x", nameEn: "x", type: "buyer", uscc }),
    ).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/^uscc: /) });
    const regulator = await kit.callerAs(REGULATOR);
    await expect(
      regulator.orgs.register({ key: "x-org", name: "x", nameEn: "x", type: "buyer", uscc }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("signing keys and signed approvals", () => {
  it("stores secret keys only sealed, bound to their user", async () => {
    const { rows } = await kit.db.query<{ user_id: string; encrypted_secret_key: string }>(
      "SELECT user_id, encrypted_secret_key FROM user_signing_keys WHERE user_id = $1",
      [userIdFor(REGULATOR)],
    );
    const sealed = rows[0]!.encrypted_secret_key;
    expect(sealed).toMatch(/^v1\./);
    const secret = kit.deps.keyring.openUserKey(userIdFor(REGULATOR), sealed);
    expect(sealed).not.toContain(secret);
    expect(() => kit.deps.keyring.openUserKey(userIdFor(BUYER), sealed)).toThrow();
    expect(() =>
      createKeyring(generateKeyEncryptionKey()).openUserKey(userIdFor(REGULATOR), sealed),
    ).toThrow();
  });

  it("signs with the approver's key; verification catches edits of the decision, signature and subject", async () => {
    const subjectId = randomUUID();
    const subjectHash = "a".repeat(64);
    const signed = await kit.db.withTransaction((tx) =>
      signApproval(tx, kit.deps.keyring, actorOf(REGULATOR, "data-bureau"), {
        subjectType: "authorization",
        subjectId,
        subjectHash,
        step: "regulator",
        decision: "approve",
        comment: "同意",
      }),
    );
    const good = await verifyApproval(kit.db, signed.id, subjectHash);
    expect(good.ok).toBe(true);
    expect(good.approval.signerName).toBe("周明（数据要素处）");

    const changedSubject = await verifyApproval(kit.db, signed.id, "b".repeat(64));
    expect(changedSubject.checks.find((c) => c.name === "subject_hash")?.ok).toBe(false);

    await kit.db.query("UPDATE signed_approvals SET decision = 'reject' WHERE id = $1", [signed.id]);
    const edited = await verifyApproval(kit.db, signed.id);
    expect(edited.ok).toBe(false);
    expect(edited.checks.find((c) => c.name === "payload_matches_row")?.ok).toBe(false);
    expect(edited.checks.find((c) => c.name === "signature")?.ok).toBe(true);

    const flipped = signed.signature.replace(/^./, (c) => (c === "0" ? "1" : "0"));
    await kit.db.query("UPDATE signed_approvals SET decision = 'approve', signature = $2 WHERE id = $1", [
      signed.id,
      flipped,
    ]);
    const forged = await verifyApproval(kit.db, signed.id);
    expect(forged.checks.find((c) => c.name === "signature")?.ok).toBe(false);
    expect((await listApprovals(kit.db, "authorization", subjectId)).length).toBe(1);
  });

  it("refuses a rejection without a reason", async () => {
    await expect(
      kit.db.withTransaction((tx) =>
        signApproval(tx, kit.deps.keyring, actorOf(REGULATOR, "data-bureau"), {
          subjectType: "authorization",
          subjectId: randomUUID(),
          subjectHash: "a".repeat(64),
          step: "regulator",
          decision: "reject",
          comment: "  ",
        }),
      ),
    ).rejects.toThrow(DomainError);
  });
});

describe("audit trail", () => {
  const event = (n: number) => ({
    actor: actorOf(REGULATOR, "data-bureau"),
    action: "test.touch",
    objectType: "test",
    objectId: `obj-${n}`,
    before: { n: n - 1 },
    after: { n },
    detail: { n },
  });

  it("chains events; a rolled-back append leaves no gap; concurrent appends do not fork", async () => {
    await kit.db.withTransaction((tx) => appendAuditEvent(tx, event(1)));
    await expect(
      kit.db.withTransaction(async (tx) => {
        await appendAuditEvent(tx, event(2));
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    await Promise.all(
      [3, 4, 5, 6, 7, 8].map((n) => kit.db.withTransaction((tx) => appendAuditEvent(tx, event(n)))),
    );
    const result = await verifyAuditTrail(kit.db);
    expect(result).toMatchObject({ ok: true, problems: [] });
    expect(result.checkedEvents).toBe(result.headSeq);
  });

  it("the table refuses updates and deletes", async () => {
    await expect(kit.db.query("UPDATE audit_events SET action = 'test.edited'")).rejects.toThrow();
    await expect(kit.db.query("DELETE FROM audit_events")).rejects.toThrow();
    expect((await verifyAuditTrail(kit.db)).ok).toBe(true);
  });

  it("the auditor's check names the edited, deleted and truncated events when the trigger is bypassed", async () => {
    const auditor = await kit.callerAs("auditor@demo.pdx.cn");
    const before = await auditor.trail.verify();
    expect(before.ok).toBe(true);
    const n = before.headSeq;
    expect(n).toBeGreaterThanOrEqual(6);
    await kit.db.query("ALTER TABLE audit_events DISABLE TRIGGER USER");
    try {
      await kit.db.query(`UPDATE audit_events SET detail = '{"n": 999}' WHERE seq = 2`);
      await kit.db.query("DELETE FROM audit_events WHERE seq = 4");
      await kit.db.query("DELETE FROM audit_events WHERE seq = $1", [n]);
    } finally {
      await kit.db.query("ALTER TABLE audit_events ENABLE TRIGGER USER");
    }
    const after = await auditor.trail.verify();
    expect(after.ok).toBe(false);
    expect(after.problems).toEqual([
      { seq: 2, kind: "event_modified" },
      { seq: 5, kind: "seq_gap" },
      { seq: 5, kind: "chain_broken" },
      { seq: n, kind: "head_mismatch" },
    ]);
  });

  it("lists events with filters for auditors, newest first, with actor names", async () => {
    const auditor = await kit.callerAs("auditor@demo.pdx.cn");
    const events = await auditor.trail.list({ action: "member.invite", limit: 10 });
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events[0]!.seq).toBeGreaterThan(events[1]!.seq);
    expect(events[0]).toMatchObject({ actorName: "王芳（风险管理部）", objectType: "invitation" });
    const buyer = await kit.callerAs(BUYER);
    await expect(buyer.trail.list({ limit: 5 })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
