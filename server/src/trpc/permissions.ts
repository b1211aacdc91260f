/**
 * Who may call what: the ONE authorization table (procedure × role), enforced in one place
 * (trpc.ts `authorize`). Every procedure of the app router must have an entry (a test enumerates
 * the router and checks every procedure for every role); a procedure missing here is refused to
 * everyone. "org_admin" is held by users whose organization made them its admin, in addition to
 * their own role.
 *
 * This table is the coarse gate. Which ROWS a caller may touch (their own organization's
 * datasets, applications, orders…) is checked by the domain functions and tested there.
 */
import {
  permissionRolesOf,
  type TPermissionRole,
  type TSessionUser,
  USER_ROLES,
} from "../domain/auth/session-user";

/** "public": anyone, signed in or not; otherwise the roles allowed (signed-in users only). */
export type TProcedureAccess = "public" | readonly TPermissionRole[];

const SIGNED_IN: readonly TPermissionRole[] = USER_ROLES;

export const PROCEDURE_ACCESS = {
  // ── auth ──
  "auth.login": "public",
  "auth.logout": "public",
  "auth.me": "public",
  "auth.acceptInvitation": "public",

  // ── products & runs ──
  "catalog.listProducts": SIGNED_IN,
  "catalog.getProduct": SIGNED_IN,
  "runs.start": ["buyer"],
  "runs.listMine": ["buyer"],
  "runs.get": ["buyer"],

  // ── usage audit ──
  "audit.listUsageRecords": ["auditor", "regulator"],
  "audit.verifyUsageRecord": ["auditor", "regulator"],

  // ── organizations & people ──
  "orgs.myOrganization": SIGNED_IN,
  "orgs.listMembers": ["org_admin"],
  "orgs.invite": ["org_admin"],
  "orgs.revokeInvitation": ["org_admin"],
  "orgs.removeMember": ["org_admin"],
  "orgs.list": ["admin", "regulator", "auditor"],
  "orgs.register": ["admin"],
  "orgs.publicKeys": SIGNED_IN,

  // ── audit trail ──
  "trail.list": ["auditor", "regulator"],
  "trail.verify": ["auditor", "regulator"],
  "trail.verifyApproval": ["auditor", "regulator"],

  // ── datasets (catalog 一本账) ── (H3)
  "datasets.list": SIGNED_IN,
  "datasets.get": SIGNED_IN,
  "datasets.mockRows": SIGNED_IN,
  "datasets.sources": SIGNED_IN,
  "datasets.stats": SIGNED_IN,

  // ── registrations ── (H3)
  // The source department's steps (ownership of the dataset is checked by the domain).
  "registrations.create": ["data_source"],
  "registrations.update": ["data_source"],
  "registrations.submit": ["data_source"],
  "registrations.withdraw": ["data_source"],
  "registrations.startChange": ["data_source"],
  "registrations.startCorrection": ["data_source"],
  "registrations.checkEntry": ["data_source"],
  "registrations.listMine": ["data_source"],
  // The data bureau's steps.
  "registrations.listQueue": ["regulator"],
  "registrations.accept": ["regulator"],
  "registrations.return": ["regulator"],
  "registrations.review": ["regulator"],
  "registrations.reject": ["regulator"],
  "registrations.publishNotice": ["regulator"],
  "registrations.object": ["regulator"],
  "registrations.code": ["regulator"],
  "registrations.deregister": ["regulator"],
  // Its own department's registrations, or any for the regulator and auditors.
  "registrations.get": ["data_source", "regulator", "auditor"],

  // ── operators ── (H4)
  // Ownership (the applicant's own organization) is checked by the domain functions.
  "operators.createApplication": ["operator"],
  "operators.updateStatement": ["operator"],
  "operators.uploadDocument": ["operator"],
  "operators.submitApplication": ["operator"],
  "operators.withdrawApplication": ["operator"],
  "operators.reviewApplication": ["regulator"],
  "operators.getApplication": ["operator", "regulator", "auditor"],
  "operators.myApplication": ["operator"],
  "operators.myStatus": ["operator"],
  "operators.getDocument": ["operator", "regulator", "auditor"],
  "operators.list": ["regulator", "auditor"],
  "operators.changeStatus": ["regulator"],
  "operators.submitAnnualReport": ["operator"],
  "operators.evaluateAnnualReport": ["regulator"],
  "operators.listAnnualReports": ["operator", "regulator", "auditor"],

  // ── scenarios & authorizations ── (H5)
  "authorizations.authorizableDatasets": ["operator", "regulator", "auditor"],
  "authorizations.listScenarios": ["operator", "regulator", "auditor"],
  "authorizations.getScenario": ["operator", "regulator", "auditor"],
  "authorizations.createScenario": ["operator"],
  "authorizations.updateScenario": ["operator"],
  "authorizations.fileScenario": ["operator"],
  "authorizations.withdrawScenario": ["operator"],
  "authorizations.acceptScenario": ["regulator"],
  "authorizations.rejectScenario": ["regulator"],
  "authorizations.listAuthorizations": ["operator", "data_source", "regulator", "auditor"],
  "authorizations.getAuthorization": ["operator", "data_source", "regulator", "auditor"],
  "authorizations.applyForAuthorization": ["operator"],
  "authorizations.approve": ["data_source", "regulator"],
  "authorizations.reject": ["data_source", "regulator"],
  "authorizations.suspend": ["regulator"],
  "authorizations.resume": ["regulator"],
  "authorizations.revoke": ["regulator"],

  // ── demands ── (H6)
  // Only the posting buyer organization may mark satisfied / close (checked in the domain).
  "demands.post": ["buyer"],
  "demands.respond": ["data_source", "operator", "service_agency"],
  "demands.markSatisfied": ["buyer"],
  "demands.close": ["buyer"],
  "demands.list": SIGNED_IN,
  "demands.get": SIGNED_IN,
  "demands.stats": SIGNED_IN,

  // ── quality ── (H6)
  // Acknowledge/rectify: the dataset's source department only; verify/reopen: the reporting
  // organization only (any role may report); list/get show each caller its own issues.
  "quality.report": SIGNED_IN,
  "quality.acknowledge": ["data_source"],
  "quality.rectify": ["data_source"],
  "quality.verify": SIGNED_IN,
  "quality.reopen": SIGNED_IN,
  "quality.list": SIGNED_IN,
  "quality.get": SIGNED_IN,
  "quality.stats": SIGNED_IN,
  "quality.datasetOptions": SIGNED_IN,

  // ── product jobs ──
  // Ownership (the operator's own products, the caller organization's own jobs) is checked by
  // the domain (domain/product-jobs); another organization's job or version reads as unknown.
  "productJobs.myProducts": ["operator"],
  "productJobs.exampleLogic": ["operator"],
  "productJobs.listVersions": ["operator"],
  "productJobs.getVersion": ["operator"],
  "productJobs.saveVersion": ["operator"],
  "productJobs.runMock": ["operator"],
  "productJobs.runnable": ["buyer"],
  "productJobs.preview": ["buyer"],
  "productJobs.start": ["buyer"],
  "productJobs.listMine": ["buyer", "operator"],
  "productJobs.get": ["buyer", "operator"],
  "productJobs.cancel": ["buyer", "operator"],
  "productJobs.reviewQueue": ["regulator"],
  "productJobs.getReviewed": ["regulator"],
  "productJobs.release": ["regulator"],
  "productJobs.withhold": ["regulator"],

  // ── private set intersection ──
  // A session belongs to the organization that started it (checked by domain/psi).
  "psi.start": ["buyer"],
  "psi.sendChunk": ["buyer"],
  "psi.replyChunk": ["buyer"],
  "psi.serverChunk": ["buyer"],
  "psi.finish": ["buyer"],
  "psi.get": ["buyer"],
  "psi.listMine": ["buyer"],

  // ── joint statistics (multi-party computation across enclave nodes) ──
  // A job belongs to the organization that started it (checked by domain/mpc).
  "mpc.start": ["buyer"],
  "mpc.refresh": ["buyer"],
  "mpc.get": ["buyer"],
  "mpc.listMine": ["buyer"],

  // ── encrypted queries (homomorphic encryption) ──
  // A query belongs to the organization that ran it (checked by domain/he).
  "he.directory": ["buyer"],
  "he.run": ["buyer"],
  "he.get": ["buyer"],
  "he.listMine": ["buyer"],

  // ── vault ingest ──
  // Only the dataset's source department (checked by the domain; others' answer NOT_FOUND).
  "vault.uploadableDatasets": ["data_source"],
  "vault.startUpload": ["data_source"],
  "vault.uploadStatus": ["data_source"],
  "vault.cancelUpload": ["data_source"],
  "vault.listVersions": ["data_source"],
  "vault.listMyUploads": ["data_source"],
} as const satisfies Record<string, TProcedureAccess>;

export type TProcedurePath = keyof typeof PROCEDURE_ACCESS;

/** The access rule of `path`, or undefined when the table has none (refused). */
export function accessOf(path: string): TProcedureAccess | undefined {
  return Object.hasOwn(PROCEDURE_ACCESS, path) ? PROCEDURE_ACCESS[path as TProcedurePath] : undefined;
}

/** Whether `user` may call a procedure with access rule `access` (public rules need no user). */
export function isAllowed(
  access: TProcedureAccess,
  user: Pick<TSessionUser, "role" | "isOrgAdmin"> | null,
): boolean {
  if (access === "public") return true;
  if (!user) return false;
  return permissionRolesOf(user).some((role) => access.includes(role));
}
