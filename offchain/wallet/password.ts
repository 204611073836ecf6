import { WalletError } from "./errors.js";

/** Environment variable holding the coldkey password for scripts, CI and `--json` runs. */
export const PASSWORD_ENV = "TAO_PASSWORD";

/** The new password of `tao wallet change-password` (TAO_PASSWORD is then the current one). */
export const NEW_PASSWORD_ENV = "TAO_NEW_PASSWORD";

/** The terminal side of a prompt: a TTY stdin that can be switched to raw mode (so nothing is echoed). */
export interface PromptInput {
  readonly isTTY?: boolean;
  readonly isRaw?: boolean;
  setRawMode?(mode: boolean): unknown;
  on(event: "data", listener: (chunk: string | Buffer) => void): unknown;
  off(event: "data", listener: (chunk: string | Buffer) => void): unknown;
  resume(): unknown;
  pause(): unknown;
  /** Puts type-ahead back so the next prompt reads it (present on Node's TTY streams). */
  unshift?(chunk: Buffer): unknown;
}

export interface PromptOutput {
  write(text: string): unknown;
}

export interface PasswordRequest {
  readonly wallet: string;
  /** `unlock` reads once; `create` asks twice and compares. */
  readonly purpose: "unlock" | "create";
  /** False under `--json` or without a terminal: then only the environment variable is used. */
  readonly interactive: boolean;
  readonly env?: NodeJS.ProcessEnv;
  readonly input?: PromptInput;
  readonly output?: PromptOutput;
  /** The variable read first (default {@link PASSWORD_ENV}); the error without one names it. */
  readonly variable?: string;
  /** What the password is, in that error (default `password`, e.g. `new password`). */
  readonly what?: string;
}

/**
 * The coldkey password: `TAO_PASSWORD` when set, else a no-echo prompt on the terminal (stderr), never a prompt
 * when not interactive (the error names the variable instead).
 */
export async function readPassword(request: PasswordRequest): Promise<string> {
  const env = request.env ?? process.env;
  const variable = request.variable ?? PASSWORD_ENV;
  const fromEnv = env[variable];
  if (fromEnv !== undefined) return fromEnv;
  const input = request.input ?? process.stdin;
  const output = request.output ?? process.stderr;
  if (!request.interactive || !input.isTTY) {
    throw new WalletError(
      `no ${request.what ?? "password"} for wallet ${request.wallet}: set ${variable} (prompts are off with --json or without a terminal)`,
    );
  }
  if (request.purpose === "unlock") {
    return readHidden(`Password for wallet ${request.wallet} (coldkey): `, input, output);
  }
  // Type-ahead is kept only from the first prompt to the retype (both passwords pasted at once); what follows the
  // retype is dropped, so it can never answer a later question.
  const first = await readHidden(`New password for wallet ${request.wallet} (coldkey): `, input, output, {
    keepTypeAhead: true,
  });
  const second = await readHidden("Retype the password: ", input, output);
  if (first !== second)
    throw new WalletError(`the two passwords for wallet ${request.wallet} differ: run the command again`);
  return first;
}

/** Characters of terminal escape sequences (arrow keys and the like) are dropped, not typed into the secret. */
const ESCAPE_SEQUENCE = /\u001b(\[[0-9;?]*[ -/]*[@-~]|O.|.)?/g;

export interface ReadHiddenOptions {
  /**
   * Put what was typed after Enter back on `input` for the prompt that follows (a password's retype). Off by
   * default: type-ahead is then dropped, so keys typed ahead cannot answer a later `[y/N]`.
   */
  readonly keepTypeAhead?: boolean;
}

/**
 * Reads one line from a TTY without echoing it: raw mode, Backspace edits, Enter ends, Ctrl-C / Ctrl-D (on an
 * empty line) cancel. The prompt and the final newline go to `output` (stderr), so stdout stays clean.
 */
export function readHidden(
  prompt: string,
  input: PromptInput = process.stdin,
  output: PromptOutput = process.stderr,
  options: ReadHiddenOptions = {},
): Promise<string> {
  if (!input.isTTY || !input.setRawMode) {
    return Promise.reject(
      new WalletError("cannot prompt without a terminal: pass the value through the environment instead"),
    );
  }
  const setRawMode = input.setRawMode.bind(input);
  return new Promise<string>((resolve, reject) => {
    const wasRaw = input.isRaw ?? false;
    let value = "";
    const finish = (result: { ok: true; value: string } | { ok: false; error: WalletError }, rest = ""): void => {
      input.off("data", onData);
      setRawMode(wasRaw);
      input.pause();
      if (options.keepTypeAhead && rest !== "" && input.unshift) input.unshift(Buffer.from(rest, "utf8"));
      output.write("\n");
      if (result.ok) resolve(result.value);
      else reject(result.error);
    };
    const onData = (chunk: string | Buffer): void => {
      const text = (typeof chunk === "string" ? chunk : chunk.toString("utf8")).replace(ESCAPE_SEQUENCE, "");
      const chars = Array.from(text);
      for (const [i, ch] of chars.entries()) {
        if (ch === "\r" || ch === "\n") {
          // Type-ahead after Enter (e.g. both passwords pasted at once) belongs to the retype, if one follows.
          const rest = chars
            .slice(i + 1)
            .join("")
            .replace(/^\n/, "");
          return finish({ ok: true, value }, rest);
        }
        if (ch === "\u0003" || (ch === "\u0004" && value === "")) {
          return finish({ ok: false, error: new WalletError("cancelled at the prompt") });
        }
        if (ch === "\u007f" || ch === "\b") {
          value = Array.from(value).slice(0, -1).join("");
        } else if (ch === "\u0015") {
          value = ""; // Ctrl-U clears the line
        } else if (ch >= " ") {
          value += ch;
        }
      }
    };
    // Raw mode first: a key typed as soon as the prompt shows must not be echoed by the terminal.
    setRawMode(true);
    output.write(prompt);
    input.on("data", onData);
    input.resume();
  });
}

/** How long {@link discardTypeAhead} listens: long enough for bytes the terminal already holds to arrive. */
export const TYPE_AHEAD_SETTLE_MS = 30;

/**
 * Drops input typed before a question is shown (what a prompt put back, and what the terminal holds), so only
 * a key pressed after the question counts. Node has no tcflush: this reads for {@link TYPE_AHEAD_SETTLE_MS} and
 * throws the bytes away. Raw mode meanwhile hands over a half-typed line too (a `y` without Enter).
 */
export async function discardTypeAhead(input: PromptInput, settleMs = TYPE_AHEAD_SETTLE_MS): Promise<void> {
  const raw = input.isTTY === true && input.setRawMode !== undefined;
  const wasRaw = input.isRaw ?? false;
  const drop = (): void => {};
  if (raw) input.setRawMode?.(true);
  input.on("data", drop);
  input.resume();
  try {
    await new Promise((resolve) => setTimeout(resolve, settleMs));
  } finally {
    input.off("data", drop);
    input.pause();
    if (raw) input.setRawMode?.(wasRaw);
  }
}
