import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { forwardToApi } from "./api-proxy";

interface TSeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

let upstream: Server;
let upstreamUrl: string;
let seen: TSeenRequest[] = [];

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

beforeAll(async () => {
  upstream = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      res.statusCode = req.url?.includes("auth.login") ? 401 : 200;
      res.setHeader("content-type", "application/json");
      res.setHeader("set-cookie", ["pdx_session=abc; Path=/; HttpOnly; SameSite=Strict", "other=1; Path=/"]);
      res.setHeader("x-internal", "secret-ish");
      res.end(JSON.stringify({ echoed: req.url }));
    });
  });
  upstreamUrl = await listen(upstream);
});

afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));

beforeEach(() => {
  seen = [];
  process.env.API_URL = upstreamUrl;
});

describe("forwardToApi", () => {
  it("forwards method, path, query, body and the allowed headers only", async () => {
    const response = await forwardToApi(
      new Request("http://web.example/trpc/auth.login?batch=1", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          cookie: "pdx_session=old",
          "x-pdx-csrf": "1",
          origin: "http://web.example",
          authorization: "Bearer must-not-pass",
        },
        body: JSON.stringify({ 0: { email: "buyer@demo.pdx.cn", password: "x" } }),
      }),
    );
    expect(seen).toHaveLength(1);
    const request = seen[0]!;
    expect(request.method).toBe("POST");
    expect(request.url).toBe("/trpc/auth.login?batch=1");
    expect(JSON.parse(request.body)).toEqual({ 0: { email: "buyer@demo.pdx.cn", password: "x" } });
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.headers.cookie).toBe("pdx_session=old");
    expect(request.headers["x-pdx-csrf"]).toBe("1");
    expect(request.headers.origin).toBe("http://web.example");
    expect(request.headers.authorization).toBeUndefined();

    expect(response.status).toBe(401);
    expect(response.headers.getSetCookie()).toEqual([
      "pdx_session=abc; Path=/; HttpOnly; SameSite=Strict",
      "other=1; Path=/",
    ]);
    expect(response.headers.get("x-internal")).toBeNull();
    expect(await response.json()).toEqual({ echoed: "/trpc/auth.login?batch=1" });
  });

  it("reads API_URL at request time, not once", async () => {
    process.env.API_URL = `${upstreamUrl}/`;
    await forwardToApi(new Request("http://web.example/trpc/auth.me?input=%7B%7D"));
    expect(seen[0]?.method).toBe("GET");
    expect(seen[0]?.url).toBe("/trpc/auth.me?input=%7B%7D");
    expect(seen[0]?.body).toBe("");
  });

  it("answers 502 with one tRPC-shaped error per batched call when the API is down", async () => {
    const closed = createServer();
    const closedUrl = await listen(closed);
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    process.env.API_URL = closedUrl;

    const batched = await forwardToApi(
      new Request("http://web.example/trpc/auth.me,catalog.listProducts?batch=1"),
    );
    expect(batched.status).toBe(502);
    const body = (await batched.json()) as { error: { message: string; data: { code: string } } }[];
    expect(body).toHaveLength(2);
    expect(body[0]?.error.data.code).toBe("BAD_GATEWAY");
    expect(body[0]?.error.message).toMatch(/unreachable/);

    const single = await forwardToApi(new Request("http://web.example/trpc/auth.me"));
    expect(single.status).toBe(502);
    expect(((await single.json()) as { error: { data: { httpStatus: number } } }).error.data.httpStatus).toBe(
      502,
    );
  });
});
