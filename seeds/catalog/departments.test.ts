import { orgCodeCheckChar, usccProblem } from "@pdx/common/uscc";
import { describe, expect, it } from "vitest";
import { DEMO_ORGANIZATIONS, DEMO_USERS } from "../demo-organizations";
import { CATALOG_DEPARTMENT_USERS, CATALOG_DEPARTMENTS, catalogDepartment } from "./departments";

describe("CATALOG_DEPARTMENTS", () => {
  it("holds at least 8 data-source departments with unique keys and names", () => {
    expect(CATALOG_DEPARTMENTS.length).toBeGreaterThanOrEqual(8);
    expect(new Set(CATALOG_DEPARTMENTS.map((d) => d.key)).size).toBe(CATALOG_DEPARTMENTS.length);
    expect(new Set(CATALOG_DEPARTMENTS.map((d) => d.name)).size).toBe(CATALOG_DEPARTMENTS.length);
    expect(CATALOG_DEPARTMENTS.every((d) => d.type === "data_source")).toBe(true);
    expect(
      CATALOG_DEPARTMENTS.every((d) => /^市\p{Script=Han}+$/u.test(d.name) && /^Municipal /.test(d.nameEn)),
    ).toBe(true);
  });

  it.each(CATALOG_DEPARTMENTS.map((d) => [d.key, d] as const))(
    "%s carries a valid GB 11714 agency code and a GB 32100 code of a government organ (1/1) built on it",
    (_key, d) => {
      expect(d.agencyCode).toMatch(/^[0-9A-Z]{8}[0-9X]$/);
      expect(d.agencyCode[8]).toBe(orgCodeCheckChar(d.agencyCode.slice(0, 8)));
      expect(usccProblem(d.uscc)).toBeNull();
      expect(d.uscc.slice(0, 2)).toBe("11");
      expect(d.uscc.slice(8, 17)).toBe(d.agencyCode);
    },
  );

  it("keeps market-regulation exactly as the demo organization, and adds no other clash", () => {
    const demo = DEMO_ORGANIZATIONS.find((o) => o.key === "market-regulation")!;
    expect(catalogDepartment("market-regulation")).toEqual(demo);
    const demoKeys = new Set(DEMO_ORGANIZATIONS.map((o) => o.key));
    const demoCodes = new Set(DEMO_ORGANIZATIONS.flatMap((o) => [o.uscc, o.agencyCode]));
    const others = CATALOG_DEPARTMENTS.filter((d) => d.key !== "market-regulation");
    expect(
      others.filter((d) => demoKeys.has(d.key) || demoCodes.has(d.uscc) || demoCodes.has(d.agencyCode)),
    ).toEqual([]);
    expect(new Set(CATALOG_DEPARTMENTS.map((d) => d.uscc)).size).toBe(CATALOG_DEPARTMENTS.length);
  });

  it("names an unknown department in the error", () => {
    expect(() => catalogDepartment("ministry-of-magic")).toThrow(/ministry-of-magic/);
  });
});

describe("CATALOG_DEPARTMENT_USERS", () => {
  it("gives every department exactly one data-source user: <key>@demo.pdx.cn, or source@ for market-regulation", () => {
    const allUsers = [...DEMO_USERS, ...CATALOG_DEPARTMENT_USERS];
    for (const d of CATALOG_DEPARTMENTS) {
      const users = allUsers.filter((u) => u.orgKey === d.key);
      expect(users, d.key).toHaveLength(1);
      expect(users[0]!.role).toBe("data_source");
      expect(users[0]!.email).toBe(
        d.key === "market-regulation" ? "source@demo.pdx.cn" : `${d.key}@demo.pdx.cn`,
      );
    }
    expect(CATALOG_DEPARTMENT_USERS).toHaveLength(CATALOG_DEPARTMENTS.length - 1);
    expect(new Set(allUsers.map((u) => u.email)).size).toBe(allUsers.length);
  });

  it("gives realistic display names: a Chinese name and the office in full-width brackets", () => {
    for (const u of CATALOG_DEPARTMENT_USERS)
      expect(u.displayName).toMatch(/^\p{Script=Han}{2,3}（\p{Script=Han}+）$/u);
    const names = [...DEMO_USERS, ...CATALOG_DEPARTMENT_USERS].map((u) => u.displayName);
    expect(new Set(names).size).toBe(names.length);
  });
});
