/**
 * Forwards the browser's tRPC calls to the API server, so the browser talks to one origin and the
 * session cookie stays first-party. Server-side only (used by app/trpc/[trpc]/route.ts).
 */

/** Request headers passed on to the API server; everything else stays behind. */
const FORWARDED_REQUEST_HEADERS = [
  "accept",
  "content-type",
  "cookie",
  "origin",
  "trpc-accept",
  "user-agent",
  "x-pdx-csrf",
] as const;

/** Response headers passed back to the browser besides Set-Cookie. */
const FORWARDED_RESPONSE_HEADERS = ["content-type", "cache-control", "retry-after", "vary"] as const;

/** How long one API call may take before the proxy gives up (a run aggregates a whole dataset). */
const UPSTREAM_TIMEOUT_MS = 180_000;

/** The API server's base URL, read at request time so one build serves any deployment. */
export function apiBaseUrl(): string {
  return (process.env.API_URL ?? "http://127.0.0.1:4000").replace(/\/+$/, "");
}

/**
 * A tRPC-shaped error body (one per call of a batch), so the tRPC client shows `message` and
 * exposes `code` like any other server error.
 */
function gatewayErrorBody(url: URL, status: 502 | 504, message: string): unknown {
  const code = status === 504 ? "GATEWAY_TIMEOUT" : "BAD_GATEWAY";
  const error = { error: { message, code: -32603, data: { code, httpStatus: status } } };
  if (url.searchParams.get("batch") !== "1") return error;
  const procedurePath = url.pathname.replace(/^\/trpc\/?/, "");
  const calls = Math.max(1, procedurePath.split(",").length);
  return Array.from({ length: calls }, () => error);
}

/** Forwards one request to `${API_URL}${path}${query}` and relays status, body and cookies. */
export async function forwardToApi(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const target = `${apiBaseUrl()}${url.pathname}${url.search}`;
  const headers = new Headers();
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  let upstream: Response;
  try {
    upstream = await fetch(target, {
      method: request.method,
      headers,
      body: hasBody ? await request.arrayBuffer() : undefined,
      redirect: "manual",
      cache: "no-store",
      signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS),
    });
  } catch (cause) {
    const timedOut = cause instanceof DOMException && cause.name === "TimeoutError";
    const message = timedOut
      ? "The API server did not answer in time."
      : "The API server is unreachable. Please try again later.";
    console.error(
      `[web] /trpc proxy: ${timedOut ? "timeout" : "unreachable"} ${request.method} ${url.pathname}`,
    );
    const status = timedOut ? 504 : 502;
    return Response.json(gatewayErrorBody(url, status, message), { status });
  }
  const responseHeaders = new Headers();
  for (const name of FORWARDED_RESPONSE_HEADERS) {
    const value = upstream.headers.get(name);
    if (value !== null) responseHeaders.set(name, value);
  }
  for (const cookie of upstream.headers.getSetCookie()) responseHeaders.append("set-cookie", cookie);
  // fetch already decoded any content-encoding, so length and encoding headers are not copied.
  const body = upstream.status === 204 || upstream.status === 304 ? null : await upstream.arrayBuffer();
  return new Response(body, { status: upstream.status, headers: responseHeaders });
}
