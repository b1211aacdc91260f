"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useI18n } from "@/lib/i18n/i18n-provider";
import type { TMessageKey } from "@/lib/i18n/types";
import type { TRole } from "@/lib/routes";
import { useTRPC } from "@/lib/trpc/client";
import { useSession } from "./session";

interface TNavItem {
  href: string;
  label: TMessageKey;
}

const NAV = {
  products: { href: "/catalog", label: "nav.catalog" },
  datasets: { href: "/datasets", label: "nav.datasets" },
  runs: { href: "/runs", label: "nav.runs" },
  registrations: { href: "/registrations", label: "nav.registrations" },
  admission: { href: "/operators/admission", label: "nav.admission" },
  operators: { href: "/operators", label: "nav.operators" },
  scenarios: { href: "/scenarios", label: "nav.scenarios" },
  authorizations: { href: "/authorizations", label: "nav.authorizations" },
  demands: { href: "/demands", label: "nav.demands" },
  quality: { href: "/quality", label: "nav.quality" },
  audit: { href: "/audit", label: "nav.audit" },
  trail: { href: "/trail", label: "nav.trail" },
  members: { href: "/org/members", label: "nav.members" },
  vault: { href: "/vault", label: "nav.vault" },
  logic: { href: "/logic", label: "nav.logic" },
  jobs: { href: "/jobs", label: "nav.jobs" },
  reviews: { href: "/reviews", label: "nav.reviews" },
} as const satisfies Record<string, TNavItem>;

/** The pages each role works with, in menu order (org admins also manage their members). */
function navItemsFor(role: TRole, isOrgAdmin: boolean): TNavItem[] {
  const items: TNavItem[] = (() => {
    switch (role) {
      case "buyer":
        return [NAV.products, NAV.jobs, NAV.runs, NAV.datasets, NAV.demands, NAV.quality];
      case "operator":
        return [
          NAV.datasets,
          NAV.admission,
          NAV.scenarios,
          NAV.products,
          NAV.logic,
          NAV.demands,
          NAV.quality,
        ];
      case "data_source":
        return [NAV.registrations, NAV.vault, NAV.datasets, NAV.authorizations, NAV.quality, NAV.demands];
      case "regulator":
        return [
          NAV.registrations,
          NAV.operators,
          NAV.scenarios,
          NAV.authorizations,
          NAV.reviews,
          NAV.datasets,
          NAV.audit,
          NAV.trail,
        ];
      case "auditor":
        return [NAV.audit, NAV.trail, NAV.authorizations, NAV.operators, NAV.datasets];
      default:
        return [NAV.datasets, NAV.products, NAV.demands];
    }
  })();
  return isOrgAdmin ? [...items, NAV.members] : items;
}

/** Platform name, the role's navigation, the signed-in user with sign-out, and the language switch. */
export function AppHeader() {
  const { t, locale, setLocale } = useI18n();
  const pathname = usePathname();
  const session = useSession();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const logout = useMutation({
    ...trpc.auth.logout.mutationOptions(),
    meta: { handlesUnauthorized: true },
    onSettled: () => {
      queryClient.clear();
      window.location.assign("/login");
    },
  });
  const user = pathname === "/login" ? null : session.data;

  return (
    <header className="app-header">
      <div className="app-header-inner">
        <Link href={user ? "/" : "/login"} className="brand">
          <span className="brand-mark" aria-hidden="true">
            数
          </span>
          <span className="brand-text">
            <span className="brand-name">{t("app.name")}</span>
            <span className="brand-tagline">{t("app.tagline")}</span>
          </span>
        </Link>
        {user && (
          <nav className="main-nav" aria-label={t("nav.main")}>
            {navItemsFor(user.role, user.isOrgAdmin).map((item) => {
              const active = pathname === item.href || pathname.startsWith(`${item.href}/`);
              return (
                <Link
                  key={item.href}
                  href={item.href}
                  className={active ? "nav-link active" : "nav-link"}
                  aria-current={active ? "page" : undefined}
                >
                  {t(item.label)}
                </Link>
              );
            })}
          </nav>
        )}
        <div className="header-tools">
          {user && (
            <div className="current-user" data-testid="current-user" title={t("header.signedInAs")}>
              <span className="user-name">{user.displayName}</span>
              <span className="user-org">
                {user.org.name} · {t(`role.${user.role}`)}
              </span>
            </div>
          )}
          {user && (
            <button
              type="button"
              className="button button-ghost"
              onClick={() => logout.mutate()}
              disabled={logout.isPending}
            >
              {logout.isPending ? t("header.signingOut") : t("header.signOut")}
            </button>
          )}
          <button
            type="button"
            className="button button-ghost lang-switch"
            title={t("header.switchLanguage")}
            lang={locale === "en" ? "zh-CN" : "en"}
            onClick={() => setLocale(locale === "en" ? "zh-CN" : "en")}
          >
            {t("header.otherLanguage")}
          </button>
        </div>
      </div>
    </header>
  );
}
