/**
 * Writes a buyer's list for the private-set-intersection demo products, to paste into (or pick
 * on) their product page:
 *   tsx scripts/make-psi-list.ts <items> [--register N] [--seed S] > list.txt
 * Items are USCC codes, one per line: a random choice among the first N enterprises of the
 * synthetic legal-entity register the demo loads (default 100,000, as `npm start` loads), with
 * about a fifth replaced by valid codes that are not in the register. stderr says how many of the
 * list are revoked or deregistered (what 借款企业吊销注销状态隐私核验 should find) and how many are
 * operating (what 客户名单在营企业覆盖数 should count).
 */
import { parseArgs } from "node:util";
import { mulberry32 } from "@pdx/common/seeded-random";
import { generateLegalEntities } from "@pdx/seeds/legal-entities";

const USAGE = "usage: tsx scripts/make-psi-list.ts <items> [--register N] [--seed S] > list.txt";
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { register: { type: "string" }, seed: { type: "string" } },
});
const items = Number(positionals[0]);
const register = Number(values.register ?? 100_000);
const seed = Number(values.seed ?? 1);
if (!Number.isSafeInteger(items) || items < 1 || items > 100_000) {
  console.error("items must be an integer from 1 to 100000");
  console.error(USAGE);
  process.exit(64);
}
if (!Number.isSafeInteger(register) || register < 1 || register > 5_000_000 || !Number.isSafeInteger(seed)) {
  console.error("--register must be an integer from 1 to 5000000 and --seed an integer");
  console.error(USAGE);
  process.exit(64);
}

const random = mulberry32(seed);
const entities = [...generateLegalEntities({ count: register })];
const chosen = new Set<number>();
while (chosen.size < Math.min(items, entities.length)) chosen.add(Math.floor(random() * entities.length));
let revoked = 0;
let operating = 0;
let strangers = 0;
const lines: string[] = [];
for (const i of chosen) {
  const e = entities[i]!;
  if (random() < 0.2) {
    // Another division code (4401…): a valid-looking code no enterprise of the register has.
    lines.push(`${e.uscc.slice(0, 2)}4401${e.uscc.slice(6)}`);
    strangers++;
    continue;
  }
  lines.push(e.uscc);
  if (e.status === "吊销" || e.status === "注销") revoked++;
  else if (e.status === "存续" || e.status === "在业") operating++;
}
process.stdout.write(`${lines.join("\n")}\n`);
console.error(
  `${lines.length} codes: ${revoked} revoked or deregistered, ${operating} operating, ${lines.length - revoked - operating - strangers} moved out, ${strangers} not in the register`,
);
