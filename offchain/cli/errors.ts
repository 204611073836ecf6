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

/** Error classes whose messages are written for users (one line, value and fix). */
const EXPECTED = new Set(["CliError", "WalletError", "DeploymentError", "NetworkError"]);

/** Collapses whitespace and newlines so every error is exactly one line. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}

/**
 * The one line printed for an error. Expected errors print their message; anything else also says it is
 * unexpected and how to get the stack (DEBUG=1). viem errors print their short message, not the long dump.
 */
export function formatError(e: unknown): string {
  if (e instanceof Error && EXPECTED.has(e.name)) return `error: ${oneLine(e.message)}`;
  if (e instanceof ZodError) {
    const issue = e.issues[0];
    return `error: ${issue?.path.join(".") || "input"} ${issue?.message ?? "is invalid"}`;
  }
  if (e instanceof Error) {
    const short = (e as { shortMessage?: unknown }).shortMessage;
    const text = typeof short === "string" ? short : e.message;
    return `error: ${oneLine(text)} (unexpected; rerun with DEBUG=1 for the stack trace)`;
  }
  return `error: ${oneLine(String(e))} (unexpected; rerun with DEBUG=1 for the stack trace)`;
}

export function debugEnabled(env: NodeJS.ProcessEnv): boolean {
  return env.DEBUG === "1" || env.DEBUG === "true";
}
