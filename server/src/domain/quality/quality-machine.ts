/**
 * The data-quality loop (发现-反馈-整改-评价) as a state machine. A report is routed to the
 * dataset's source department (reported); the source acknowledges it (rectifying), rectifies it
 * with a note (rectified); the reporter's organization verifies the fix with a score (verified,
 * final) or reopens it with a reason (reopened), after which the source acknowledges it again.
 * Reporters may hold any role, so verify and reopen are open to every role here; that the actor
 * belongs to the reporting organization, and acknowledge/rectify to the source department, is
 * checked by quality-issues.ts.
 */
import { USER_ROLES } from "../auth/session-user";
import { defineStateMachine } from "../workflow/state-machine";

export const QUALITY_STATUSES = ["reported", "rectifying", "rectified", "verified", "reopened"] as const;
export type TQualityStatus = (typeof QUALITY_STATUSES)[number];

export const QUALITY_ACTIONS = ["acknowledge", "rectify", "verify", "reopen"] as const;
export type TQualityAction = (typeof QUALITY_ACTIONS)[number];

export const QUALITY_CATEGORIES = ["accuracy", "completeness", "timeliness", "consistency", "other"] as const;
export type TQualityCategory = (typeof QUALITY_CATEGORIES)[number];

/** States in which the issue waits for the source department. */
export const QUALITY_OPEN_STATUSES = [
  "reported",
  "reopened",
  "rectifying",
] as const satisfies readonly TQualityStatus[];

export const qualityMachine = defineStateMachine<TQualityStatus, TQualityAction>(
  "quality issue",
  QUALITY_STATUSES,
  [
    { action: "acknowledge", from: ["reported", "reopened"], to: "rectifying", roles: ["data_source"] },
    { action: "rectify", from: ["rectifying"], to: "rectified", roles: ["data_source"] },
    { action: "verify", from: ["rectified"], to: "verified", roles: USER_ROLES },
    { action: "reopen", from: ["rectified"], to: "reopened", roles: USER_ROLES },
  ],
);
