/**
 * The example operator logic, matching the demo product 分区分行业企业数量与注册资本总额: enterprise
 * count and total registered capital per district and industry of the legal-entity base library
 * (LE-BASE), with labelled columns. Prefills the operator's editor and is the demo product's seeded
 * logic version (seed-demo-logic.ts).
 */
import type { TLogicDraft } from "./logic-versions";

export const EXAMPLE_LOGIC_SOURCE = `// 分区分行业企业数量与注册资本总额（万元）— enterprises and total registered capital
// per district and industry. The enclave runs this module in a sandbox; pdx.aggregate returns
// protected aggregates only (small groups withheld, differential-privacy noise charged to the
// buyer's ε budget). Each enterprise's capital is clamped to [0, 100000] 万元 before summing.
const LABELS = {
  district: { zh: "行政区", en: "District" },
  industry: { zh: "行业", en: "Industry" },
  enterprises: { zh: "企业数量", en: "Enterprises" },
  registered_capital_total: { zh: "注册资本总额（万元）", en: "Total registered capital (10k CNY)" },
};

export default async function (pdx, params) {
  const r = await pdx.aggregate({
    dataset: "LE-BASE",
    groupBy: ["district", "industry"],
    measures: [
      { fn: "count", as: "enterprises" },
      { fn: "sum", field: "registered_capital", as: "registered_capital_total", bounds: [0, 100000] },
    ],
  });
  pdx.log("cells released: " + r.rows.length + " (minimum group size " + r.minGroupSize + ")");
  return {
    columns: r.columns.map((c) => ({ ...c, label: LABELS[c.key] })),
    rows: r.rows,
    minGroupSize: r.minGroupSize,
  };
}
`;

/** The example as a draft: the source and the fields it declares. */
export const EXAMPLE_LOGIC: TLogicDraft = {
  language: "javascript",
  source: EXAMPLE_LOGIC_SOURCE,
  fields: { "LE-BASE": ["district", "industry", "registered_capital"] },
};
