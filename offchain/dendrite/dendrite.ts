/**
 * The dendrite: a validator's client for axons.
 *
 * - One long-lived keep-alive agent per protocol (node:http / node:https), shared by every query.
 * - Every query is signed (protocol/signing.ts), has its own timeout (sent to the miner as the signed
 *   `timeout`), and can be cancelled with an AbortSignal.
 * - Answers are JSON or NDJSON streams; either way the miner's signature over the exact bytes must recover
 *   to the target hotkey, or the answer is refused.
 * - `query` never throws for anything a peer does (bad endpoint, refused connection, garbage, wrong signer,
 *   slow answer): it resolves to `{ok: false, status, error, reason, latencyMs}`. Only caller mistakes
 *   (an invalid task) throw.
 *
 * `status` on failure is the peer's HTTP status when it sent one, else: 0 no connection (or a refused
 * destination, `bad_endpoint`), 408 timeout, 499 aborted by the caller, 502 the peer answered but the answer is
 * invalid (bad signature, bad body, too large).
 *
 * With `allowPrivateEndpoints: false` (a validator off local networks), only public unicast destinations are
 * queried (endpoint.ts): a miner's published endpoint must not reach into the validator's own network.
 */
import type { LookupFunction } from "node:net";
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { performance } from "node:perf_hooks";
import { randomUUID } from "node:crypto";
import type { Address, Hex } from "viem";
import { silentLogger, type Logger } from "../log.js";
import { bodyHash } from "../protocol/bodyHash.js";
import { FORWARD_PATH, JSON_CONTENT_TYPE, MAX_TIMEOUT_MS, NDJSON_CONTENT_TYPE, RH } from "../protocol/constants.js";
import { responseMessage } from "../protocol/messages.js";
import { NonceSource } from "../protocol/nonce.js";
import { errorBodySchema, streamFrameSchema, taskSchema, textResponseSchema, type Task } from "../protocol/schemas.js";
import { SignatureVerifier, recoverSigner, type HotkeySigner } from "../protocol/signatures.js";
import { signRequest } from "../protocol/signing.js";
import { EndpointRefused, ipLiteralOf, nonPublicReason, publicOnlyLookup, systemLookup } from "./endpoint.js";

export interface AxonTarget {
  hotkey: Address;
  /** Base URL the miner published, e.g. http://203.0.113.7:8091 */
  url: string;
}

export type DendriteResult =
  | { ok: true; status: 200; text: string; latencyMs: number; requestId: string; streamed: boolean }
  | { ok: false; status: number; error: string; reason: string; latencyMs: number; requestId: string };

export interface DendriteOptions {
  signer: HotkeySigner;
  chainId: number;
  netuid: number;
  /** Default per-query timeout. Default 12 s (one slot). */
  timeoutMs?: number;
  /** Sockets kept per axon. Default 8. */
  socketsPerHost?: number;
  /**
   * Largest answer read from a peer, in bytes; a larger one is `response_too_large`, abandoned as soon as the
   * bytes received exceed it. Default 1 MiB. The validator sets `maxResponseBytesFor(maxAnswerChars)`, which is
   * sized for one JSON answer: the validator never asks for streams. A caller that does (`stream: true`) must allow
   * more, since every NDJSON piece carries its own frame envelope.
   */
  maxResponseBytes?: number;
  /**
   * Longest answer text (in UTF-16 code units, as `text.length`); a longer one is `response_too_large`, and a
   * stream is abandoned as soon as its text passes it. Default: no limit but `maxResponseBytes`. The validator
   * sets what scoring reads (DEFAULT_MAX_ANSWER_CHARS): a longer answer scores 0 anyway.
   */
  maxAnswerChars?: number;
  /**
   * Query loopback, private, link-local and other non-public destinations too. A miner's endpoint is whatever
   * it published on chain, and must not reach the validator's own network (loopback services, cloud metadata,
   * the LAN): the validator's dendrites (createDendriteQuery) set it only on local networks (`isLocalNetwork`),
   * whose miners serve on 127.0.0.1. Default false: a Dendrite on one machine (tests, benches) opts in.
   */
  allowPrivateEndpoints?: boolean;
  /**
   * Resolves axon host names (default dns.lookup). Off `allowPrivateEndpoints`, every address it returns is
   * checked before a connection is made. For tests and custom resolvers.
   */
  lookup?: LookupFunction;
  /**
   * Longest line of a streamed (NDJSON) answer; a longer one makes the answer malformed (`bad_response`).
   * Default 64 KiB: a frame is one piece of the answer, and answers are scored up to 20 000 characters.
   */
  maxStreamLineBytes?: number;
  /**
   * Miner public keys kept for response checks (LRU). Default 1024, enough for every miner of a few subnets:
   * a check is always a key recovery (libsecp256k1, ~75 µs); a cached key only saves hashing the recovered
   * key to an address. 0 = no cache.
   */
  verifierCacheKeys?: number;
  logger?: Logger;
}

export interface QueryOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called with each piece of a streamed answer as it arrives (unverified until the end). */
  onChunk?: (piece: string) => void;
}

export interface QueryManyOptions extends Omit<QueryOptions, "onChunk"> {
  /** Queries in flight at once. Default: all. */
  concurrency?: number;
  onChunk?: (target: AxonTarget, piece: string) => void;
}

type Failure = Extract<DendriteResult, { ok: false }>;

class PeerFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

const MAX_ERROR_BODY = 16 * 1024;
/** The most of a peer's own error text (`reason`, `error`) kept in a result: it is logged and stored. */
export const MAX_PEER_REASON_CHARS = 200;
const MAX_PEER_ERROR_CHARS = 64;

/**
 * The bytes an honest JSON answer of `chars` characters can take: JSON.stringify writes at most 6 bytes per
 * UTF-16 code unit (`\u001f` for a control character or a lone surrogate; UTF-8 needs at most 3), plus 4 KiB
 * for the envelope (`{"v":1,"requestId":...,"text":...}`). 20 000 characters: 124 096 bytes (~121 KiB).
 */
export function maxResponseBytesFor(chars: number): number {
  return chars * 6 + 4096;
}

function refusedReason(target: AxonTarget, err: EndpointRefused): string {
  return `axon endpoint ${JSON.stringify(String(target.url).slice(0, 100))} is refused: ${err.message} (non-public endpoints are queried on local networks only)`;
}

/** `s` cut to `max` characters, marked when cut. */
function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

export const DEFAULT_MAX_STREAM_LINE_BYTES = 64 * 1024;

export class Dendrite {
  readonly #signer: HotkeySigner;
  readonly #chainId: number;
  readonly #netuid: number;
  readonly #timeoutMs: number;
  readonly #maxBytes: number;
  readonly #maxChars: number;
  readonly #allowPrivate: boolean;
  readonly #maxLine: number;
  readonly #nonces = new NonceSource();
  readonly #http: HttpAgent;
  readonly #https: HttpsAgent;
  readonly #log: Logger;
  readonly #verifier: SignatureVerifier;

  constructor(o: DendriteOptions) {
    this.#verifier = new SignatureVerifier({ cacheKeys: o.verifierCacheKeys ?? 1024 });
    this.#signer = o.signer;
    this.#chainId = o.chainId;
    this.#netuid = o.netuid;
    this.#timeoutMs = o.timeoutMs ?? 12_000;
    this.#maxBytes = o.maxResponseBytes ?? 1024 * 1024;
    this.#maxLine = o.maxStreamLineBytes ?? DEFAULT_MAX_STREAM_LINE_BYTES;
    if (!(Number.isInteger(this.#maxLine) && this.#maxLine > 0))
      throw new RangeError(`maxStreamLineBytes ${this.#maxLine} must be a positive integer (default 65536)`);
    if (!(Number.isInteger(this.#maxBytes) && this.#maxBytes > 0))
      throw new RangeError(`maxResponseBytes ${this.#maxBytes} must be a positive integer (default 1048576)`);
    this.#maxChars = o.maxAnswerChars ?? Number.POSITIVE_INFINITY;
    if (o.maxAnswerChars !== undefined && !(Number.isInteger(o.maxAnswerChars) && o.maxAnswerChars > 0))
      throw new RangeError(`maxAnswerChars ${o.maxAnswerChars} must be a positive integer (or left out: no limit)`);
    this.#allowPrivate = o.allowPrivateEndpoints ?? false;
    const resolve = o.lookup ?? systemLookup;
    const agentOptions = {
      // Checked on the resolved address of every new connection (endpoint.ts), so DNS rebinding is refused too.
      lookup: this.#allowPrivate ? resolve : publicOnlyLookup(resolve),
      keepAlive: true,
      keepAliveMsecs: 15_000,
      maxSockets: o.socketsPerHost ?? 8,
      maxFreeSockets: o.socketsPerHost ?? 8,
      scheduling: "lifo" as const,
    };
    this.#http = new HttpAgent(agentOptions);
    this.#https = new HttpsAgent(agentOptions);
    this.#log = (o.logger ?? silentLogger()).child({ component: "dendrite" });
  }

  get hotkey(): Address {
    return this.#signer.address;
  }

  /** Sends one task to one axon. Never rejects for a peer's behaviour. */
  async query(target: AxonTarget, task: Task, options: QueryOptions = {}): Promise<DendriteResult> {
    const checked = taskSchema.safeParse(task);
    if (!checked.success)
      throw new TypeError(`invalid task: ${checked.error.issues[0]?.message ?? "rejected by schema"}`);
    const timeoutMs = Math.min(Math.max(1, Math.floor(options.timeoutMs ?? this.#timeoutMs)), MAX_TIMEOUT_MS);
    const requestId = randomUUID();
    const t0 = performance.now();
    const fail = (status: number, error: string, reason: string): Failure => ({
      ok: false,
      status,
      error,
      reason,
      latencyMs: performance.now() - t0,
      requestId,
    });

    let url: URL;
    try {
      url = new URL(FORWARD_PATH, target.url);
      if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`protocol ${url.protocol}`);
      if (!/^0x[0-9a-fA-F]{40}$/.test(target.hotkey)) throw new Error(`hotkey ${String(target.hotkey)}`);
      // Node connects to an IP literal without calling the agent's lookup: the literal is checked here.
      const literal = this.#allowPrivate ? undefined : ipLiteralOf(url);
      const why = literal === undefined ? undefined : nonPublicReason(literal);
      if (why !== undefined) throw new EndpointRefused(why);
    } catch (err) {
      if (err instanceof EndpointRefused) return fail(0, "bad_endpoint", refusedReason(target, err));
      return fail(
        0,
        "bad_endpoint",
        `axon endpoint ${JSON.stringify(String(target.url).slice(0, 100))} is unusable: ${(err as Error).message}`,
      );
    }
    if (options.signal?.aborted) return fail(499, "aborted", "cancelled before sending");

    const body = Buffer.from(JSON.stringify(checked.data), "utf8");
    const deadline = t0 + timeoutMs;
    // A request that failed on a reused keep-alive socket before any answer is retried once, re-signed.
    for (let attempt = 0; ; attempt++) {
      const remaining = Math.max(1, Math.floor(deadline - performance.now()));
      try {
        const text = await this.#exchange(
          url,
          target,
          requestId,
          body,
          remaining,
          deadline,
          options,
          checked.data.stream === true,
        );
        return {
          ok: true,
          status: 200,
          text: text.text,
          latencyMs: performance.now() - t0,
          requestId,
          streamed: text.streamed,
        };
      } catch (err) {
        if (err instanceof PeerFailure) return fail(err.status, err.code, err.reason);
        // Refused by the agent's lookup: no connection was made, nothing was sent.
        if (err instanceof EndpointRefused) return fail(0, "bad_endpoint", refusedReason(target, err));
        const e = err as NodeJS.ErrnoException & { retryable?: boolean };
        if (e.retryable === true && attempt === 0 && performance.now() < deadline) continue;
        if (e.name === "TimeoutError") return fail(408, "timeout", `no complete answer within ${timeoutMs} ms`);
        if (e.name === "AbortError") return fail(499, "aborted", "cancelled by the caller");
        return fail(0, "unreachable", `${e.code ?? e.name}: ${e.message}`.slice(0, 300));
      }
    }
  }

  /** Queries many axons at once; results are in the order of `targets`. */
  async queryMany(
    targets: readonly AxonTarget[],
    task: Task | ((t: AxonTarget) => Task),
    options: QueryManyOptions = {},
  ): Promise<DendriteResult[]> {
    const results = new Array<DendriteResult>(targets.length);
    const limit = Math.max(1, Math.min(options.concurrency ?? targets.length, targets.length));
    let next = 0;
    const worker = async (): Promise<void> => {
      for (;;) {
        const i = next++;
        if (i >= targets.length) return;
        const t = targets[i]!;
        const onChunk = options.onChunk;
        results[i] = await this.query(t, typeof task === "function" ? task(t) : task, {
          timeoutMs: options.timeoutMs,
          signal: options.signal,
          onChunk: onChunk === undefined ? undefined : (piece) => onChunk(t, piece),
        });
      }
    };
    await Promise.all(Array.from({ length: limit }, worker));
    return results;
  }

  /** Closes idle keep-alive sockets; in-flight queries fail with `unreachable`. */
  close(): void {
    this.#http.destroy();
    this.#https.destroy();
  }

  async #exchange(
    url: URL,
    target: AxonTarget,
    requestId: string,
    body: Buffer,
    timeoutMs: number,
    deadline: number,
    options: QueryOptions,
    stream: boolean,
  ): Promise<{ text: string; streamed: boolean }> {
    const signed = await signRequest(this.#signer, {
      chainId: this.#chainId,
      netuid: this.#netuid,
      miner: target.hotkey,
      nonce: this.#nonces.next(),
      requestId,
      timeoutMs,
      body,
    });
    // Aborted while signing: the listener below would never fire, so nothing is sent.
    if (options.signal?.aborted) {
      const e = new Error("aborted");
      e.name = "AbortError";
      throw e;
    }
    const isHttps = url.protocol === "https:";
    const send = isHttps ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      let settled = false;
      let answered = false;
      const settle = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
        fn();
      };
      const req: ClientRequest = send(url, {
        method: "POST",
        agent: isHttps ? this.#https : this.#http,
        headers: {
          ...signed.headers,
          "content-type": JSON_CONTENT_TYPE,
          "content-length": String(body.length),
          accept: stream ? NDJSON_CONTENT_TYPE : JSON_CONTENT_TYPE,
        },
      });
      const abortWith = (name: string, message: string): void => {
        const e = new Error(message);
        e.name = name;
        settle(() => reject(e));
        req.destroy();
      };
      // From the deadline, not from now: signing (and whatever ran meanwhile) does not extend the query.
      const timer = setTimeout(() => abortWith("TimeoutError", "timeout"), Math.max(0, deadline - performance.now()));
      const onAbort = (): void => abortWith("AbortError", "aborted");
      options.signal?.addEventListener("abort", onAbort, { once: true });

      req.on("error", (err: NodeJS.ErrnoException & { retryable?: boolean }) => {
        if (!answered && req.reusedSocket && (err.code === "ECONNRESET" || err.code === "EPIPE")) err.retryable = true;
        settle(() => reject(err));
      });
      req.on("response", (res) => {
        answered = true;
        this.#read(res, target, requestId, options, stream).then(
          (r) => settle(() => resolve(r)),
          (e: unknown) => {
            settle(() => reject(e));
            res.destroy();
          },
        );
      });
      req.end(body);
    });
  }

  async #read(
    res: IncomingMessage,
    target: AxonTarget,
    requestId: string,
    options: QueryOptions,
    stream: boolean,
  ): Promise<{ text: string; streamed: boolean }> {
    const status = res.statusCode ?? 0;
    const type = String(res.headers["content-type"] ?? "");
    if (status !== 200) {
      const raw = await readAll(res, MAX_ERROR_BODY, true);
      let parsed: { error: string; reason: string } | undefined;
      try {
        const r = errorBodySchema.safeParse(JSON.parse(raw.toString("utf8")));
        if (r.success) parsed = r.data;
      } catch {
        // not JSON: reported as http_<status>
      }
      // The peer's own words, bounded: they are logged and stored with the round.
      throw new PeerFailure(
        status,
        clip(parsed?.error ?? `http_${status}`, MAX_PEER_ERROR_CHARS),
        clip(parsed?.reason ?? (raw.toString("utf8") || `HTTP ${status}`), MAX_PEER_REASON_CHARS),
      );
    }
    if (type.startsWith(NDJSON_CONTENT_TYPE)) {
      // A stream costs a parse and a schema check per line before its signature is known: only when asked for.
      if (!stream)
        throw new PeerFailure(502, "bad_response", "a streamed (NDJSON) answer to a request that asked for JSON");
      return { text: await this.#readStream(res, target, requestId, options), streamed: true };
    }
    const bytes = await readAll(res, this.#maxBytes, false);
    const hash = bodyHash(bytes);
    const claimed = res.headers[RH.bodyHash];
    if (claimed !== hash)
      throw new PeerFailure(
        502,
        "bad_response",
        `response body hash ${String(claimed).slice(0, 70)} does not match its bytes`,
      );
    this.#checkSignature(target, requestId, hash, res.headers[RH.signature]);
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString("utf8"));
    } catch {
      throw new PeerFailure(502, "bad_response", "signed response body is not JSON");
    }
    const parsed = textResponseSchema.safeParse(json);
    if (!parsed.success)
      throw new PeerFailure(
        502,
        "bad_response",
        `response body does not match the v1 schema: ${parsed.error.issues[0]?.message}`,
      );
    if (parsed.data.requestId !== requestId)
      throw new PeerFailure(502, "bad_response", "response is for another request id");
    if (parsed.data.text.length > this.#maxChars)
      throw new PeerFailure(502, "response_too_large", `the answer exceeds ${this.#maxChars} characters`);
    return { text: parsed.data.text, streamed: false };
  }

  #checkSignature(target: AxonTarget, requestId: string, hash: Hex, signature: unknown): void {
    if (typeof signature !== "string")
      throw new PeerFailure(502, "unsigned_response", "the answer carries no miner signature");
    const message = responseMessage({
      chainId: this.#chainId,
      netuid: this.#netuid,
      miner: target.hotkey,
      validator: this.#signer.address,
      requestId,
      bodyHash: hash,
    });
    if (!this.#verifier.verify(message, signature, target.hotkey)) {
      const signer = recoverSigner(message, signature);
      this.#log.warn(
        { miner: target.hotkey, url: target.url, recovered: signer },
        "answer not signed by the target miner",
      );
      throw new PeerFailure(
        502,
        "bad_signature",
        `the answer is signed by ${signer ?? "nobody (invalid signature)"}, not by miner ${target.hotkey}`,
      );
    }
  }

  async #readStream(
    res: IncomingMessage,
    target: AxonTarget,
    requestId: string,
    options: QueryOptions,
  ): Promise<string> {
    const signedParts: Buffer[] = [];
    let signedBytes = 0;
    // The bytes of the line not yet ended, as the pieces they came in: a chunk is searched for a newline
    // once and copied once (when its line ends), so reading is linear in the answer's size.
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const maxLine = this.#maxLine;
    const tooLong = (): PeerFailure =>
      new PeerFailure(502, "bad_response", `a stream line exceeds ${maxLine} bytes (the most a frame may have)`);
    let text = "";
    let total = 0;
    let ended = false;
    const handleLine = (line: Buffer): void => {
      if (ended) throw new PeerFailure(502, "bad_response", "data after the end of the stream");
      let frame;
      try {
        frame = streamFrameSchema.safeParse(JSON.parse(line.toString("utf8")));
      } catch {
        throw new PeerFailure(502, "bad_response", "a stream line is not JSON");
      }
      if (!frame.success)
        throw new PeerFailure(
          502,
          "bad_response",
          `a stream line does not match the v1 schema: ${frame.error.issues[0]?.message}`,
        );
      const f = frame.data;
      if (f.t === "d") {
        signedParts.push(line, NEWLINE);
        signedBytes += line.length + 1;
        text += f.d;
        if (text.length > this.#maxChars)
          throw new PeerFailure(502, "response_too_large", `the streamed answer exceeds ${this.#maxChars} characters`);
        options.onChunk?.(f.d);
        return;
      }
      if (f.t === "err")
        throw new PeerFailure(f.status, clip(f.error, MAX_PEER_ERROR_CHARS), clip(f.reason, MAX_PEER_REASON_CHARS));
      const hash = bodyHash(Buffer.concat(signedParts, signedBytes));
      if (hash !== f.hash) throw new PeerFailure(502, "bad_response", "stream hash does not match the bytes received");
      this.#checkSignature(target, requestId, hash, f.sig);
      ended = true;
    };
    for await (const chunk of res as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > this.#maxBytes)
        throw new PeerFailure(502, "response_too_large", `the answer exceeds ${this.#maxBytes} bytes`);
      let start = 0;
      for (let nl = chunk.indexOf(0x0a); nl >= 0; nl = chunk.indexOf(0x0a, start)) {
        const tail = chunk.subarray(start, nl);
        start = nl + 1;
        if (pendingBytes + tail.length > maxLine) throw tooLong();
        const line = pendingBytes === 0 ? tail : Buffer.concat([...pending, tail], pendingBytes + tail.length);
        pending = [];
        pendingBytes = 0;
        if (line.length > 0) handleLine(line);
      }
      if (start < chunk.length) {
        pendingBytes += chunk.length - start;
        if (pendingBytes > maxLine) throw tooLong();
        pending.push(chunk.subarray(start));
      }
    }
    if (pendingBytes > 0) handleLine(Buffer.concat(pending, pendingBytes));
    if (!ended) throw new PeerFailure(502, "truncated_stream", "the stream ended without its signed end line");
    return text;
  }
}

const NEWLINE = Buffer.from("\n");

function readAll(res: IncomingMessage, limit: number, truncate: boolean): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        if (truncate) {
          chunks.push(c.subarray(0, Math.max(0, c.length - (size - limit))));
          resolve(Buffer.concat(chunks));
          res.destroy();
          return;
        }
        reject(new PeerFailure(502, "response_too_large", `the answer exceeds ${limit} bytes`));
        res.destroy();
        return;
      }
      chunks.push(c);
    });
    res.on("end", () => resolve(Buffer.concat(chunks)));
    res.on("error", (e) => reject(e));
    res.on("aborted", () => reject(new PeerFailure(0, "unreachable", "the connection closed mid-answer")));
  });
}
