/**
 * The two operator machines, exhaustively: every (state × action) pair for every role — the
 * allowed role moves to the listed state, other roles are FORBIDDEN, pairs not in the table are
 * INVALID_STATE. Plus the dossier helpers (content hash, missing kinds, document decoding).
 */
import { describe, expect, it } from "vitest";
import { PERMISSION_ROLES, type TPermissionRole } from "../auth/session-user";
import { isDomainError } from "../domain-error";
import {
  applicationContentHash,
  DOSSIER_KINDS,
  decodeDocumentContent,
  MAX_DOCUMENT_BYTES,
  missingDossierKinds,
  missingKindsMessage,
} from "./dossier";
import {
  APPLICATION_ACTIONS,
  APPLICATION_STATES,
  applicationMachine,
  OPERATOR_STATUS_ACTIONS,
  OPERATOR_STATUSES,
  operatorStatusMachine,
  STATUS_AFTER_DECISION,
  statusActionTowards,
} from "./operator-machines";

/** Expected table: "state action" → [next state, role allowed]. */
const APPLICATION_TABLE: Record<string, [string, TPermissionRole]> = {
  "draft submit": ["submitted", "operator"],
  "draft withdraw": ["withdrawn", "operator"],
  "submitted pre_review": ["pre_reviewed", "regulator"],
  "pre_reviewed expert_review": ["expert_reviewed", "regulator"],
  "expert_reviewed approve": ["public_notice", "regulator"],
  "public_notice admit": ["admitted", "regulator"],
  "submitted reject": ["rejected", "regulator"],
  "pre_reviewed reject": ["rejected", "regulator"],
  "expert_reviewed reject": ["rejected", "regulator"],
  "public_notice reject": ["rejected", "regulator"],
};

const STATUS_TABLE: Record<string, [string, TPermissionRole]> = {
  "admitted rectify": ["rectifying", "regulator"],
  "rectifying restore": ["admitted", "regulator"],
  "suspended restore": ["admitted", "regulator"],
  "admitted suspend": ["suspended", "regulator"],
  "rectifying suspend": ["suspended", "regulator"],
  "admitted terminate": ["terminated", "regulator"],
  "rectifying terminate": ["terminated", "regulator"],
  "suspended terminate": ["terminated", "regulator"],
};

/** Every non-admin role as a plain user, plus the org-admin flag on a buyer. */
const ACTORS = PERMISSION_ROLES.filter((r) => r !== "org_admin").map((role) => ({
  role: role as Exclude<TPermissionRole, "org_admin">,
  isOrgAdmin: false,
}));
const ORG_ADMIN_BUYER = { role: "buyer" as const, isOrgAdmin: true };

function outcome(run: () => string): string {
  try {
    return run();
  } catch (err) {
    if (isDomainError(err)) return err.code;
    throw err;
  }
}

describe.each([
  {
    machine: applicationMachine,
    states: APPLICATION_STATES,
    actions: APPLICATION_ACTIONS,
    table: APPLICATION_TABLE,
  },
  {
    machine: operatorStatusMachine,
    states: OPERATOR_STATUSES,
    actions: OPERATOR_STATUS_ACTIONS,
    table: STATUS_TABLE,
  },
] as const)("$machine.name machine", ({ machine, states, actions, table }) => {
  const next = machine.next as (
    s: string,
    a: string,
    actor: { role: string; isOrgAdmin: boolean } | null,
  ) => string;
  for (const state of states) {
    for (const action of actions) {
      const expected = table[`${state} ${action}`];
      if (expected) {
        const [to, allowedRole] = expected;
        it(`${state} -${action}-> ${to} for ${allowedRole} only`, () => {
          for (const actor of ACTORS) {
            const want = actor.role === allowedRole ? to : "FORBIDDEN";
            expect(
              outcome(() => next(state, action, actor as never)),
              `${actor.role}`,
            ).toBe(want);
          }
          expect(outcome(() => next(state, action, ORG_ADMIN_BUYER as never))).toBe("FORBIDDEN");
          // Nothing happens by itself (no system transitions in these machines).
          expect(outcome(() => next(state, action, null))).toBe("FORBIDDEN");
        });
      } else {
        it(`${state} -${action}-> refused as INVALID_STATE for every role`, () => {
          for (const actor of [...ACTORS, ORG_ADMIN_BUYER]) {
            expect(outcome(() => next(state, action, actor as never))).toBe("INVALID_STATE");
          }
        });
      }
    }
  }

  it("lists exactly the table's transitions as allowed actions", () => {
    for (const state of states) {
      for (const actor of ACTORS) {
        const want = actions.filter((a) => table[`${state} ${a}`]?.[1] === actor.role);
        expect(machine.allowedActions(state as never, actor as never)).toEqual(want);
      }
    }
  });
});

describe("annual decisions", () => {
  it("map to the status they name and to the action that gets there", () => {
    expect(STATUS_AFTER_DECISION).toEqual({
      continue: "admitted",
      rectify: "rectifying",
      suspend: "suspended",
      terminate: "terminated",
    });
    expect(statusActionTowards("admitted", "admitted")).toBeNull();
    expect(statusActionTowards("rectifying", "admitted")).toBe("restore");
    expect(statusActionTowards("admitted", "rectifying")).toBe("rectify");
    expect(statusActionTowards("rectifying", "suspended")).toBe("suspend");
    expect(statusActionTowards("suspended", "terminated")).toBe("terminate");
  });
});

describe("dossier", () => {
  const statement = { businessScope: "x", securityOfficer: "y", contactPhone: "12345", qualifications: "" };

  it("hashes the statement and the documents' kinds and hashes, in any order", () => {
    const a = { kind: "audit_report", sha256: "a".repeat(64) };
    const b = { kind: "emergency_plan", sha256: "b".repeat(64) };
    expect(applicationContentHash(statement, [a, b])).toBe(applicationContentHash(statement, [b, a]));
    expect(applicationContentHash(statement, [a, b])).not.toBe(
      applicationContentHash(statement, [a, { ...b, sha256: "c".repeat(64) }]),
    );
    expect(applicationContentHash(statement, [a])).not.toBe(
      applicationContentHash({ ...statement, qualifications: "ISO" }, [a]),
    );
  });

  it("names the missing kinds in both languages", () => {
    expect(missingDossierKinds(["audit_report", "emergency_plan"])).toEqual([
      "financial_statements",
      "security_commitment",
      "risk_self_assessment",
    ]);
    expect(missingDossierKinds(DOSSIER_KINDS)).toEqual([]);
    expect(missingKindsMessage(["financial_statements", "emergency_plan"])).toBe(
      "申请材料不全，缺少：财务报表、应急预案 / the dossier is incomplete, missing: financial statements (financial_statements), emergency plan (emergency_plan)",
    );
  });

  it("decodes valid documents and refuses bad base64, empty, oversize and mislabelled content", () => {
    const text = Buffer.from("审计报告\n", "utf8");
    expect(decodeDocumentContent(text.toString("base64"), "text/plain").equals(text)).toBe(true);
    const pdf = Buffer.from("%PDF-1.7\n%%EOF\n");
    expect(decodeDocumentContent(pdf.toString("base64"), "application/pdf").equals(pdf)).toBe(true);

    const code = (b64: string, type: Parameters<typeof decodeDocumentContent>[1]) =>
      outcome(() => decodeDocumentContent(b64, type).toString("hex"));
    expect(code("not base64!", "text/plain")).toBe("INVALID_INPUT");
    expect(code("QUJD=", "text/plain")).toBe("INVALID_INPUT"); // length not a multiple of 4
    expect(code("", "text/plain")).toBe("INVALID_INPUT");
    expect(code(text.toString("base64"), "application/pdf")).toBe("INVALID_INPUT");
    expect(code(Buffer.from([0xff, 0xfe, 0x00]).toString("base64"), "text/plain")).toBe("INVALID_INPUT");
    const oversize = Buffer.alloc(MAX_DOCUMENT_BYTES + 1, 0x41).toString("base64");
    expect(() => decodeDocumentContent(oversize, "text/plain")).toThrow(/5 MB/);
    const atLimit = Buffer.alloc(MAX_DOCUMENT_BYTES, 0x41);
    expect(decodeDocumentContent(atLimit.toString("base64"), "text/plain").length).toBe(MAX_DOCUMENT_BYTES);
  });
});
