/**
 * The miner's view of an Ollama server, through the official `ollama` client: reachability, models, pull
 * with progress, warm-up, GPU residency, and streamed generation that stops when its AbortSignal fires.
 *
 * Every request gets its own client whose fetch carries the caller's signal (and, for control calls, a
 * timeout), so even a server that accepts the connection and never answers is abandoned on time.
 */
import { Ollama, type ProgressResponse } from "ollama";
import type { Writable } from "node:stream";
import { silentLogger, type Logger } from "../log.js";
import { normalizeModelName } from "./models.js";
import { PullProgress } from "./progress.js";

export const DEFAULT_OLLAMA_HOST = "http://127.0.0.1:11434";

/** OLLAMA_HOST as Ollama reads it, else the default. */
export function ollamaHostFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const v = env.OLLAMA_HOST?.trim();
  return v === undefined || v === "" ? DEFAULT_OLLAMA_HOST : v;
}

/**
 * `host` without user info (`http://user:pw@h:1` → `http://h:1`), for logs. A host that is no URL has anything
 * up to an `@` dropped, so nothing that might be a password is logged.
 */
export function redactHost(host: string): string {
  // Without "://" it is no URL Ollama's client would read as one ("user:pw@h:1" parses as scheme "user:").
  if (!host.includes("://")) return host.replace(/^[^/?#]*@/, "");
  try {
    const u = new URL(host);
    if (u.username === "" && u.password === "") return host;
    u.username = "";
    u.password = "";
    const shown = u.toString();
    return host.endsWith("/") ? shown : shown.replace(/\/$/, "");
  } catch {
    return host.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/?#]*@/i, "$1");
  }
}

/** `text` with `host` shown redacted and the user info of any URL in it dropped, for logs. */
export function scrubCredentials(text: string, host?: string): string {
  const shown = host === undefined || host === "" ? text : text.split(host).join(redactHost(host));
  return shown.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi, "$1");
}

export class OllamaUnreachableError extends Error {
  constructor(
    readonly host: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Ollama is not reachable at ${redactHost(host)}: start it with \`ollama serve\`, or point OLLAMA_HOST (the miner: ` +
        "--ollama-host) at a running one; on a local network the miner's --fake-ollama answers without one",
      options,
    );
    this.name = "OllamaUnreachableError";
  }
}

/** The server answered with an error status (e.g. 404 model not found, 500). */
export class OllamaResponseError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "OllamaResponseError";
  }
}

export interface Residency {
  model: string;
  loaded: boolean;
  sizeBytes: number;
  vramBytes: number;
  /** Any part of the model in GPU memory. */
  onGpu: boolean;
  /** Like `ollama ps`: "100% GPU", "100% CPU", "35%/65% CPU/GPU", or "not loaded". */
  processor: string;
}

export interface OllamaServiceOptions {
  host?: string;
  /** Timeout of control calls (version, list, ps, warm-up excluded). Default 10 s. */
  requestTimeoutMs?: number;
  /** How long Ollama keeps the model loaded after a request (Ollama's keep_alive). Default "30m". */
  keepAlive?: string | number;
  logger?: Logger;
}

const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EPIPE",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** True for "could not talk to the server at all" (refused, reset, DNS, socket closed). */
export function isConnectionError(err: unknown): boolean {
  for (
    let e: unknown = err, depth = 0;
    e instanceof Error && depth < 4;
    e = (e as Error & { cause?: unknown }).cause, depth++
  ) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== undefined && CONNECTION_CODES.has(code)) return true;
    if (e.name === "TypeError" && /fetch failed|terminated|other side closed/i.test(e.message)) return true;
  }
  return false;
}

export function isAbortError(err: unknown): boolean {
  return err instanceof Error && (err.name === "AbortError" || err.name === "TimeoutError");
}

function statusOf(err: unknown): number | undefined {
  const s = (err as { status_code?: unknown }).status_code;
  return typeof s === "number" ? s : undefined;
}

/**
 * The `ollama` client's options for `host`. An Ollama behind a proxy with basic auth is given as
 * `http://user:password@host:port`, but fetch refuses a URL with credentials ("Request cannot be constructed
 * from a URL that includes credentials"): they go into an Authorization header instead, and the host without them.
 */
export function ollamaClientOptions(host: string): { host: string; headers?: Record<string, string> } {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    return { host };
  }
  if (url.username === "" && url.password === "") return { host };
  const decode = (part: string): string => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part; // a stray % is taken as typed
    }
  };
  const credentials = `${decode(url.username)}:${decode(url.password)}`;
  url.username = "";
  url.password = "";
  return {
    host: url.toString().replace(/\/+$/, ""),
    headers: { Authorization: `Basic ${Buffer.from(credentials, "utf8").toString("base64")}` },
  };
}

export class OllamaService {
  readonly host: string;
  readonly #timeoutMs: number;
  readonly #keepAlive: string | number;
  readonly #log: Logger;

  constructor(o: OllamaServiceOptions = {}) {
    this.host = (o.host ?? ollamaHostFromEnv()).replace(/\/+$/, "");
    this.#timeoutMs = o.requestTimeoutMs ?? 10_000;
    this.#keepAlive = o.keepAlive ?? "30m";
    this.#log = (o.logger ?? silentLogger()).child({ component: "ollama" });
  }

  /** A client whose every fetch is bounded by `signal` (and the control timeout when `timed`). */
  #client(signal?: AbortSignal, timed = true): Ollama {
    const limits = [signal, timed ? AbortSignal.timeout(this.#timeoutMs) : undefined].filter(
      (s): s is AbortSignal => s !== undefined,
    );
    const bound = limits.length === 0 ? undefined : limits.length === 1 ? limits[0] : AbortSignal.any(limits);
    const fetchWith: typeof fetch = (input, init) => {
      const own = init?.signal ?? undefined;
      const all = [own, bound].filter((s): s is AbortSignal => s !== undefined && s !== null);
      return fetch(input, {
        ...init,
        signal: all.length === 0 ? undefined : all.length === 1 ? all[0] : AbortSignal.any(all),
      });
    };
    return new Ollama({ ...ollamaClientOptions(this.host), fetch: fetchWith });
  }

  #wrap(err: unknown): Error {
    if (isConnectionError(err)) return new OllamaUnreachableError(this.host, { cause: err });
    if (err instanceof Error && err.name === "TimeoutError") {
      return new OllamaUnreachableError(this.host, { cause: new Error(`no answer within ${this.#timeoutMs} ms`) });
    }
    const status = statusOf(err);
    if (status !== undefined) return new OllamaResponseError(status, (err as Error).message);
    return err instanceof Error ? err : new Error(String(err));
  }

  async #call<T>(fn: (c: Ollama) => Promise<T>): Promise<T> {
    try {
      return await fn(this.#client());
    } catch (err) {
      throw this.#wrap(err);
    }
  }

  /** The server's version; throws OllamaUnreachableError with the operator's fix when there is no server. */
  async version(): Promise<string> {
    return (await this.#call((c) => c.version())).version;
  }

  async listModels(): Promise<string[]> {
    return (await this.#call((c) => c.list())).models.map((m) => m.name);
  }

  async hasModel(model: string): Promise<boolean> {
    const want = normalizeModelName(model);
    return (await this.listModels()).some((m) => normalizeModelName(m) === want);
  }

  /** Pulls a model, reporting each progress frame. */
  async pull(model: string, onProgress?: (p: ProgressResponse) => void, signal?: AbortSignal): Promise<void> {
    try {
      const it = await this.#client(signal, false).pull({ model, stream: true });
      for await (const p of it) onProgress?.(p);
    } catch (err) {
      const e = this.#wrap(err);
      throw e instanceof OllamaUnreachableError ? e : new Error(`pulling ${model} failed: ${e.message}`, { cause: e });
    }
  }

  /** Pulls the model when it is missing, with a progress bar on `progressOut` (stderr by default). */
  async ensureModel(
    model: string,
    progressOut: Writable & { isTTY?: boolean } = process.stderr,
  ): Promise<{ pulled: boolean }> {
    if (await this.hasModel(model)) return { pulled: false };
    this.#log.info({ model }, "model missing: pulling it");
    const bar = new PullProgress(progressOut, model);
    try {
      await this.pull(model, (p) => bar.update(p));
    } finally {
      bar.done();
    }
    if (!(await this.hasModel(model)))
      throw new Error(`pulled ${model} but Ollama does not list it: check the model name`);
    return { pulled: true };
  }

  /** Loads the model into memory (an empty generation), so the first task does not pay the load. */
  async warm(model: string, timeoutMs = 300_000): Promise<void> {
    try {
      await this.#client(AbortSignal.timeout(timeoutMs), false).generate({
        model,
        prompt: "",
        keep_alive: this.#keepAlive,
        stream: false,
      });
    } catch (err) {
      throw this.#wrap(err);
    }
  }

  /** Where the model sits now, from `ollama ps` (size_vram > 0 means GPU). */
  async residency(model: string): Promise<Residency> {
    const want = normalizeModelName(model);
    const ps = await this.#call((c) => c.ps());
    const m = ps.models.find((x) => normalizeModelName(x.name) === want || normalizeModelName(x.model) === want);
    if (m === undefined)
      return { model, loaded: false, sizeBytes: 0, vramBytes: 0, onGpu: false, processor: "not loaded" };
    const size = m.size;
    const vram = m.size_vram;
    const gpuPct = size > 0 ? Math.round((vram / size) * 100) : 0;
    const processor = gpuPct >= 100 ? "100% GPU" : gpuPct <= 0 ? "100% CPU" : `${100 - gpuPct}%/${gpuPct}% CPU/GPU`;
    return { model, loaded: true, sizeBytes: size, vramBytes: vram, onGpu: vram > 0, processor };
  }

  /**
   * Streams the model's answer to `prompt` piece by piece. Aborting `signal` cancels the HTTP request to
   * Ollama (Ollama then stops generating). Errors: OllamaUnreachableError, OllamaResponseError, AbortError.
   */
  async *stream(
    model: string,
    prompt: string,
    o: { signal: AbortSignal; maxTokens?: number; temperature?: number; seed?: number },
  ): AsyncGenerator<string> {
    // Ollama's sampling options, only those given (the model's own defaults otherwise).
    const options = {
      ...(o.maxTokens === undefined ? {} : { num_predict: o.maxTokens }),
      ...(o.temperature === undefined ? {} : { temperature: o.temperature }),
      ...(o.seed === undefined ? {} : { seed: o.seed }),
    };
    let it;
    try {
      it = await this.#client(o.signal, false).chat({
        model,
        messages: [{ role: "user", content: prompt }],
        stream: true,
        keep_alive: this.#keepAlive,
        ...(Object.keys(options).length === 0 ? {} : { options }),
      });
    } catch (err) {
      throw o.signal.aborted ? o.signal.reason : this.#wrap(err);
    }
    const onAbort = (): void => it.abort();
    o.signal.addEventListener("abort", onAbort, { once: true });
    let finished = false;
    try {
      for await (const part of it) {
        const piece = part.message?.content ?? "";
        if (piece !== "") yield piece;
        if (part.done) finished = true;
      }
      finished = true;
    } catch (err) {
      throw o.signal.aborted ? o.signal.reason : this.#wrap(err);
    } finally {
      o.signal.removeEventListener("abort", onAbort);
      if (!finished) it.abort();
    }
  }
}
