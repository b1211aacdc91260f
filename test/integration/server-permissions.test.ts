/**
 * Authorization: every procedure × every role (and anonymous), through the real middleware
 * with in-process callers (createCaller). Allowed calls must get past authorization (success or
 * a domain answer such as NOT_FOUND); refused calls are FORBIDDEN, or UNAUTHORIZED when nobody is
 * signed in. Also the CSRF rule for mutations.
 */
import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { productIdFor } from "../../server/src/domain/seed/seed-demo-data";
import {
  addAdminUser,
  createServerTestKit,
  type TCaller,
  TEST_ADMIN_EMAIL,
  type TServerTestKit,
} from "../../server/src/testing/server-test-kit";
import { appRouter } from "../../server/src/trpc/app-router";
import { accessOf, PROCEDURE_ACCESS, type TProcedurePath } from "../../server/src/trpc/permissions";

let kit: TServerTestKit;

beforeAll(async () => {
  kit = await createServerTestKit();
  await addAdminUser(kit.db);
});
afterAll(async () => {
  await kit?.close();
});

const USERS_BY_ROLE = {
  buyer: "buyer@demo.pdx.cn",
  operator: "operator@demo.pdx.cn",
  data_source: "source@demo.pdx.cn",
  regulator: "regulator@demo.pdx.cn",
  auditor: "auditor@demo.pdx.cn",
  admin: TEST_ADMIN_EMAIL,
} as const;
type TRoleOrAnon = keyof typeof USERS_BY_ROLE | "anonymous";

const PRODUCT_ID = productIdFor("le-district-industry", 1);

/** A call of each procedure with input that passes validation and needs no enclave or chain. */
const CALLS: Record<TProcedurePath, (c: TCaller, role: TRoleOrAnon) => Promise<unknown>> = {
  "auth.login": (c, role) =>
    c.auth.login({
      email: role === "anonymous" ? USERS_BY_ROLE.buyer : USERS_BY_ROLE[role],
      password: "Demo#2026",
    }),
  "auth.logout": (c) => c.auth.logout(),
  "auth.me": (c) => c.auth.me(),
  "catalog.listProducts": (c) => c.catalog.listProducts({}),
  "catalog.getProduct": (c) => c.catalog.getProduct({ id: PRODUCT_ID }),
  "runs.start": (c) => c.runs.start({ productId: randomUUID() }),
  "runs.listMine": (c) => c.runs.listMine(),
  "runs.get": (c) => c.runs.get({ runId: randomUUID() }),
  "audit.listUsageRecords": (c) => c.audit.listUsageRecords({ limit: 5 }),
  "audit.verifyUsageRecord": (c) => c.audit.verifyUsageRecord({ id: "999999" }),
};

async function outcome(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return "OK";
  } catch (err) {
    if (err instanceof TRPCError) return err.code;
    throw err;
  }
}

describe("permission table", () => {
  it("has exactly one entry per procedure of the app router", () => {
    const procedures = Object.keys(appRouter._def.procedures).sort();
    expect(Object.keys(PROCEDURE_ACCESS).sort()).toEqual(procedures);
    expect(Object.keys(CALLS).sort()).toEqual(procedures);
  });

  it("refuses a path it does not know", () => {
    expect(accessOf("admin.dropEverything")).toBeUndefined();
    expect(accessOf("toString")).toBeUndefined();
  });
});

describe("every procedure × every role", () => {
  const roles: TRoleOrAnon[] = [
    "anonymous",
    ...(Object.keys(USERS_BY_ROLE) as (keyof typeof USERS_BY_ROLE)[]),
  ];
  for (const path of Object.keys(PROCEDURE_ACCESS) as TProcedurePath[]) {
    const access = PROCEDURE_ACCESS[path];
    for (const role of roles) {
      const allowed =
        access === "public" || (role !== "anonymous" && (access as readonly string[]).includes(role));
      const expected = allowed ? "passes authorization" : role === "anonymous" ? "UNAUTHORIZED" : "FORBIDDEN";
      it(`${path} as ${role}: ${expected}`, async () => {
        const caller = await kit.callerAs(role === "anonymous" ? null : USERS_BY_ROLE[role]);
        const result = await outcome(() => CALLS[path](caller, role));
        if (allowed) expect(["OK", "NOT_FOUND"]).toContain(result);
        else expect(result).toBe(expected);
      });
    }
  }
});

describe("refusal messages", () => {
  it("say why: not signed in, wrong role", async () => {
    const anonymous = await kit.callerAs(null);
    await expect(anonymous.catalog.listProducts({})).rejects.toMatchObject({
      code: "UNAUTHORIZED",
      message: "please sign in",
    });
    const auditor = await kit.callerAs(USERS_BY_ROLE.auditor);
    await expect(auditor.runs.listMine()).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: "your role does not allow this operation",
    });
  });
});

describe("CSRF rule for mutations", () => {
  it("refuses a mutation without the x-pdx-csrf header", async () => {
    const caller = await kit.callerAs(null, { csrfHeader: null });
    await expect(
      caller.auth.login({ email: USERS_BY_ROLE.buyer, password: "Demo#2026" }),
    ).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: "missing CSRF header",
    });
  });

  it("refuses a mutation with a wrong header value", async () => {
    const caller = await kit.callerAs(USERS_BY_ROLE.buyer, { csrfHeader: "yes" });
    await expect(caller.auth.logout()).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: "missing CSRF header",
    });
  });

  it("refuses a mutation from an origin not in ALLOWED_ORIGINS", async () => {
    const caller = await kit.callerAs(USERS_BY_ROLE.buyer, { origin: "https://evil.example" });
    await expect(caller.runs.start({ productId: PRODUCT_ID })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: "request origin not allowed",
    });
  });

  it("accepts a mutation with the header from an allowed origin", async () => {
    const caller = await kit.callerAs(null, { origin: "http://localhost:3000" });
    const { user } = await caller.auth.login({ email: USERS_BY_ROLE.buyer, password: "Demo#2026" });
    expect(user.role).toBe("buyer");
  });

  it("does not require the header on queries", async () => {
    const caller = await kit.callerAs(USERS_BY_ROLE.buyer, { csrfHeader: null });
    const products = await caller.catalog.listProducts({});
    expect(products.map((p) => p.code)).toEqual(["le-district-industry"]);
  });
});
