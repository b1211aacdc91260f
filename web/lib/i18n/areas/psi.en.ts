/** UI strings of private set intersection products, English (keys prefixed "psi."). */
import type { psiZhCN } from "./psi.zh-CN";

export const psiEn: Record<keyof typeof psiZhCN, string> = {
  "usage.match": "Matched",
  "usage.filter": "Set filter",
  "privacy.setMembership.intersection":
    "Private set intersection: you learn which items of your own list match and nothing beyond it; the secure domain and the platform learn only the sizes of the two sets",
  "privacy.setMembership.cardinality":
    "Private set cardinality: you learn only how many items match, not which; the secure domain and the platform learn only the sizes of the two sets",
  "privacy.setMembership.limit": "at most {max} items per list",
  "privacy.setMembership.range": "{min} to {max} items per list",
  "delivery.private_set_intersection":
    "Private set intersection (your list is blinded in the browser; only the matches are delivered)",
  "psi.title": "Check my list",
  "psi.intro":
    "One unified social credit code per line, or pick a .txt or .csv file (first column). Your list is processed on this page only: normalized, hashed to an elliptic curve and blinded with a random key that stays on this page before anything is sent.",
  "psi.listLabel": "List",
  "psi.listPlaceholder": "91440300MA5XXXXXXX\n91440300MA5YYYYYYY",
  "psi.file": "or pick a file",
  "psi.parsed": "{n} items (duplicates removed)",
  "psi.tooMany": "Your list holds {n} items; this product accepts at most {max}",
  "psi.empty": "Enter at least one item",
  "psi.tooFew":
    "Your list holds {n} items; this product needs at least {min}, so that a count cannot single out one enterprise",
  "psi.run": "Run the private check",
  "psi.running": "Checking…",
  "psi.step.prepare": "Hash and blind the list in the browser",
  "psi.step.send": "Send the blinded values",
  "psi.step.receive": "Receive the doubly blinded values and the dataset's blinded set",
  "psi.step.intersect": "Intersect in the browser",
  "psi.step.finish": "Signed receipt and usage record",
  "psi.result.title": "Result",
  "psi.result.matches": "{n} of the {buyer} items in your list match",
  "psi.result.count": "Matches among the {buyer} items of your list: {n}",
  "psi.result.countOnly":
    "This product returns the count only: the secure domain shuffled the values it returned, so they cannot be tied to items of your list.",
  "psi.result.none": "No match.",
  "psi.result.datasetSize": "Size of the dataset's set: {n} (version {version})",
  "psi.result.usage": "Usage record #{id} written; receipt signature verified",
  "psi.sent.title": "What this page sent",
  "psi.sent.body": "{n} blinded points (32 bytes each), for example:",
  "psi.sent.none": "Not one item of your list, in clear or hashed, was sent.",
};
