"use client";

import Link from "next/link";
import { RequireSession } from "@/components/session";
import { useI18n } from "@/lib/i18n/i18n-provider";
import { RegistrationForm } from "../registration-form";

/** A source department drafts the registration of a new dataset. */
export function NewRegistrationView() {
  const { t } = useI18n();
  return (
    <RequireSession roles={["data_source"]}>
      {() => (
        <div className="page">
          <nav className="breadcrumb">
            <Link href="/registrations">← {t("registrations.backToList")}</Link>
          </nav>
          <div className="page-heading">
            <div>
              <h1>{t("registrations.form.title.new")}</h1>
              <p className="muted">{t("registrations.form.subtitle")}</p>
            </div>
          </div>
          <RegistrationForm />
        </div>
      )}
    </RequireSession>
  );
}
