import type { PromptInput } from "../wallet/password.js";

/** A stream the CLI writes to. */
export interface TextSink {
  write(text: string): unknown;
}

/** Everything the CLI touches outside itself, so it can run in-process in tests. */
export interface CliIo {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  readonly stdin: NodeJS.ReadableStream & PromptInput;
  readonly env: NodeJS.ProcessEnv;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}
