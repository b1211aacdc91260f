import { id as ethersKeccakUtf8 } from "ethers";
import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import {
  authorizationChainId,
  canonicalScope,
  datasetCodeChainHash,
  fieldsOutOfScope,
  keccakUtf8Hex,
  MAX_SCOPE_DATASETS,
  MAX_SCOPE_FIELDS,
  operatorChainId,
  orgChainId,
  registrationChainId,
  scenarioHash,
  scopeHash,
  type TAuthorizationScope,
} from "./authorization-scope";

const UUID = "3f1c9a52-7d8e-4b1f-9a0c-2e5d6f7a8b9c";

const SCOPE: TAuthorizationScope = [
  { datasetCode: "LE-BASE", fields: ["industry", "district", "registered_capital"] },
  { datasetCode: "CREDIT-RATING", fields: ["grade"] },
];

describe("keccakUtf8Hex", () => {
  it("is Ethereum's keccak256 (the published hash of the empty string, and ethers' id())", () => {
    expect(keccakUtf8Hex("")).toBe("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    for (const text of ["REGISTRAR_ROLE", "org:示例", 'a"b']) {
      expect(keccakUtf8Hex(text)).toBe(ethersKeccakUtf8(text));
    }
  });
});

describe("canonicalScope", () => {
  it("sorts datasets by code and fields by name", () => {
    expect(canonicalScope(SCOPE)).toEqual([
      { datasetCode: "CREDIT-RATING", fields: ["grade"] },
      { datasetCode: "LE-BASE", fields: ["district", "industry", "registered_capital"] },
    ]);
  });

  it("dedupes fields and merges a dataset listed twice", () => {
    expect(
      canonicalScope([
        { datasetCode: "LE-BASE", fields: ["industry", "industry"] },
        { datasetCode: "LE-BASE", fields: ["district", "industry"] },
      ]),
    ).toEqual([{ datasetCode: "LE-BASE", fields: ["district", "industry"] }]);
  });

  it("sorts by code units, not locale (upper-case before lower, '-' before digits)", () => {
    expect(canonicalScope([{ datasetCode: "LE-BASE", fields: ["b", "a_1", "a1", "a"] }])[0]!.fields).toEqual([
      "a",
      "a1",
      "a_1",
      "b",
    ]);
    expect(
      canonicalScope([
        { datasetCode: "AB1", fields: ["x"] },
        { datasetCode: "AB-", fields: ["x"] },
      ]).map((d) => d.datasetCode),
    ).toEqual(["AB-", "AB1"]);
  });

  it("refuses invalid scopes naming the problem", () => {
    const bad: unknown[] = [
      [],
      [{ datasetCode: "le-base", fields: ["district"] }],
      [{ datasetCode: "LE", fields: ["district"] }],
      [{ datasetCode: "LE-BASE", fields: [] }],
      [{ datasetCode: "LE-BASE", fields: ["District"] }],
      [{ datasetCode: "LE-BASE", fields: ["1st"] }],
      [{ datasetCode: "LE-BASE", fields: ["a-b"] }],
      [{ datasetCode: "LE-BASE", fields: ["x".repeat(65)] }],
      [{ datasetCode: "LE-BASE" }],
      { datasetCode: "LE-BASE", fields: ["district"] },
    ];
    for (const scope of bad) {
      expect(() => canonicalScope(scope as TAuthorizationScope), JSON.stringify(scope)).toThrow(ZodError);
    }
  });

  it("enforces the size limits, also after merging duplicates", () => {
    const fields = (n: number, prefix = "f") => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
    expect(() =>
      canonicalScope([{ datasetCode: "LE-BASE", fields: fields(MAX_SCOPE_FIELDS) }]),
    ).not.toThrow();
    expect(() => canonicalScope([{ datasetCode: "LE-BASE", fields: fields(MAX_SCOPE_FIELDS + 1) }])).toThrow(
      ZodError,
    );
    expect(() =>
      canonicalScope([
        { datasetCode: "LE-BASE", fields: fields(40, "a") },
        { datasetCode: "LE-BASE", fields: fields(40, "b") },
      ]),
    ).toThrow(ZodError);
    const datasets = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ datasetCode: `DS-${i}`, fields: ["x"] }));
    expect(() => canonicalScope(datasets(MAX_SCOPE_DATASETS))).not.toThrow();
    expect(() => canonicalScope(datasets(MAX_SCOPE_DATASETS + 1))).toThrow(ZodError);
  });
});

describe("scopeHash", () => {
  it("is keccak256 of the canonical JSON of the canonical scope", () => {
    const canonical =
      '[{"datasetCode":"CREDIT-RATING","fields":["grade"]},{"datasetCode":"LE-BASE","fields":["district","industry","registered_capital"]}]';
    expect(scopeHash(SCOPE)).toBe(ethersKeccakUtf8(canonical));
    expect(scopeHash(SCOPE)).toMatch(/^0x[0-9a-f]{64}$/);
  });

  it("is the same for every spelling of the same scope and differs when a field differs", () => {
    const reordered: TAuthorizationScope = [
      { datasetCode: "LE-BASE", fields: ["registered_capital", "district", "industry", "district"] },
      { datasetCode: "CREDIT-RATING", fields: ["grade"] },
    ];
    expect(scopeHash(reordered)).toBe(scopeHash(SCOPE));
    const fewer: TAuthorizationScope = [
      { datasetCode: "LE-BASE", fields: ["industry", "district"] },
      { datasetCode: "CREDIT-RATING", fields: ["grade"] },
    ];
    expect(scopeHash(fewer)).not.toBe(scopeHash(SCOPE));
  });
});

describe("scenarioHash", () => {
  it("is keccak256 of the canonical JSON of the content (key order does not matter)", () => {
    const content = { title: "企业画像", purpose: "credit", outputs: ["a", "b"] };
    expect(scenarioHash(content)).toBe(
      ethersKeccakUtf8('{"outputs":["a","b"],"purpose":"credit","title":"企业画像"}'),
    );
    expect(scenarioHash({ purpose: "credit", outputs: ["a", "b"], title: "企业画像" })).toBe(
      scenarioHash(content),
    );
    expect(scenarioHash({ ...content, outputs: ["b", "a"] })).not.toBe(scenarioHash(content));
  });
});

describe("chain ids", () => {
  it("prefix the kind so an org, a registration and an authorization with the same id never collide", () => {
    expect(orgChainId(UUID)).toBe(ethersKeccakUtf8(`org:${UUID}`));
    expect(operatorChainId(UUID)).toBe(orgChainId(UUID));
    expect(registrationChainId(UUID)).toBe(ethersKeccakUtf8(`registration:${UUID}`));
    expect(authorizationChainId(UUID)).toBe(ethersKeccakUtf8(`authorization:${UUID}`));
    expect(new Set([orgChainId(UUID), registrationChainId(UUID), authorizationChainId(UUID)]).size).toBe(3);
  });

  it("lower-cases uuids so both spellings give the same id; refuses non-uuids", () => {
    expect(authorizationChainId(UUID.toUpperCase())).toBe(authorizationChainId(UUID));
    expect(registrationChainId(UUID.toUpperCase())).toBe(registrationChainId(UUID));
    expect(() => authorizationChainId("not-a-uuid")).toThrow(ZodError);
    expect(() => registrationChainId("")).toThrow(ZodError);
    expect(() => orgChainId("")).toThrow(ZodError);
  });

  it("hashes dataset codes as UTF-8 and refuses malformed codes", () => {
    expect(datasetCodeChainHash("LE-BASE")).toBe(ethersKeccakUtf8("LE-BASE"));
    expect(() => datasetCodeChainHash("le-base")).toThrow(ZodError);
  });
});

describe("fieldsOutOfScope", () => {
  it("lists the fields the scope does not grant for that dataset, once each, in the order asked", () => {
    expect(fieldsOutOfScope(SCOPE, "LE-BASE", ["district", "industry"])).toEqual([]);
    expect(fieldsOutOfScope(SCOPE, "LE-BASE", ["uscc", "district", "name", "uscc"])).toEqual([
      "uscc",
      "name",
    ]);
    expect(fieldsOutOfScope(SCOPE, "LE-BASE", ["grade"])).toEqual(["grade"]);
    expect(fieldsOutOfScope(SCOPE, "POP-HOUSEHOLD", ["district"])).toEqual(["district"]);
  });
});
