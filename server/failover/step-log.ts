import type { Sql } from "postgres";
import { log as logger } from "../log";

/**
 * A step's live log: lines and commands are buffered and written at most
 * every `flushMs` (a chatty step must not cost a round trip per line), in
 * order, and once more when the step ends.
 */
export class StepLog {
  private lines: { at: string; msg: string }[] = [];
  private commands: string[] = [];
  private dirtyCommand = false;
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly sql: Sql,
    private readonly stepId: string,
    private readonly flushMs: number,
    existingCommand: string | null,
  ) {
    if (existingCommand) this.commands.push(existingCommand);
  }

  log = (msg: string): void => {
    this.lines.push({ at: new Date().toISOString(), msg: msg.slice(0, 4000) });
    this.schedule();
  };

  command = (text: string): void => {
    this.commands.push(text.slice(0, 4000));
    this.dirtyCommand = true;
    this.schedule();
  };

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.flushMs);
  }

  /** Writes what is buffered; the returned promise settles after every earlier flush. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const lines = this.lines;
    const command = this.dirtyCommand ? this.commands.join("\n") : null;
    this.lines = [];
    this.dirtyCommand = false;
    if (!lines.length && command === null) return this.chain;
    this.chain = this.chain.then(async () => {
      try {
        await this.sql`
          update operation_steps set logs = logs || ${JSON.stringify(lines)}::text::jsonb, command = coalesce(${command}, command)
          where id = ${this.stepId}`;
      } catch (err) {
        logger.warn({ err, stepId: this.stepId }, "could not write step log lines");
      }
    });
    return this.chain;
  }
}
