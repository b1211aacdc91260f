/**
 * Child-process supervision for the launcher and test harnesses: each child runs in its own
 * process group, its output is prefixed with its name, and stopAll() ends them in reverse start
 * order (SIGTERM, then SIGKILL after a grace period).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

export interface TChild {
  name: string;
  proc: ChildProcess;
  /** Resolves with the first stdout/stderr line matching `re`; rejects if the child exits first or on timeout. */
  waitForLine(re: RegExp, timeoutMs: number): Promise<string>;
  exited: Promise<number | null>;
}

export class Supervisor {
  private readonly children: TChild[] = [];
  private stopping = false;
  /** Called when a child exits while the supervisor is not stopping. */
  onUnexpectedExit: (child: TChild, code: number | null) => void = () => {};

  constructor(private readonly quiet = false) {}

  start(
    name: string,
    command: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    cwd?: string,
    opts: { echo?: boolean } = {},
  ): TChild {
    const proc = spawn(command, args, { env, cwd, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    const listeners = new Set<(line: string) => void>();
    const color = [36, 35, 33, 32, 34, 31][this.children.length % 6];
    for (const stream of [proc.stdout!, proc.stderr!]) {
      createInterface({ input: stream }).on("line", (line) => {
        if (!this.quiet && opts.echo !== false)
          process.stdout.write(`\x1b[${color}m[${name}]\x1b[0m ${line}\n`);
        for (const l of listeners) l(line);
      });
    }
    const exited = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
    const child: TChild = {
      name,
      proc,
      exited,
      waitForLine(re, timeoutMs) {
        return new Promise((resolve, reject) => {
          const timer = setTimeout(() => {
            listeners.delete(onLine);
            reject(new Error(`${name} did not become ready within ${Math.round(timeoutMs / 1000)} s`));
          }, timeoutMs);
          const onLine = (line: string) => {
            if (re.test(line)) {
              clearTimeout(timer);
              listeners.delete(onLine);
              resolve(line);
            }
          };
          listeners.add(onLine);
          exited.then((code) => {
            clearTimeout(timer);
            listeners.delete(onLine);
            reject(new Error(`${name} exited (code ${code}) before it was ready`));
          });
        });
      },
    };
    exited.then((code) => {
      if (!this.stopping) this.onUnexpectedExit(child, code);
    });
    this.children.push(child);
    return child;
  }

  /** Stops every child, newest first. */
  async stopAll(graceMs = 8000): Promise<void> {
    this.stopping = true;
    for (const child of [...this.children].reverse()) {
      if (child.proc.exitCode !== null || child.proc.signalCode !== null) continue;
      try {
        process.kill(-child.proc.pid!, "SIGTERM");
      } catch {
        continue;
      }
      const killed = await Promise.race([
        child.exited.then(() => false),
        new Promise<boolean>((r) => setTimeout(() => r(true), graceMs)),
      ]);
      if (killed) {
        try {
          process.kill(-child.proc.pid!, "SIGKILL");
        } catch {}
      }
    }
  }
}
