import pino, { type Logger } from "pino";

/**
 * One JSON line per event. On a terminal (or LOG_FORMAT=pretty) the lines are
 * pretty-printed so a person running `npm start` can read them.
 */
function makeLogger(): Logger {
  const pretty = process.env.LOG_FORMAT ? process.env.LOG_FORMAT === "pretty" : Boolean(process.stdout.isTTY);
  const level = process.env.LOG_LEVEL ?? "info";
  if (pretty) {
    return pino({
      level,
      transport: { target: "pino-pretty", options: { colorize: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" } },
    });
  }
  return pino({ level });
}

const g = globalThis as unknown as { __bulwarkLogger?: Logger };
export const log: Logger = g.__bulwarkLogger ?? (g.__bulwarkLogger = makeLogger());
