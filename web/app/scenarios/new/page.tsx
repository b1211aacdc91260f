"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { RequireSession } from "@/components/session";
import { useI18n } from "@/lib/i18n/i18n-provider";
import { ScenarioForm } from "../scenario-form";

/** An operator drafts a new scenario; saving opens it (to review and file). */
export default function NewScenarioPage() {
  return <RequireSession roles={["operator"]}>{() => <NewScenario />}</RequireSession>;
}

function NewScenario() {
  const { t } = useI18n();
  const router = useRouter();
  return (
    <div className="page">
      <nav className="breadcrumb">
        <Link href="/scenarios">← {t("authorizations.scenario.backToList")}</Link>
      </nav>
      <div className="page-heading">
        <div>
          <h1>{t("authorizations.form.newTitle")}</h1>
        </div>
      </div>
      <section className="card">
        <ScenarioForm
          onSaved={(id) => router.push(`/scenarios/${encodeURIComponent(id)}`)}
          onCancel={() => router.push("/scenarios")}
        />
      </section>
    </div>
  );
}
