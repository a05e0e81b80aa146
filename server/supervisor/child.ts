import { type ChildProcess, spawn } from "node:child_process";
import type { Logger } from "pino";

/**
 * A child role (web or worker) that is restarted with back-off when it dies
 * unexpectedly, and stopped with SIGTERM (then SIGKILL after a deadline).
 */
export class Child {
  proc: ChildProcess | null = null;
  private stopping = false;
  private failures = 0;
  private startedAt = 0;
  private restartTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly name: string,
    private readonly args: string[],
    private readonly env: NodeJS.ProcessEnv,
    private readonly cwd: string,
    private readonly log: Logger,
    private readonly onChange: () => void = () => undefined,
  ) {}

  start(): void {
    this.startedAt = Date.now();
    const proc = spawn(process.execPath, ["--import", "tsx", ...this.args], { env: this.env, cwd: this.cwd, stdio: "inherit" });
    this.proc = proc;
    this.onChange();
    proc.on("exit", (code, signal) => {
      this.proc = null;
      this.onChange();
      if (this.stopping) return;
      if (Date.now() - this.startedAt > 60_000) this.failures = 0;
      this.failures += 1;
      const delay = Math.min(30_000, 1000 * 2 ** (this.failures - 1));
      this.log.error({ child: this.name, code, signal, restartInMs: delay }, `${this.name} exited unexpectedly; restarting`);
      this.restartTimer = setTimeout(() => this.start(), delay);
    });
  }

  async stop(deadlineMs = 10_000): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
    proc.kill("SIGTERM");
    const timer = setTimeout(() => {
      this.log.warn({ child: this.name }, `${this.name} did not stop in time; killing`);
      proc.kill("SIGKILL");
    }, deadlineMs);
    await exited;
    clearTimeout(timer);
  }
}
