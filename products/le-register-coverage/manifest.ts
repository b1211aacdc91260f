/**
 * 客户名单在册企业覆盖数 — how many of a buyer's USCC codes are enterprises still operating (存续
 * or 在业) in the legal-entity base library, by private set cardinality: the buyer learns only
 * the count, not which of its codes matched.
 */
import { defineProductManifest } from "../manifest";

export const leRegisterCoverageManifest = defineProductManifest({
  code: "le-register-coverage",
  version: 1,
  name: {
    zh: "客户名单在营企业覆盖数（仅返回数量）",
    en: "How many of your customers are operating enterprises (count only)",
  },
  summary: {
    zh: "统计您的客户名单中有多少家是法人基础库中存续或在业的企业；只返回数量，不返回具体是哪几家，双方名单都不外泄。",
    en: "Counts how many codes of your customer list are enterprises still operating in the legal-entity base library. Only the number comes back, not which ones; neither side's list leaves its owner.",
  },
  description: {
    zh: "与“借款企业吊销注销状态隐私核验”相同的隐私集合求交协议，但授权运营域在返回双重盲化值前将其顺序打乱，您的浏览器只能数出命中的个数，无法对应到名单中的具体企业。适用于评估客户群覆盖率而不暴露单个客户状态的场景。",
    en: "The same private set intersection protocol as the borrower status check, except that the secure domain shuffles the doubly blinded values before returning them, so your browser can count the matches but cannot tell which of your codes they are. For measuring coverage of a customer base without revealing any single customer's status.",
  },
  operatorOrgKey: "city-data-operator",
  datasetCode: "LE-BASE",
  deliveryForm: "private_set_intersection",
  logic: {
    kind: "psi",
    field: "uscc",
    format: "uscc",
    filters: [{ field: "status", op: "in", values: ["存续", "在业"] }],
  },
  fieldsUsed: [
    { name: "uscc", label: { zh: "统一社会信用代码", en: "Unified social credit code" }, usage: "match" },
    { name: "status", label: { zh: "登记状态", en: "Registration status" }, usage: "filter" },
  ],
  columns: [{ key: "matches", label: { zh: "命中数量", en: "Matches" }, kind: "measure" }],
  privacyRule: { kind: "set-membership", reveals: "cardinality", maxBuyerItems: 100_000, minBuyerItems: 20 },
});
