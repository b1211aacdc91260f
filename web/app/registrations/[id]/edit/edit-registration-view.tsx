"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { RequireSession } from "@/components/session";
import { ErrorNotice, Loading } from "@/components/status";
import { useI18n } from "@/lib/i18n/i18n-provider";
import { useTRPC } from "@/lib/trpc/client";
import { KindText, RegistrationStatusTag } from "../../../datasets/catalog-badges";
import { RegistrationForm } from "../../registration-form";

/** The source department edits a draft or returned registration. */
export function EditRegistrationView({ id }: { id: string }) {
  return <RequireSession roles={["data_source"]}>{() => <EditRegistration id={id} />}</RequireSession>;
}

function EditRegistration({ id }: { id: string }) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const registration = useQuery({
    ...trpc.registrations.get.queryOptions({ id }),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const r = registration.data;
  return (
    <div className="page">
      <nav className="breadcrumb">
        <Link href="/registrations">← {t("registrations.backToList")}</Link>
      </nav>
      {registration.isPending && <Loading />}
      {registration.isError && (
        <ErrorNotice error={registration.error} onRetry={() => registration.refetch()} />
      )}
      {r && (
        <>
          <div className="page-heading">
            <div>
              <h1>{t("registrations.form.title.edit")}</h1>
              <p className="cat-heading-tags">
                <span className="tag tag-code mono">{r.datasetCode}</span>
                <span className="tag">
                  <KindText kind={r.kind} />
                </span>
                <RegistrationStatusTag status={r.status} />
              </p>
              {r.reason && (
                <div className="notice notice-warning" data-testid="registration-reason">
                  {t("registrations.info.reason")}: {r.reason}
                </div>
              )}
            </div>
          </div>
          {r.canEdit ? (
            <RegistrationForm registration={{ id: r.id, kind: r.kind, entry: r.entry }} />
          ) : (
            <div className="notice notice-warning" role="alert">
              {t("registrations.actions.none")}
            </div>
          )}
        </>
      )}
    </div>
  );
}
