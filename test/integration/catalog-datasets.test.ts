/**
 * Browsing the catalog through the real API: Chinese text search and combined filters with facet
 * counts and pages, a dataset's page (data dictionary, grade-policy access, item sources,
 * registration and chain record, history), mock rows (deterministic, masked, never more than 50),
 * departments and counts — plus the demo seed's fast path (seedCatalogRegistrations).
 */
import { randomUUID } from "node:crypto";
import type { TDatasetEntry } from "@pdx/common/catalog/dataset-entry";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  seedCatalogRegistrations,
  seededRegistrationIdFor,
} from "../../server/src/domain/catalog/seed-catalog";
import { datasetIdFor } from "../../server/src/domain/seed/seed-demo-data";
import { verifyAuditTrail } from "../../server/src/domain/trail/audit-trail";
import {
  addOrgWithUser,
  createServerTestKit,
  type TCaller,
  type TServerTestKit,
} from "../../server/src/testing/server-test-kit";
import {
  AUDITOR,
  BUYER,
  catalogRowCounts,
  itemBase,
  OPERATOR,
  outcomeOf,
  REGULATOR,
  SOURCE,
  testEntry,
} from "./catalog-fixtures";

const DAY = 86_400_000;
const DEPT_NAME = "测试搜索局";
let kit: TServerTestKit;
let deptId: string;
let buyer: TCaller;
let regulator: TCaller;
const now = new Date();

function clinic(): TDatasetEntry {
  const e = testEntry("T-S-CLINIC", {
    name: { zh: "鹏测门诊就诊记录", en: "Pengce outpatient visits" },
    description: { zh: "门诊就诊人次与费用（测试）。", en: "Outpatient visits and fees (test)." },
    libraryCode: "healthcare",
    grade: "core",
    open: { attribute: "prohibited", reason: "含个人健康信息" },
  });
  e.fields = [
    {
      ...e.fields[0]!,
      name: "patient_id",
      label: { zh: "患者证件号", en: "Patient ID" },
      grade: "core",
      personalInfo: true,
      masking: "hash",
      item: "t.s_clinic.patient_id",
      sample: { kind: "identifier", format: "resident_id" },
    },
    {
      ...e.fields[1]!,
      name: "department",
      label: { zh: "就诊科室", en: "Department" },
      grade: "general",
      item: "t.s_clinic.department",
      sample: { kind: "enum", values: ["内科", "外科", "儿科"] },
    },
    {
      ...e.fields[1]!,
      name: "fee",
      label: { zh: "诊疗费用", en: "Fee" },
      type: "numeric",
      unit: "元",
      grade: "important",
      masking: "suppress",
      item: "t.s_clinic.fee",
      sample: { kind: "range", min: 10, max: 5000 },
    },
  ];
  return e;
}

function bus(): TDatasetEntry {
  const e = testEntry("T-S-BUS", {
    name: { zh: "鹏测公交线路客流", en: "Pengce bus line ridership" },
    library: "theme",
    libraryCode: "transport",
    grade: "general",
    sharing: { attribute: "unconditional" },
    open: { attribute: "open" },
    updateFrequency: "daily",
  });
  e.fields = [
    {
      ...e.fields[0]!,
      name: "line_no",
      label: { zh: "线路编号", en: "Line number" },
      item: "t.s_bus.line_no",
      sample: { kind: "identifier", format: "serial", prefix: "L" },
    },
    {
      ...e.fields[0]!,
      name: "passengers",
      label: { zh: "日客流量", en: "Daily passengers" },
      type: "integer",
      item: "t.s_bus.passengers",
      sample: { kind: "range", min: 100, max: 90000 },
    },
  ];
  return e;
}

function permit(): TDatasetEntry {
  const e = testEntry("T-S-PERMIT", {
    name: { zh: "鹏测企业经营许可", en: "Pengce business permits" },
    library: "base",
    libraryCode: "legal_entity",
    grade: "important",
  });
  e.fields = [
    {
      ...e.fields[0]!,
      name: "permit_no",
      label: { zh: "许可证编号", en: "Permit number" },
      item: "t.s_permit.permit_no",
      sample: { kind: "identifier", format: "serial", prefix: "XK" },
    },
    // A reference to another dataset's item (a join key), not a second source.
    {
      ...e.fields[0]!,
      name: "bus_line",
      label: { zh: "关联线路", en: "Related line" },
      item: "t.s_bus.line_no",
      authoritative: false,
    },
    { ...e.fields[2]!, item: "t.s_permit.contact_phone" },
  ];
  return e;
}

beforeAll(async () => {
  kit = await createServerTestKit({ now: () => now, publicNoticeDays: 0 });
  ({ orgId: deptId } = await addOrgWithUser(
    kit.db,
    {
      key: "test-search-dept",
      name: DEPT_NAME,
      nameEn: "Test search bureau",
      type: "data_source",
      agencyCode: "T0000001X",
    },
    { email: "search-dept@test.pdx.cn", displayName: "搜索测试", role: "data_source", isOrgAdmin: true },
  ));
  const result = await seedCatalogRegistrations(kit.db, {
    entries: [clinic(), bus(), permit()],
    sourceOrgIdOf: () => deptId,
    now,
  });
  expect(result).toEqual({ registered: ["T-S-CLINIC", "T-S-BUS", "T-S-PERMIT"], skipped: [] });
  buyer = await kit.callerAs(BUYER);
  regulator = await kit.callerAs(REGULATOR);
});
afterAll(async () => {
  await kit?.close();
});

const codesOf = (page: { items: { code: string }[] }) => page.items.map((i) => i.code).sort();

describe("datasets.list: Chinese search, filters, facets, pages", () => {
  it("finds datasets by Chinese terms in names, field labels, categories and the department's name", async () => {
    expect(codesOf(await buyer.datasets.list({ q: "鹏测" }))).toEqual([
      "T-S-BUS",
      "T-S-CLINIC",
      "T-S-PERMIT",
    ]);
    expect(codesOf(await buyer.datasets.list({ q: "门诊" }))).toEqual(["T-S-CLINIC"]);
    // Seeded departments share common words; within this department the field label decides.
    expect(codesOf(await buyer.datasets.list({ q: "许可证编号", sourceOrgId: deptId }))).toEqual([
      "T-S-PERMIT",
    ]);
    expect(codesOf(await buyer.datasets.list({ q: "患者证件号 鹏测" }))).toEqual(["T-S-CLINIC"]);
    expect(codesOf(await buyer.datasets.list({ q: DEPT_NAME }))).toEqual([
      "T-S-BUS",
      "T-S-CLINIC",
      "T-S-PERMIT",
    ]);
    expect(codesOf(await buyer.datasets.list({ q: "鹏测 客流" }))).toEqual(["T-S-BUS"]);
    // Every term must match.
    expect((await buyer.datasets.list({ q: "门诊 客流" })).total).toBe(0);
    // Full-width and upper-case input is normalized (NFKC, lower case), the ideographic space splits.
    expect(codesOf(await buyer.datasets.list({ q: "Ｔ-Ｓ-ＢＵＳ" }))).toEqual(["T-S-BUS"]);
    expect(codesOf(await buyer.datasets.list({ q: "鹏测\u3000许可" }))).toEqual(["T-S-PERMIT"]);
  });

  it("combines filters and counts facets with the other filters applied", async () => {
    const mine = { sourceOrgId: deptId };
    expect(codesOf(await buyer.datasets.list({ ...mine, library: "theme", grade: "core" }))).toEqual([
      "T-S-CLINIC",
    ]);
    expect(codesOf(await buyer.datasets.list({ ...mine, open: "open", sharing: "unconditional" }))).toEqual([
      "T-S-BUS",
    ]);
    expect(codesOf(await buyer.datasets.list({ ...mine, libraryCode: "legal_entity", q: "许可" }))).toEqual([
      "T-S-PERMIT",
    ]);
    expect((await buyer.datasets.list({ ...mine, libraryCode: "transport", grade: "core" })).total).toBe(0);

    const page = await buyer.datasets.list({ ...mine, library: "theme" });
    expect(page.total).toBe(2);
    // The library facet ignores the library filter itself: what choosing "base" would give.
    expect(page.facets.library).toEqual([
      { value: "base", count: 1 },
      { value: "theme", count: 2 },
    ]);
    expect(page.facets.grade).toEqual([
      { value: "core", count: 1 },
      { value: "general", count: 1 },
    ]);
    // The department facet ignores the department filter: every department with theme datasets.
    expect(page.facets.sourceOrgId).toContainEqual({ value: deptId, label: DEPT_NAME, count: 2 });
    expect(page.facets.open.map((f) => f.value).sort()).toEqual(["open", "prohibited"]);
  });

  it("pages results with the total", async () => {
    const first = await buyer.datasets.list({ sourceOrgId: deptId, pageSize: 2, page: 1 });
    const second = await buyer.datasets.list({ sourceOrgId: deptId, pageSize: 2, page: 2 });
    expect(first.total).toBe(3);
    expect(first.items).toHaveLength(2);
    expect(second.items).toHaveLength(1);
    expect([...codesOf(first), ...codesOf(second)].sort()).toEqual(["T-S-BUS", "T-S-CLINIC", "T-S-PERMIT"]);
    // Library order: base before theme.
    expect(first.items[0]!.code).toBe("T-S-PERMIT");
  });

  it("lists each dataset with its badges, source and registration code", async () => {
    const [item] = (await buyer.datasets.list({ q: "t-s-bus" })).items;
    expect(item).toMatchObject({
      code: "T-S-BUS",
      name: { zh: "鹏测公交线路客流" },
      library: "theme",
      libraryCode: "transport",
      grade: "general",
      sharing: "unconditional",
      open: "open",
      updateFrequency: "daily",
      volume: { rows: 12000 },
      fieldCount: 2,
      sourceOrg: { id: deptId, name: DEPT_NAME },
      status: "coded",
    });
    expect(item!.registrationCode).toMatch(/^PCDR-\d{4}-\d{6}$/);
  });

  it("is open to every signed-in role, not to anonymous callers", async () => {
    for (const email of [SOURCE, REGULATOR, BUYER, OPERATOR, AUDITOR, "agency@demo.pdx.cn"]) {
      const caller = await kit.callerAs(email);
      expect((await caller.datasets.list({ q: "鹏测" })).total, email).toBe(3);
    }
    const anonymous = await kit.callerAs(null);
    expect((await outcomeOf(() => anonymous.datasets.list({}))).code).toBe("UNAUTHENTICATED");
  });
});

describe("datasets.get: the dataset's page", () => {
  it("gives the data dictionary, access per compute mode, item sources, registration and history", async () => {
    const clinicPage = await buyer.datasets.get({ code: "T-S-CLINIC" });
    expect(clinicPage.entry).toEqual(clinic());
    expect(clinicPage.sourceOrg).toEqual({
      id: deptId,
      name: DEPT_NAME,
      nameEn: "Test search bureau",
      agencyCode: "T0000001X",
    });
    expect(clinicPage.registrationId).toBe(seededRegistrationIdFor("T-S-CLINIC"));
    expect(clinicPage.fieldAccess).toEqual([
      {
        field: "patient_id",
        access: { sandbox: "never", he: "encrypted", mpc: "secret_shared", verification: "match_only" },
      },
      {
        field: "department",
        access: { sandbox: "aggregate", he: "encrypted", mpc: "secret_shared", verification: "match_only" },
      },
      { field: "fee", access: { sandbox: "never", he: "never", mpc: "never", verification: "never" } },
    ]);
    expect(clinicPage.authorizationBlock).toContain("prohibited");
    expect(clinicPage.chainWrites.map((w) => [w.kind, w.status])).toEqual([
      ["registration.record", "pending"],
    ]);
    expect(clinicPage.history).toEqual([
      expect.objectContaining({
        status: "coded",
        kind: "initial",
        registrationCode: clinicPage.registrationCode,
        canOpen: false,
      }),
    ]);
    expect((await regulator.datasets.get({ code: "T-S-CLINIC" })).history[0]!.canOpen).toBe(true);

    const permitPage = await buyer.datasets.get({ code: "T-S-PERMIT" });
    expect(permitPage.itemSources).toEqual([
      { field: "bus_line", item: "t.s_bus.line_no", sourceOrgName: DEPT_NAME, datasetCode: "T-S-BUS" },
    ]);
    expect(permitPage.authorizationBlock).toBeNull();
    expect((await outcomeOf(() => buyer.datasets.get({ code: "NO-SUCH-SET" }))).code).toBe("NOT_FOUND");
  });

  it("shows a dataset past its validity as expired before the timer runs, and drops it from the default list", async () => {
    const old = testEntry("T-S-OLD");
    await seedCatalogRegistrations(kit.db, {
      entries: [old],
      sourceOrgIdOf: () => deptId,
      now: new Date(now.getTime() - 4 * 365 * DAY),
    });
    expect((await buyer.datasets.get({ code: "T-S-OLD" })).status).toBe("expired");
    expect(codesOf(await buyer.datasets.list({ sourceOrgId: deptId }))).not.toContain("T-S-OLD");
    expect(codesOf(await buyer.datasets.list({ sourceOrgId: deptId, status: "expired" }))).toEqual([
      "T-S-OLD",
    ]);
    expect((await buyer.datasets.list({ sourceOrgId: deptId, status: "all" })).total).toBe(4);
  });
});

describe("datasets.mockRows", () => {
  it("generates the same masked rows from the schema every time, never more than 50", async () => {
    const a = await buyer.datasets.mockRows({ code: "T-S-PERMIT", n: 5 });
    const b = await regulator.datasets.mockRows({ code: "T-S-PERMIT", n: 5 });
    expect(a).toEqual(b);
    expect(a.rows).toHaveLength(5);
    expect(a.columns.map((c) => c.name)).toEqual(["permit_no", "bus_line", "contact_phone"]);
    for (const row of a.rows) {
      expect(row.contact_phone).toMatch(/^100\*{4}\d{4}$/);
      expect(row.permit_no).toMatch(/^XK\d{8}$/);
    }
    const clinicRows = await buyer.datasets.mockRows({ code: "T-S-CLINIC", n: 3 });
    for (const row of clinicRows.rows) {
      expect(row.patient_id).toMatch(/^[0-9a-f]{16}$/);
      expect(row.fee).toBeNull();
    }
    const other = await buyer.datasets.mockRows({ code: "T-S-PERMIT", n: 5, seed: 7 });
    expect(other.rows).not.toEqual(a.rows);
    expect((await buyer.datasets.mockRows({ code: "T-S-PERMIT", n: 50 })).rows).toHaveLength(50);
    expect((await outcomeOf(() => buyer.datasets.mockRows({ code: "T-S-PERMIT", n: 51 }))).code).toBe(
      "BAD_REQUEST",
    );
  });
});

describe("datasets.sources and datasets.stats", () => {
  it("counts the departments' coded datasets and items, and the catalog per library and grade", async () => {
    const sources = await buyer.datasets.sources();
    const dept = sources.find((s) => s.id === deptId)!;
    // T-S-OLD is expired: not counted.
    expect(dept).toMatchObject({ name: DEPT_NAME, agencyCode: "T0000001X", datasetCount: 3 });
    expect(dept.itemCount).toBe(10);

    const stats = await buyer.datasets.stats();
    const all = await buyer.datasets.list({ pageSize: 100 });
    expect(stats.total).toBe(all.total);
    expect(stats.byLibrary.base + stats.byLibrary.theme).toBe(stats.total);
    expect(stats.byGrade.core + stats.byGrade.important + stats.byGrade.general).toBe(stats.total);
    expect(stats.byLibraryCode.reduce((n, c) => n + c.count, 0)).toBe(stats.total);
    expect(stats.departments).toBeGreaterThanOrEqual(1);
  });
});

describe("seedCatalogRegistrations (demo fast path)", () => {
  it("keeps an existing catalog row's id, registers once, and writes claims, chain record and a system audit event", async () => {
    const legacyId = randomUUID();
    await kit.db.query(
      `INSERT INTO datasets (id, code, name_zh, name_en, description_zh, description_en, source_org_id, fields)
       VALUES ($1, 'T-S-LEGACY', '旧目录', 'Legacy', '旧', 'Legacy', $2, '[]')`,
      [legacyId, deptId],
    );
    const entry = testEntry("T-S-LEGACY");
    const first = await seedCatalogRegistrations(kit.db, {
      entries: [entry, bus()],
      sourceOrgIdOf: () => deptId,
      now,
    });
    expect(first).toEqual({ registered: ["T-S-LEGACY"], skipped: ["T-S-BUS"] });
    const { rows } = await kit.db.query<{ id: string; status: string; registration_code: string }>(
      "SELECT id, status, registration_code FROM datasets WHERE code = 'T-S-LEGACY'",
    );
    expect(rows[0]).toMatchObject({ id: legacyId, status: "coded" });
    const id = seededRegistrationIdFor("T-S-LEGACY");
    const claims = await kit.db.query("SELECT 1 FROM data_item_sources WHERE registration_id = $1", [id]);
    expect(claims.rowCount).toBe(3);
    const writes = await kit.db.query<{ kind: string }>(
      "SELECT kind FROM chain_writes WHERE subject_id = $1",
      [id],
    );
    expect(writes.rows).toEqual([{ kind: "registration.record" }]);
    const events = await kit.db.query<{ action: string; actor_user_id: string | null }>(
      "SELECT action, actor_user_id FROM audit_events WHERE object_id = $1",
      [id],
    );
    expect(events.rows).toEqual([{ action: "registration.seed", actor_user_id: null }]);
    expect((await verifyAuditTrail(kit.db)).ok).toBe(true);

    const before = await catalogRowCounts(kit.db);
    const again = await seedCatalogRegistrations(kit.db, {
      entries: [entry],
      sourceOrgIdOf: () => deptId,
      now,
    });
    expect(again).toEqual({ registered: [], skipped: ["T-S-LEGACY"] });
    expect(await catalogRowCounts(kit.db)).toEqual(before);
  });

  it("keeps LE-BASE on the id products reference", async () => {
    const le = testEntry("LE-BASE", { library: "base", libraryCode: "legal_entity" });
    await seedCatalogRegistrations(kit.db, { entries: [le], sourceOrgIdOf: () => deptId, now });
    const { rows } = await kit.db.query<{ id: string; entry: unknown }>(
      "SELECT id, entry FROM datasets WHERE code = 'LE-BASE'",
    );
    expect(rows[0]!.id).toBe(datasetIdFor("LE-BASE"));
    expect(rows[0]!.entry).not.toBeNull();
    expect((await buyer.catalog.listProducts({})).length).toBeGreaterThan(0);
  });

  it("refuses an entry whose authoritative item another department holds, writing nothing", async () => {
    const taken = testEntry("T-S-TAKEN");
    taken.fields[0] = { ...taken.fields[0]!, item: "t.s_bus.line_no" };
    const { orgId: otherId } = await addOrgWithUser(
      kit.db,
      { key: "test-seed-other", name: "测试其他局", nameEn: "Other", type: "data_source" },
      { email: "seed-other@test.pdx.cn", displayName: "其他", role: "data_source" },
    );
    const before = await catalogRowCounts(kit.db);
    await expect(
      seedCatalogRegistrations(kit.db, {
        entries: [testEntry("T-S-FINE"), taken],
        sourceOrgIdOf: () => otherId,
        now,
      }),
    ).rejects.toThrow(/T-S-TAKEN.*t\.s_bus\.line_no.*测试搜索局/);
    expect(await catalogRowCounts(kit.db)).toEqual(before);
    expect(
      (
        await kit.db.query("SELECT 1 FROM data_item_sources WHERE item_code LIKE $1", [
          `${itemBase("T-S-FINE")}.%`,
        ])
      ).rowCount,
    ).toBe(0);
  });
});
