import { describe, expect, it } from "vitest";
import { homeForRole, isSafeNextPath, loginUrl } from "./routes";

describe("routes", () => {
  it("sends each role to its own work page", () => {
    expect(homeForRole("auditor")).toBe("/audit");
    expect(homeForRole("regulator")).toBe("/registrations");
    expect(homeForRole("data_source")).toBe("/registrations");
    expect(homeForRole("operator")).toBe("/scenarios");
    expect(homeForRole("buyer")).toBe("/catalog");
    expect(homeForRole("service_agency")).toBe("/datasets");
    expect(homeForRole("admin")).toBe("/datasets");
  });

  it("follows only same-site paths after sign-in", () => {
    expect(isSafeNextPath("/audit/12")).toBe(true);
    expect(isSafeNextPath("//evil.example/x")).toBe(false);
    expect(isSafeNextPath("/\\evil.example")).toBe(false);
    expect(isSafeNextPath("https://evil.example")).toBe(false);
    expect(isSafeNextPath("/login?next=/x")).toBe(false);
  });

  it("builds the sign-in URL with the reason and a safe next path", () => {
    expect(loginUrl("/runs?x=1", "expired")).toBe("/login?reason=expired&next=%2Fruns%3Fx%3D1");
    expect(loginUrl("//evil.example", "required")).toBe("/login?reason=required");
    expect(loginUrl(null, "required")).toBe("/login?reason=required");
  });
});
