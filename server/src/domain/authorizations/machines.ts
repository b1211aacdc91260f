/**
 * The two state machines of 无场景不授权 (no scenario, no authorization), as data.
 *
 * Scenario: an operator drafts and files it; the regulator accepts or rejects it.
 * Authorization: created by the operator from an accepted scenario; every required step (each
 * source department of the scope, then the regulator's) approves it with a signature; the last
 * approval activates it (the system's `activate`, recorded on chain); the regulator suspends,
 * resumes and revokes it; the timer expires it at the end of its term.
 */
import { defineStateMachine } from "../workflow/state-machine";

export const SCENARIO_STATES = ["draft", "filed", "accepted", "rejected", "withdrawn"] as const;
export type TScenarioStatus = (typeof SCENARIO_STATES)[number];

export const scenarioMachine = defineStateMachine("scenario", SCENARIO_STATES, [
  { action: "file", from: ["draft"], to: "filed", roles: ["operator"] },
  { action: "accept", from: ["filed"], to: "accepted", roles: ["regulator"] },
  { action: "reject", from: ["filed"], to: "rejected", roles: ["regulator"] },
  { action: "withdraw", from: ["draft"], to: "withdrawn", roles: ["operator"] },
]);
export type TScenarioAction = (typeof scenarioMachine.actions)[number];

export const AUTHORIZATION_STATES = [
  "pending_approval",
  "active",
  "suspended",
  "revoked",
  "expired",
  "rejected",
] as const;
export type TAuthorizationStatus = (typeof AUTHORIZATION_STATES)[number];

export const authorizationMachine = defineStateMachine("authorization", AUTHORIZATION_STATES, [
  // One required step approved; the authorization stays pending until every step is.
  {
    action: "approve",
    from: ["pending_approval"],
    to: "pending_approval",
    roles: ["data_source", "regulator"],
  },
  // Taken by the system when the last required step has been approved.
  { action: "activate", from: ["pending_approval"], to: "active", roles: [] },
  { action: "reject", from: ["pending_approval"], to: "rejected", roles: ["data_source", "regulator"] },
  { action: "suspend", from: ["active"], to: "suspended", roles: ["regulator"] },
  { action: "resume", from: ["suspended"], to: "active", roles: ["regulator"] },
  { action: "revoke", from: ["active", "suspended"], to: "revoked", roles: ["regulator"] },
  { action: "expire", from: ["active", "suspended"], to: "expired", roles: [] },
]);
export type TAuthorizationAction = (typeof authorizationMachine.actions)[number];

/** Statuses the chain knows (AuthorizationRegistry); expiry needs none, the chain checks the term. */
export const CHAIN_STATUS_OF: Partial<Record<TAuthorizationStatus, "active" | "suspended" | "revoked">> = {
  active: "active",
  suspended: "suspended",
  revoked: "revoked",
};
