import { describe, expect, it } from "vitest";
import { USER_ROLES } from "../auth/session-user";
import { isDomainError } from "../domain-error";
import {
  DEMAND_ACTIONS,
  DEMAND_STATUSES,
  demandMachine,
  type TDemandAction,
  type TDemandStatus,
} from "./demand-machine";

/** The whole table, written out independently of the machine's definition. */
const EXPECTED: Record<
  TDemandStatus,
  Partial<Record<TDemandAction, { to: TDemandStatus; roles: string[] }>>
> = {
  open: {
    respond: { to: "answered", roles: ["data_source", "operator", "service_agency"] },
    close: { to: "closed", roles: ["buyer"] },
  },
  answered: {
    respond: { to: "answered", roles: ["data_source", "operator", "service_agency"] },
    mark_satisfied: { to: "satisfied", roles: ["buyer"] },
    close: { to: "closed", roles: ["buyer"] },
  },
  satisfied: {},
  closed: {},
};

function outcome(state: TDemandStatus, action: TDemandAction, role: (typeof USER_ROLES)[number]): string {
  try {
    return demandMachine.next(state, action, { role, isOrgAdmin: false });
  } catch (err) {
    if (isDomainError(err)) return err.code;
    throw err;
  }
}

describe("demand state machine", () => {
  for (const state of DEMAND_STATUSES) {
    for (const action of DEMAND_ACTIONS) {
      const rule = EXPECTED[state][action];
      it(`${action} from ${state}: ${rule ? `${rule.roles.join("/")} → ${rule.to}` : "never"}`, () => {
        for (const role of USER_ROLES) {
          const expected = !rule ? "INVALID_STATE" : rule.roles.includes(role) ? rule.to : "FORBIDDEN";
          expect(outcome(state, action, role), role).toBe(expected);
        }
      });
    }
  }

  it("refuses with a message naming the action and the state", () => {
    expect(() =>
      demandMachine.next("closed", "mark_satisfied", { role: "buyer", isOrgAdmin: false }),
    ).toThrow("cannot mark satisfied a demand that is closed");
  });

  it("takes no system transitions", () => {
    for (const state of DEMAND_STATUSES) expect(demandMachine.allowedActions(state, null)).toEqual([]);
  });
});
