/**
 * 企业授信私有模型评分 — a bank applies its own secret scoring weights to every enterprise's
 * register features by homomorphic encryption (CKKS): the weights are encrypted in its browser,
 * the secure domain computes the dot products on ciphertexts and returns encrypted scores that
 * only the bank can decrypt. The secure domain never learns the model.
 */

import { LE_ENTERPRISE_FEATURES, LE_ENTERPRISE_FIELDS_USED } from "../le-enterprise-features";
import { defineProductManifest } from "../manifest";

export const lePrivateScoringManifest = defineProductManifest({
  code: "le-private-scoring",
  version: 1,
  name: { zh: "企业私有模型密态评分", en: "Encrypted scoring with your private model" },
  summary: {
    zh: "在浏览器内用只属于您的密钥加密评分权重，安全域在密文上为每家存续企业计算评分，只有您能解密结果；平台和安全域都看不到您的模型。",
    en: "Your scoring weights are encrypted in your browser under a key only you hold; the secure domain scores every active enterprise on ciphertexts and only you can decrypt the scores. Neither the platform nor the secure domain sees your model.",
  },
  description: {
    zh: "本产品采用同态加密（CKKS，SEAL 参数 N=8192，128 位安全）。您的浏览器生成密钥对，私钥只保存在本页；评分权重加密后连同公开的求值密钥（公钥与所需旋转密钥）发送。安全域从法人基础库计算每家企业的特征——注册资本档位、成立年份、登记状态代码——与加密权重做密文内积，并在返回前重新随机化每个结果密文。您解密后得到每家企业的评分。可获知的信息上限：每家企业的上述三个特征（注册资本只以档位形式出现，其余为企业信用信息公示系统公示的登记事项），与按企业逐一查询公示信息相同；实体目录只包含统一社会信用代码。每次评分生成一条带安全域签名回执的使用记录（模式、参数、规模，不含您的权重），批量上链存证。",
    en: "Homomorphic encryption (CKKS, SEAL N=8192, 128-bit security). Your browser creates a key pair whose secret key stays on this page; your weights are encrypted and sent with public evaluation keys (a public key and the rotation keys the query needs). The secure domain computes each enterprise's features from the legal-entity base library — registered-capital band, year founded, status code — takes the encrypted dot product with your weights and re-randomizes every result ciphertext before returning it. You decrypt a score per enterprise. What you can learn at most: those three features of each enterprise (capital only as a band; the others are items the enterprise credit publicity system publishes), the same as looking each enterprise up; the entity directory holds credit codes only. Every run produces a usage record with the secure domain's signed receipt (mode, parameters, sizes — never your weights), anchored on chain in batches.",
  },
  operatorOrgKey: "city-data-operator",
  datasetCode: "LE-BASE",
  deliveryForm: "encrypted_query",
  logic: {
    kind: "he",
    mode: "scoring",
    entityField: "uscc",
    filters: [{ field: "status", op: "in", values: ["存续", "在业"] }],
    features: LE_ENTERPRISE_FEATURES,
  },
  fieldsUsed: LE_ENTERPRISE_FIELDS_USED,
  columns: [
    { key: "uscc", label: { zh: "统一社会信用代码", en: "USCC" }, kind: "dimension" },
    { key: "score", label: { zh: "评分", en: "Score" }, kind: "measure" },
  ],
  privacyRule: { kind: "encrypted-input", reveals: "per-entity" },
});
