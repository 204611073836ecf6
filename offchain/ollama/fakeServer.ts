/**
 * A small deterministic server that speaks Ollama's HTTP API, for tests, benches and local networks without
 * a real Ollama (`npm start` / `miner --fake-ollama`). Production code: it must behave like Ollama where the
 * `ollama` client and our miner can tell.
 *
 * Endpoints: POST /api/chat, /api/generate (NDJSON stream by default, or one JSON with `stream: false`),
 * /api/embed and /api/embeddings (hash-feature vectors, see embedding.ts), /api/pull (streamed progress),
 * /api/show; GET /api/tags, /api/ps, /api/version; GET/HEAD / ("Ollama is running").
 *
 * Answers: prompts the solver understands (solver.ts: arithmetic, units, strings, dates) get the exact
 * answer; anything else gets "Echo from <model>: <prompt>". Streams split the answer into word pieces.
 * `num_predict` caps the pieces (done_reason "length").
 *
 * Behaviour per test, changeable at any time with `setMode`: latency before the first piece, delay between
 * pieces, an error rate (seeded, so runs repeat), deliberately wrong answers, going down (connections
 * refused, open ones cut) and up again on the same port, and hanging (accepts, never answers).
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { hashEmbedding } from "./embedding.js";
import { normalizeModelName } from "./models.js";
import { solve as solveTask } from "../tasks/index.js";
import { solve, wrongAnswer } from "./solver.js";

export interface FakeOllamaMode {
  /** Milliseconds before the first piece of every generation. */
  latencyMs: number;
  /** Milliseconds between streamed pieces. */
  tokenDelayMs: number;
  /** Fraction (0-1) of chat/generate/embed requests answered with HTTP 500. */
  errorRate: number;
  /** Answer solvable prompts wrongly (deterministically). */
  wrongAnswers: boolean;
  /** Not listening: new connections are refused, open ones are cut. */
  down: boolean;
  /** Accept chat, generate and embed requests and never answer them. */
  hang: boolean;
}

export interface FakeOllamaOptions {
  host?: string;
  /** 0 = any free port. */
  port?: number;
  /** Models installed at start. Default ["llama3.2:1b"]. */
  models?: string[];
  /** Models /api/pull can fetch: "any" (default) or a list. */
  pullable?: "any" | string[];
  /** Report loaded models as resident in GPU memory (`size_vram` = size). Default true. */
  gpu?: boolean;
  /** Seed of the error-rate generator. Default 1. */
  seed?: number;
  /** Embedding dimensions. Default 64. */
  embeddingDims?: number;
  /** Progress frames of a pull, and the delay between them. Defaults 5 and 10 ms. */
  pullSteps?: number;
  pullStepMs?: number;
  mode?: Partial<FakeOllamaMode>;
}

export interface FakeOllamaStats {
  requests: Record<string, number>;
  /** chat/generate requests that started producing an answer. */
  generations: number;
  completed: number;
  /** Generations the client abandoned before the end. */
  aborted: number;
  injectedErrors: number;
  pulls: number;
}

export interface FakeOllama {
  readonly url: string;
  readonly port: number;
  readonly stats: FakeOllamaStats;
  mode(): FakeOllamaMode;
  setMode(mode: Partial<FakeOllamaMode>): Promise<void>;
  /** Models currently installed (as /api/tags lists them). */
  models(): string[];
  /** The JSON body of the last request to `path` (e.g. "/api/chat"), as received: options, truncate, etc. */
  lastBody(path: string): Record<string, unknown> | undefined;
  close(): Promise<void>;
}

const VERSION = "0.12.0-fake";
const MAX_BODY = 8 * 1024 * 1024;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ModelInfo {
  name: string;
  digest: string;
  size: number;
  modified_at: string;
}

function modelInfo(name: string): ModelInfo {
  const digest = createHash("sha256").update(name).digest("hex");
  return {
    name,
    digest,
    size: 500_000_000 + (parseInt(digest.slice(0, 6), 16) % 1_500_000_000),
    modified_at: "2025-01-01T00:00:00Z",
  };
}

function details(name: string): Record<string, unknown> {
  return {
    parent_model: "",
    format: "gguf",
    family: name.split(/[:.\d]/)[0] || "fake",
    families: null,
    parameter_size: "1B",
    quantization_level: "Q4_K_M",
  };
}

/** The deterministic answer the fake model gives to a prompt. */
export function fakeAnswer(model: string, prompt: string, wrong = false): string {
  // The validator's own task solver first (it parses every prompt the validator generates), then ours.
  const solved = solveTask(prompt) ?? solve(prompt);
  if (solved !== undefined) return wrong ? wrongAnswer(solved) : solved;
  return `Echo from ${model}: ${prompt}`;
}

/** Word pieces with their leading space, the way tokenizers stream them. */
export function pieces(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [];
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startFakeOllama(options: FakeOllamaOptions = {}): Promise<FakeOllama> {
  const host = options.host ?? "127.0.0.1";
  const installed = new Map<string, ModelInfo>();
  for (const m of options.models ?? ["llama3.2:1b"])
    installed.set(normalizeModelName(m), modelInfo(normalizeModelName(m)));
  const loaded = new Map<string, number>(); // model → expires at (ms)
  const gpu = options.gpu ?? true;
  const dims = options.embeddingDims ?? 64;
  const pullSteps = options.pullSteps ?? 5;
  const pullStepMs = options.pullStepMs ?? 10;
  const random = mulberry32(options.seed ?? 1);
  let mode: FakeOllamaMode = {
    latencyMs: 0,
    tokenDelayMs: 0,
    errorRate: 0,
    wrongAnswers: false,
    down: false,
    hang: false,
    ...options.mode,
  };
  const stats: FakeOllamaStats = {
    requests: {},
    generations: 0,
    completed: 0,
    aborted: 0,
    injectedErrors: 0,
    pulls: 0,
  };
  const bodies = new Map<string, Record<string, unknown>>();
  const sockets = new Set<Socket>();
  let port = options.port ?? 0;
  let listening = false;

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      if (!res.headersSent) sendJson(res, status, { error: (err as Error).message });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });

  async function listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    port = (server.address() as AddressInfo).port;
    listening = true;
  }

  async function stop(): Promise<void> {
    if (!listening) return;
    listening = false;
    const closed = new Promise<void>((r) => server.close(() => r()));
    for (const s of sockets) s.destroy();
    await closed;
  }

  function sendJson(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      "content-type": "application/json; charset=utf-8",
      "content-length": Buffer.byteLength(text),
    });
    res.end(text);
  }

  async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req as AsyncIterable<Buffer>) {
      size += c.length;
      if (size > MAX_BODY) throw new HttpError(413, "request body too large");
      chunks.push(c);
    }
    const text = Buffer.concat(chunks).toString("utf8");
    if (text.trim() === "") return {};
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      throw new HttpError(400, "invalid character in request body: not JSON");
    }
    if (typeof v !== "object" || v === null || Array.isArray(v))
      throw new HttpError(400, "request body must be a JSON object");
    bodies.set((req.url ?? "/").split("?", 1)[0]!, v as Record<string, unknown>);
    return v as Record<string, unknown>;
  }

  const sleep = (ms: number, res: ServerResponse): Promise<boolean> =>
    new Promise((resolve) => {
      if (ms <= 0) return resolve(!res.destroyed);
      const t = setTimeout(() => {
        res.off("close", onClose);
        resolve(!res.destroyed);
      }, ms);
      const onClose = (): void => {
        clearTimeout(t);
        resolve(false);
      };
      res.once("close", onClose);
    });

  function requireModel(body: Record<string, unknown>): string {
    const raw = body.model ?? body.name;
    if (typeof raw !== "string" || raw === "") throw new HttpError(400, "model is required");
    const name = normalizeModelName(raw);
    if (!installed.has(name)) throw new HttpError(404, `model "${raw}" not found, try pulling it first`);
    return name;
  }

  function injectError(): boolean {
    if (mode.errorRate > 0 && random() < mode.errorRate) {
      stats.injectedErrors++;
      return true;
    }
    return false;
  }

  function keepAlive(model: string, body: Record<string, unknown>): void {
    const ka = body.keep_alive;
    if (ka === 0 || ka === "0" || ka === "0s") loaded.delete(model);
    else loaded.set(model, Date.now() + 5 * 60_000);
  }

  async function generate(req: IncomingMessage, res: ServerResponse, kind: "chat" | "generate"): Promise<void> {
    const body = await readJson(req);
    const model = requireModel(body);
    if (injectError()) return sendJson(res, 500, { error: "fake-ollama: injected failure" });
    let prompt: string;
    if (kind === "chat") {
      const messages = Array.isArray(body.messages) ? (body.messages as Array<Record<string, unknown>>) : [];
      const lastUser = [...messages].reverse().find((m) => m?.role === "user");
      prompt = typeof lastUser?.content === "string" ? lastUser.content : "";
    } else {
      prompt = typeof body.prompt === "string" ? body.prompt : "";
    }
    const stream = body.stream !== false;
    const created_at = new Date().toISOString();
    const frame = (content: string, done: boolean, extra: Record<string, unknown> = {}): Record<string, unknown> =>
      kind === "chat"
        ? { model, created_at, message: { role: "assistant", content }, done, ...extra }
        : { model, created_at, response: content, done, ...(done ? { context: [] } : {}), ...extra };
    if (prompt === "") {
      keepAlive(model, body); // an empty prompt loads (or, with keep_alive 0, unloads) the model
      return sendJson(res, 200, frame("", true, { done_reason: "load" }));
    }
    if (mode.hang) {
      await new Promise<void>((r) => res.once("close", () => r()));
      stats.aborted++;
      return;
    }
    stats.generations++;
    keepAlive(model, body);
    const all = pieces(fakeAnswer(model, prompt, mode.wrongAnswers));
    const options = (body.options ?? {}) as Record<string, unknown>;
    const limit =
      typeof options.num_predict === "number" && options.num_predict > 0
        ? Math.floor(options.num_predict)
        : Number.POSITIVE_INFINITY;
    const out = all.slice(0, Math.min(all.length, limit));
    const done_reason = out.length < all.length ? "length" : "stop";
    const t0 = process.hrtime.bigint();
    const stats_ = (): Record<string, unknown> => {
      const ns = Number(process.hrtime.bigint() - t0);
      return {
        done_reason,
        total_duration: ns,
        load_duration: 0,
        prompt_eval_count: pieces(prompt).length,
        prompt_eval_duration: 0,
        eval_count: out.length,
        eval_duration: ns,
      };
    };
    if (!(await sleep(mode.latencyMs, res))) {
      stats.aborted++;
      return;
    }
    if (!stream) {
      if (!(await sleep(mode.tokenDelayMs * Math.max(0, out.length - 1), res))) {
        stats.aborted++;
        return;
      }
      stats.completed++;
      return sendJson(res, 200, frame(out.join(""), true, stats_()));
    }
    res.writeHead(200, { "content-type": "application/x-ndjson" });
    for (let i = 0; i < out.length; i++) {
      if (i > 0 && !(await sleep(mode.tokenDelayMs, res))) {
        stats.aborted++;
        return;
      }
      if (res.destroyed) {
        stats.aborted++;
        return;
      }
      res.write(`${JSON.stringify(frame(out[i]!, false))}\n`);
    }
    stats.completed++;
    res.end(`${JSON.stringify(frame("", true, stats_()))}\n`);
  }

  async function embed(req: IncomingMessage, res: ServerResponse, legacy: boolean): Promise<void> {
    const body = await readJson(req);
    const model = requireModel(body);
    if (injectError()) return sendJson(res, 500, { error: "fake-ollama: injected failure" });
    if (mode.hang) {
      await new Promise<void>((r) => res.once("close", () => r()));
      stats.aborted++;
      return;
    }
    keepAlive(model, body);
    if (legacy) {
      const prompt = typeof body.prompt === "string" ? body.prompt : "";
      return sendJson(res, 200, { embedding: hashEmbedding(prompt, dims) });
    }
    const input = body.input;
    const texts =
      typeof input === "string"
        ? [input]
        : Array.isArray(input) && input.every((x) => typeof x === "string")
          ? (input as string[])
          : undefined;
    if (texts === undefined) throw new HttpError(400, "input must be a string or an array of strings");
    if (!(await sleep(mode.latencyMs, res))) return;
    sendJson(res, 200, {
      model,
      embeddings: texts.map((t) => hashEmbedding(t, dims)),
      total_duration: 1000,
      load_duration: 0,
      prompt_eval_count: texts.reduce((n, t) => n + pieces(t).length, 0),
    });
  }

  async function pull(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJson(req);
    const raw = body.model ?? body.name;
    if (typeof raw !== "string" || raw === "") throw new HttpError(400, "model is required");
    const name = normalizeModelName(raw);
    const allowed =
      options.pullable === undefined ||
      options.pullable === "any" ||
      options.pullable.map(normalizeModelName).includes(name);
    const stream = body.stream !== false;
    stats.pulls++;
    const info = modelInfo(name);
    if (!stream) {
      if (!allowed) throw new HttpError(500, "pull model manifest: file does not exist");
      await sleep(pullStepMs * pullSteps, res);
      installed.set(name, info);
      return sendJson(res, 200, { status: "success" });
    }
    res.writeHead(200, { "content-type": "application/x-ndjson" });
    const send = (f: Record<string, unknown>): void => {
      if (!res.destroyed) res.write(`${JSON.stringify(f)}\n`);
    };
    send({ status: "pulling manifest" });
    if (!allowed) {
      res.end(`${JSON.stringify({ error: "pull model manifest: file does not exist" })}\n`);
      return;
    }
    for (let i = 1; i <= pullSteps; i++) {
      if (!(await sleep(pullStepMs, res))) return;
      send({
        status: `pulling ${info.digest.slice(0, 12)}`,
        digest: `sha256:${info.digest}`,
        total: info.size,
        completed: Math.floor((info.size * i) / pullSteps),
      });
    }
    send({ status: "verifying sha256 digest" });
    send({ status: "writing manifest" });
    installed.set(name, info);
    res.end(`${JSON.stringify({ status: "success" })}\n`);
  }

  function listing(name: string, info: ModelInfo, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      name,
      model: name,
      modified_at: info.modified_at,
      size: info.size,
      digest: info.digest,
      details: details(name),
      ...extra,
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?", 1)[0]!;
    const key = `${req.method} ${path}`;
    stats.requests[key] = (stats.requests[key] ?? 0) + 1;
    if ((req.method === "GET" || req.method === "HEAD") && path === "/") {
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
      return void res.end(req.method === "HEAD" ? undefined : "Ollama is running");
    }
    if (req.method === "POST" && path === "/api/chat") return generate(req, res, "chat");
    if (req.method === "POST" && path === "/api/generate") return generate(req, res, "generate");
    if (req.method === "POST" && path === "/api/embed") return embed(req, res, false);
    if (req.method === "POST" && path === "/api/embeddings") return embed(req, res, true);
    if (req.method === "POST" && path === "/api/pull") return pull(req, res);
    if (req.method === "POST" && path === "/api/show") {
      const model = requireModel(await readJson(req));
      return sendJson(res, 200, {
        license: "",
        modelfile: "",
        parameters: "",
        template: "{{ .Prompt }}",
        details: details(model),
        model_info: {},
      });
    }
    if (req.method === "GET" && path === "/api/tags") {
      return sendJson(res, 200, { models: [...installed.entries()].map(([n, i]) => listing(n, i)) });
    }
    if (req.method === "GET" && path === "/api/ps") {
      const now = Date.now();
      for (const [m, exp] of loaded) if (exp < now) loaded.delete(m);
      const models = [...loaded.entries()].map(([n, exp]) => {
        const info = installed.get(n) ?? modelInfo(n);
        return listing(n, info, { expires_at: new Date(exp).toISOString(), size_vram: gpu ? info.size : 0 });
      });
      return sendJson(res, 200, { models });
    }
    if (req.method === "GET" && path === "/api/version") return sendJson(res, 200, { version: VERSION });
    req.resume();
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
    res.end("404 page not found");
  }

  if (!mode.down) await listen();
  else {
    // Reserve a port so `url` is stable even when starting down.
    await listen();
    await stop();
  }

  return {
    get url() {
      return `http://${host}:${port}`;
    },
    get port() {
      return port;
    },
    stats,
    mode: () => ({ ...mode }),
    models: () => [...installed.keys()],
    lastBody: (path: string) => bodies.get(path),
    async setMode(next: Partial<FakeOllamaMode>): Promise<void> {
      const wasDown = mode.down;
      mode = { ...mode, ...next };
      if (mode.down && !wasDown) await stop();
      if (!mode.down && wasDown) await listen();
    },
    close: stop,
  };
}
