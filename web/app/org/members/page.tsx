"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { RequireSession, useSession } from "@/components/session";
import { ErrorNotice, Loading } from "@/components/status";
import { useI18n } from "@/lib/i18n/i18n-provider";
import type { TMessageKey } from "@/lib/i18n/types";
import { useTRPC } from "@/lib/trpc/client";
import { describeError } from "@/lib/trpc/errors";

/** An org admin's page: members with their signing keys, open invitations, invite and remove. */
export default function MembersPage() {
  return <RequireSession>{(user) => (user.isOrgAdmin ? <Members /> : <Forbidden />)}</RequireSession>;
}

function Forbidden() {
  const { t } = useI18n();
  return (
    <div className="notice notice-warning" role="alert" data-testid="forbidden">
      {t("common.forbidden")}
    </div>
  );
}

function Members() {
  const { t, formatDateTime } = useI18n();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useSession().data;
  const members = useQuery(trpc.orgs.listMembers.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.orgs.listMembers.queryKey() });
  const remove = useMutation({ ...trpc.orgs.removeMember.mutationOptions(), onSuccess: refresh });
  const revoke = useMutation({ ...trpc.orgs.revokeInvitation.mutationOptions(), onSuccess: refresh });

  return (
    <div className="page">
      <div className="page-heading">
        <div>
          <h1>{t("orgs.members.title")}</h1>
          <p className="muted">
            {me?.org.name} · {t("orgs.members.subtitle")}
          </p>
        </div>
      </div>
      {members.isPending && <Loading />}
      {members.isError && <ErrorNotice error={members.error} onRetry={() => members.refetch()} />}
      {(remove.isError || revoke.isError) && (
        <div className="notice notice-danger" role="alert">
          {describeError(remove.error ?? revoke.error, t)}
        </div>
      )}
      {members.data && (
        <div className="card table-card">
          <table className="table" data-testid="members-table">
            <thead>
              <tr>
                <th scope="col">{t("orgs.members.name")}</th>
                <th scope="col">{t("orgs.members.email")}</th>
                <th scope="col">{t("orgs.members.role")}</th>
                <th scope="col">{t("orgs.members.key")}</th>
                <th scope="col">{t("orgs.members.since")}</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {members.data.members.map((m) => (
                <tr key={m.id} data-testid="member-row" data-email={m.email}>
                  <td>
                    {m.displayName}
                    {m.id === me?.id && <span className="muted"> {t("orgs.members.you")}</span>}
                  </td>
                  <td className="mono small">{m.email}</td>
                  <td>
                    {t(`role.${m.role}` as TMessageKey)}
                    {m.isOrgAdmin && <span className="tag tag-info">{t("orgs.members.admin")}</span>}
                  </td>
                  <td className="mono small">{m.keyId ?? "—"}</td>
                  <td className="nowrap">{formatDateTime(m.createdAt)}</td>
                  <td>
                    {m.id !== me?.id && (
                      <button
                        type="button"
                        className="button button-small button-danger"
                        data-testid="member-remove"
                        disabled={remove.isPending}
                        onClick={() => {
                          if (window.confirm(t("orgs.members.confirmRemove", { name: m.displayName }))) {
                            remove.mutate({ id: m.id });
                          }
                        }}
                      >
                        {t("orgs.members.remove")}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {members.data && members.data.invitations.length > 0 && (
        <section className="section">
          <h2>{t("orgs.invite.pending")}</h2>
          <div className="card table-card">
            <table className="table" data-testid="invitations-table">
              <thead>
                <tr>
                  <th scope="col">{t("orgs.members.name")}</th>
                  <th scope="col">{t("orgs.members.email")}</th>
                  <th scope="col">{t("orgs.invite.invitedBy")}</th>
                  <th scope="col">{t("orgs.invite.expires")}</th>
                  <th scope="col" />
                </tr>
              </thead>
              <tbody>
                {members.data.invitations.map((i) => (
                  <tr key={i.id} data-testid="invitation-row">
                    <td>
                      {i.displayName}
                      {i.isOrgAdmin && <span className="tag tag-info">{t("orgs.members.admin")}</span>}
                    </td>
                    <td className="mono small">{i.email}</td>
                    <td>{i.invitedByName}</td>
                    <td className="nowrap">{formatDateTime(i.expiresAt)}</td>
                    <td>
                      <button
                        type="button"
                        className="button button-small"
                        disabled={revoke.isPending}
                        onClick={() => revoke.mutate({ id: i.id })}
                      >
                        {t("orgs.invite.revoke")}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
      <InviteForm onInvited={refresh} />
    </div>
  );
}

function InviteForm({ onInvited }: { onInvited: () => void }) {
  const { t, formatDateTime } = useI18n();
  const trpc = useTRPC();
  const [email, setEmail] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [isOrgAdmin, setIsOrgAdmin] = useState(false);
  const invite = useMutation({ ...trpc.orgs.invite.mutationOptions(), onSuccess: onInvited });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    invite.mutate({ email, displayName, isOrgAdmin });
  };
  const link =
    invite.data && typeof window !== "undefined"
      ? `${window.location.origin}/invite?token=${encodeURIComponent(invite.data.token)}`
      : null;
  return (
    <section className="section">
      <h2>{t("orgs.invite.title")}</h2>
      <form className="card form-grid" onSubmit={submit} data-testid="invite-form">
        <label className="field">
          <span className="field-label">{t("orgs.invite.email")}</span>
          <input
            type="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            name="email"
          />
        </label>
        <label className="field">
          <span className="field-label">{t("orgs.invite.name")}</span>
          <input
            required
            value={displayName}
            onChange={(e) => setDisplayName(e.target.value)}
            name="displayName"
          />
        </label>
        <label className="field field-checkbox">
          <input type="checkbox" checked={isOrgAdmin} onChange={(e) => setIsOrgAdmin(e.target.checked)} />
          <span>{t("orgs.invite.asAdmin")}</span>
        </label>
        <div>
          <button type="submit" className="button button-primary" disabled={invite.isPending}>
            {t("orgs.invite.submit")}
          </button>
        </div>
        {invite.isError && (
          <div className="notice notice-danger" role="alert">
            {describeError(invite.error, t)}
          </div>
        )}
        {invite.data && link && (
          <div className="notice notice-success" role="status">
            {t("orgs.invite.created", { date: formatDateTime(invite.data.expiresAt) })}
            <div className="mono small break-all" data-testid="invite-link">
              {link}
            </div>
          </div>
        )}
      </form>
    </section>
  );
}
