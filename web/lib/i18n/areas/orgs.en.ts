import type { orgsZhCN } from "./orgs.zh-CN";

/** UI strings of the orgs area, English: exactly the keys of orgs.zh-CN.ts. */
export const orgsEn: Record<keyof typeof orgsZhCN, string> = {
  "orgs.members.title": "Members",
  "orgs.members.subtitle":
    "Organization admins invite and remove their organization's users. Every user has their own signing key; approvals are signed with it.",
  "orgs.members.name": "Name",
  "orgs.members.email": "E-mail",
  "orgs.members.role": "Role",
  "orgs.members.admin": "Org admin",
  "orgs.members.key": "Signing key",
  "orgs.members.since": "Joined",
  "orgs.members.remove": "Remove",
  "orgs.members.confirmRemove":
    "Remove {name}? They will no longer be able to sign in; their past signatures stay verifiable.",
  "orgs.members.you": "(you)",
  "orgs.invite.title": "Invite a member",
  "orgs.invite.email": "E-mail",
  "orgs.invite.name": "Name",
  "orgs.invite.asAdmin": "Make org admin",
  "orgs.invite.submit": "Create invitation",
  "orgs.invite.created":
    "Invitation created (shown once; send it over a secure channel; valid until {date}):",
  "orgs.invite.pending": "Open invitations",
  "orgs.invite.invitedBy": "Invited by",
  "orgs.invite.expires": "Valid until",
  "orgs.invite.revoke": "Revoke",
  "orgs.accept.title": "Accept invitation",
  "orgs.accept.subtitle":
    "Set a password to sign in. The platform creates your personal signing key (its secret stays encrypted on the server, never in clear).",
  "orgs.accept.password": "Password (at least 10 characters, letters and digits)",
  "orgs.accept.confirm": "Repeat password",
  "orgs.accept.weak": "The password needs at least 10 characters, with letters and digits.",
  "orgs.accept.mismatch": "The passwords differ.",
  "orgs.accept.submit": "Set password and create account",
  "orgs.accept.done": "Account {email} created. Please sign in.",
  "orgs.accept.goLogin": "Go to sign-in",
  "orgs.accept.noToken": "The invitation link is incomplete; ask the inviter for a new one.",
};
