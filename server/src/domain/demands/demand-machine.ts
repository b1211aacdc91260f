/**
 * The demand (需求) lifecycle. A buyer posts a demand (open); the first response from a data
 * source, operator or service agency makes it answered (later responses keep it answered); the
 * posting buyer either marks one response as satisfying it (satisfied) or closes it (closed).
 * Both end states are final. Which organization may act (the posting buyer only) is checked by
 * the domain functions in demands.ts.
 */
import type { TPermissionRole } from "../auth/session-user";
import { defineStateMachine } from "../workflow/state-machine";

export const DEMAND_STATUSES = ["open", "answered", "satisfied", "closed"] as const;
export type TDemandStatus = (typeof DEMAND_STATUSES)[number];

export const DEMAND_ACTIONS = ["respond", "mark_satisfied", "close"] as const;
export type TDemandAction = (typeof DEMAND_ACTIONS)[number];

/** Roles that may answer a demand (the supply side). */
export const DEMAND_RESPONDER_ROLES = [
  "data_source",
  "operator",
  "service_agency",
] as const satisfies readonly TPermissionRole[];

export const demandMachine = defineStateMachine<TDemandStatus, TDemandAction>("demand", DEMAND_STATUSES, [
  { action: "respond", from: ["open", "answered"], to: "answered", roles: DEMAND_RESPONDER_ROLES },
  { action: "mark_satisfied", from: ["answered"], to: "satisfied", roles: ["buyer"] },
  { action: "close", from: ["open", "answered"], to: "closed", roles: ["buyer"] },
]);
