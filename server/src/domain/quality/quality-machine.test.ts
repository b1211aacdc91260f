import { describe, expect, it } from "vitest";
import { USER_ROLES } from "../auth/session-user";
import { isDomainError } from "../domain-error";
import {
  QUALITY_ACTIONS,
  QUALITY_STATUSES,
  qualityMachine,
  type TQualityAction,
  type TQualityStatus,
} from "./quality-machine";

const EVERY_ROLE = [...USER_ROLES];
/** The whole table, written out independently of the machine's definition. */
const EXPECTED: Record<
  TQualityStatus,
  Partial<Record<TQualityAction, { to: TQualityStatus; roles: string[] }>>
> = {
  reported: { acknowledge: { to: "rectifying", roles: ["data_source"] } },
  rectifying: { rectify: { to: "rectified", roles: ["data_source"] } },
  rectified: {
    verify: { to: "verified", roles: EVERY_ROLE },
    reopen: { to: "reopened", roles: EVERY_ROLE },
  },
  verified: {},
  reopened: { acknowledge: { to: "rectifying", roles: ["data_source"] } },
};

function outcome(state: TQualityStatus, action: TQualityAction, role: (typeof USER_ROLES)[number]): string {
  try {
    return qualityMachine.next(state, action, { role, isOrgAdmin: false });
  } catch (err) {
    if (isDomainError(err)) return err.code;
    throw err;
  }
}

describe("quality issue state machine", () => {
  for (const state of QUALITY_STATUSES) {
    for (const action of QUALITY_ACTIONS) {
      const rule = EXPECTED[state][action];
      it(`${action} from ${state}: ${rule ? `${rule.roles.length === EVERY_ROLE.length ? "any role" : rule.roles.join("/")} → ${rule.to}` : "never"}`, () => {
        for (const role of USER_ROLES) {
          const expected = !rule ? "INVALID_STATE" : rule.roles.includes(role) ? rule.to : "FORBIDDEN";
          expect(outcome(state, action, role), role).toBe(expected);
        }
      });
    }
  }

  it("refuses with a message naming the action and the state", () => {
    expect(() => qualityMachine.next("verified", "reopen", { role: "buyer", isOrgAdmin: false })).toThrow(
      "cannot reopen a quality issue that is verified",
    );
  });

  it("takes no system transitions", () => {
    for (const state of QUALITY_STATUSES) expect(qualityMachine.allowedActions(state, null)).toEqual([]);
  });
});
