import { type NextRequest, NextResponse } from "next/server";
import { loginUrl, SESSION_COOKIE } from "@/lib/routes";

/**
 * Sends visitors without a session cookie straight to sign-in. A cookie that exists but has
 * expired is caught later: the API answers UNAUTHORIZED and the page redirects with a message.
 */
export function proxy(request: NextRequest) {
  if (request.cookies.has(SESSION_COOKIE)) return NextResponse.next();
  const { pathname, search } = request.nextUrl;
  return NextResponse.redirect(new URL(loginUrl(`${pathname}${search}`, "required"), request.url));
}

export const config = {
  matcher: [
    "/catalog/:path*",
    "/products/:path*",
    "/runs/:path*",
    "/audit/:path*",
    "/datasets/:path*",
    "/registrations/:path*",
    "/operators/:path*",
    "/scenarios/:path*",
    "/authorizations/:path*",
    "/demands/:path*",
    "/quality/:path*",
    "/trail/:path*",
    "/org/:path*",
  ],
};
