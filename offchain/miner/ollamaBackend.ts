/**
 * The miner's axon backend: text tasks answered by Ollama, streamed.
 *
 * - The caller's deadline (the axon's AbortSignal) cancels the request to Ollama.
 * - `generationTimeoutMs` is the miner's own cap: past it the caller gets 504 backend_timeout.
 * - Ollama down or failing: 502 backend_error with a generic reason ("Ollama unreachable", "Ollama answered
 *   HTTP 500", "Ollama request failed", "Ollama failed mid-answer"); the next request tries again, so the miner recovers by itself when
 *   Ollama returns. Transitions (down → up) are logged once, not per request.
 * - What goes to the validator never holds the Ollama host or an error text: the host may carry credentials
 *   (OLLAMA_HOST=http://user:password@host) and error texts name it. Those stay in the miner's log, with any
 *   user info in a URL stripped.
 */
import { BackendError, type Backend, type BackendContext } from "../axon/backend.js";
import { silentLogger, type Logger } from "../log.js";
import {
  OllamaResponseError,
  OllamaUnreachableError,
  redactHost,
  scrubCredentials,
  type OllamaService,
} from "../ollama/service.js";
import type { Task } from "../protocol/schemas.js";

export { redactHost, scrubCredentials } from "../ollama/service.js";

export interface OllamaBackendOptions {
  service: OllamaService;
  model: string;
  /** Longest a generation may take, whatever the caller's deadline. */
  generationTimeoutMs: number;
  logger?: Logger;
}

export class OllamaBackend implements Backend {
  readonly #service: OllamaService;
  readonly #model: string;
  readonly #timeoutMs: number;
  readonly #log: Logger;
  #up = true;
  readonly stats = { answered: 0, failed: 0, timedOut: 0 };

  constructor(o: OllamaBackendOptions) {
    this.#service = o.service;
    this.#model = o.model;
    this.#timeoutMs = o.generationTimeoutMs;
    this.#log = (o.logger ?? silentLogger()).child({ component: "backend" });
  }

  answer(task: Task, ctx: BackendContext): AsyncIterable<string> {
    return this.#generate(task, ctx);
  }

  /**
   * For the unauthenticated `/health`: up or down and the model, nothing more. The Ollama host (which may carry
   * credentials) and error texts stay in the miner's log.
   */
  health(): Record<string, unknown> {
    return { ollama: this.#up ? "up" : "down", model: this.#model };
  }

  async *#generate(task: Task, ctx: BackendContext): AsyncGenerator<string> {
    const ac = new AbortController();
    let timedOut = false;
    const onCallerAbort = (): void => ac.abort(ctx.signal.reason);
    if (ctx.signal.aborted) onCallerAbort();
    ctx.signal.addEventListener("abort", onCallerAbort, { once: true });
    let started = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ac.abort(new Error("generation timeout"));
    }, this.#timeoutMs);
    try {
      for await (const piece of this.#service.stream(this.#model, task.prompt, {
        signal: ac.signal,
        maxTokens: task.maxTokens,
      })) {
        started = true;
        yield piece;
      }
      this.stats.answered++;
      this.#markUp();
    } catch (err) {
      if (ctx.signal.aborted && !timedOut) throw err; // the axon answers 408 / drops a gone caller
      this.stats.failed++;
      const detail = scrubCredentials((err as Error)?.message ?? String(err), this.#service.host);
      if (timedOut) {
        this.stats.timedOut++;
        throw new BackendError(
          504,
          "backend_timeout",
          `Ollama did not finish within the miner's ${this.#timeoutMs} ms generation limit`,
        );
      }
      // The details go to the log (debug per request, warn once per outage); the validator gets the kind only.
      this.#log.debug({ requestId: ctx.requestId, reason: detail }, "Ollama request failed");
      if (err instanceof OllamaUnreachableError) {
        this.#markDown(detail);
        throw new BackendError(502, "backend_error", "Ollama unreachable");
      }
      if (err instanceof OllamaResponseError) {
        throw new BackendError(502, "backend_error", `Ollama answered HTTP ${err.status}`);
      }
      this.#markDown(detail);
      throw new BackendError(502, "backend_error", started ? "Ollama failed mid-answer" : "Ollama request failed");
    } finally {
      clearTimeout(timer);
      ctx.signal.removeEventListener("abort", onCallerAbort);
    }
  }

  #markDown(reason: string): void {
    if (this.#up)
      this.#log.warn(
        { host: redactHost(this.#service.host), reason },
        "Ollama is failing: answering 502 until it recovers",
      );
    this.#up = false;
  }

  #markUp(): void {
    if (!this.#up) this.#log.info({ host: redactHost(this.#service.host) }, "Ollama is back: serving again");
    this.#up = true;
  }
}
