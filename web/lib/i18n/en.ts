import { authorizationsEn } from "./areas/authorizations.en";
import { datasetsEn } from "./areas/datasets.en";
import { demandsEn } from "./areas/demands.en";
import { heEn } from "./areas/he.en";
import { jobsEn } from "./areas/jobs.en";
import { mpcEn } from "./areas/mpc.en";
import { operatorsEn } from "./areas/operators.en";
import { orgsEn } from "./areas/orgs.en";
import { psiEn } from "./areas/psi.en";
import { qualityEn } from "./areas/quality.en";
import { registrationsEn } from "./areas/registrations.en";
import { trailEn } from "./areas/trail.en";
import { vaultEn } from "./areas/vault.en";
import type { TDictionary } from "./types";

/** Every UI string in English. Typed as TDictionary: a missing or extra key is a compile error. */
export const en: TDictionary = {
  "app.name": "Public Data Marketplace",
  "app.shortName": "Data Marketplace",
  "app.tagline": "Raw data never leaves the secure domain · usable, not visible · audited end to end",

  "nav.catalog": "Products",
  "nav.runs": "My runs",
  "nav.audit": "Audit",
  "nav.datasets": "Data catalog",
  "nav.registrations": "Registrations",
  "nav.admission": "Admission",
  "nav.operators": "Operators",
  "nav.scenarios": "Scenarios",
  "nav.authorizations": "Authorizations",
  "nav.demands": "Demand list",
  "nav.quality": "Data quality",
  "nav.trail": "Audit trail",
  "nav.members": "Members",
  "nav.main": "Main navigation",

  "header.signOut": "Sign out",
  "header.signingOut": "Signing out…",
  "header.switchLanguage": "Switch language",
  "header.otherLanguage": "中文",
  "header.signedInAs": "Signed in as",

  "role.buyer": "Data buyer",
  "role.operator": "Operator",
  "role.data_source": "Data source",
  "role.regulator": "Regulator",
  "role.service_agency": "Service agency",
  "role.auditor": "Auditor",
  "role.admin": "Administrator",

  "common.loading": "Loading…",
  "common.error": "Something went wrong",
  "common.retry": "Retry",
  "common.back": "Back",
  "common.none": "None",
  "common.yes": "Yes",
  "common.no": "No",
  "common.apiUnreachable": "The platform service cannot be reached. Please try again later.",
  "common.forbidden": "Your role may not open this page.",
  "common.notFound": "Not found.",

  "error.INVALID_CREDENTIALS": "Wrong email or password.",
  "error.LOGIN_THROTTLED": "Too many failed sign-ins. Please wait and try again.",
  "error.SESSION_EXPIRED": "Your session has expired. Please sign in again.",
  "error.UNAUTHENTICATED": "Please sign in.",
  "error.FORBIDDEN": "Your role does not allow this operation.",
  "error.CSRF_REJECTED": "The request failed a security check. Reload the page and try again.",
  "error.NOT_FOUND": "Not found.",
  "error.INVALID_INPUT": "The input is not acceptable",
  "error.ENCLAVE_UNAVAILABLE": "The secure domain cannot be reached. Please try again later.",
  "error.ENCLAVE_REFUSED": "The secure domain refused the job",
  "error.ENCLAVE_RESPONSE_INVALID":
    "The secure domain's answer failed verification (signature or output hash); the result was discarded.",
  "error.CHAIN_UNAVAILABLE": "The chain node cannot be reached. Please try again later.",
  "error.CONFLICT": "Conflicts with an existing record",
  "error.INVALID_STATE": "Not allowed in the current state",
  "error.PRECONDITION_FAILED": "A required condition is not met",
  "error.AUTHORIZATION_INACTIVE":
    "The authorization is not in effect (suspended, revoked, expired or not yet on chain)",
  "error.INTERNAL": "Internal error. Please try again later.",

  "login.title": "Sign in",
  "login.subtitle": "Sign in with your organization account",
  "login.email": "Email",
  "login.password": "Password",
  "login.submit": "Sign in",
  "login.submitting": "Signing in…",
  "login.failed": "Sign-in failed",
  "login.expired": "Your session has expired. Please sign in again.",
  "login.required": "Please sign in to open that page.",
  "login.demoTitle": "Demo accounts (development)",
  "login.demoHint": "Every demo account's password is {password}. Click an account to fill it in.",

  "catalog.title": "Catalog",
  "catalog.subtitle":
    "Listed data products: they run inside the secure domain and output only aggregates that satisfy the privacy rules.",
  "catalog.filter": "Search products",
  "catalog.filterPlaceholder": "Filter by name, code or dataset",
  "catalog.empty": "No data product matches.",
  "catalog.open": "View details",

  "product.code": "Product code",
  "product.version": "Version",
  "product.operator": "Operator",
  "product.dataset": "Source dataset",
  "product.sourceOrg": "Source department",
  "product.privacyRule": "Privacy rule",
  "product.deliveryForm": "Delivery form",
  "product.description": "Description",
  "product.fieldsUsed": "Fields used",
  "product.fieldName": "Field",
  "product.fieldLabel": "Name",
  "product.fieldUsage": "Usage",
  "product.columns": "Output columns",
  "product.columnKind": "Kind",
  "product.columnUnit": "Unit",
  "product.run": "Run",
  "product.running": "Running…",
  "product.runHint":
    "Computes on the raw data inside the secure domain, returns aggregates only, and records a signed receipt and a usage record.",
  "product.runBuyerOnly": "Only data buyers can run this product.",

  "usage.group_by": "Group by",
  "usage.aggregate": "Aggregate",
  "columnKind.dimension": "Dimension",
  "columnKind.measure": "Measure",

  "unit.tenThousandYuan": "10k CNY",
  "unit.yuan": "CNY",
  "unit.enterprises": "enterprises",

  "privacy.minGroupSize": "Minimum group size k = {k}: cells with fewer than {k} enterprises are withheld",
  "delivery.authorized_query": "Authorized query (runs in the secure domain, delivers aggregates only)",

  "run.resultTitle": "Result",
  "run.suppressedNotice":
    "Privacy protection: {n} cells were withheld because they had fewer than k = {k} enterprises; {released} cells released.",
  "run.noneSuppressed":
    "Privacy protection: every cell has at least k = {k} enterprises; {released} cells released.",
  "run.table": "Table",
  "run.chart": "Chart",
  "run.chartCaption":
    "Enterprise count by district × industry (darker = more enterprises; hatched cells had fewer than k and are withheld)",
  "run.chartAria": "Heat map of enterprise count by district and industry",
  "run.withheld": "Withheld",
  "run.withheldShort": "<{k}",
  "run.legendFewer": "Fewer",
  "run.legendMore": "More",
  "run.legendWithheld": "Withheld (fewer than k)",
  "run.rowsCount": "{n} rows",
  "run.usageRecord": "Usage record ID",
  "run.receipt": "Job receipt",
  "run.jobId": "Job ID",
  "run.rowsRead": "Rows read",
  "run.outputHash": "Output hash",
  "run.enclaveKeyId": "Enclave key ID",
  "run.signature": "Receipt signature",
  "run.signatureValid": "Valid ✓",
  "run.signatureInvalid": "Invalid ✗",
  "run.createdAt": "Run at",

  "runs.title": "My runs",
  "runs.subtitle": "Data products you have run and their usage records.",
  "runs.empty": "No runs yet.",
  "runs.product": "Product",
  "runs.cells": "Released / withheld cells",
  "runs.open": "Open",
  "runs.detailTitle": "Run details",

  "audit.title": "Audit",
  "audit.subtitle":
    "Every use of data becomes a usage record; records are batched into Merkle trees whose roots are anchored on chain.",
  "audit.search": "Search usage records",
  "audit.searchPlaceholder": "Search by record ID, organization, user or product",
  "audit.empty": "No usage record matches.",
  "audit.recordId": "Record ID",
  "audit.time": "Time",
  "audit.buyerOrg": "Buyer organization",
  "audit.user": "User",
  "audit.product": "Product",
  "audit.datasetVersion": "Dataset version",
  "audit.rowsRead": "Rows read",
  "audit.anchorStatus": "Anchor status",
  "audit.anchor.pending": "Pending",
  "audit.anchor.anchored": "Anchored",
  "audit.loadMore": "Load more",
  "audit.verify": "Verify",

  "verify.title": "Usage record verification",
  "verify.again": "Verify again",
  "verify.checking": "Verifying…",
  "verify.verdict.verified": "Verified",
  "verify.verdict.failed": "Verification failed",
  "verify.verdict.pending": "Pending anchoring",
  "verify.verdictDetail.verified":
    "Record hash, receipt signature, Merkle proof and on-chain root all check out.",
  "verify.verdictDetail.failed":
    "At least one check failed: the record in the database may have been altered.",
  "verify.verdictDetail.pending":
    "This record is not anchored yet; verification completes once its batch is anchored.",
  "verify.checks": "Checks",
  "verify.check.record_hash": "Record hash",
  "verify.check.receipt_signature": "Receipt signature",
  "verify.check.merkle_proof": "Merkle inclusion proof",
  "verify.check.chain_root": "On-chain root",
  "verify.summary.record_hash.ok": "The hash recomputed from the record's fields matches the one recorded",
  "verify.summary.record_hash.bad":
    "The hash recomputed from the record's fields differs: the record was altered after it was written",
  "verify.summary.receipt_signature.ok":
    "The enclave's signature is valid and the record matches the signed receipt",
  "verify.summary.receipt_signature.bad":
    "The receipt signature is invalid, or the record differs from the enclave's signed receipt",
  "verify.summary.merkle_proof.ok":
    "The record's leaf proves into the on-chain root (checked here and by the contract)",
  "verify.summary.merkle_proof.bad": "The record's leaf does not prove into the on-chain root",
  "verify.summary.chain_root.ok":
    "The batch root read from the chain equals the root rebuilt from the batch's records",
  "verify.summary.chain_root.bad":
    "The batch root on chain differs from the rebuilt root, or the batch is not on chain",
  "verify.ok": "Passed",
  "verify.notOk": "Failed",
  "verify.anchor": "On-chain anchor",
  "verify.anchorNone": "Not anchored yet.",
  "verify.batchId": "Batch ID",
  "verify.root": "Merkle root",
  "verify.txHash": "Transaction hash",
  "verify.blockNumber": "Block",
  "verify.contractAddress": "Contract address",
  "verify.chainId": "Chain ID",
  "verify.anchoredAt": "Anchored at",
  "verify.record": "Record fields",
  "verify.receiptJson": "Job receipt (JSON)",
  "verify.backToList": "Back to the records",

  // Areas (web/lib/i18n/areas): one file per area and locale.
  ...datasetsEn,
  ...registrationsEn,
  ...operatorsEn,
  ...authorizationsEn,
  ...demandsEn,
  ...qualityEn,
  ...orgsEn,
  ...trailEn,
  ...vaultEn,
  ...psiEn,
  ...heEn,
  ...mpcEn,
  ...jobsEn,
};
