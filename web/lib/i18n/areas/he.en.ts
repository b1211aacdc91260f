/** UI strings of encrypted-query products, English (keys prefixed "he."). */
import type { heZhCN } from "./he.zh-CN";

export const heEn: Record<keyof typeof heZhCN, string> = {
  "usage.feature": "Feature",
  "privacy.encryptedInput.per-entity":
    "Encrypted input: your weights or your choice are encrypted in your browser, so neither the secure domain nor the platform learns them; you learn at most the features above of each enterprise",
  "privacy.encryptedInput.subset-aggregate":
    "Encrypted input: your portfolio is encrypted in your browser, so neither the secure domain nor the platform learns who or how many are in it; you learn at most statistics of the features above over it",
  "delivery.encrypted_query":
    "Homomorphically encrypted query (input encrypted in your browser; only you can decrypt the result)",
  "he.features": "Features you can learn (per enterprise)",
  "he.title.scoring": "Score with my model",
  "he.title.lookup": "Look an enterprise up privately",
  "he.title.aggregate": "Statistics of my portfolio",
  "he.intro.scoring":
    "Set a weight per feature. The weights are encrypted in a background thread of this page under a key that stays on this page; the secure domain computes an encrypted score per enterprise that only this page can decrypt. Optionally paste the codes whose scores you want to see.",
  "he.intro.lookup":
    "Enter the unified social credit code to look up. Your browser downloads the enterprise directory and encrypts a selection vector that is 1 at that enterprise only; the secure domain computes over every enterprise alike and cannot tell which one you chose.",
  "he.intro.aggregate":
    "One unified social credit code per line. Your list is matched against the enterprise directory on this page and turned into an encrypted 0/1 selection vector; the secure domain never sees who or how many are in it.",
  "he.listLabel.scoring": "Enterprises whose scores to show (optional)",
  "he.listLabel.lookup": "Unified social credit code",
  "he.listLabel.aggregate": "Customer list",
  "he.scheme": "Scheme",
  "he.scheme.bfv": "BFV (integers, exact)",
  "he.scheme.ckks": "CKKS (reals, approximate)",
  "he.weightsInvalid": "Each weight must be a number with absolute value at most 1000",
  "he.lookupOne": "Enter one unified social credit code",
  "he.listEmpty": "Enter at least one code",
  "he.notInDirectory": "{code} is not in this product's enterprise directory",
  "he.keysLocal": "Keys are made on this page and stay here; the secret key is never sent",
  "he.run.scoring": "Encrypt weights and score",
  "he.run.lookup": "Encrypted lookup",
  "he.run.aggregate": "Encrypted statistics",
  "he.running": "Computing…",
  "he.step.directory": "Download the enterprise directory (codes only)",
  "he.step.encrypt": "Make keys and encrypt in the browser",
  "he.step.compute": "The secure domain computes on ciphertexts",
  "he.step.decrypt": "Decrypt in the browser",
  "he.result.title": "Result (decrypted on this page only)",
  "he.result.scores": "Scores of {n} enterprises decrypted, mean {mean}",
  "he.result.entity": "USCC",
  "he.result.score": "Score",
  "he.result.count": "{n} enterprises of the portfolio are in the directory",
  "he.result.feature": "Feature",
  "he.result.sum": "Sum",
  "he.result.mean": "Mean",
  "he.result.variance": "Variance",
  "he.result.missing": "{n} codes of your list are not in the enterprise directory and were left out",
  "he.result.usage":
    "Usage record #{id} created (data version {version}) with the secure domain's signed receipt; it will be anchored on chain",
  "he.sent.title": "What this page sent",
  "he.sent.body":
    "Scheme {preset}: sent {sent} MB of ciphertexts and public evaluation keys (public key, rotation keys), received {received} MB of result ciphertexts; enterprise directory of {n}.",
  "he.sent.none":
    "The secret key never left this page: requests hold only ciphertexts and public keys, so neither the secure domain nor the platform can decrypt anything.",
};
