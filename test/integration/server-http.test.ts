/**
 * The server over real HTTP: sign-in and the session cookie, wrong password, expired session,
 * sign-out, the CSRF header and Origin rules, error masking, /health.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSessionToken, MAX_FAILED_LOGINS } from "../../server/src/domain/auth/sessions";
import { createServerApp, SESSION_COOKIE } from "../../server/src/http/app";
import { createServerTestKit, type TServerTestKit } from "../../server/src/testing/server-test-kit";

let kit: TServerTestKit;
let server: Server;
let base: string;
const serverLog: string[] = [];

beforeAll(async () => {
  kit = await createServerTestKit();
  const app = createServerApp({ ...kit.deps, log: (l) => serverLog.push(l) }, { cookieSecure: false });
  server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await kit?.close();
});

/** A tRPC response body as this server sends it (no transformer). */
interface TTrpcBody {
  // biome-ignore lint/suspicious/noExplicitAny: the procedures' data differ; each test asserts the shape it expects
  result: { data: any };
  error: {
    message: string;
    code: number;
    data: {
      code: string;
      httpStatus: number;
      path?: string;
      domainCode: string | null;
      issues: { path: string; message: string }[] | null;
      stack?: string;
    };
  };
}

interface TCallOptions {
  cookie?: string | null;
  csrf?: boolean;
  origin?: string;
}

async function mutate(path: string, input: unknown, opts: TCallOptions = {}) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (opts.csrf !== false) headers["x-pdx-csrf"] = "1";
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.origin) headers.origin = opts.origin;
  const res = await fetch(`${base}/trpc/${path}`, {
    method: "POST",
    headers,
    body: input === undefined ? undefined : JSON.stringify(input),
  });
  return { res, body: (await res.json()) as TTrpcBody, setCookie: res.headers.getSetCookie() };
}

async function query(path: string, input?: unknown, opts: TCallOptions = {}) {
  const headers: Record<string, string> = {};
  if (opts.cookie) headers.cookie = opts.cookie;
  const qs = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  const res = await fetch(`${base}/trpc/${path}${qs}`, { headers });
  return { res, body: (await res.json()) as TTrpcBody, setCookie: res.headers.getSetCookie() };
}

/** Signs in and returns "pdx_session=<token>" for the Cookie header. */
async function signIn(email = "buyer@demo.pdx.cn"): Promise<string> {
  const { res, setCookie } = await mutate("auth.login", { email, password: "Demo#2026" });
  expect(res.status).toBe(200);
  const cookie = setCookie.find((c) => c.startsWith(`${SESSION_COOKIE}=`))!;
  return cookie.split(";")[0]!;
}

describe("health", () => {
  it("answers", async () => {
    const res = await fetch(`${base}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });
});

describe("sign-in", () => {
  it("sets an httpOnly, SameSite=Strict session cookie and returns the user", async () => {
    const { res, body, setCookie } = await mutate("auth.login", {
      email: " Buyer@Demo.PDX.cn ",
      password: "Demo#2026",
    });
    expect(res.status).toBe(200);
    expect(body.result.data.user).toMatchObject({
      email: "buyer@demo.pdx.cn",
      role: "buyer",
      org: { name: "鹏城商业银行股份有限公司", type: "buyer" },
    });
    expect(setCookie).toHaveLength(1);
    const cookie = setCookie[0]!;
    expect(cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{43};`));
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");
    expect(cookie).toContain("Path=/");
    expect(cookie).not.toContain("Secure");
    // Only the token's SHA-256 is stored.
    const token = cookie.split(";")[0]!.split("=")[1]!;
    const { rows } = await kit.db.query<{ token_hash: string }>("SELECT token_hash FROM sessions");
    expect(rows.map((r) => r.token_hash)).toContain(hashSessionToken(token));
    expect(rows.map((r) => r.token_hash)).not.toContain(token);
  });

  it("the cookie signs later requests in; auth.me returns the user", async () => {
    const cookie = await signIn("auditor@demo.pdx.cn");
    const { body } = await query("auth.me", undefined, { cookie });
    expect(body.result.data).toMatchObject({ email: "auditor@demo.pdx.cn", role: "auditor" });
  });

  it("refuses a wrong password and an unknown e-mail with the same message, and sets no cookie", async () => {
    const wrong = await mutate("auth.login", { email: "buyer@demo.pdx.cn", password: "wrong-password" });
    const unknown = await mutate("auth.login", { email: "nobody@demo.pdx.cn", password: "Demo#2026" });
    for (const r of [wrong, unknown]) {
      expect(r.res.status).toBe(401);
      expect(r.body.error.message).toBe("wrong e-mail or password");
      expect(r.body.error.data.code).toBe("UNAUTHORIZED");
      expect(r.setCookie).toEqual([]);
    }
  });

  it("throttles an e-mail after repeated failures, and says so", async () => {
    const email = "operator@demo.pdx.cn";
    for (let i = 0; i < MAX_FAILED_LOGINS; i++) {
      const r = await mutate("auth.login", { email, password: `wrong-${i}` });
      expect(r.body.error.message).toBe("wrong e-mail or password");
    }
    const locked = await mutate("auth.login", { email, password: "Demo#2026" });
    expect(locked.res.status).toBe(429);
    expect(locked.body.error.message).toMatch(
      /^too many failed sign-ins for this e-mail; try again in \d+ minutes?$/,
    );
    // Other e-mails are unaffected.
    await signIn("buyer@demo.pdx.cn");
  });
});

describe("sessions", () => {
  it("an expired session is refused with 'session expired', and auth.me clears the cookie", async () => {
    const cookie = await signIn();
    const token = cookie.split("=")[1]!;
    await kit.db.query("UPDATE sessions SET expires_at = now() - interval '1 minute' WHERE token_hash = $1", [
      hashSessionToken(token),
    ]);
    const refused = await query("catalog.listProducts", {}, { cookie });
    expect(refused.res.status).toBe(401);
    expect(refused.body.error.message).toBe("session expired; please sign in again");
    expect(refused.body.error.data.domainCode).toBe("SESSION_EXPIRED");
    // The expired session was deleted: the same cookie is now simply "not signed in".
    const { rows } = await kit.db.query("SELECT 1 FROM sessions WHERE token_hash = $1", [
      hashSessionToken(token),
    ]);
    expect(rows).toEqual([]);
    const me = await query("auth.me", undefined, { cookie });
    expect(me.body.result.data).toBeNull();
    expect(
      me.setCookie.some((c) => c.startsWith(`${SESSION_COOKIE}=;`) && /Expires=Thu, 01 Jan 1970/.test(c)),
    ).toBe(true);
  });

  it("logout deletes the session and clears the cookie; the old cookie no longer works", async () => {
    const cookie = await signIn();
    const out = await mutate("auth.logout", undefined, { cookie });
    expect(out.res.status).toBe(200);
    expect(out.body.result.data).toEqual({ ok: true });
    expect(out.setCookie.some((c) => c.startsWith(`${SESSION_COOKIE}=;`))).toBe(true);
    const after = await query("catalog.listProducts", {}, { cookie });
    expect(after.res.status).toBe(401);
    expect(after.body.error.message).toBe("please sign in");
  });

  it("the session expires after SESSION_TTL_MINUTES", async () => {
    await signIn();
    const { rows } = await kit.db.query<{ minutes: number }>(
      "SELECT round(extract(epoch FROM (expires_at - created_at)) / 60)::int AS minutes FROM sessions ORDER BY created_at DESC LIMIT 1",
    );
    expect(rows[0]!.minutes).toBe(480);
  });
});

describe("CSRF", () => {
  it("refuses a mutation without x-pdx-csrf (403, 'missing CSRF header'), sets no cookie", async () => {
    const r = await mutate(
      "auth.login",
      { email: "buyer@demo.pdx.cn", password: "Demo#2026" },
      { csrf: false },
    );
    expect(r.res.status).toBe(403);
    expect(r.body.error.message).toBe("missing CSRF header");
    expect(r.setCookie).toEqual([]);
  });

  it("refuses a signed-in mutation without the header (logout keeps the session)", async () => {
    const cookie = await signIn();
    const r = await mutate("auth.logout", undefined, { cookie, csrf: false });
    expect(r.res.status).toBe(403);
    const me = await query("auth.me", undefined, { cookie });
    expect(me.body.result.data.email).toBe("buyer@demo.pdx.cn");
  });

  it("refuses a mutation whose Origin is not allowed, even with the header", async () => {
    const r = await mutate(
      "auth.login",
      { email: "buyer@demo.pdx.cn", password: "Demo#2026" },
      { origin: "https://evil.example" },
    );
    expect(r.res.status).toBe(403);
    expect(r.body.error.message).toBe("request origin not allowed");
  });

  it("accepts a mutation from an allowed Origin", async () => {
    const r = await mutate(
      "auth.login",
      { email: "buyer@demo.pdx.cn", password: "Demo#2026" },
      { origin: "http://127.0.0.1:3000" },
    );
    expect(r.res.status).toBe(200);
  });

  it("never sends CORS headers", async () => {
    const res = await fetch(`${base}/trpc/auth.login`, {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
    });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("error masking", () => {
  it("sends domain messages, input issues and protocol errors without internals", async () => {
    const cookie = await signIn();
    const notFound = await query(
      "catalog.getProduct",
      { id: "00000000-0000-4000-8000-000000000000" },
      { cookie },
    );
    expect(notFound.res.status).toBe(404);
    expect(notFound.body.error.message).toBe("product not found");

    const bad = await query("catalog.getProduct", { id: "not-a-uuid" }, { cookie });
    expect(bad.res.status).toBe(400);
    expect(bad.body.error.message).toBe("invalid input: id");
    expect(bad.body.error.data.issues).toEqual([{ path: "id", message: expect.any(String) }]);

    const noSuch = await query("catalog.dropTables", undefined, { cookie });
    expect(noSuch.res.status).toBe(404);
    expect(noSuch.body.error.message).toBe("no such procedure");
    expect(noSuch.body.error.message).not.toContain("dropTables");
    for (const r of [notFound, bad, noSuch]) expect(r.body.error.data.stack).toBeUndefined();
  });

  it("masks a database failure as 'internal error' (no SQL, no table names, no stack)", async () => {
    const cookie = await signIn();
    await kit.db.query("ALTER TABLE products RENAME TO products_hidden");
    try {
      const r = await query("catalog.listProducts", { q: "secret-search-term" }, { cookie });
      expect(r.res.status).toBe(500);
      expect(r.body.error.message).toBe("internal error");
      const text = JSON.stringify(r.body);
      for (const leak of [
        "products",
        "relation",
        "42P01",
        "SELECT",
        "secret-search-term",
        "DbError",
        "stack",
      ]) {
        expect(text).not.toContain(leak);
      }
      // The server log names the failure class, never the parameters.
      const logged = serverLog.join("\n");
      expect(logged).toContain("catalog.listProducts internal error: DbError QUERY_FAILED");
      expect(logged).not.toContain("secret-search-term");
    } finally {
      await kit.db.query("ALTER TABLE products_hidden RENAME TO products");
    }
  });

  it("answers a malformed or oversized body plainly", async () => {
    const malformed = await fetch(`${base}/trpc/auth.login`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-pdx-csrf": "1" },
      body: "{not json",
    });
    expect(malformed.status).toBe(400);
    const m = (await malformed.json()) as TTrpcBody;
    expect(m.error.message).not.toContain("JSON at position");

    const huge = await mutate("auth.login", { email: "buyer@demo.pdx.cn", password: "x".repeat(100_000) });
    expect(huge.res.status).toBe(413);
    expect(huge.body.error.message).toBe("request body too large");
  });
});
