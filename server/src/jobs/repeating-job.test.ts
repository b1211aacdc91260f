import { describe, expect, it } from "vitest";
import { startRepeatingJob } from "./repeating-job";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("startRepeatingJob", () => {
  it("never runs two ticks at once, keeps going after a failing tick, and stop waits for the tick in flight", async () => {
    let running = 0;
    let maxRunning = 0;
    let ticks = 0;
    const job = startRepeatingJob(5, async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await sleep(15);
      ticks++;
      running--;
      if (ticks === 1) throw new Error("first tick fails");
    });
    await Promise.all([job.tickNow(), job.tickNow(), job.tickNow()]);
    await sleep(60);
    await job.stop();
    expect(maxRunning).toBe(1);
    expect(ticks).toBeGreaterThanOrEqual(4);
    expect(running).toBe(0);
    const after = ticks;
    await sleep(40);
    expect(ticks).toBe(after);
  });
});
