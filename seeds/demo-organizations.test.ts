import { usccProblem } from "@pdx/common/uscc";
import { describe, expect, it } from "vitest";
import { DEMO_ORGANIZATIONS, DEMO_USERS } from "./demo-organizations";

describe("demo organizations", () => {
  it("are the parties of the demo, one of each type", () => {
    expect(DEMO_ORGANIZATIONS.map((o) => [o.name, o.type])).toEqual([
      ["市市场监督管理局", "data_source"],
      ["市数据局", "regulator"],
      ["城市数据运营有限公司", "operator"],
      ["鹏城商业银行股份有限公司", "buyer"],
      ["鹏城数据交易平台运营中心", "platform"],
      ["华信数据资产评估有限公司", "service_agency"],
      ["信衡会计师事务所", "auditor"],
    ]);
  });

  it("each carry a valid, distinct unified social credit code (GB 32100)", () => {
    for (const o of DEMO_ORGANIZATIONS) expect(usccProblem(o.uscc), o.key).toBeNull();
    expect(new Set(DEMO_ORGANIZATIONS.map((o) => o.uscc)).size).toBe(DEMO_ORGANIZATIONS.length);
    // Enterprises are registered by market regulation (9) as enterprises (1); agencies as organs (11).
    const byKey = Object.fromEntries(DEMO_ORGANIZATIONS.map((o) => [o.key, o.uscc]));
    expect(byKey["pengcheng-bank"]!.slice(0, 2)).toBe("91");
    expect(byKey["data-bureau"]!.slice(0, 2)).toBe("11");
  });

  it("have one user each, with the role of the organization's type", () => {
    expect(DEMO_USERS).toHaveLength(DEMO_ORGANIZATIONS.length);
    for (const u of DEMO_USERS) {
      const org = DEMO_ORGANIZATIONS.find((o) => o.key === u.orgKey);
      expect(org, u.email).toBeDefined();
      expect(u.role).toBe(org!.type === "platform" ? "admin" : org!.type);
      expect(u.email).toMatch(/^[a-z]+@demo\.pdx\.cn$/);
    }
  });
});
