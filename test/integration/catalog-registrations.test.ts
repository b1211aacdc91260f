/**
 * The dataset-registration workflow through the real API (tRPC callers signed in as demo users,
 * a real database): every (state × action) pair of the machine, ownership across departments,
 * input validation that names the field and writes nothing, one authoritative source per data
 * item, what coding writes (catalog row, item claims, chain writes, signed and verifiable
 * approvals, audit events), the public-notice period with a movable clock, change / correction /
 * deregistration / expiry.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expireRegistrations } from "../../server/src/domain/catalog/registrations";
import {
  itemConflictMessage,
  mapCatalogUniqueViolations,
} from "../../server/src/domain/catalog/registrations-checks";
import {
  REGISTRATION_ACTIONS,
  registrationMachine,
  type TRegistrationAction,
  type TRegistrationStatus,
} from "../../server/src/domain/catalog/registrations-machine";
import { isDomainError } from "../../server/src/domain/domain-error";
import { verifyApproval } from "../../server/src/domain/signing/approvals";
import { verifyAuditTrail } from "../../server/src/domain/trail/audit-trail";
import {
  createServerTestKit,
  type TCaller,
  type TServerTestKit,
} from "../../server/src/testing/server-test-kit";
import {
  AUDITOR,
  addOtherDepartment,
  BUYER,
  catalogRowCounts,
  itemBase,
  OPERATOR,
  OTHER_DEPT,
  outcomeOf,
  REGULATOR,
  SOURCE,
  SOURCE_ORG_NAME,
  testEntry,
} from "./catalog-fixtures";

const DAY = 86_400_000;
/** The injectable clock: each reading advances it by 1 ms, so stored times are ordered. */
let clock = new Date();
const now = () => {
  clock = new Date(clock.getTime() + 1);
  return clock;
};
let kit: TServerTestKit;
let source: TCaller;
let regulator: TCaller;
let otherDept: TCaller;
let buyer: TCaller;
let operator: TCaller;
let auditor: TCaller;
let otherDeptId: string;
let seq = 0;

/** A fresh dataset code for each registration a test needs. */
const nextCode = (prefix = "T") => `${prefix}-R${String(++seq).padStart(3, "0")}`;

beforeAll(async () => {
  kit = await createServerTestKit({ now, publicNoticeDays: 0 });
  otherDeptId = await addOtherDepartment(kit.db);
  source = await kit.callerAs(SOURCE);
  regulator = await kit.callerAs(REGULATOR);
  otherDept = await kit.callerAs(OTHER_DEPT.email);
  buyer = await kit.callerAs(BUYER);
  operator = await kit.callerAs(OPERATOR);
  auditor = await kit.callerAs(AUDITOR);
});
afterAll(async () => {
  await kit?.close();
});

async function statusOf(id: string): Promise<TRegistrationStatus> {
  const { rows } = await kit.db.query<{ status: TRegistrationStatus }>(
    "SELECT status FROM dataset_registrations WHERE id = $1",
    [id],
  );
  return rows[0]!.status;
}

/**
 * Runs `fn` with the clock set to `when` (coding at an earlier time gives an earlier validity);
 * afterwards the clock never goes back behind where it was.
 */
async function at<T>(when: Date, fn: () => Promise<T>): Promise<T> {
  const saved = clock;
  clock = when;
  try {
    return await fn();
  } finally {
    if (clock < saved) clock = saved;
  }
}

/** Codes a new dataset (initial registration through every step); returns the registration id. */
async function codedRegistration(code = nextCode()): Promise<string> {
  const id = (await source.registrations.create({ entry: testEntry(code) })).id;
  await source.registrations.submit({ id });
  await regulator.registrations.accept({ id });
  await regulator.registrations.review({ id, comment: "符合登记要求" });
  await regulator.registrations.publishNotice({ id });
  await regulator.registrations.code({ id });
  return id;
}

/**
 * A registration in `state`, reached through the real transitions. "reviewed" may be asked as a
 * correction (which is coded without public notice).
 */
async function reach(
  state: TRegistrationStatus,
  opts: { kind?: "initial" | "correction" } = {},
): Promise<string> {
  const code = nextCode();
  if (state === "coded") return codedRegistration(code);
  if (state === "superseded") {
    const first = await codedRegistration(code);
    const change = (await source.registrations.startChange({ datasetCode: code })).id;
    await source.registrations.submit({ id: change });
    await regulator.registrations.accept({ id: change });
    await regulator.registrations.review({ id: change });
    await regulator.registrations.publishNotice({ id: change });
    await regulator.registrations.code({ id: change });
    return first;
  }
  if (state === "deregistered") {
    const id = await codedRegistration(code);
    await regulator.registrations.deregister({ id, reason: "数据源已停止维护" });
    return id;
  }
  if (state === "expired") {
    const id = await at(new Date(clock.getTime() - 3 * 365 * DAY - 2 * DAY), () => codedRegistration(code));
    expect(await expireRegistrations(kit.db, clock)).toContain(id);
    return id;
  }
  let id: string;
  if (opts.kind === "correction") {
    await codedRegistration(code);
    id = (await source.registrations.startCorrection({ datasetCode: code })).id;
  } else {
    id = (await source.registrations.create({ entry: testEntry(code) })).id;
  }
  if (state === "draft") return id;
  if (state === "withdrawn") {
    await source.registrations.withdraw({ id });
    return id;
  }
  await source.registrations.submit({ id });
  if (state === "submitted") return id;
  if (state === "returned") {
    await regulator.registrations.return({ id, reason: "缺少更新频率说明" });
    return id;
  }
  await regulator.registrations.accept({ id });
  if (state === "accepted") return id;
  if (state === "rejected") {
    await regulator.registrations.reject({ id, reason: "不属于公共数据" });
    return id;
  }
  await regulator.registrations.review({ id });
  if (state === "reviewed") return id;
  await regulator.registrations.publishNotice({ id });
  if (state === "public_notice") return id;
  throw new Error(`reach: unhandled state ${state}`);
}

/** How each user action is called, by whom. */
const USER_ACTIONS: Record<
  Exclude<TRegistrationAction, "expire" | "supersede">,
  { by: "source" | "regulator"; call: (c: TCaller, id: string) => Promise<unknown> }
> = {
  submit: { by: "source", call: (c, id) => c.registrations.submit({ id }) },
  withdraw: { by: "source", call: (c, id) => c.registrations.withdraw({ id }) },
  accept: { by: "regulator", call: (c, id) => c.registrations.accept({ id }) },
  return: { by: "regulator", call: (c, id) => c.registrations.return({ id, reason: "请补充字段说明" }) },
  review: { by: "regulator", call: (c, id) => c.registrations.review({ id, comment: "同意" }) },
  reject: { by: "regulator", call: (c, id) => c.registrations.reject({ id, reason: "不予登记" }) },
  publish_notice: { by: "regulator", call: (c, id) => c.registrations.publishNotice({ id }) },
  code: { by: "regulator", call: (c, id) => c.registrations.code({ id }) },
  object: { by: "regulator", call: (c, id) => c.registrations.object({ id, reason: "公示期收到异议" }) },
  deregister: { by: "regulator", call: (c, id) => c.registrations.deregister({ id, reason: "停止提供" }) },
};
const SYSTEM_ACTIONS = ["expire", "supersede"] as const;

const callerFor = (by: "source" | "regulator") => (by === "source" ? source : regulator);

describe("registration state machine: every (state × action) pair", () => {
  it("lists exactly the actions of the design", () => {
    expect([...registrationMachine.actions].sort()).toEqual([...REGISTRATION_ACTIONS].sort());
    expect(Object.keys(USER_ACTIONS).length + SYSTEM_ACTIONS.length).toBe(REGISTRATION_ACTIONS.length);
  });

  for (const state of registrationMachine.states) {
    const forbidden = REGISTRATION_ACTIONS.filter((a) => !registrationMachine.transitionOf(state, a));
    it(`from ${state}: ${forbidden.join(", ")} give INVALID_STATE and change nothing`, async () => {
      const id = await reach(state);
      const before = await catalogRowCounts(kit.db);
      for (const action of forbidden) {
        if (action === "expire" || action === "supersede") {
          expect(() => registrationMachine.next(state, action, null)).toThrow(/cannot/);
          continue;
        }
        const { by, call } = USER_ACTIONS[action];
        const result = await outcomeOf(() => call(callerFor(by), id));
        expect(result, `${action} from ${state}`).toMatchObject({ code: "INVALID_STATE" });
        expect(result.message).toContain(`that is ${state.replaceAll("_", " ")}`);
      }
      expect(await statusOf(id)).toBe(state);
      expect(await catalogRowCounts(kit.db)).toEqual(before);
    });
  }

  for (const t of registrationMachine.transitions) {
    for (const from of t.from) {
      const action = t.action;
      if (action === "expire" || action === "supersede") continue;
      const { by, call } = USER_ACTIONS[action];
      const kind = from === "reviewed" && action === "code" ? "correction" : "initial";
      it(`${from} -${action}-> ${t.to}: refused for other roles and departments, done by the ${by}${kind === "correction" ? " (correction)" : ""}`, async () => {
        const id = await reach(from, { kind });
        const others: [string, TCaller, string][] = [
          ["buyer", buyer, "FORBIDDEN"],
          ["operator", operator, "FORBIDDEN"],
          ["auditor", auditor, "FORBIDDEN"],
          by === "source" ? ["regulator", regulator, "FORBIDDEN"] : ["source", source, "FORBIDDEN"],
          // Another department's source sees nothing of this registration.
          ["other department", otherDept, by === "source" ? "NOT_FOUND" : "FORBIDDEN"],
        ];
        for (const [who, caller, expected] of others) {
          expect((await outcomeOf(() => call(caller, id))).code, `${action} by ${who}`).toBe(expected);
        }
        expect(await statusOf(id)).toBe(from);
        const events = (await kit.db.query("SELECT 1 FROM audit_events WHERE object_id = $1", [id])).rowCount;
        expect(await outcomeOf(() => call(callerFor(by), id))).toEqual({ code: "OK", message: "" });
        expect(await statusOf(id)).toBe(t.to);
        const { rows } = await kit.db.query<{ action: string }>(
          "SELECT action FROM audit_events WHERE object_id = $1 ORDER BY seq DESC LIMIT 1",
          [id],
        );
        expect(rows[0]!.action).toBe(`registration.${action}`);
        expect((await kit.db.query("SELECT 1 FROM audit_events WHERE object_id = $1", [id])).rowCount).toBe(
          events + 1,
        );
      });
    }
  }

  it("coded -expire-> expired: only the system (timer) takes it, once the validity has ended", async () => {
    expect(() =>
      registrationMachine.next("coded", "expire", { role: "regulator", isOrgAdmin: true }),
    ).toThrow(/may not expire/);
    const current = await reach("coded");
    const old = await at(new Date(clock.getTime() - 3 * 365 * DAY - 2 * DAY), () => codedRegistration());
    const expired = await expireRegistrations(kit.db, clock);
    expect(expired).toContain(old);
    expect(expired).not.toContain(current);
    expect(await statusOf(old)).toBe("expired");
    expect(await statusOf(current)).toBe("coded");
    expect(await expireRegistrations(kit.db, clock)).toEqual([]);
    const { rows } = await kit.db.query<{ status: string }>(
      "SELECT d.status FROM datasets d JOIN dataset_registrations r ON r.dataset_code = d.code WHERE r.id = $1",
      [old],
    );
    expect(rows[0]!.status).toBe("expired");
    const writes = await kit.db.query<{ kind: string; payload: { status: string } }>(
      "SELECT kind, payload FROM chain_writes WHERE subject_id = $1 ORDER BY id",
      [old],
    );
    expect(writes.rows.map((w) => w.kind)).toEqual(["registration.record", "registration.status"]);
    expect(writes.rows[1]!.payload).toEqual({ status: "expired" });
    const [event] = (
      await kit.db.query<{ action: string; actor_user_id: string | null }>(
        "SELECT action, actor_user_id FROM audit_events WHERE object_id = $1 ORDER BY seq DESC LIMIT 1",
        [old],
      )
    ).rows;
    expect(event).toEqual({ action: "registration.expire", actor_user_id: null });
  });

  it("coded -supersede-> superseded: only the system, when a newer registration is coded", async () => {
    expect(() =>
      registrationMachine.next("coded", "supersede", { role: "regulator", isOrgAdmin: false }),
    ).toThrow(/may not supersede/);
    const first = await reach("superseded");
    expect(await statusOf(first)).toBe("superseded");
  });

  it("offers exactly the allowed actions to each caller (buttons)", async () => {
    const id = await reach("submitted");
    expect((await regulator.registrations.get({ id })).allowedActions.sort()).toEqual(["accept", "return"]);
    expect((await source.registrations.get({ id })).allowedActions).toEqual([]);
    expect((await auditor.registrations.get({ id })).allowedActions).toEqual([]);
    const draft = await reach("draft");
    const view = await source.registrations.get({ id: draft });
    expect(view.allowedActions.sort()).toEqual(["submit", "withdraw"]);
    expect(view.canEdit).toBe(true);
    const reviewed = await reach("reviewed");
    expect((await regulator.registrations.get({ id: reviewed })).allowedActions).toEqual(["publish_notice"]);
    const correction = await reach("reviewed", { kind: "correction" });
    expect((await regulator.registrations.get({ id: correction })).allowedActions).toEqual(["code"]);
  });
});

describe("coding", () => {
  it("writes the catalog row, claims the items, enqueues the chain record and signs a verifiable review", async () => {
    const code = nextCode("T-CODE");
    const entry = testEntry(code);
    const id = (await source.registrations.create({ entry })).id;
    await source.registrations.submit({ id });
    await regulator.registrations.accept({ id });
    await regulator.registrations.review({ id, comment: "字段定义清晰，分级合理" });
    await regulator.registrations.publishNotice({ id });
    const coded = await regulator.registrations.code({ id });

    expect(coded.status).toBe("coded");
    expect(coded.registrationCode).toMatch(/^PCDR-\d{4}-\d{6}$/);
    const detailNow = await regulator.registrations.get({ id });
    const expectedUntil = new Date(detailNow.codedAt!);
    expectedUntil.setUTCFullYear(expectedUntil.getUTCFullYear() + 3);
    expect(coded.validUntil).toBe(expectedUntil.toISOString());
    expect(detailNow.validFrom).toBe(detailNow.codedAt);

    const { rows: ds } = await kit.db.query<Record<string, unknown>>(
      `SELECT library, library_code, sector_code, business_code, grade, sharing, open_attribute, update_frequency,
              volume_rows::int AS volume_rows, entry, entry_hash, search_text, status, registration_id,
              registration_code, source_org_id FROM datasets WHERE code = $1`,
      [code],
    );
    const detail = await regulator.registrations.get({ id });
    expect(ds[0]).toMatchObject({
      library: "theme",
      library_code: "tax",
      sector_code: "public_finance",
      business_code: "tax_credit",
      grade: "important",
      sharing: "conditional",
      open_attribute: "restricted",
      update_frequency: "monthly",
      volume_rows: 12000,
      entry_hash: detail.entryHash,
      status: "coded",
      registration_id: id,
      registration_code: coded.registrationCode,
      source_org_id: coded.sourceOrg.id,
    });
    expect(ds[0]!.entry).toEqual(entry);
    expect(ds[0]!.search_text).toContain("纳税信用等级");
    expect(ds[0]!.search_text).toContain(SOURCE_ORG_NAME);

    const { rows: claims } = await kit.db.query<{
      item_code: string;
      field_name: string;
      registration_id: string;
    }>(
      "SELECT item_code, field_name, registration_id FROM data_item_sources WHERE dataset_code = $1 ORDER BY item_code",
      [code],
    );
    expect(claims.map((c) => c.item_code)).toEqual([
      `${itemBase(code)}.contact_phone`,
      `${itemBase(code)}.tax_grade`,
      `${itemBase(code)}.uscc`,
    ]);
    expect(new Set(claims.map((c) => c.registration_id))).toEqual(new Set([id]));

    const { rows: writes } = await kit.db.query<{
      kind: string;
      payload: Record<string, string>;
      status: string;
    }>("SELECT kind, payload, status FROM chain_writes WHERE subject_id = $1", [id]);
    expect(writes).toHaveLength(1);
    expect(writes[0]!.kind).toBe("registration.record");
    expect(writes[0]!.payload).toMatchObject({
      datasetCode: code,
      sourceOrgId: coded.sourceOrg.id,
      entryHash: `0x${detail.entryHash}`,
      validUntil: coded.validUntil,
    });
    // No chain in this test: the write waits in the outbox.
    expect(writes[0]!.status).toBe("pending");
    expect(detail.chainWrites).toHaveLength(1);

    expect(detail.approvals).toHaveLength(1);
    const approval = detail.approvals[0]!;
    expect(approval).toMatchObject({ step: "review", decision: "approve", subjectHash: detail.entryHash });
    expect(approval.verification.ok).toBe(true);
    expect((await verifyApproval(kit.db, approval.id, detail.entryHash)).ok).toBe(true);
    // The audit trail of the registration, oldest first, and the whole chain verifies.
    expect(detail.auditEvents.map((e) => e.action).reverse()).toEqual([
      "registration.create",
      "registration.submit",
      "registration.accept",
      "registration.review",
      "registration.publish_notice",
      "registration.code",
    ]);
    expect(detail.auditEvents.find((e) => e.action === "registration.review")!.approvalId).toBe(approval.id);
    expect((await verifyAuditTrail(kit.db)).ok).toBe(true);
  });

  it("gives unique, increasing registration codes", async () => {
    const a = (await regulator.registrations.get({ id: await codedRegistration() })).registrationCode!;
    const b = (await regulator.registrations.get({ id: await codedRegistration() })).registrationCode!;
    expect(a).not.toBe(b);
    expect(Number(b.slice(-6))).toBe(Number(a.slice(-6)) + 1);
  });

  it("enforces the public-notice period on the injectable clock", async () => {
    kit.deps.publicNoticeDays = 5;
    try {
      const id = await reach("reviewed");
      await regulator.registrations.publishNotice({ id });
      const view = await regulator.registrations.get({ id });
      const endsAt = new Date(view.noticeEndsAt!).getTime();
      expect(endsAt - new Date(view.noticeStartedAt!).getTime()).toBe(5 * DAY);
      expect(view.allowedActions).toEqual(["object"]);
      const before = await catalogRowCounts(kit.db);
      const early = await outcomeOf(() => regulator.registrations.code({ id }));
      expect(early.code).toBe("PRECONDITION_FAILED");
      expect(early.message).toContain("public notice period ends at");
      expect(await catalogRowCounts(kit.db)).toEqual(before);
      await at(new Date(endsAt - 1000), async () => {
        expect((await outcomeOf(() => regulator.registrations.code({ id }))).code).toBe(
          "PRECONDITION_FAILED",
        );
      });
      await at(new Date(endsAt), async () => {
        expect((await regulator.registrations.code({ id })).status).toBe("coded");
      });
    } finally {
      kit.deps.publicNoticeDays = 0;
    }
  });

  it("refuses to code an initial registration without public notice; a correction skips it", async () => {
    const initial = await reach("reviewed");
    const refused = await outcomeOf(() => regulator.registrations.code({ id: initial }));
    expect(refused.code).toBe("PRECONDITION_FAILED");
    const correction = await reach("reviewed", { kind: "correction" });
    expect((await outcomeOf(() => regulator.registrations.publishNotice({ id: correction }))).code).toBe(
      "PRECONDITION_FAILED",
    );
    expect((await regulator.registrations.code({ id: correction })).status).toBe("coded");
  });

  it("a change supersedes the previous registration (chain status too) and moves the catalog row", async () => {
    const code = nextCode("T-CHG");
    const first = await codedRegistration(code);
    const firstCode = (await regulator.registrations.get({ id: first })).registrationCode;
    const change = await source.registrations.startChange({ datasetCode: code });
    expect(change).toMatchObject({ kind: "change", status: "draft", datasetCode: code });
    const changed = testEntry(code, { grade: "core", updateFrequency: "daily" });
    changed.fields = [
      ...changed.fields.slice(0, 2),
      { ...changed.fields[2]!, authoritative: false, item: `${itemBase(code)}.contact_phone` },
    ];
    await source.registrations.update({ id: change.id, entry: changed });
    await source.registrations.submit({ id: change.id });
    await regulator.registrations.accept({ id: change.id });
    await regulator.registrations.review({ id: change.id });
    await regulator.registrations.publishNotice({ id: change.id });
    const coded = await regulator.registrations.code({ id: change.id });

    expect(await statusOf(first)).toBe("superseded");
    expect(coded.registrationCode).not.toBe(firstCode);
    const { rows } = await kit.db.query<{ registration_id: string; grade: string; update_frequency: string }>(
      "SELECT registration_id, grade, update_frequency FROM datasets WHERE code = $1",
      [code],
    );
    expect(rows[0]).toEqual({ registration_id: change.id, grade: "core", update_frequency: "daily" });
    const statusWrites = await kit.db.query<{ payload: unknown }>(
      "SELECT payload FROM chain_writes WHERE subject_id = $1 AND kind = 'registration.status'",
      [first],
    );
    expect(statusWrites.rows.map((r) => r.payload)).toEqual([{ status: "superseded" }]);
    // The item the dataset no longer provides authoritatively is released.
    const claims = await kit.db.query<{ item_code: string }>(
      "SELECT item_code FROM data_item_sources WHERE dataset_code = $1 ORDER BY item_code",
      [code],
    );
    expect(claims.rows.map((r) => r.item_code)).toEqual([
      `${itemBase(code)}.tax_grade`,
      `${itemBase(code)}.uscc`,
    ]);
    const history = await buyer.datasets.get({ code });
    expect(history.history.map((h) => h.status)).toEqual(["coded", "superseded"]);
  });

  it("a change keeps the dataset code", async () => {
    const code = nextCode();
    await codedRegistration(code);
    const change = await source.registrations.startChange({ datasetCode: code });
    const result = await outcomeOf(() =>
      source.registrations.update({ id: change.id, entry: testEntry(nextCode()) }),
    );
    expect(result.code).toBe("INVALID_INPUT");
    expect(result.message).toContain(`keeps the dataset code ${code}`);
    // One change at a time.
    expect((await outcomeOf(() => source.registrations.startCorrection({ datasetCode: code }))).code).toBe(
      "CONFLICT",
    );
  });

  it("deregistration releases the items, marks the catalog row and records the chain status", async () => {
    const code = nextCode();
    const id = await codedRegistration(code);
    expect((await outcomeOf(() => regulator.registrations.deregister({ id, reason: "  " }))).code).toBe(
      "INVALID_INPUT",
    );
    await regulator.registrations.deregister({ id, reason: "部门职能调整，停止提供" });
    const { rows } = await kit.db.query<{ status: string }>("SELECT status FROM datasets WHERE code = $1", [
      code,
    ]);
    expect(rows[0]!.status).toBe("deregistered");
    expect(
      (await kit.db.query("SELECT 1 FROM data_item_sources WHERE dataset_code = $1", [code])).rowCount,
    ).toBe(0);
    const writes = await kit.db.query<{ payload: unknown }>(
      "SELECT payload FROM chain_writes WHERE subject_id = $1 AND kind = 'registration.status'",
      [id],
    );
    expect(writes.rows.map((r) => r.payload)).toEqual([{ status: "deregistered" }]);
    expect((await regulator.registrations.get({ id })).reason).toBe("部门职能调整，停止提供");
    // The code is free again: another department may register it.
    const again = await otherDept.registrations.create({ entry: testEntry(code) });
    expect(again.status).toBe("draft");
  });
});

describe("ownership across departments", () => {
  it("another department cannot see, edit, submit or withdraw a department's registration", async () => {
    const id = await reach("draft");
    const entry = (await source.registrations.get({ id })).entry;
    for (const call of [
      () => otherDept.registrations.get({ id }),
      () => otherDept.registrations.update({ id, entry }),
      () => otherDept.registrations.submit({ id }),
      () => otherDept.registrations.withdraw({ id }),
      () => otherDept.registrations.checkEntry({ entry, registrationId: id }),
    ]) {
      expect((await outcomeOf(call)).code).toBe("NOT_FOUND");
    }
    expect((await otherDept.registrations.listMine({})).map((r) => r.id)).not.toContain(id);
    expect((await source.registrations.listMine({})).map((r) => r.id)).toContain(id);
    expect(await statusOf(id)).toBe("draft");
  });

  it("only the source department starts a change or correction of its dataset", async () => {
    const code = nextCode();
    await codedRegistration(code);
    for (const call of [
      () => otherDept.registrations.startChange({ datasetCode: code }),
      () => otherDept.registrations.startCorrection({ datasetCode: code }),
    ]) {
      const result = await outcomeOf(call);
      expect(result.code).toBe("FORBIDDEN");
      expect(result.message).toContain(SOURCE_ORG_NAME);
    }
    expect(
      (await outcomeOf(() => source.registrations.startChange({ datasetCode: "NO-SUCH-SET" }))).code,
    ).toBe("NOT_FOUND");
  });

  it("a dataset code held by another department is a CONFLICT naming it", async () => {
    const code = nextCode();
    await codedRegistration(code);
    const before = await catalogRowCounts(kit.db);
    const result = await outcomeOf(() =>
      otherDept.registrations.create({
        entry: { ...testEntry(code), fields: testEntry(nextCode()).fields },
      }),
    );
    expect(result.code).toBe("CONFLICT");
    expect(result.message).toContain(`dataset code ${code} is already registered by ${SOURCE_ORG_NAME}`);
    expect(await catalogRowCounts(kit.db)).toEqual(before);
    // Its own department registers it again only as a change.
    expect((await outcomeOf(() => source.registrations.create({ entry: testEntry(code) }))).code).toBe(
      "PRECONDITION_FAILED",
    );
  });

  it("the regulator's queue lists submitted registrations of every department, not drafts", async () => {
    const draft = await reach("draft");
    const submitted = await reach("submitted");
    const queue = await regulator.registrations.listQueue({});
    const ids = queue.items.map((r) => r.id);
    expect(ids).toContain(submitted);
    expect(ids).not.toContain(draft);
    expect(queue.counts.find((c) => c.status === "submitted")!.count).toBeGreaterThanOrEqual(1);
    const onlyCoded = await regulator.registrations.listQueue({ status: "coded" });
    expect(onlyCoded.items.every((r) => r.status === "coded")).toBe(true);
  });
});

describe("validation: INVALID_INPUT names the field and nothing is written", () => {
  const cases: [string, (code: string) => Record<string, unknown>, RegExp][] = [
    [
      "a bad dataset code",
      (code) => ({ ...testEntry(code), code: "bad code" }),
      /^invalid dataset entry: code: /,
    ],
    [
      "a dataset graded below a field",
      (code) => ({ ...testEntry(code), grade: "general" }),
      /grade: the dataset is graded general but field "tax_grade" is important/,
    ],
    [
      "a duplicate field name",
      (code) => {
        const e = testEntry(code);
        return { ...e, fields: [...e.fields, { ...e.fields[0]!, item: `${itemBase(code)}.other` }] };
      },
      /fields\[3\]\.name: duplicate field name "uscc"/,
    ],
    [
      "a missing legal basis",
      (code) => ({ ...testEntry(code), sharing: { attribute: "not_shareable" } }),
      /sharing\.legalBasis: /,
    ],
    [
      "an unmasked personal field",
      (code) => {
        const e = testEntry(code);
        return { ...e, fields: e.fields.map((f) => (f.personalInfo ? { ...f, masking: "none" } : f)) };
      },
      /fields\[2\]\.masking: /,
    ],
  ];
  for (const [what, make, message] of cases) {
    it(`refuses ${what}`, async () => {
      const before = await catalogRowCounts(kit.db);
      const entry = make(nextCode());
      const created = await outcomeOf(() => source.registrations.create({ entry }));
      expect(created.code).toBe("INVALID_INPUT");
      expect(created.message).toMatch(message);
      const draft = await reach("draft");
      const afterDraft = await catalogRowCounts(kit.db);
      const updated = await outcomeOf(() => source.registrations.update({ id: draft, entry }));
      expect(updated.code).toBe("INVALID_INPUT");
      expect(updated.message).toMatch(message);
      expect(await catalogRowCounts(kit.db)).toEqual(afterDraft);
      expect(afterDraft.registrations).toBe((before.registrations ?? 0) + 1);
      // The form's check lists the same problem with its path.
      const problems = await source.registrations.checkEntry({ entry });
      expect(problems.length).toBeGreaterThan(0);
      expect(problems.every((p) => p.kind === "INVALID_INPUT")).toBe(true);
    });
  }

  it("checkEntry gives structured problems by path", async () => {
    const problems = await source.registrations.checkEntry({
      entry: { ...testEntry(nextCode()), grade: "general" },
    });
    expect(problems).toContainEqual(expect.objectContaining({ path: "grade", kind: "INVALID_INPUT" }));
    expect(await source.registrations.checkEntry({ entry: testEntry(nextCode()) })).toEqual([]);
  });
});

describe("one authoritative source per data item (一数一源)", () => {
  it("refuses a second source at draft save with a CONFLICT naming the existing department, writing nothing", async () => {
    const code = nextCode();
    await codedRegistration(code);
    const mine = testEntry(nextCode());
    mine.fields[0] = { ...mine.fields[0]!, item: `${itemBase(code)}.uscc` };
    const before = await catalogRowCounts(kit.db);
    const result = await outcomeOf(() => otherDept.registrations.create({ entry: mine }));
    expect(result.code).toBe("CONFLICT");
    expect(result.message).toBe(itemConflictMessage(`${itemBase(code)}.uscc`, SOURCE_ORG_NAME));
    expect(result.message).toContain(
      `数据项 ${itemBase(code)}.uscc 已由 ${SOURCE_ORG_NAME} 作为权威来源登记`,
    );
    expect(await catalogRowCounts(kit.db)).toEqual(before);
    const problems = await otherDept.registrations.checkEntry({ entry: mine });
    expect(problems).toEqual([{ path: "fields[0].item", message: result.message, kind: "CONFLICT" }]);
    // As a reference (authoritative: false) the same item is fine.
    mine.fields[0] = { ...mine.fields[0]!, authoritative: false };
    expect((await otherDept.registrations.create({ entry: mine })).status).toBe("draft");
  });

  it("checks again at submit and at coding, and nothing of a refused coding is written", async () => {
    const shared = "t.shared_item.permit_no";
    const withShared = (code: string) => {
      const e = testEntry(code);
      e.fields[0] = { ...e.fields[0]!, item: shared };
      return e;
    };
    // Both departments reach public notice while nobody holds the item yet.
    const a = (await source.registrations.create({ entry: withShared(nextCode()) })).id;
    const b = (await otherDept.registrations.create({ entry: withShared(nextCode()) })).id;
    const c = (await otherDept.registrations.create({ entry: withShared(nextCode()) })).id;
    for (const id of [a, b]) {
      await (id === a ? source : otherDept).registrations.submit({ id });
      await regulator.registrations.accept({ id });
      await regulator.registrations.review({ id });
      await regulator.registrations.publishNotice({ id });
    }
    await regulator.registrations.code({ id: a });

    const before = await catalogRowCounts(kit.db);
    const atCoding = await outcomeOf(() => regulator.registrations.code({ id: b }));
    expect(atCoding.code).toBe("CONFLICT");
    expect(atCoding.message).toContain(`数据项 ${shared} 已由 ${SOURCE_ORG_NAME} 作为权威来源登记`);
    expect(await statusOf(b)).toBe("public_notice");
    expect(await catalogRowCounts(kit.db)).toEqual(before);

    const atSubmit = await outcomeOf(() => otherDept.registrations.submit({ id: c }));
    expect(atSubmit.code).toBe("CONFLICT");
    expect(atSubmit.message).toContain(SOURCE_ORG_NAME);
    expect(await statusOf(c)).toBe("draft");
    expect(await catalogRowCounts(kit.db)).toEqual(before);
  });

  it("the primary key is the last line of defence: its violation becomes the same CONFLICT", async () => {
    const code = nextCode();
    await codedRegistration(code);
    const item = `${itemBase(code)}.uscc`;
    const entry = testEntry(nextCode());
    entry.fields[0] = { ...entry.fields[0]!, item };
    let error: unknown;
    try {
      await mapCatalogUniqueViolations(kit.db, { entry, orgId: otherDeptId }, () =>
        kit.db.withTransaction(async (tx) => {
          // What a racing transaction would do after its check passed.
          await tx.query(
            "INSERT INTO data_item_sources (item_code, source_org_id, dataset_code, field_name) VALUES ($1, $2, $3, 'uscc')",
            [item, otherDeptId, entry.code],
          );
        }),
      );
    } catch (err) {
      error = err;
    }
    expect(isDomainError(error, "CONFLICT")).toBe(true);
    expect((error as Error).message).toBe(itemConflictMessage(item, SOURCE_ORG_NAME));
  });
});

describe("drafts", () => {
  it("one registration of a dataset in progress at a time; a withdrawn one frees the code", async () => {
    const code = nextCode();
    const first = await source.registrations.create({ entry: testEntry(code) });
    const second = await outcomeOf(() => source.registrations.create({ entry: testEntry(code) }));
    expect(second.code).toBe("CONFLICT");
    expect(second.message).toContain("already has a registration in progress");
    await source.registrations.withdraw({ id: first.id });
    expect((await source.registrations.create({ entry: testEntry(code) })).status).toBe("draft");
  });

  it("a returned registration is edited and submitted again; the reason is shown until then", async () => {
    const id = await reach("returned");
    const view = await source.registrations.get({ id });
    expect(view.reason).toBe("缺少更新频率说明");
    expect(view.canEdit).toBe(true);
    const entry = { ...view.entry, updateFrequency: "weekly" as const };
    await source.registrations.update({ id, entry });
    const submitted = await source.registrations.submit({ id });
    expect(submitted.status).toBe("submitted");
    expect((await source.registrations.get({ id })).reason).toBeNull();
  });

  it("a rejection needs a reason and is signed", async () => {
    const id = await reach("accepted");
    expect((await outcomeOf(() => regulator.registrations.reject({ id, reason: "" }))).code).toBe(
      "INVALID_INPUT",
    );
    await regulator.registrations.reject({ id, reason: "不属于本市公共数据" });
    const view = await auditor.registrations.get({ id });
    expect(view.approvals).toHaveLength(1);
    expect(view.approvals[0]).toMatchObject({ decision: "reject", comment: "不属于本市公共数据" });
    expect(view.approvals[0]!.verification.ok).toBe(true);
  });
});
