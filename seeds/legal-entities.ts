/**
 * The legal-entity base library (法人基础库), dataset `LE-BASE` version "2026.11": a deterministic
 * synthetic register of the legal entities of 鹏城市, a fictional city with ten districts.
 *
 * Every row is drawn from a seeded PRNG, so the same seed gives byte-identical rows, and a prefix
 * of a longer run equals a shorter run (row i never depends on the requested count). Codes are
 * valid GB 32100 unified social credit codes and unique; names are unique. The district ×
 * industry mix is deliberately uneven: most cells hold hundreds of entities, while rare
 * industries (mining, utilities, health…) in the small districts hold fewer than ten — the cells
 * the enclave's minimum-group-size rule withholds.
 */
import { createHash, type Hash } from "node:crypto";
import { canonicalJson } from "@pdx/common/canonical-json";
import { buildUscc, USCC_CHARSET } from "@pdx/common/uscc";

/** Identity of the dataset these rows make up. */
export const LE_BASE_DATASET = {
  code: "LE-BASE",
  version: "2026.11",
  title: "法人基础库",
  /** Seed of the canonical dataset; change it and the content hash changes. */
  seed: 20261123,
  /** Number of entities in the canonical dataset. */
  count: 100_000,
} as const;

/** Fictional city the register belongs to; its prefecture code 4499 is not a real one. */
export const LE_CITY = { name: "鹏城市", shortName: "鹏城", divisionPrefix: "4499" } as const;

/** Registration status (登记状态). */
export type TLegalEntityStatus = "存续" | "在业" | "吊销" | "注销" | "迁出";

/** One legal entity. Field names are the dataset's field names. */
export interface TLegalEntity {
  /** Unified social credit code (统一社会信用代码), GB 32100, 18 characters. */
  uscc: string;
  /** Registered name (名称). */
  name: string;
  /** District (所属区), Chinese name. */
  district: string;
  /** Industry: GB/T 4754-2017 section name in Chinese (国民经济行业门类). */
  industry: string;
  /** Registered capital (注册资本) in 万元, exactly two decimals, e.g. "500.00". */
  registered_capital: string;
  /** Founding date (成立日期), YYYY-MM-DD. */
  founded_on: string;
  status: TLegalEntityStatus;
}

/** The dataset's fields in storage order, with Chinese labels. */
export const LE_FIELDS = [
  { field: "uscc", label: "统一社会信用代码" },
  { field: "name", label: "名称" },
  { field: "district", label: "所属区" },
  { field: "industry", label: "行业门类" },
  { field: "registered_capital", label: "注册资本（万元）" },
  { field: "founded_on", label: "成立日期" },
  { field: "status", label: "登记状态" },
] as const satisfies readonly { field: keyof TLegalEntity; label: string }[];

type TIndustrySection =
  | "A"
  | "B"
  | "C"
  | "D"
  | "E"
  | "F"
  | "G"
  | "H"
  | "I"
  | "J"
  | "K"
  | "L"
  | "M"
  | "N"
  | "O"
  | "P"
  | "Q"
  | "R";

interface TDistrictSpec {
  code: string;
  name: string;
  /** Relative size (share of the city's entities). */
  weight: number;
  /** Industry multipliers that give the district its character. */
  affinity: Partial<Record<TIndustrySection, number>>;
}

/** Districts of 鹏城市 with their 6-digit administrative division codes. */
const DISTRICT_SPECS: readonly TDistrictSpec[] = [
  { code: "449902", name: "中心区", weight: 16, affinity: { J: 2.5, K: 1.6, L: 1.3, C: 0.4, A: 0.2 } },
  { code: "449903", name: "南湾区", weight: 14, affinity: { I: 1.8, M: 1.5, F: 1.1, A: 0.3 } },
  { code: "449904", name: "东港区", weight: 12, affinity: { G: 3, F: 1.3, C: 0.8 } },
  { code: "449905", name: "西岸区", weight: 15, affinity: { C: 2.2, E: 1.2, I: 0.7 } },
  { code: "449906", name: "北岭区", weight: 13, affinity: { C: 1.8, E: 1.5, G: 1.2 } },
  { code: "449907", name: "新城区", weight: 12, affinity: { K: 1.4, O: 1.3, P: 1.3 } },
  { code: "449908", name: "高新区", weight: 8, affinity: { I: 2.6, M: 2.2, C: 1.2, F: 0.5, H: 0.5 } },
  { code: "449909", name: "滨海区", weight: 5, affinity: { H: 2.2, R: 1.6, A: 2, G: 1.3 } },
  { code: "449910", name: "山湖区", weight: 3, affinity: { A: 6, N: 2.5, B: 3, H: 1.5, J: 0.3 } },
  { code: "449911", name: "鹏岛区", weight: 2, affinity: { A: 4, H: 2.5, G: 1.5, I: 0.4, J: 0.2 } },
];

interface TIndustrySpec {
  section: TIndustrySection;
  name: string;
  /** Share of the city's entities, in percent (renormalized). */
  weight: number;
  /** Words that name the line of business inside an entity's name. */
  keywords: readonly string[];
  /** Shift of ln(registered capital) for this industry. */
  capitalShift: number;
}

/** GB/T 4754-2017 sections that hold enterprises (S and T hold none). */
const INDUSTRY_SPECS: readonly TIndustrySpec[] = [
  {
    section: "A",
    name: "农、林、牧、渔业",
    weight: 0.6,
    keywords: ["农业", "生态农业", "渔业", "园艺", "种养"],
    capitalShift: -0.3,
  },
  { section: "B", name: "采矿业", weight: 0.08, keywords: ["矿业", "石材", "矿产"], capitalShift: 1.2 },
  {
    section: "C",
    name: "制造业",
    weight: 14,
    keywords: ["电子", "精密制造", "机械", "塑胶制品", "服饰", "智能装备", "新材料"],
    capitalShift: 0.4,
  },
  {
    section: "D",
    name: "电力、热力、燃气及水生产和供应业",
    weight: 0.3,
    keywords: ["能源", "新能源", "燃气", "电力"],
    capitalShift: 1.6,
  },
  {
    section: "E",
    name: "建筑业",
    weight: 5,
    keywords: ["建筑工程", "建设", "装饰工程", "市政工程"],
    capitalShift: 0.6,
  },
  {
    section: "F",
    name: "批发和零售业",
    weight: 30,
    keywords: ["贸易", "商贸", "进出口", "供应链", "百货", "电子商务"],
    capitalShift: -0.2,
  },
  {
    section: "G",
    name: "交通运输、仓储和邮政业",
    weight: 3,
    keywords: ["物流", "运输", "货运代理", "仓储", "速递"],
    capitalShift: 0.2,
  },
  {
    section: "H",
    name: "住宿和餐饮业",
    weight: 3,
    keywords: ["餐饮管理", "酒店管理", "餐饮", "饮食"],
    capitalShift: -0.6,
  },
  {
    section: "I",
    name: "信息传输、软件和信息技术服务业",
    weight: 10,
    keywords: ["科技", "信息技术", "软件", "网络科技", "数据服务"],
    capitalShift: 0,
  },
  {
    section: "J",
    name: "金融业",
    weight: 1.5,
    keywords: ["投资", "资产管理", "基金管理", "金融服务"],
    capitalShift: 1.6,
  },
  {
    section: "K",
    name: "房地产业",
    weight: 3,
    keywords: ["房地产开发", "物业管理", "置业", "房地产经纪"],
    capitalShift: 1,
  },
  {
    section: "L",
    name: "租赁和商务服务业",
    weight: 15,
    keywords: ["商务咨询", "企业管理", "广告", "人力资源", "咨询服务"],
    capitalShift: -0.1,
  },
  {
    section: "M",
    name: "科学研究和技术服务业",
    weight: 7,
    keywords: ["技术", "检测", "设计", "生物科技", "工程技术"],
    capitalShift: 0.1,
  },
  {
    section: "N",
    name: "水利、环境和公共设施管理业",
    weight: 0.4,
    keywords: ["环境工程", "环保", "园林绿化", "水务"],
    capitalShift: 0.5,
  },
  {
    section: "O",
    name: "居民服务、修理和其他服务业",
    weight: 2,
    keywords: ["家政服务", "维修", "美容", "清洁服务"],
    capitalShift: -0.8,
  },
  { section: "P", name: "教育", weight: 1, keywords: ["教育科技", "培训", "文化教育"], capitalShift: -0.3 },
  {
    section: "Q",
    name: "卫生和社会工作",
    weight: 0.5,
    keywords: ["医疗管理", "健康管理", "门诊部", "养老服务"],
    capitalShift: 0.2,
  },
  {
    section: "R",
    name: "文化、体育和娱乐业",
    weight: 2,
    keywords: ["文化传播", "文化传媒", "体育发展", "影视"],
    capitalShift: -0.2,
  },
];

/** Districts of the register (division code and Chinese name), in division-code order. */
export const LE_DISTRICTS: readonly { code: string; name: string }[] = DISTRICT_SPECS.map((d) => ({
  code: d.code,
  name: d.name,
}));

/** Industries of the register (GB/T 4754-2017 section letter and Chinese name), A to R. */
export const LE_INDUSTRIES: readonly { section: string; name: string }[] = INDUSTRY_SPECS.map((i) => ({
  section: i.section,
  name: i.name,
}));

/** Registration statuses, most common first. */
export const LE_STATUSES: readonly TLegalEntityStatus[] = ["存续", "在业", "吊销", "注销", "迁出"];

// ── PRNG ──────────────────────────────────────────────────────────────────────────────────────

/**
 * sfc32 (Small Fast Counting, from PractRand) seeded through splitmix32: a fast 32-bit generator
 * with good statistical quality. Deterministic across platforms (32-bit integer arithmetic only).
 */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new RangeError(`SeededRandom: seed must be an integer, got ${seed}`);
    let s = seed >>> 0;
    const splitmix = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = splitmix();
    this.b = splitmix();
    this.c = splitmix();
    this.d = splitmix();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** Next unsigned 32-bit integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** Standard normal variate (Box–Muller, the second value kept for the next call). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u = this.next();
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}

/** Cumulative weights for index sampling. */
function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => {
    sum += w;
    out[i] = sum;
  });
  return out;
}

function sampleIndex(rng: SeededRandom, cum: Float64Array): number {
  const x = rng.next() * cum[cum.length - 1]!;
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

// ── Name parts ────────────────────────────────────────────────────────────────────────────────

const TRADE_FIRST = [
  ..."华恒鑫盛泰达信诚宏瑞博安佳嘉康凯隆明鹏润昌丰富永兴德和祥裕源景晨新天海中金银联创卓越远航智慧美联合汇通顺鼎晟璟弘锦",
];
const TRADE_SECOND = [
  ..."华泰达信诚宏瑞博安佳嘉康凯隆明润昌丰富兴德和祥裕源景晨新海通宇星辰业科峰林森川云益邦腾飞扬翔泽辉煌铭轩豪",
];
const TRADE_THIRD = [..."一二三四五六七八九和信达通源泰"];

const ENTERPRISE_SUFFIXES: readonly { suffix: string; weight: number; capitalShift: number }[] = [
  { suffix: "有限公司", weight: 80, capitalShift: 0 },
  { suffix: "有限责任公司", weight: 9, capitalShift: 0.2 },
  { suffix: "股份有限公司", weight: 6, capitalShift: 2 },
  { suffix: "集团有限公司", weight: 1, capitalShift: 2.8 },
];
const ENTERPRISE_SUFFIX_CUM = cumulative(ENTERPRISE_SUFFIXES.map((s) => s.weight));

// ── Other distributions ───────────────────────────────────────────────────────────────────────

const FIRST_YEAR = 1990;
const LAST_YEAR = 2026;
/** Snapshot date of version 2026.11: nothing is founded after it. */
const LAST_DAY_UTC = Date.UTC(2026, 9, 31);

/** More registrations every year, with a jump after the 2014 registration reform (商事制度改革). */
const YEAR_CUM = cumulative(
  Array.from({ length: LAST_YEAR - FIRST_YEAR + 1 }, (_, i) => {
    const year = FIRST_YEAR + i;
    let w = Math.exp(0.1 * i) * (year >= 2014 ? 1.8 : 1);
    if (year === LAST_YEAR) w *= 10 / 12;
    return w;
  }),
);

const STATUS_BASE = [0.62, 0.18, 0.08, 0.1, 0.02];
/** Status weights for young (< 3 years), ordinary and old (> 15 years) entities. */
const STATUS_CUM_BY_AGE = [0.3, 1, 2].map((factor) =>
  cumulative(STATUS_BASE.map((w, k) => (k === 2 || k === 3 ? w * factor : w))),
);

const DISTRICT_CUM = cumulative(DISTRICT_SPECS.map((d) => d.weight));
const INDUSTRY_CUM_BY_DISTRICT = DISTRICT_SPECS.map((d) =>
  cumulative(INDUSTRY_SPECS.map((i) => i.weight * (d.affinity[i.section] ?? 1))),
);

/** Characters of a post-2015 organization identifier after its "MA" prefix. */
const ORG_NEW_ALPHABET = [...USCC_CHARSET];

// ── Generator ─────────────────────────────────────────────────────────────────────────────────

export interface TGenerateLegalEntitiesOptions {
  /** Number of rows (default 100,000). */
  count?: number;
  /** PRNG seed (default 20261123, the canonical dataset's). */
  seed?: number;
}

/**
 * Yields `count` synthetic legal entities, deterministically for a given seed. Lazy: rows are
 * produced as they are consumed, so 100,000 rows stream without building an array first.
 */
export function* generateLegalEntities(
  options: TGenerateLegalEntitiesOptions = {},
): Generator<TLegalEntity, void, undefined> {
  const count = options.count ?? LE_BASE_DATASET.count;
  const seed = options.seed ?? LE_BASE_DATASET.seed;
  if (!Number.isInteger(count) || count < 0 || count > 10_000_000) {
    throw new RangeError(`generateLegalEntities: count must be an integer in 0..10,000,000, got ${count}`);
  }
  const rng = new SeededRandom(seed);
  const usedOrgBodies = new Set<string>();
  const usedNames = new Set<string>();

  for (let i = 0; i < count; i++) {
    const districtIndex = sampleIndex(rng, DISTRICT_CUM);
    const district = DISTRICT_SPECS[districtIndex]!;
    const industry = INDUSTRY_SPECS[sampleIndex(rng, INDUSTRY_CUM_BY_DISTRICT[districtIndex]!)]!;

    const year = FIRST_YEAR + sampleIndex(rng, YEAR_CUM);
    const yearStart = Date.UTC(year, 0, 1);
    const yearEnd = Math.min(Date.UTC(year + 1, 0, 1) - 86_400_000, LAST_DAY_UTC);
    const days = Math.round((yearEnd - yearStart) / 86_400_000) + 1;
    const foundedOn = new Date(yearStart + rng.int(days) * 86_400_000).toISOString().slice(0, 10);

    // Entity kind: authority (登记管理部门) + type, consistent with the name form.
    const kindDraw = rng.next();
    let kind: "enterprise" | "cooperative" | "private-non-enterprise" | "public-institution" = "enterprise";
    if (industry.section === "A" && kindDraw < 0.35) kind = "cooperative";
    else if ((industry.section === "P" || industry.section === "Q") && kindDraw < 0.2)
      kind = "private-non-enterprise";
    else if ("MNPQR".includes(industry.section) && kindDraw > 0.97) kind = "public-institution";

    const suffixSpec = ENTERPRISE_SUFFIXES[sampleIndex(rng, ENTERPRISE_SUFFIX_CUM)]!;
    const keyword = rng.pick(industry.keywords);
    const form = rng.next();
    let name = "";
    for (let attempt = 0; ; attempt++) {
      let trade = rng.pick(TRADE_FIRST) + rng.pick(TRADE_SECOND);
      if (attempt >= 3) trade += rng.pick(TRADE_THIRD);
      if (attempt >= 8) trade += rng.pick(TRADE_FIRST);
      switch (kind) {
        case "cooperative":
          name = `${LE_CITY.name}${district.name}${trade}${keyword}专业合作社`;
          break;
        case "private-non-enterprise":
          name = `${LE_CITY.name}${district.name}${trade}${industry.section === "P" ? "培训学校" : "康复中心"}`;
          break;
        case "public-institution":
          name = `${LE_CITY.name}${district.name}${trade}${keyword}中心`;
          break;
        default:
          if (form < 0.55) name = `${LE_CITY.shortName}${trade}${keyword}${suffixSpec.suffix}`;
          else if (form < 0.8) name = `${LE_CITY.name}${district.name}${trade}${keyword}${suffixSpec.suffix}`;
          else if (form < 0.9) name = `${trade}（${LE_CITY.shortName}）${keyword}${suffixSpec.suffix}`;
          else name = `${trade}${keyword}${suffixSpec.suffix}`;
      }
      if (!usedNames.has(name)) break;
    }
    usedNames.add(name);

    const [authority, entityType] =
      kind === "cooperative"
        ? ["9", "3"]
        : kind === "private-non-enterprise"
          ? ["5", "2"]
          : kind === "public-institution"
            ? ["1", "2"]
            : ["9", "1"];

    // Organization identifier: "MA…" for codes issued since the 2015 reform, digits before.
    let orgBody8: string;
    do {
      if (year >= 2016) {
        orgBody8 = "MA";
        for (let k = 0; k < 6; k++) orgBody8 += rng.pick(ORG_NEW_ALPHABET);
      } else {
        orgBody8 = String(1 + rng.int(7));
        for (let k = 0; k < 7; k++) orgBody8 += String(rng.int(10));
      }
    } while (usedOrgBodies.has(orgBody8));
    usedOrgBodies.add(orgBody8);
    const uscc = buildUscc({ authority, entityType, division: district.code, orgBody8 });

    // Registered capital (万元): log-normal around 100, shifted by industry and legal form.
    const shift = industry.capitalShift + (kind === "enterprise" ? suffixSpec.capitalShift : -0.5);
    let capital = Math.exp(Math.log(100) + shift + 1.3 * rng.normal());
    capital = Math.min(Math.max(capital, 1), 5_000_000);
    if (rng.next() < 0.85) {
      // Most registrations state a round amount: two significant figures.
      const magnitude = 10 ** Math.max(0, Math.floor(Math.log10(capital)) - 1);
      capital = Math.max(1, Math.round(capital / magnitude) * magnitude);
    }
    const registeredCapital = (Math.round(capital * 100) / 100).toFixed(2);

    // Status: older entities are more often revoked or deregistered.
    const age = 2026 - year;
    const statusCum = STATUS_CUM_BY_AGE[age < 3 ? 0 : age > 15 ? 2 : 1]!;
    const status = LE_STATUSES[sampleIndex(rng, statusCum)]!;

    yield {
      uscc,
      name,
      district: district.name,
      industry: industry.name,
      registered_capital: registeredCapital,
      founded_on: foundedOn,
      status,
    };
  }
}

/**
 * Incremental content hash of a sequence of rows: SHA-256 over each row's canonical JSON followed
 * by "\n", in order. Two row sequences hash equal exactly when they are byte-identical.
 */
export class LegalEntityContentHasher {
  private readonly hash: Hash = createHash("sha256");
  private rows = 0;

  /** Adds one row. */
  add(row: TLegalEntity): void {
    this.hash.update(`${canonicalJson(row)}\n`);
    this.rows++;
  }

  /** Number of rows added so far. */
  get rowCount(): number {
    return this.rows;
  }

  /** Hex digest; the hasher cannot be used afterwards. */
  digest(): string {
    return this.hash.digest("hex");
  }
}

/** Content hash (hex SHA-256, see LegalEntityContentHasher) of a row sequence, computed streaming. */
export function legalEntitiesContentHash(rows: Iterable<TLegalEntity>): string {
  const hasher = new LegalEntityContentHasher();
  for (const row of rows) hasher.add(row);
  return hasher.digest();
}
