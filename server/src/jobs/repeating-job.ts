/**
 * The scheduling every server timer shares: run `tick` every `intervalMs`, never two at once
 * (a tick waits for the one in flight), and let `stop` wait for the last one to finish. `tick`
 * handles its own errors; one that escapes is swallowed so the schedule goes on.
 */
export interface TRepeatingJob {
  /** Runs one tick now (after a tick in flight); resolves when it is done. */
  tickNow(): Promise<void>;
  /** Stops scheduling and waits for a tick in flight to finish. */
  stop(): Promise<void>;
}

/** Starts the job; the first tick runs after `intervalMs`. */
export function startRepeatingJob(intervalMs: number, tick: () => Promise<void>): TRepeatingJob {
  let stopped = false;
  let timeout: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();

  const runTick = () => {
    inFlight = inFlight.then(tick).catch(() => {});
    return inFlight;
  };
  const schedule = () => {
    if (stopped) return;
    timeout = setTimeout(async () => {
      await runTick();
      schedule();
    }, intervalMs);
  };
  schedule();

  return {
    tickNow: runTick,
    async stop() {
      stopped = true;
      if (timeout) clearTimeout(timeout);
      await inFlight;
    },
  };
}
