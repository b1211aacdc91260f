import { heFeatureProblems } from "@pdx/common/he/features";
import { vaultDatasetSpecOf } from "@pdx/common/vault-api";
import { CATALOG_DATASETS } from "@pdx/seeds/catalog/index";
import { describe, expect, it } from "vitest";
import { PRODUCT_MANIFESTS, ZProductManifest } from "./index";
import { lePortfolioStatsManifest } from "./le-portfolio-stats/manifest";
import { lePrivateScoringManifest } from "./le-private-scoring/manifest";

const encrypted = PRODUCT_MANIFESTS.filter((m) => m.deliveryForm === "encrypted_query");

describe("encrypted-query product manifests", () => {
  it("offers scoring, lookup and aggregate on LE-BASE", () => {
    expect(encrypted.map((m) => [m.code, m.deliveryForm === "encrypted_query" && m.logic.mode])).toEqual([
      ["le-private-scoring", "scoring"],
      ["le-private-lookup", "lookup"],
      ["le-portfolio-stats", "aggregate"],
    ]);
  });

  it("computes only features the catalog allows out per entity", () => {
    for (const m of encrypted) {
      if (m.deliveryForm !== "encrypted_query") continue;
      const entry = CATALOG_DATASETS.find((e) => e.code === m.datasetCode)!;
      expect(heFeatureProblems(m.logic.features, vaultDatasetSpecOf(entry).fields), m.code).toEqual([]);
    }
  });

  it("refuses a product whose stated reveal does not fit its mode", () => {
    const r = ZProductManifest.safeParse({
      ...lePortfolioStatsManifest,
      privacyRule: { kind: "encrypted-input", reveals: "per-entity" },
    });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.message)).toContain(
      'an encrypted aggregate query reveals "subset-aggregate"',
    );
  });

  it("refuses a feature whose field fieldsUsed does not declare as a feature", () => {
    const r = ZProductManifest.safeParse({
      ...lePrivateScoringManifest,
      fieldsUsed: lePrivateScoringManifest.fieldsUsed.filter((f) => f.name !== "founded_on"),
    });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.message).join("\n")).toContain(
      'field "founded_on" must be declared in fieldsUsed with usage "feature"',
    );
  });

  it("refuses scoring columns other than the entity and the score", () => {
    const r = ZProductManifest.safeParse({
      ...lePrivateScoringManifest,
      columns: [{ key: "uscc", label: { zh: "代码", en: "Code" }, kind: "dimension" }],
    });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join("."))).toContain("columns");
  });
});
