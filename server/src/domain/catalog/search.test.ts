import { describe, expect, it } from "vitest";
import { addYears, registrationYearOf } from "./registrations-coding";
import { datasetWhere, effectiveDatasetStatus, MAX_QUERY_TERMS } from "./search";

const now = new Date("2026-11-02T00:00:00Z");

describe("datasetWhere", () => {
  it("matches each normalized query term with position() and every filter as a parameter", () => {
    const where = datasetWhere({ q: "  法人　ＬＥ-base ", grade: "core", sourceOrgId: "x" }, now);
    expect(where.sql).toBe(
      "d.entry IS NOT NULL AND (d.status = 'coded' AND (d.valid_until IS NULL OR d.valid_until > $1)) AND d.grade = $2 AND d.source_org_id = $3 AND position($4 IN d.search_text) > 0 AND position($5 IN d.search_text) > 0",
    );
    expect(where.params).toEqual([now, "core", "x", "法人", "le-base"]);
  });

  it("leaves out the facet being counted, and the status condition for 'all'", () => {
    const where = datasetWhere({ grade: "core", library: "base", status: "all" }, now, "grade");
    expect(where.sql).toBe("d.entry IS NOT NULL AND d.library = $1");
    expect(where.params).toEqual(["base"]);
    expect(datasetWhere({ status: "deregistered" }, now).sql).toBe(
      "d.entry IS NOT NULL AND d.status = 'deregistered'",
    );
  });

  it("ignores terms beyond the limit (bounded SQL)", () => {
    const q = Array.from({ length: MAX_QUERY_TERMS + 5 }, (_, i) => `t${i}`).join(" ");
    expect(datasetWhere({ q, status: "all" }, now).params).toHaveLength(MAX_QUERY_TERMS);
  });
});

describe("effective status and registration dates", () => {
  it("treats a coded dataset past its validity as expired", () => {
    expect(effectiveDatasetStatus("coded", new Date("2026-11-01T00:00:00Z"), now)).toBe("expired");
    expect(effectiveDatasetStatus("coded", new Date("2026-11-03T00:00:00Z"), now)).toBe("coded");
    expect(effectiveDatasetStatus("deregistered", null, now)).toBe("deregistered");
  });

  it("takes the registration year in China Standard Time and adds calendar years", () => {
    expect(registrationYearOf(new Date("2026-12-31T15:59:59Z"))).toBe(2026);
    expect(registrationYearOf(new Date("2026-12-31T16:00:00Z"))).toBe(2027);
    expect(addYears(new Date("2026-11-02T08:00:00Z"), 3).toISOString()).toBe("2029-11-02T08:00:00.000Z");
  });
});
