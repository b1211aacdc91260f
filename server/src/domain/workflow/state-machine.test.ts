import { describe, expect, it } from "vitest";
import { isDomainError } from "../domain-error";
import { defineStateMachine } from "./state-machine";

const machine = defineStateMachine(
  "ticket",
  ["open", "closed", "archived"],
  [
    { action: "close", from: ["open"], to: "closed", roles: ["regulator"] },
    { action: "reopen", from: ["closed"], to: "open", roles: ["regulator", "org_admin"] },
    { action: "archive", from: ["closed"], to: "archived", roles: [] },
  ],
);
const regulator = { role: "regulator", isOrgAdmin: false } as const;
const buyer = { role: "buyer", isOrgAdmin: false } as const;
const buyerAdmin = { role: "buyer", isOrgAdmin: true } as const;

describe("defineStateMachine", () => {
  it("moves along allowed transitions for allowed roles", () => {
    expect(machine.next("open", "close", regulator)).toBe("closed");
    expect(machine.next("closed", "reopen", buyerAdmin)).toBe("open");
    expect(machine.next("closed", "archive", null)).toBe("archived");
  });

  it("refuses a transition not allowed from the state with INVALID_STATE naming both", () => {
    let err: unknown;
    try {
      machine.next("archived", "reopen", regulator);
    } catch (e) {
      err = e;
    }
    expect(isDomainError(err, "INVALID_STATE")).toBe(true);
    expect((err as Error).message).toBe("cannot reopen a ticket that is archived");
  });

  it("refuses a role not listed with FORBIDDEN, and users may not take system transitions", () => {
    expect(() => machine.next("open", "close", buyer)).toThrow("your role may not close a ticket");
    expect(() => machine.next("closed", "archive", regulator)).toThrow(/may not archive/);
    expect(() => machine.next("open", "close", null)).toThrow(/may not close/);
  });

  it("lists the actions an actor may take", () => {
    expect(machine.allowedActions("closed", regulator)).toEqual(["reopen"]);
    expect(machine.allowedActions("closed", null)).toEqual(["archive"]);
    expect(machine.allowedActions("open", buyer)).toEqual([]);
  });

  it("refuses ambiguous or inconsistent tables at definition time", () => {
    expect(() =>
      defineStateMachine("x", ["a", "b"], [{ action: "go", from: ["a"], to: "c" as "b", roles: [] }]),
    ).toThrow("x: transition go names unknown state c");
    expect(() =>
      defineStateMachine(
        "x",
        ["a", "b"],
        [
          { action: "go", from: ["a"], to: "b", roles: [] },
          { action: "go", from: ["a"], to: "a", roles: [] },
        ],
      ),
    ).toThrow("x: two transitions for go from a");
  });
});
