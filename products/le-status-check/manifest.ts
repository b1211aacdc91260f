/**
 * 借款企业吊销注销状态隐私核验 — a bank checks which of its borrowers are revoked (吊销) or
 * deregistered (注销) in the legal-entity base library (LE-BASE) by private set intersection: its
 * list of USCC codes is blinded in its own browser, so neither the platform nor the secure domain
 * learns who its borrowers are, and it learns nothing about other enterprises.
 */
import { defineProductManifest } from "../manifest";

export const leStatusCheckManifest = defineProductManifest({
  code: "le-status-check",
  version: 1,
  name: {
    zh: "借款企业吊销注销状态隐私核验",
    en: "Private check of borrowers against revoked and deregistered enterprises",
  },
  summary: {
    zh: "上传客户统一社会信用代码名单，在浏览器内盲化后与法人基础库中吊销、注销企业求交，只返回名单中命中的企业；平台和授权运营域都看不到您的名单。",
    en: "Upload your customers' USCC codes; they are blinded in your browser and intersected with the revoked and deregistered enterprises of the legal-entity base library. You get back only the matches from your own list; neither the platform nor the secure domain sees your list.",
  },
  description: {
    zh: "本产品采用基于椭圆曲线 Diffie-Hellman（X25519，Elligator 2 哈希到曲线）的隐私集合求交（PSI）。您的名单在浏览器内规范化、哈希到曲线并以只保存在本页的随机密钥盲化后才发送；授权运营域以每次会话新生成的密钥再次盲化，并返回其集合（登记状态为吊销或注销的企业统一社会信用代码）的盲化值。求交在您的浏览器内完成：您只得到名单中命中的代码，不会得到任何其他企业的信息；平台服务器只转发盲化值，授权运营域只知道两个集合的大小。每次核验生成一条带安全域签名回执的使用记录（记录集合大小，不记录名单内容），批量上链存证。",
    en: "Private set intersection (PSI) based on elliptic-curve Diffie-Hellman (X25519 with Elligator 2 hashing to the curve). Your list is normalized, hashed to the curve and blinded in your browser with a random key that never leaves this page; the secure domain blinds it again with a fresh per-session key and returns the blinded values of its set (the USCC codes of enterprises whose registration status is revoked or deregistered). The intersection is computed in your browser: you learn which of your codes match and nothing about any other enterprise; the platform server relays only blinded values and the secure domain learns only the sizes of the two sets. Every check produces a usage record with the secure domain's signed receipt (set sizes, never the list), anchored on chain in batches.",
  },
  operatorOrgKey: "city-data-operator",
  datasetCode: "LE-BASE",
  deliveryForm: "private_set_intersection",
  logic: {
    kind: "psi",
    field: "uscc",
    format: "uscc",
    filters: [{ field: "status", op: "in", values: ["吊销", "注销"] }],
  },
  fieldsUsed: [
    { name: "uscc", label: { zh: "统一社会信用代码", en: "Unified social credit code" }, usage: "match" },
    { name: "status", label: { zh: "登记状态", en: "Registration status" }, usage: "filter" },
  ],
  columns: [{ key: "uscc", label: { zh: "命中的统一社会信用代码", en: "Matched USCC" }, kind: "dimension" }],
  privacyRule: { kind: "set-membership", reveals: "intersection", maxBuyerItems: 100_000 },
});
