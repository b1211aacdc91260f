"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { type FormEvent, Suspense, useState } from "react";
import { useI18n } from "@/lib/i18n/i18n-provider";
import { useTRPC } from "@/lib/trpc/client";
import { describeError } from "@/lib/trpc/errors";

/** Public page an invitee opens from their invitation link to set a password. */
export default function InvitePage() {
  return (
    <Suspense>
      <AcceptInvitation />
    </Suspense>
  );
}

function AcceptInvitation() {
  const { t } = useI18n();
  const trpc = useTRPC();
  const token = useSearchParams().get("token") ?? "";
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [problem, setProblem] = useState<"mismatch" | "weak" | null>(null);
  const accept = useMutation(trpc.auth.acceptInvitation.mutationOptions());
  const submit = (e: FormEvent) => {
    e.preventDefault();
    // The server is the authority on the password rule; this only answers in the user's language first.
    const weak = password.length < 10 || !/[A-Za-z]/.test(password) || !/[0-9]/.test(password);
    const next = password !== confirm ? "mismatch" : weak ? "weak" : null;
    setProblem(next);
    if (next === null) accept.mutate({ token, password });
  };
  return (
    <div className="page page-narrow">
      <h1>{t("orgs.accept.title")}</h1>
      <p className="muted">{t("orgs.accept.subtitle")}</p>
      {!token && (
        <div className="notice notice-warning" role="alert">
          {t("orgs.accept.noToken")}
        </div>
      )}
      {accept.data ? (
        <div className="notice notice-success" role="status" data-testid="invite-accepted">
          {t("orgs.accept.done", { email: accept.data.email })}{" "}
          <Link href="/login">{t("orgs.accept.goLogin")}</Link>
        </div>
      ) : (
        token && (
          <form className="card form-grid" onSubmit={submit}>
            <label className="field">
              <span className="field-label">{t("orgs.accept.password")}</span>
              <input
                type="password"
                autoComplete="new-password"
                required
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            </label>
            <label className="field">
              <span className="field-label">{t("orgs.accept.confirm")}</span>
              <input
                type="password"
                autoComplete="new-password"
                required
                value={confirm}
                onChange={(e) => setConfirm(e.target.value)}
              />
            </label>
            {problem && (
              <div className="notice notice-danger" role="alert" data-testid="invite-error">
                {t(problem === "mismatch" ? "orgs.accept.mismatch" : "orgs.accept.weak")}
              </div>
            )}
            {accept.isError && (
              <div className="notice notice-danger" role="alert" data-testid="invite-error">
                {describeError(accept.error, t)}
              </div>
            )}
            <div>
              <button type="submit" className="button button-primary" disabled={accept.isPending}>
                {t("orgs.accept.submit")}
              </button>
            </div>
          </form>
        )
      )}
    </div>
  );
}
