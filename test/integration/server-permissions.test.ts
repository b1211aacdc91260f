/**
 * Authorization: the permission matrix — every procedure of the app router × every role
 * (anonymous, each user role as a plain member, and an org admin) — through the real middleware
 * with in-process callers. The probe input is invalid for every procedure that takes input, so an
 * allowed call stops at input validation (BAD_REQUEST) or succeeds (queries without input), and
 * never reaches a mutation; a refused call is FORBIDDEN, or UNAUTHORIZED when nobody is signed in.
 * Ownership rules (another organization's rows) are tested with each domain.
 */
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { USER_ROLES } from "../../server/src/domain/auth/session-user";
import { productIdFor } from "../../server/src/domain/seed/seed-demo-data";
import {
  addUserToOrg,
  createServerTestKit,
  type TCaller,
  type TServerTestKit,
} from "../../server/src/testing/server-test-kit";
import { appRouter } from "../../server/src/trpc/app-router";
import { accessOf, PROCEDURE_ACCESS, type TProcedurePath } from "../../server/src/trpc/permissions";

let kit: TServerTestKit;

/** A seeded organization of each role's type; each gets a plain (non-admin) member. */
const ORG_OF_ROLE = {
  buyer: "pengcheng-bank",
  operator: "city-data-operator",
  data_source: "market-regulation",
  regulator: "data-bureau",
  service_agency: "huaxin-appraisal",
  auditor: "xinheng-cpa",
  admin: "pengcheng-data-exchange",
} as const satisfies Record<(typeof USER_ROLES)[number], string>;

const memberEmail = (role: string) => `${role.replace("_", "-")}-member@test.pdx.cn`;
/** The demo buyer is its organization's admin: roles buyer + org_admin. */
const ORG_ADMIN_EMAIL = "buyer@demo.pdx.cn";

beforeAll(async () => {
  kit = await createServerTestKit();
  for (const role of USER_ROLES) {
    await addUserToOrg(kit.db, ORG_OF_ROLE[role], { email: memberEmail(role), displayName: role, role });
  }
});
afterAll(async () => {
  await kit?.close();
});

const PRODUCT_ID = productIdFor("le-district-industry", 1);

type TSubject = (typeof USER_ROLES)[number] | "org_admin" | "anonymous";
const SUBJECTS: TSubject[] = ["anonymous", ...USER_ROLES, "org_admin"];

/** Input no procedure accepts (procedures without input ignore it). */
const PROBE = { probe: 1, id: 42, productId: 42, code: 42, email: 42, token: 42, limit: "x" };

function procedureOf(caller: TCaller, path: string): (input: unknown) => Promise<unknown> {
  let node: unknown = caller;
  for (const part of path.split(".")) node = (node as Record<string, unknown>)[part];
  return node as (input: unknown) => Promise<unknown>;
}

async function outcome(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return "OK";
  } catch (err) {
    if (err instanceof TRPCError) return err.code;
    throw err;
  }
}

function isAllowedFor(path: TProcedurePath, subject: TSubject): boolean {
  const access = PROCEDURE_ACCESS[path];
  if (access === "public") return true;
  if (subject === "anonymous") return false;
  const roles: string[] = subject === "org_admin" ? ["buyer", "org_admin"] : [subject];
  return roles.some((r) => (access as readonly string[]).includes(r));
}

describe("permission table", () => {
  it("has exactly one entry per procedure of the app router", () => {
    const procedures = Object.keys(appRouter._def.procedures).sort();
    expect(Object.keys(PROCEDURE_ACCESS).sort()).toEqual(procedures);
  });

  it("refuses a path it does not know", () => {
    expect(accessOf("admin.dropEverything")).toBeUndefined();
    expect(accessOf("toString")).toBeUndefined();
  });

  it("lets every role reach something, and names only known roles", () => {
    const known = new Set<string>([...USER_ROLES, "org_admin"]);
    for (const [path, access] of Object.entries(PROCEDURE_ACCESS)) {
      if (access === "public") continue;
      for (const role of access) expect(known.has(role), `${path}: ${role}`).toBe(true);
    }
  });
});

describe("every procedure × every role", () => {
  for (const path of Object.keys(PROCEDURE_ACCESS) as TProcedurePath[]) {
    for (const subject of SUBJECTS) {
      const allowed = isAllowedFor(path, subject);
      const expected = allowed
        ? "passes authorization"
        : subject === "anonymous"
          ? "UNAUTHORIZED"
          : "FORBIDDEN";
      it(`${path} as ${subject}: ${expected}`, async () => {
        const email =
          subject === "anonymous" ? null : subject === "org_admin" ? ORG_ADMIN_EMAIL : memberEmail(subject);
        const caller = await kit.callerAs(email);
        const result = await outcome(() => procedureOf(caller, path)(PROBE));
        if (allowed) expect(["OK", "BAD_REQUEST", "NOT_FOUND"]).toContain(result);
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
    const auditor = await kit.callerAs("auditor@demo.pdx.cn");
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
      caller.auth.login({ email: "buyer@demo.pdx.cn", password: "Demo#2026" }),
    ).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: "missing CSRF header",
    });
  });

  it("refuses a mutation with a wrong header value", async () => {
    const caller = await kit.callerAs("buyer@demo.pdx.cn", { csrfHeader: "yes" });
    await expect(caller.auth.logout()).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: "missing CSRF header",
    });
  });

  it("refuses a mutation from an origin not in ALLOWED_ORIGINS", async () => {
    const caller = await kit.callerAs("buyer@demo.pdx.cn", { origin: "https://evil.example" });
    await expect(caller.runs.start({ productId: PRODUCT_ID })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: "request origin not allowed",
    });
  });

  it("accepts a mutation with the header from an allowed origin", async () => {
    const caller = await kit.callerAs(null, { origin: "http://localhost:3000" });
    const { user } = await caller.auth.login({ email: "buyer@demo.pdx.cn", password: "Demo#2026" });
    expect(user.role).toBe("buyer");
  });

  it("does not require the header on queries", async () => {
    const caller = await kit.callerAs("buyer@demo.pdx.cn", { csrfHeader: null });
    const products = await caller.catalog.listProducts({});
    expect(products.map((p) => p.code)).toEqual([
      "dept-monthly-coverage",
      "le-district-industry",
      "le-portfolio-stats",
      "le-private-lookup",
      "le-private-scoring",
      "le-register-coverage",
      "le-status-check",
    ]);
  });
});
