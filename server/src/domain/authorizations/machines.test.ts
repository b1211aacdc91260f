/**
 * The scenario and authorization machines against tables written out here independently: every
 * state × action × actor (each role, an org admin of another role, and the system) either moves
 * to the listed state or is refused with INVALID_STATE (not from this state) or FORBIDDEN (not
 * this actor).
 */
import { describe, expect, it } from "vitest";
import { USER_ROLES } from "../auth/session-user";
import { isDomainError } from "../domain-error";
import type { TActor } from "../workflow/state-machine";
import { AUTHORIZATION_STATES, authorizationMachine, SCENARIO_STATES, scenarioMachine } from "./machines";

type TActorName = (typeof USER_ROLES)[number] | "system";
const ACTORS: TActorName[] = [...USER_ROLES, "system"];
const actorOf = (name: TActorName, isOrgAdmin = false): TActor =>
  name === "system" ? null : { role: name, isOrgAdmin };

/** action → { from-state: [to-state, actors allowed] } */
const SCENARIO_TABLE: Record<string, Record<string, [string, TActorName[]]>> = {
  file: { draft: ["filed", ["operator"]] },
  accept: { filed: ["accepted", ["regulator"]] },
  reject: { filed: ["rejected", ["regulator"]] },
  withdraw: { draft: ["withdrawn", ["operator"]] },
};

const AUTHORIZATION_TABLE: Record<string, Record<string, [string, TActorName[]]>> = {
  approve: { pending_approval: ["pending_approval", ["data_source", "regulator"]] },
  activate: { pending_approval: ["active", ["system"]] },
  reject: { pending_approval: ["rejected", ["data_source", "regulator"]] },
  suspend: { active: ["suspended", ["regulator"]] },
  resume: { suspended: ["active", ["regulator"]] },
  revoke: { active: ["revoked", ["regulator"]], suspended: ["revoked", ["regulator"]] },
  expire: { active: ["expired", ["system"]], suspended: ["expired", ["system"]] },
};

function outcome(run: () => string): string {
  try {
    return `-> ${run()}`;
  } catch (err) {
    if (isDomainError(err)) return err.code;
    throw err;
  }
}

function checkMachine(
  machine: typeof scenarioMachine | typeof authorizationMachine,
  states: readonly string[],
  table: Record<string, Record<string, [string, TActorName[]]>>,
) {
  expect([...machine.actions].sort()).toEqual(Object.keys(table).sort());
  let allowed = 0;
  for (const state of states) {
    for (const action of Object.keys(table)) {
      for (const actor of ACTORS) {
        for (const isOrgAdmin of actor === "system" ? [false] : [false, true]) {
          const row = table[action]?.[state];
          const expected = !row ? "INVALID_STATE" : row[1].includes(actor) ? `-> ${row[0]}` : "FORBIDDEN";
          const got = outcome(() =>
            (machine.next as (s: string, a: string, x: TActor) => string)(
              state,
              action,
              actorOf(actor, isOrgAdmin),
            ),
          );
          expect(
            got,
            `${machine.name}: ${action} from ${state} by ${actor}${isOrgAdmin ? " (org admin)" : ""}`,
          ).toBe(expected);
          if (expected.startsWith("->")) allowed++;
        }
      }
    }
  }
  return allowed;
}

describe("scenario machine", () => {
  it("allows exactly the table's transitions, for exactly the table's actors", () => {
    // file, accept, reject, withdraw: one actor each, with and without org admin.
    expect(checkMachine(scenarioMachine, SCENARIO_STATES, SCENARIO_TABLE)).toBe(8);
  });

  it("names the action and state when refusing", () => {
    expect(() => scenarioMachine.next("accepted", "file", { role: "operator", isOrgAdmin: false })).toThrow(
      "cannot file a scenario that is accepted",
    );
    expect(() => scenarioMachine.next("filed", "accept", { role: "operator", isOrgAdmin: true })).toThrow(
      "your role may not accept a scenario",
    );
  });

  it("offers the UI the actions each actor may take", () => {
    expect(scenarioMachine.allowedActions("draft", { role: "operator", isOrgAdmin: false })).toEqual([
      "file",
      "withdraw",
    ]);
    expect(scenarioMachine.allowedActions("filed", { role: "regulator", isOrgAdmin: false })).toEqual([
      "accept",
      "reject",
    ]);
    for (const state of ["accepted", "rejected", "withdrawn"] as const) {
      for (const role of USER_ROLES)
        expect(scenarioMachine.allowedActions(state, { role, isOrgAdmin: true })).toEqual([]);
    }
  });
});

describe("authorization machine", () => {
  it("allows exactly the table's transitions, for exactly the table's actors", () => {
    // approve 2 roles, reject 2, suspend 1, resume 1, revoke 2 states × 1 — each ×2 (org admin);
    // activate 1 and expire 2 for the system.
    expect(checkMachine(authorizationMachine, AUTHORIZATION_STATES, AUTHORIZATION_TABLE)).toBe(
      (2 + 2 + 1 + 1 + 2) * 2 + 1 + 2,
    );
  });

  it("has final states nobody can leave", () => {
    for (const state of ["revoked", "expired", "rejected"] as const) {
      expect(authorizationMachine.allowedActions(state, null)).toEqual([]);
      for (const role of USER_ROLES)
        expect(authorizationMachine.allowedActions(state, { role, isOrgAdmin: true })).toEqual([]);
    }
  });
});
