/** Roles the platform knows (mirrors the server's user.role). */
export type TRole =
  | "buyer"
  | "operator"
  | "data_source"
  | "regulator"
  | "service_agency"
  | "auditor"
  | "admin";

/** Name of the httpOnly session cookie the API server sets. */
export const SESSION_COOKIE = "pdx_session";

/** Where a user lands after signing in. */
export function homeForRole(role: TRole): string {
  switch (role) {
    case "auditor":
      return "/audit";
    case "regulator":
      return "/registrations";
    case "data_source":
      return "/registrations";
    case "operator":
      return "/scenarios";
    case "buyer":
      return "/catalog";
    default:
      return "/datasets";
  }
}

/** Why the sign-in page is shown: no session at all, or one that expired. */
export type TLoginReason = "required" | "expired";

/** The sign-in URL that returns to `next` afterwards. */
export function loginUrl(next: string | null, reason: TLoginReason): string {
  const params = new URLSearchParams({ reason });
  if (next && isSafeNextPath(next)) params.set("next", next);
  return `/login?${params.toString()}`;
}

/** Only same-site absolute paths may be followed after sign-in (no open redirect). */
export function isSafeNextPath(path: string): boolean {
  return (
    path.startsWith("/") && !path.startsWith("//") && !path.startsWith("/\\") && !path.startsWith("/login")
  );
}
