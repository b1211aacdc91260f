/**
 * The operator workflows as data: admission of an operator (准入申请) and the standing of an
 * admitted operator (准入后状态). Domain functions ask these machines for the next state; business
 * preconditions (complete dossier, notice period over, own organization) are checked by them.
 */
import { defineStateMachine } from "../workflow/state-machine";

export const APPLICATION_STATES = [
  "draft",
  "submitted",
  "pre_reviewed",
  "expert_reviewed",
  "public_notice",
  "admitted",
  "rejected",
  "withdrawn",
] as const;
export type TApplicationState = (typeof APPLICATION_STATES)[number];

export const APPLICATION_ACTIONS = [
  "submit",
  "withdraw",
  "pre_review",
  "expert_review",
  "approve",
  "admit",
  "reject",
] as const;
export type TApplicationAction = (typeof APPLICATION_ACTIONS)[number];

/** States in which an application is still open (one open application per organization). */
export const OPEN_APPLICATION_STATES = [
  "draft",
  "submitted",
  "pre_reviewed",
  "expert_reviewed",
  "public_notice",
] as const satisfies readonly TApplicationState[];

/** Admission: draft → submitted → pre-review → expert review → approval (public notice) → admitted. */
export const applicationMachine = defineStateMachine("market-entry application", APPLICATION_STATES, [
  { action: "submit", from: ["draft"], to: "submitted", roles: ["operator"] },
  { action: "withdraw", from: ["draft"], to: "withdrawn", roles: ["operator"] },
  { action: "pre_review", from: ["submitted"], to: "pre_reviewed", roles: ["regulator"] },
  { action: "expert_review", from: ["pre_reviewed"], to: "expert_reviewed", roles: ["regulator"] },
  { action: "approve", from: ["expert_reviewed"], to: "public_notice", roles: ["regulator"] },
  { action: "admit", from: ["public_notice"], to: "admitted", roles: ["regulator"] },
  {
    action: "reject",
    from: ["submitted", "pre_reviewed", "expert_reviewed", "public_notice"],
    to: "rejected",
    roles: ["regulator"],
  },
]);

/** Application actions taken by the regulator with a signed approval (ed25519, the signer's own key). */
export const SIGNED_APPLICATION_ACTIONS = ["pre_review", "expert_review", "approve", "reject"] as const;
export type TSignedApplicationAction = (typeof SIGNED_APPLICATION_ACTIONS)[number];

/** The regulator's actions on an application (operators.reviewApplication). */
export const REVIEW_ACTIONS = ["pre_review", "expert_review", "approve", "reject", "admit"] as const;
export type TReviewAction = (typeof REVIEW_ACTIONS)[number];

export function isSignedApplicationAction(action: TApplicationAction): action is TSignedApplicationAction {
  return (SIGNED_APPLICATION_ACTIONS as readonly string[]).includes(action);
}

export const OPERATOR_STATUSES = ["admitted", "rectifying", "suspended", "terminated"] as const;
export type TOperatorStatus = (typeof OPERATOR_STATUSES)[number];

export const OPERATOR_STATUS_ACTIONS = ["rectify", "restore", "suspend", "terminate"] as const;
export type TOperatorStatusAction = (typeof OPERATOR_STATUS_ACTIONS)[number];

/**
 * Standing of an admitted operator. Suspension suspends every active authorization of the
 * operator; restoring from suspension brings back those it suspended; termination revokes them all
 * (authorization-cascade.ts). Terminated is final (the organization may apply again).
 */
export const operatorStatusMachine = defineStateMachine("data operator", OPERATOR_STATUSES, [
  { action: "rectify", from: ["admitted"], to: "rectifying", roles: ["regulator"] },
  { action: "restore", from: ["rectifying", "suspended"], to: "admitted", roles: ["regulator"] },
  { action: "suspend", from: ["admitted", "rectifying"], to: "suspended", roles: ["regulator"] },
  {
    action: "terminate",
    from: ["admitted", "rectifying", "suspended"],
    to: "terminated",
    roles: ["regulator"],
  },
]);

export const ANNUAL_DECISIONS = ["continue", "rectify", "suspend", "terminate"] as const;
export type TAnnualDecision = (typeof ANNUAL_DECISIONS)[number];

/** The operator status an annual evaluation decision leads to. */
export const STATUS_AFTER_DECISION: Record<TAnnualDecision, TOperatorStatus> = {
  continue: "admitted",
  rectify: "rectifying",
  suspend: "suspended",
  terminate: "terminated",
};

/**
 * The status action that takes an operator from `current` to `target`, or null when it is there
 * already. The machine still decides whether that action is allowed from `current`.
 */
export function statusActionTowards(
  current: TOperatorStatus,
  target: TOperatorStatus,
): TOperatorStatusAction | null {
  if (current === target) return null;
  switch (target) {
    case "admitted":
      return "restore";
    case "rectifying":
      return "rectify";
    case "suspended":
      return "suspend";
    case "terminated":
      return "terminate";
  }
}

export const ANNUAL_REPORT_STATES = ["submitted", "evaluated"] as const;
export type TAnnualReportState = (typeof ANNUAL_REPORT_STATES)[number];

/** An annual report is evaluated once, by the regulator. */
export const annualReportMachine = defineStateMachine("annual report", ANNUAL_REPORT_STATES, [
  { action: "evaluate", from: ["submitted"], to: "evaluated", roles: ["regulator"] },
]);
