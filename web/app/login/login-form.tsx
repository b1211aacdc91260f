"use client";

import { hashKey, useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter, useSearchParams } from "next/navigation";
import { type FormEvent, useState } from "react";
import { useI18n } from "@/lib/i18n/i18n-provider";
import type { TMessageKey } from "@/lib/i18n/types";
import { homeForRole, isSafeNextPath } from "@/lib/routes";
import { useTRPC } from "@/lib/trpc/client";
import { describeError } from "@/lib/trpc/errors";

/** Demo accounts seeded for development (password {@link DEMO_PASSWORD} for all). */
const DEMO_ACCOUNTS: { email: string; role: TMessageKey }[] = [
  { email: "buyer@demo.pdx.cn", role: "role.buyer" },
  { email: "auditor@demo.pdx.cn", role: "role.auditor" },
  { email: "regulator@demo.pdx.cn", role: "role.regulator" },
  { email: "operator@demo.pdx.cn", role: "role.operator" },
  { email: "source@demo.pdx.cn", role: "role.data_source" },
];
const DEMO_PASSWORD = "Demo#2026";

/** Email + password sign-in; on success goes to `next` or the role's home page. */
export function LoginForm() {
  const { t } = useI18n();
  const router = useRouter();
  const searchParams = useSearchParams();
  const queryClient = useQueryClient();
  const trpc = useTRPC();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const reason = searchParams.get("reason");
  const next = searchParams.get("next");

  const login = useMutation({
    ...trpc.auth.login.mutationOptions(),
    meta: { handlesUnauthorized: true },
    onSuccess: ({ user }) => {
      // Nothing cached for an earlier session may show to this user.
      const meKey = trpc.auth.me.queryKey();
      const meHash = hashKey(meKey);
      queryClient.removeQueries({ predicate: (query) => query.queryHash !== meHash });
      queryClient.setQueryData(meKey, user);
      router.replace(next && isSafeNextPath(next) ? next : homeForRole(user.role));
    },
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    login.mutate({ email: email.trim(), password });
  }

  const errorMessage = login.isError ? describeError(login.error, t) : null;

  return (
    <div className="login-page">
      <section className="login-card" aria-labelledby="login-title">
        <h1 id="login-title">{t("login.title")}</h1>
        <p className="muted">{t("login.subtitle")}</p>
        {reason === "expired" && !login.isError && (
          <div className="notice notice-warning" role="status" data-testid="login-reason">
            {t("login.expired")}
          </div>
        )}
        {reason === "required" && !login.isError && (
          <div className="notice notice-info" role="status" data-testid="login-reason">
            {t("login.required")}
          </div>
        )}
        <form onSubmit={onSubmit} className="form" noValidate>
          <label className="field">
            <span className="field-label">{t("login.email")}</span>
            <input
              type="email"
              name="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          </label>
          <label className="field">
            <span className="field-label">{t("login.password")}</span>
            <input
              type="password"
              name="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </label>
          {errorMessage && (
            <div className="notice notice-error" role="alert" data-testid="login-error">
              <strong>{t("login.failed")}</strong> {errorMessage}
            </div>
          )}
          <button
            type="submit"
            className="button button-primary button-block"
            disabled={login.isPending || !email || !password}
          >
            {login.isPending ? t("login.submitting") : t("login.submit")}
          </button>
        </form>
      </section>
      <aside className="demo-accounts" aria-labelledby="demo-title">
        <h2 id="demo-title">{t("login.demoTitle")}</h2>
        <p className="muted">{t("login.demoHint", { password: DEMO_PASSWORD })}</p>
        <ul>
          {DEMO_ACCOUNTS.map((account) => (
            <li key={account.email}>
              <button
                type="button"
                className="demo-account"
                onClick={() => {
                  setEmail(account.email);
                  setPassword(DEMO_PASSWORD);
                }}
              >
                <span className="mono">{account.email}</span>
                <span className="tag">{t(account.role)}</span>
              </button>
            </li>
          ))}
        </ul>
      </aside>
    </div>
  );
}
