import { ZodError } from "zod";

/** An expected CLI failure: printed as one line on stderr, exit code 1. */
export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/**
 * Stops the command with a one-line error. Say what was wrong (naming the value) and how to fix it:
 * `fail(\`no wallet ${name} in ${dir}: run \\\`tao wallet list\\\`\`)`.
 */
export function fail(message: string): never {
  throw new CliError(message);
}

/** Exit code of a usage error (commander's: unknown command or option, missing argument or required option). */
export const USAGE_EXIT_CODE = 2;

/**
 * `error.code` of the JSON error under `--json`, stable for scripts: `usage` (the command line itself, exit 2),
 * `failed` (the command checked something and stopped: a bad value, a balance, a revert, no confirmation),
 * `wallet`, `deployment`, `network` (those layers' expected failures), `invalid` (input that failed its schema)
 * and `unexpected` (a bug or an error nobody anticipated; DEBUG=1 shows the stack).
 */
export type ErrorCode = "usage" | "failed" | "wallet" | "deployment" | "network" | "invalid" | "unexpected";

/** Error classes whose messages are written for users (one line, value and fix), with their JSON code. */
const EXPECTED: ReadonlyMap<string, ErrorCode> = new Map([
  ["CliError", "failed"],
  ["WalletError", "wallet"],
  ["DeploymentError", "deployment"],
  ["NetworkError", "network"],
]);

/** Collapses whitespace and newlines so every error is exactly one line. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}

/** The kind of failure `e` is, for the JSON error's `code`. */
export function errorCode(e: unknown): ErrorCode {
  if (e instanceof Error) {
    const expected = EXPECTED.get(e.name);
    if (expected !== undefined) return expected;
  }
  return e instanceof ZodError ? "invalid" : "unexpected";
}

/** The error's one line without the `error: ` prefix (what the JSON error's `message` holds). */
export function errorMessage(e: unknown): string {
  if (e instanceof Error && EXPECTED.has(e.name)) return oneLine(e.message);
  if (e instanceof ZodError) {
    const issue = e.issues[0];
    return `${issue?.path.join(".") || "input"} ${issue?.message ?? "is invalid"}`;
  }
  if (e instanceof Error) {
    const short = (e as { shortMessage?: unknown }).shortMessage;
    const text = typeof short === "string" ? short : e.message;
    return `${oneLine(text)} (unexpected; rerun with DEBUG=1 for the stack trace)`;
  }
  return `${oneLine(String(e))} (unexpected; rerun with DEBUG=1 for the stack trace)`;
}

/**
 * The one line printed for an error. Expected errors print their message; anything else also says it is
 * unexpected and how to get the stack (DEBUG=1). viem errors print their short message, not the long dump.
 */
export function formatError(e: unknown): string {
  return `error: ${errorMessage(e)}`;
}

/** The `--json` form of a failure: one line, `{"error":{"code":"…","message":"…"}}`. */
export function errorJson(code: ErrorCode, message: string): string {
  return JSON.stringify({ error: { code, message } });
}

export function debugEnabled(env: NodeJS.ProcessEnv): boolean {
  return env.DEBUG === "1" || env.DEBUG === "true";
}
