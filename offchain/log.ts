/**
 * One logger factory for every off-chain worker: pino, JSON lines, one `component` field per module.
 *
 * - Level: the `level` option, else `LOG_LEVEL`, else `info`.
 * - `LOG_PRETTY=1` (or `pretty: true`) renders human-readable lines through pino-pretty (a dev dependency).
 * - Logs go to stdout by default; pass `destination: 2` to keep stdout free for machine output.
 */
import { pino, type DestinationStream, type Logger } from "pino";

export type { Logger };

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerOptions {
  level?: LogLevel;
  pretty?: boolean;
  /** File descriptor (1 = stdout, 2 = stderr) or any pino destination stream. */
  destination?: 1 | 2 | DestinationStream;
}

function levelFromEnv(): LogLevel {
  const raw = process.env.LOG_LEVEL?.trim().toLowerCase();
  if (raw === undefined || raw === "") return "info";
  if ((LOG_LEVELS as readonly string[]).includes(raw)) return raw as LogLevel;
  throw new Error(`LOG_LEVEL=${JSON.stringify(raw)} is not a log level: use one of ${LOG_LEVELS.join(", ")}`);
}

/** A root logger for a worker process; `name` becomes the `name` field of every line. */
export function createLogger(name: string, options: LoggerOptions = {}): Logger {
  const level = options.level ?? levelFromEnv();
  const pretty = options.pretty ?? process.env.LOG_PRETTY === "1";
  const base = { name, level, base: { name, pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime };
  if (pretty) {
    const fd = typeof options.destination === "number" ? options.destination : 1;
    return pino({ ...base, transport: { target: "pino-pretty", options: { destination: fd, colorize: true } } });
  }
  const destination = options.destination ?? 1;
  const stream = typeof destination === "number" ? pino.destination({ dest: destination, sync: false }) : destination;
  return pino(base, stream);
}

/** A logger that drops everything: the default for libraries and tests. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
