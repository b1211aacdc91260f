/** Every product manifest the marketplace lists (seeded into the catalog at server start). */
import { deptMonthlyCoverageManifest } from "./dept-monthly-coverage/manifest";
import { leDistrictIndustryManifest } from "./le-district-industry/manifest";
import { lePortfolioStatsManifest } from "./le-portfolio-stats/manifest";
import { lePrivateLookupManifest } from "./le-private-lookup/manifest";
import { lePrivateScoringManifest } from "./le-private-scoring/manifest";
import { leRegisterCoverageManifest } from "./le-register-coverage/manifest";
import { leStatusCheckManifest } from "./le-status-check/manifest";
import type { TProductManifest } from "./manifest";

export * from "./manifest";

/** All product manifests, validated at import time. */
export const PRODUCT_MANIFESTS: readonly TProductManifest[] = [
  leDistrictIndustryManifest,
  leStatusCheckManifest,
  leRegisterCoverageManifest,
  lePrivateScoringManifest,
  lePrivateLookupManifest,
  lePortfolioStatsManifest,
  deptMonthlyCoverageManifest,
];
