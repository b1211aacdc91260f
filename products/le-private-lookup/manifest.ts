/**
 * 企业登记信息隐匿查询 — look one enterprise up without telling anyone which: the selection is an
 * encrypted one-hot vector (BFV), so the secure domain computes on every entity alike and cannot
 * tell which one was chosen; only the buyer decrypts the chosen enterprise's features.
 */

import { LE_ENTERPRISE_FEATURES, LE_ENTERPRISE_FIELDS_USED } from "../le-enterprise-features";
import { defineProductManifest } from "../manifest";

export const lePrivateLookupManifest = defineProductManifest({
  code: "le-private-lookup",
  version: 1,
  name: { zh: "企业登记信息隐匿查询", en: "Private lookup of an enterprise" },
  summary: {
    zh: "查询一家企业的登记特征而不暴露查询对象：选择向量在浏览器内加密，安全域对所有企业同样计算，无法知道您查的是哪一家。",
    en: "Look up an enterprise's register features without revealing which one: the selection is encrypted in your browser, the secure domain computes over every enterprise alike and cannot tell which you chose.",
  },
  description: {
    zh: "本产品采用同态加密（BFV，SEAL 参数 N=8192，128 位安全，明文模数 60 位）。您在浏览器内下载企业目录（仅统一社会信用代码），输入要查询的代码，浏览器生成一个只在该企业位置为 1 的选择向量并加密。安全域把加密选择向量与每家企业的特征逐位相乘后求和，返回的密文只有您能解密。安全域、平台服务器和日志都看不到被查询的企业；可获知的信息上限为该企业的注册资本档位、成立年份和登记状态代码。每次查询生成一条带签名回执的使用记录（不含查询对象），批量上链存证。",
    en: "Homomorphic encryption (BFV, SEAL N=8192, 128-bit security, 60-bit plaintext modulus). Your browser downloads the enterprise directory (credit codes only); you enter the code to look up and the browser encrypts a selection vector that is 1 at that enterprise only. The secure domain multiplies the encrypted selection with every enterprise's features and sums; the result ciphertexts decrypt only with your key. Neither the secure domain, the platform server nor any log learns which enterprise you looked up; you learn at most its registered-capital band, year founded and status code. Every lookup produces a usage record with a signed receipt (never the enterprise looked up), anchored on chain in batches.",
  },
  operatorOrgKey: "city-data-operator",
  datasetCode: "LE-BASE",
  deliveryForm: "encrypted_query",
  logic: {
    kind: "he",
    mode: "lookup",
    entityField: "uscc",
    filters: [],
    features: LE_ENTERPRISE_FEATURES,
  },
  fieldsUsed: LE_ENTERPRISE_FIELDS_USED,
  columns: [
    { key: "uscc", label: { zh: "统一社会信用代码", en: "USCC" }, kind: "dimension" },
    ...LE_ENTERPRISE_FEATURES.map((f) => ({ key: f.as, label: f.label, kind: "measure" as const })),
  ],
  privacyRule: { kind: "encrypted-input", reveals: "per-entity" },
});
