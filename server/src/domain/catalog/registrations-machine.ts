/**
 * The dataset-registration lifecycle (目录登记) as a state machine, exactly as the design lists
 * it. The machine knows states, actions and roles; the domain functions in registrations.ts add
 * the business preconditions (the caller's department owns the dataset, the notice period is
 * over, only corrections skip the public notice).
 */
import { defineStateMachine } from "../workflow/state-machine";

export const REGISTRATION_STATES = [
  "draft",
  "submitted",
  "accepted",
  "reviewed",
  "public_notice",
  "coded",
  "returned",
  "rejected",
  "withdrawn",
  "superseded",
  "deregistered",
  "expired",
] as const;
export type TRegistrationStatus = (typeof REGISTRATION_STATES)[number];

/** States in which a registration is still being worked on (at most one per dataset). */
export const OPEN_REGISTRATION_STATES = [
  "draft",
  "submitted",
  "accepted",
  "reviewed",
  "public_notice",
  "returned",
] as const satisfies readonly TRegistrationStatus[];

/** States in which the source department may still edit the entry. */
export const EDITABLE_REGISTRATION_STATES = [
  "draft",
  "returned",
] as const satisfies readonly TRegistrationStatus[];

export const REGISTRATION_KINDS = ["initial", "change", "correction"] as const;
export type TRegistrationKind = (typeof REGISTRATION_KINDS)[number];

export const registrationMachine = defineStateMachine("dataset registration", REGISTRATION_STATES, [
  { action: "submit", from: ["draft", "returned"], to: "submitted", roles: ["data_source"] },
  { action: "withdraw", from: ["draft", "returned"], to: "withdrawn", roles: ["data_source"] },
  { action: "accept", from: ["submitted"], to: "accepted", roles: ["regulator"] },
  { action: "return", from: ["submitted"], to: "returned", roles: ["regulator"] },
  { action: "review", from: ["accepted"], to: "reviewed", roles: ["regulator"] },
  { action: "reject", from: ["accepted"], to: "rejected", roles: ["regulator"] },
  { action: "publish_notice", from: ["reviewed"], to: "public_notice", roles: ["regulator"] },
  // From "reviewed" only for corrections (checked by codeRegistration): they skip the notice.
  { action: "code", from: ["public_notice", "reviewed"], to: "coded", roles: ["regulator"] },
  { action: "object", from: ["public_notice"], to: "returned", roles: ["regulator"] },
  { action: "deregister", from: ["coded"], to: "deregistered", roles: ["regulator"] },
  // System transitions (no roles): the expiry timer, and coding a newer registration.
  { action: "expire", from: ["coded"], to: "expired", roles: [] },
  { action: "supersede", from: ["coded"], to: "superseded", roles: [] },
]);

export type TRegistrationAction = (typeof registrationMachine.actions)[number];

/** Every action of the machine, as a tuple for schemas (a test keeps it equal to machine.actions). */
export const REGISTRATION_ACTIONS = [
  "submit",
  "withdraw",
  "accept",
  "return",
  "review",
  "reject",
  "publish_notice",
  "code",
  "object",
  "deregister",
  "expire",
  "supersede",
] as const satisfies readonly TRegistrationAction[];
