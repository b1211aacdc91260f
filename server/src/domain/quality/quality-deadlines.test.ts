import { describe, expect, it } from "vitest";
import {
  ACKNOWLEDGE_WITHIN_DAYS,
  dueTimesFrom,
  overdueFlagsOf,
  RECTIFY_WITHIN_DAYS,
} from "./quality-deadlines";
import { QUALITY_STATUSES, type TQualityStatus } from "./quality-machine";

const DAY = 24 * 60 * 60 * 1000;
const reported = new Date("2026-03-02T09:00:00.000Z");
const due = dueTimesFrom(reported);
const flags = (status: TQualityStatus, at: number) => overdueFlagsOf({ status, ...due }, new Date(at));

describe("quality deadlines", () => {
  it("are 2 and 10 calendar days after the report", () => {
    expect(ACKNOWLEDGE_WITHIN_DAYS).toBe(2);
    expect(RECTIFY_WITHIN_DAYS).toBe(10);
    expect(due.acknowledgeDueAt.toISOString()).toBe("2026-03-04T09:00:00.000Z");
    expect(due.rectifyDueAt.toISOString()).toBe("2026-03-12T09:00:00.000Z");
  });

  it("flip to overdue only once the clock is past the due time", () => {
    const ack = due.acknowledgeDueAt.getTime();
    const rect = due.rectifyDueAt.getTime();
    expect(flags("reported", ack)).toEqual({ acknowledgeOverdue: false, rectifyOverdue: false });
    expect(flags("reported", ack + 1)).toEqual({ acknowledgeOverdue: true, rectifyOverdue: false });
    expect(flags("reported", rect + 1)).toEqual({ acknowledgeOverdue: true, rectifyOverdue: true });
    expect(flags("reopened", ack + 1)).toEqual({ acknowledgeOverdue: true, rectifyOverdue: false });
    expect(flags("rectifying", ack + 1)).toEqual({ acknowledgeOverdue: false, rectifyOverdue: false });
    expect(flags("rectifying", rect)).toEqual({ acknowledgeOverdue: false, rectifyOverdue: false });
    expect(flags("rectifying", rect + 1)).toEqual({ acknowledgeOverdue: false, rectifyOverdue: true });
  });

  it("never flag an issue that waits for the reporter or is done", () => {
    const late = reported.getTime() + 100 * DAY;
    for (const status of QUALITY_STATUSES) {
      if (status === "rectified" || status === "verified") {
        expect(flags(status, late)).toEqual({ acknowledgeOverdue: false, rectifyOverdue: false });
      }
    }
  });
});
