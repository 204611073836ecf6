/**
 * The axon: a fastify server that answers signed tasks from permitted validators of one subnet.
 *
 * Everything that can refuse a request runs before any work, cheapest first, in `onRequest` (before the
 * body is even read): body size → header shape → chain/netuid/miner target → nonce freshness → caller in the
 * metagraph cache with a permit → signature → replay → rate limit. Then the body is read (size-limited),
 * checked against the signed hash, parsed and validated, and the request waits for a slot (bounded queue,
 * highest stake first). The backend runs under an AbortSignal tied to the caller's deadline and connection.
 * Every refusal is `{error, reason}` JSON with its status (see protocol/errors.ts).
 */
import { performance } from "node:perf_hooks";
import type { ServerResponse } from "node:http";
import type { Socket } from "node:net";
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { Address } from "viem";
import { silentLogger, type Logger } from "../log.js";
import type { MetagraphView, NeuronInfo } from "../metagraph/types.js";
import { bodyHash } from "../protocol/bodyHash.js";
import {
  FORWARD_PATH,
  HEALTH_PATH,
  JSON_CONTENT_TYPE,
  METRICS_PATH,
  NDJSON_CONTENT_TYPE,
  PROTOCOL_VERSION,
  RH,
} from "../protocol/constants.js";
import { AXON_ERRORS, AxonRejection, type AxonErrorCode } from "../protocol/errors.js";
import { parseRequestHeaders, type SignedRequestHeaders } from "../protocol/headers.js";
import { requestMessage } from "../protocol/messages.js";
import { nonceTimeMs } from "../protocol/nonce.js";
import { taskSchema, type Task } from "../protocol/schemas.js";
import { SignatureVerifier, secp256k1Native, type HotkeySigner } from "../protocol/signatures.js";
import { signResponse } from "../protocol/signing.js";
import { Admission, AdmissionRejected, type Release } from "./admission.js";
import { BackendError, type Backend, type BackendContext } from "./backend.js";
import { parseAxonConfig, type AxonConfig, type AxonConfigInput } from "./config.js";
import { LATENCY_BUCKETS, MetricsRegistry, type Counter, type Histogram } from "./metrics.js";
import { NonceGuard } from "./nonceGuard.js";
import { NonceLedger, type NonceStore } from "./nonceLedger.js";
import { RateLimiter } from "./rateLimiter.js";
import { sourceKey } from "./sourceKey.js";
import { parseTrustedProxies } from "./trustedProxies.js";

export interface AxonDeps {
  /** The miner's hotkey: requests must target it, responses are signed by it. */
  signer: HotkeySigner;
  metagraph: MetagraphView;
  backend: Backend;
  logger?: Logger;
  now?: () => number;
  /**
   * Where each validator's highest accepted nonce is kept across restarts (the miner's data dir). With it, a
   * restarted axon refuses a request captured before the restart as a replay and answers fresh ones at once;
   * without it, every start refuses nonces dated before it plus clockSkewMs. The caller opens and closes it;
   * `close()` writes what is pending first.
   */
  nonceStore?: NonceStore;
}

export interface AxonStats {
  active: number;
  queued: number;
}

export interface Axon {
  readonly fastify: FastifyInstance;
  readonly config: AxonConfig;
  readonly metrics: AxonMetrics;
  /** Starts listening; resolves to the base URL (e.g. http://127.0.0.1:8091). */
  listen(options: { port: number; host?: string }): Promise<string>;
  /** Stops accepting, aborts running work, waits for in-flight replies. */
  close(): Promise<void>;
  /**
   * Nonces dated earlier are refused: without a nonce store, this start plus clockSkewMs; with one, the store's
   * first start of this chain/subnet/hotkey plus clockSkewMs (in the past after a restart).
   */
  readonly noncesFromMs: number;
  /** The durable replay state, when the axon has a nonce store. */
  readonly nonceLedger?: NonceLedger;
  stats(): AxonStats;
}

export interface AxonMetrics {
  registry: MetricsRegistry;
  requests: Counter;
  rejections: Counter;
  duration: Histogram;
  backendDuration: Histogram;
}

interface RequestState {
  t0: number;
  route: string;
  headers?: SignedRequestHeaders;
  neuron?: NeuronInfo;
  /** Resolves once the request's nonce is on disk (with a nonce store): no work before that. */
  durable?: Promise<void>;
  deadline?: number;
  /** Destroys the socket if a verified task's body has not arrived by requestReadTimeoutMs. */
  bodyTimer?: NodeJS.Timeout;
}

class Aborted extends Error {
  constructor(readonly why: "deadline" | "client" | "shutdown") {
    super(why);
  }
}

/**
 * Longest `reason` a backend may put in an answer: its texts (e.g. Ollama's errors) are not the axon's own, and
 * whatever they carry goes to the peer, so they are cut; the miner's log keeps the whole text.
 */
export const MAX_BACKEND_REASON_CHARS = 200;
/** Longest `reason` of any refusal (the axon's own sentences stay well below it; this is a backstop). */
export const MAX_REASON_CHARS = 600;

function bounded(reason: string, max: number): string {
  return reason.length <= max ? reason : `${reason.slice(0, max - 1)}…`;
}

function rejection(
  reply: FastifyReply,
  code: AxonErrorCode,
  reason: string,
  extra?: Record<string, string>,
): FastifyReply {
  if (extra !== undefined) for (const [k, v] of Object.entries(extra)) reply.header(k, v);
  return reply
    .code(AXON_ERRORS[code])
    .type(JSON_CONTENT_TYPE)
    .send({ error: code, reason: bounded(reason, MAX_REASON_CHARS) });
}

function abortForDeadline(ac: AbortController): void {
  ac.abort(new Aborted("deadline"));
}

/** Resolves with `p`, or rejects with the signal's reason as soon as it aborts (even if `p` never settles). */
function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    p.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

function isAsyncIterable(x: unknown): x is AsyncIterable<string> {
  return typeof x === "object" && x !== null && Symbol.asyncIterator in x;
}

function waitDrain(res: ServerResponse, signal: AbortSignal): Promise<void> {
  return raceAbort(
    new Promise<void>((resolve) => {
      res.once("drain", resolve);
      res.once("close", resolve);
    }),
    signal,
  );
}

export async function createAxon(configInput: AxonConfigInput, deps: AxonDeps): Promise<Axon> {
  const config = parseAxonConfig(configInput);
  const log = (deps.logger ?? silentLogger()).child({ component: "axon" });
  const now = deps.now ?? Date.now;
  const self = deps.signer.address.toLowerCase() as Address;
  const verifier = new SignatureVerifier({ cacheKeys: config.verifierCacheKeys });
  if (!secp256k1Native) {
    log.warn(
      "secp256k1 runs its pure-JS fallback (no libsecp256k1 build for this platform): signature checks are ~30x slower; install a C toolchain and reinstall the secp256k1 package to build it",
    );
  }
  // No request captured before a restart may be replayed after it. With a nonce store, each validator's highest
  // accepted nonce survives restarts (written before any work is done for it, nonceLedger.ts): a nonce at or below
  // it is a replay, anything newer is answered at once. Without one (or on the store's first start of this scope),
  // a validator's clock may run up to clockSkewMs ahead, so an earlier process on this hotkey may have accepted any
  // nonce dated before start + clockSkewMs: those are refused, and nothing is answered for the first clockSkewMs.
  const startedMs = now();
  const ledger =
    deps.nonceStore === undefined
      ? undefined
      : new NonceLedger(
          deps.nonceStore,
          { chainId: config.chainId, netuid: config.netuid, miner: self },
          startedMs + config.clockSkewMs,
          {
            onError: (err) =>
              log.error(
                { err: (err as Error)?.message ?? String(err), file: deps.nonceStore?.file },
                "cannot write accepted nonces to the miner's store: requests are refused until it works again (check the disk and the file's permissions)",
              ),
          },
        );
  if (ledger !== undefined) {
    log.info(
      {
        file: ledger.file,
        validators: ledger.validators,
        noncesFromMs: ledger.notBeforeMs,
        firstStart: ledger.created,
      },
      ledger.created
        ? "nonce store is new for this chain, subnet and hotkey: nonces dated before this start plus the clock skew are refused"
        : "nonce watermarks loaded: replays from before the restart are refused, fresh requests are answered at once",
    );
  }
  const nonces = new NonceGuard({
    skewMs: config.clockSkewMs,
    reorderMs: config.nonceReorderMs,
    notBeforeMs: ledger?.notBeforeMs ?? startedMs + config.clockSkewMs,
    ...(ledger === undefined ? {} : { floor: (caller: string) => ledger.floor(caller) }),
  });
  const limiter = new RateLimiter({ perSecond: config.ratePerSecond, burst: config.rateBurst, now });
  const ipLimiter =
    config.ipRatePerSecond > 0
      ? new RateLimiter({ perSecond: config.ipRatePerSecond, burst: config.ipRateBurst, now })
      : undefined;
  const admission = new Admission({
    maxConcurrent: config.maxConcurrent,
    queueSize: config.queueSize,
    maxPerKey: config.maxPerValidator,
    now,
  });
  const states = new WeakMap<object, RequestState>();
  const running = new Set<AbortController>();
  let closing = false;

  const registry = new MetricsRegistry();
  const metrics: AxonMetrics = {
    registry,
    requests: registry.counter("axon_requests_total", "Requests answered, by route and HTTP status."),
    rejections: registry.counter("axon_rejections_total", "Requests refused before or instead of work, by error code."),
    duration: registry.histogram(
      "axon_request_duration_seconds",
      "Time from request arrival to response end.",
      LATENCY_BUCKETS,
    ),
    backendDuration: registry.histogram(
      "axon_backend_duration_seconds",
      "Time the backend took to answer.",
      LATENCY_BUCKETS,
    ),
  };
  registry.gauge("axon_inflight", "Requests running in the backend.", () => admission.active);
  registry.gauge("axon_queued", "Requests waiting for a slot.", () => admission.queued);
  registry.gauge(
    "axon_metagraph_age_seconds",
    "Age of the metagraph snapshot in use.",
    () => deps.metagraph.ageMs() / 1000,
  );
  registry.gauge("axon_metagraph_neurons", "Neurons in the metagraph snapshot in use.", () => deps.metagraph.size);
  if (ledger !== undefined) {
    registry.counterFrom(
      "axon_nonce_writes_total",
      "Group writes of accepted nonces to the miner's store (each one transaction, one fsync).",
      () => ledger.stats.writes,
    );
    registry.counterFrom(
      "axon_nonce_write_failures_total",
      "Failed writes of accepted nonces (the requests waiting on them were refused).",
      () => ledger.stats.failures,
    );
  }
  registry.counterFrom(
    "axon_signature_recoveries_total",
    "Signature checks that hashed the recovered key to an address (a validator's first check, or after LRU eviction).",
    () => verifier.stats.recoveries,
  );
  registry.counterFrom(
    "axon_signature_cached_checks_total",
    "Signature checks that compared the recovered key with a cached validator key.",
    () => verifier.stats.cachedChecks,
  );

  // Behind trusted reverse proxies, request.ip is the client address they forwarded (X-Forwarded-For, read from
  // the right past the trusted hops); without any, X-Forwarded-For is ignored, so no client can claim an address.
  const trusted = parseTrustedProxies(config.trustedProxies);
  const behindProxy = config.trustedProxies.length > 0;
  if (behindProxy) {
    log.info(
      { trustedProxies: config.trustedProxies },
      "trusting X-Forwarded-For from these proxies: per-IP limits key on the forwarded client address, and their sockets are not capped per address",
    );
  }

  // Node's own request timeout is a backstop only: a verified caller's body deadline is ours (bodyTimer, below).
  const requestTimeoutMs = config.headersTimeoutMs + config.requestReadTimeoutMs;
  const app = Fastify({
    logger: false,
    bodyLimit: config.bodyLimitBytes,
    return503OnClosing: true,
    forceCloseConnections: "idle",
    keepAliveTimeout: 75_000,
    requestTimeout: requestTimeoutMs,
    http: {
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: requestTimeoutMs,
      // Node enforces both timeouts only when it sweeps its connections (every 30 s by default): sweep often
      // enough that a slow-header socket goes within about a quarter of headersTimeoutMs past it.
      connectionsCheckingInterval: Math.max(25, Math.min(1_000, Math.floor(config.headersTimeoutMs / 4))),
    },
    routerOptions: { maxParamLength: 200 },
    ...(behindProxy ? { trustProxy: (address: string) => trusted(address) } : {}),
  });

  // Socket caps: in all (Node closes sockets beyond maxConnections as they arrive) and per source address, so
  // neither idle sockets nor one host can use up the file descriptors validators need.
  app.server.maxConnections = config.maxConnections;
  const socketsRefused = registry.counter(
    "axon_sockets_refused_total",
    "Sockets destroyed on arrival because their source address already held maxSocketsPerIp open sockets.",
  );
  if (config.maxSocketsPerIp > 0) {
    const socketsPerIp = new Map<string, number>();
    app.server.on("connection", (socket: Socket) => {
      if (socket.remoteAddress === undefined) {
        socket.destroy(); // already gone
        return;
      }
      if (behindProxy && trusted(socket.remoteAddress)) return; // a proxy multiplexes many clients: not capped
      const key = sourceKey(socket.remoteAddress);
      const open = socketsPerIp.get(key) ?? 0;
      if (open >= config.maxSocketsPerIp) {
        socketsRefused.inc();
        log.debug({ ip: key, open, max: config.maxSocketsPerIp }, "socket refused: too many open from one address");
        socket.destroy();
        return;
      }
      socketsPerIp.set(key, open + 1);
      socket.once("close", () => {
        const n = (socketsPerIp.get(key) ?? 1) - 1;
        if (n > 0) socketsPerIp.set(key, n);
        else socketsPerIp.delete(key);
      });
    });
  }

  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: config.bodyLimitBytes }, (_req, body, done) =>
    done(null, body),
  );

  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err.code === "FST_ERR_CTP_BODY_TOO_LARGE" || err.statusCode === 413) {
      metrics.rejections.inc({ error: "payload_too_large" });
      reply.header("connection", "close");
      return rejection(reply, "payload_too_large", `the body exceeds ${config.bodyLimitBytes} bytes`);
    }
    if (typeof err.statusCode === "number" && err.statusCode >= 400 && err.statusCode < 500) {
      metrics.rejections.inc({ error: "bad_request" });
      return rejection(reply, "bad_request", err.message.slice(0, 200));
    }
    log.error({ err, url: request.url }, "unhandled error in axon");
    return rejection(reply, "internal", "internal error (logged by the miner)");
  });

  app.setNotFoundHandler((request, reply) =>
    rejection(
      reply,
      "not_found",
      `no route ${request.method} ${request.url.slice(0, 100)}: tasks go to POST ${FORWARD_PATH}`,
    ),
  );

  // The body has arrived (it is parsed before preValidation): the read deadline no longer applies.
  app.addHook("preValidation", async (request) => {
    clearTimeout(states.get(request.raw)?.bodyTimer);
  });

  // Runs first for every request: timing, metrics on completion, and the whole pre-work gate for tasks.
  app.addHook("onRequest", async (request, reply) => {
    const state: RequestState = { t0: performance.now(), route: routeOf(request) };
    states.set(request.raw, state);
    reply.raw.once("close", () => {
      clearTimeout(state.bodyTimer);
      const status = reply.raw.headersSent ? reply.raw.statusCode : 499;
      metrics.requests.inc({ route: state.route, status });
      metrics.duration.observe((performance.now() - state.t0) / 1000, { route: state.route });
    });
    if (state.route !== "forward") {
      // Only tasks carry a body: refuse any other body before reading it, and drop the socket.
      const length = request.headers["content-length"];
      if ((length !== undefined && length !== "0") || request.headers["transfer-encoding"] !== undefined) {
        reply.header("connection", "close");
        await rejection(reply, "not_found", `no body is accepted at ${request.method} ${request.url.slice(0, 100)}`);
        return reply;
      }
      return;
    }
    const refused = gate(request, state);
    if (refused === undefined) {
      // A verified caller's body must arrive within requestReadTimeoutMs: nobody holds a socket open mid-body.
      state.bodyTimer = setTimeout(() => request.raw.destroy(), config.requestReadTimeoutMs);
      state.bodyTimer.unref();
    } else {
      metrics.rejections.inc({ error: refused.code });
      // Refused before the body was read: close instead of draining whatever the peer still sends.
      reply.header("connection", "close");
      log.debug({ error: refused.code, reason: refused.reason, ip: request.ip }, "request refused");
      await rejection(reply, refused.code, refused.reason, refused.headers);
      return reply;
    }
  });

  function routeOf(request: FastifyRequest): string {
    const path = request.url.split("?", 1)[0];
    if (request.method === "POST" && path === FORWARD_PATH) return "forward";
    if (path === HEALTH_PATH) return "health";
    if (path === METRICS_PATH) return "metrics";
    return "other";
  }

  interface Refusal {
    code: AxonErrorCode;
    reason: string;
    headers?: Record<string, string>;
  }

  /** The checks that need no body. Returns the refusal, or undefined (state filled in) to go on. */
  function gate(request: FastifyRequest, state: RequestState): Refusal | undefined {
    try {
      const len = request.headers["content-length"];
      if (len !== undefined && Number(len) > config.bodyLimitBytes) {
        return { code: "payload_too_large", reason: `content-length ${len} exceeds ${config.bodyLimitBytes} bytes` };
      }
      const h = parseRequestHeaders(request.headers);
      if (h.chainId !== config.chainId || h.netuid !== config.netuid) {
        return {
          code: "wrong_network",
          reason: `request is for chain ${h.chainId} subnet ${h.netuid}; this axon serves chain ${config.chainId} subnet ${config.netuid}`,
        };
      }
      if (h.miner !== self) return { code: "wrong_miner", reason: `request targets ${h.miner}; this axon is ${self}` };
      const t = now();
      const fresh = nonces.freshness(h.nonce, t);
      if (fresh === "beforeStart") {
        const nonceMs = nonceTimeMs(h.nonce);
        const waitMs = nonces.notBeforeMs - nonceMs;
        const since =
          ledger === undefined
            ? `this axon started at ${startedMs} and refuses nonces dated before its start plus the ${config.clockSkewMs} ms clock skew`
            : `this axon's nonce record for chain ${config.chainId} subnet ${config.netuid} is new (its first start with this data dir) and it refuses nonces dated before that start plus the clock skew`;
        return {
          code: "stale_nonce",
          reason: `nonce time ${nonceMs} is before ${nonces.notBeforeMs}: ${since}, so that a request captured before a restart cannot be replayed; retry in ${waitMs} ms with a fresh nonce`,
          headers: { "retry-after": String(Math.max(1, Math.ceil(waitMs / 1000))) },
        };
      }
      if (fresh !== "fresh") {
        return {
          code: fresh === "stale" ? "stale_nonce" : "future_nonce",
          reason: `nonce time ${Math.floor(h.nonce / 1000)} is more than ${config.clockSkewMs} ms from this axon's clock ${t}: check the validator's clock`,
        };
      }
      if (!deps.metagraph.available()) {
        const age = deps.metagraph.ageMs();
        return {
          code: "metagraph_unavailable",
          reason:
            age === Number.POSITIVE_INFINITY
              ? "the metagraph has not loaded yet: retry shortly"
              : `the metagraph snapshot is ${Math.round(age / 1000)} s old, too old to trust (this miner cannot read the chain): retry shortly`,
          headers: { "retry-after": "5" },
        };
      }
      const source = sourceKey(request.ip); // the forwarded client address, behind a trusted proxy
      const ipWait = ipLimiter?.take(source) ?? 0;
      if (ipWait > 0) {
        return {
          code: "rate_limited",
          reason: `more than ${config.ipRatePerSecond} requests/s from ${source}: retry in ${ipWait} ms`,
          headers: { "retry-after": String(Math.max(1, Math.ceil(ipWait / 1000))) },
        };
      }
      const neuron = deps.metagraph.lookup(h.validator);
      if (neuron === undefined) {
        return { code: "unknown_hotkey", reason: `hotkey ${h.validator} is not registered on subnet ${config.netuid}` };
      }
      if (!neuron.validatorPermit) {
        return {
          code: "no_permit",
          reason: `hotkey ${h.validator} (uid ${neuron.uid}) holds no validator permit on subnet ${config.netuid}`,
        };
      }
      if (neuron.stake < config.minStake) {
        return {
          code: "no_permit",
          reason: `hotkey ${h.validator} stake ${neuron.stake} rao is below this axon's minimum ${config.minStake}`,
        };
      }
      if (!verifier.verify(requestMessage(h), h.signature, h.validator)) {
        return {
          code: "bad_signature",
          reason: `the signature does not recover to validator ${h.validator} over the v${PROTOCOL_VERSION} request message`,
        };
      }
      if (!nonces.commit(h.validator, h.nonce)) {
        return {
          code: "replayed_nonce",
          reason: `nonce ${h.nonce} was already used or is older than this validator's recent nonces`,
        };
      }
      // From here the nonce is spent, whatever the outcome: record it (the write is grouped; awaited before work).
      if (ledger !== undefined) state.durable = ledger.record(h.validator, h.nonce);
      const wait = limiter.take(h.validator);
      if (wait > 0) {
        return {
          code: "rate_limited",
          reason: `more than ${config.ratePerSecond} requests/s (burst ${config.rateBurst}) from ${h.validator}: retry in ${wait} ms`,
          headers: { "retry-after": String(Math.max(1, Math.ceil(wait / 1000))) },
        };
      }
      state.headers = h;
      state.neuron = neuron;
      state.deadline = t + Math.min(h.timeoutMs, config.maxTimeoutMs);
      return undefined;
    } catch (err) {
      if (err instanceof AxonRejection) return { code: err.code, reason: err.reason };
      log.error({ err }, "unexpected error while checking a request");
      return { code: "internal", reason: "internal error (logged by the miner)" };
    }
  }

  app.get(HEALTH_PATH, async () => ({
    status: closing ? "closing" : "ok",
    version: PROTOCOL_VERSION,
    hotkey: self,
    chainId: config.chainId,
    netuid: config.netuid,
    inflight: admission.active,
    queued: admission.queued,
    metagraph: {
      neurons: deps.metagraph.size,
      ageMs: Math.round(Math.min(deps.metagraph.ageMs(), Number.MAX_SAFE_INTEGER)),
    },
    backend: deps.backend.health?.() ?? {},
  }));

  if (config.metrics) {
    app.get(METRICS_PATH, async (_request, reply) =>
      reply.type("text/plain; version=0.0.4; charset=utf-8").send(registry.render()),
    );
  }

  function refuse(reply: FastifyReply, code: AxonErrorCode, reason: string): FastifyReply {
    metrics.rejections.inc({ error: code });
    return rejection(reply, code, reason);
  }

  app.post(FORWARD_PATH, async (request, reply) => {
    const state = states.get(request.raw);
    if (state?.headers === undefined || state.neuron === undefined || state.deadline === undefined) {
      return rejection(reply, "internal", "request state missing");
    }
    const h = state.headers;

    const body = request.body;
    if (!Buffer.isBuffer(body) || body.length === 0)
      return refuse(reply, "malformed_json", "the body is empty: send the task as JSON");
    if (bodyHash(body) !== h.bodyHash) {
      return refuse(reply, "body_hash_mismatch", `keccak256 of the body differs from the signed ${h.bodyHash}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(body.toString("utf8"));
    } catch (err) {
      return refuse(reply, "malformed_json", `the body is not JSON: ${(err as Error).message.slice(0, 120)}`);
    }
    const parsed = taskSchema.safeParse(json);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      return refuse(reply, "invalid_task", `task field ${i?.path.join(".") || "(root)"}: ${i?.message ?? "invalid"}`);
    }
    const task = parsed.data;

    // Deadline, disconnect and shutdown all abort the same controller.
    const ac = new AbortController();
    const remaining = state.deadline - now();
    const timer = setTimeout(abortForDeadline, Math.max(0, remaining), ac);
    const onClose = (): void => {
      if (!reply.raw.writableEnded) ac.abort(new Aborted("client"));
    };
    reply.raw.once("close", onClose);
    running.add(ac);

    let release: Release | undefined;
    try {
      if (state.durable !== undefined) {
        try {
          await raceAbort(state.durable, ac.signal);
        } catch (err) {
          if (err instanceof Aborted) return failure(reply, err, h.requestId);
          metrics.rejections.inc({ error: "internal" });
          return rejection(
            reply,
            "internal",
            "the miner could not record this request's nonce on disk, so it does no work for it (logged by the miner): retry with a fresh nonce",
            { "retry-after": "5" },
          );
        }
      }
      try {
        release = await admission.acquire(state.neuron.stake, {
          signal: ac.signal,
          key: h.validator,
          deadline: state.deadline,
        });
      } catch (err) {
        if (err instanceof AdmissionRejected) {
          metrics.rejections.inc({ error: err.code });
          // A late request is not worth retrying as it was; the others may be, after a moment.
          const retry = err.code === "deadline_exceeded" ? undefined : { "retry-after": "1" };
          return rejection(reply, err.code, err.reason, retry);
        }
        return failure(reply, err, h.requestId);
      }
      const ctx: BackendContext = {
        signal: ac.signal,
        deadline: state.deadline,
        requestId: h.requestId,
        validator: h.validator,
      };
      const t0 = performance.now();
      try {
        if (task.stream === true) return await streamAnswer(reply, task, ctx, h);
        const text = await collect(deps.backend.answer(task, ctx), ac.signal);
        const bytes = Buffer.from(JSON.stringify({ v: PROTOCOL_VERSION, requestId: h.requestId, text }), "utf8");
        const hash = bodyHash(bytes);
        const signature = await signResponse(deps.signer, {
          chainId: config.chainId,
          netuid: config.netuid,
          miner: self,
          validator: h.validator,
          requestId: h.requestId,
          bodyHash: hash,
        });
        return reply
          .header(RH.version, String(PROTOCOL_VERSION))
          .header(RH.requestId, h.requestId)
          .header(RH.bodyHash, hash)
          .header(RH.signature, signature)
          .type(JSON_CONTENT_TYPE)
          .send(bytes);
      } catch (err) {
        return failure(reply, err, h.requestId);
      } finally {
        metrics.backendDuration.observe((performance.now() - t0) / 1000);
      }
    } finally {
      clearTimeout(timer);
      reply.raw.off("close", onClose);
      running.delete(ac);
      release?.();
    }
  });

  /** Concatenates the backend's answer, bounded by maxResponseBytes and the abort signal. */
  async function collect(answer: AsyncIterable<string> | Promise<string>, signal: AbortSignal): Promise<string> {
    if (!isAsyncIterable(answer)) return limitText(await raceAbort(Promise.resolve(answer), signal));
    const it = answer[Symbol.asyncIterator]();
    let text = "";
    try {
      for (;;) {
        const r = await raceAbort(it.next(), signal);
        if (r.done === true) return text;
        text += r.value;
        limitText(text);
      }
    } finally {
      void Promise.resolve(it.return?.()).catch(() => {});
    }
  }

  function limitText(text: string): string {
    if (Buffer.byteLength(text, "utf8") > config.maxResponseBytes) {
      throw new BackendError(502, "backend_error", `the answer exceeds ${config.maxResponseBytes} bytes`);
    }
    return text;
  }

  /** Error → status: deadline 408, client gone (nothing sent), BackendError 502/504, anything else 502. */
  function failure(reply: FastifyReply, err: unknown, requestId: string): FastifyReply | undefined {
    if (err instanceof Aborted) {
      if (err.why === "deadline") {
        metrics.rejections.inc({ error: "deadline_exceeded" });
        return rejection(reply, "deadline_exceeded", "the caller's deadline passed before the answer was complete");
      }
      if (err.why === "shutdown")
        return rejection(reply, "overloaded", "the miner is shutting down", { "retry-after": "5" });
      reply.hijack(); // the caller is gone: nothing to send
      return undefined;
    }
    if (err instanceof BackendError) {
      metrics.rejections.inc({ error: err.code });
      return rejection(reply, err.code, bounded(err.reason, MAX_BACKEND_REASON_CHARS));
    }
    log.warn({ err: (err as Error)?.message ?? String(err), requestId }, "backend failed");
    metrics.rejections.inc({ error: "backend_error" });
    return rejection(
      reply,
      "backend_error",
      `the backend failed: ${String((err as Error)?.message ?? err).slice(0, 200)}`,
    );
  }

  /**
   * NDJSON answer. The status is decided by the first piece: errors before it get a normal JSON error
   * status; after it, a failure ends the stream with an `err` line. The last line of a complete answer
   * carries keccak256 of every byte before it and the miner's signature.
   */
  async function streamAnswer(
    reply: FastifyReply,
    task: Task,
    ctx: BackendContext,
    h: SignedRequestHeaders,
  ): Promise<FastifyReply | undefined> {
    const answer = deps.backend.answer(task, ctx);
    const it: AsyncIterator<string> = isAsyncIterable(answer)
      ? answer[Symbol.asyncIterator]()
      : (async function* () {
          yield await answer;
        })();
    let first: IteratorResult<string>;
    try {
      first = await raceAbort(it.next(), ctx.signal);
    } catch (err) {
      void Promise.resolve(it.return?.()).catch(() => {});
      return failure(reply, err, h.requestId);
    }
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      "content-type": NDJSON_CONTENT_TYPE,
      "cache-control": "no-store",
      [RH.version]: String(PROTOCOL_VERSION),
      [RH.requestId]: h.requestId,
    });
    const parts: Buffer[] = [];
    let size = 0;
    const write = async (line: Buffer): Promise<void> => {
      if (!res.write(line)) await waitDrain(res, ctx.signal);
    };
    try {
      let r = first;
      while (r.done !== true) {
        if (r.value.length > 0) {
          const line = Buffer.from(`${JSON.stringify({ t: "d", d: r.value })}\n`, "utf8");
          size += line.length;
          if (size > config.maxResponseBytes)
            throw new BackendError(502, "backend_error", `the answer exceeds ${config.maxResponseBytes} bytes`);
          parts.push(line);
          await write(line);
        }
        r = await raceAbort(it.next(), ctx.signal);
      }
      const hash = bodyHash(Buffer.concat(parts, size));
      const sig = await signResponse(deps.signer, {
        chainId: config.chainId,
        netuid: config.netuid,
        miner: self,
        validator: h.validator,
        requestId: h.requestId,
        bodyHash: hash,
      });
      res.end(`${JSON.stringify({ t: "end", hash, sig })}\n`);
    } catch (err) {
      void Promise.resolve(it.return?.()).catch(() => {});
      if (err instanceof Aborted && err.why === "client") {
        res.destroy();
        return undefined;
      }
      const [status, code, reason] =
        err instanceof Aborted
          ? [408, "deadline_exceeded", "the caller's deadline passed before the answer was complete"]
          : err instanceof BackendError
            ? [err.status, err.code, bounded(err.reason, MAX_BACKEND_REASON_CHARS)]
            : [502, "backend_error", `the backend failed: ${String((err as Error)?.message ?? err).slice(0, 200)}`];
      metrics.rejections.inc({ error: code });
      if (!res.writableEnded) res.end(`${JSON.stringify({ t: "err", status, error: code, reason })}\n`);
    }
    return undefined;
  }

  await app.ready();

  return {
    fastify: app,
    config,
    metrics,
    async listen({ port, host = "0.0.0.0" }): Promise<string> {
      await app.listen({ port, host });
      const addr = app.server.address();
      if (addr === null || typeof addr === "string") throw new Error("axon did not bind a TCP port");
      const shown = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
      log.info({ address: shown, port: addr.port, hotkey: self, netuid: config.netuid }, "axon listening");
      return `http://${shown === "0.0.0.0" ? "127.0.0.1" : shown}:${addr.port}`;
    },
    async close(): Promise<void> {
      closing = true;
      for (const ac of running) ac.abort(new Aborted("shutdown"));
      await app.close();
      // Nonces spent by requests refused after the replay check (rate limit, bad body) may still be pending.
      ledger?.flush();
    },
    stats: () => ({ active: admission.active, queued: admission.queued }),
    noncesFromMs: nonces.notBeforeMs,
    ...(ledger === undefined ? {} : { nonceLedger: ledger }),
  };
}
