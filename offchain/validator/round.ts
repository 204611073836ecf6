/**
 * One scoring round on one subnet: sample miners, send each a task through the dendrite (`query`, injected),
 * score the answers, fold the scores into the per-uid EMAs in the store.
 *
 * - Sampling: every neuron but the validator itself (`'all'`), or a seeded random subset (`{count}`).
 *   Neurons without an axon are sampled too and score 0 ("unreachable") without a request.
 * - Tasks: per miner, seeded by (round seed, netuid, uid), kinds drawn with `kindWeights`. Verifiable tasks
 *   differ per miner (no answer sharing); miners that draw "open" all get the round's one open prompt, so
 *   the validator computes a single reference answer (started concurrently with the queries).
 * - Time: the round has one deadline, `timeoutMs` after it starts. Each query is given the time left until
 *   it (so the signed timeout the miner sees, and the dendrite's own timer, end there), and everything still
 *   running `slackMs` after the deadline is dropped as "timeout" (its AbortSignal fires) without waiting for
 *   sockets to close: hung or slow miners never hold the round, which ends at timeout + slack (default
 *   20 ms) plus bookkeeping. An answer that completes after the deadline is "late". Queries start in a
 *   seeded shuffled order, `LAUNCH_BATCH` at a time with a macrotask between batches so requests go out
 *   while later ones are being signed (signing is CPU work done one query at a time, so the last to be
 *   signed has the least time left; shuffling keeps that from falling on the same uids every round). With concurrency
 *   below the sample size, a miner whose turn comes after the deadline is not queried and is "unscored"
 *   (EMA untouched). Open prompts add the embedding call after the deadline (bounded by
 *   `referenceTimeoutMs`).
 * - Every failure mode scores 0 with a label (scoring/score.ts); nothing a miner does stops the round.
 *   Open answers that cannot be scored (reference or embedding failed) are "unscored" and leave the EMA as is.
 * - Stopping: when `signal` aborts, every query still in flight is aborted and, like those not started yet and
 *   pending open answers, is "unscored" (EMA untouched): shutting the validator down never costs a miner score.
 */
import type { Logger } from "pino";
import { assertAlpha, DEFAULT_EMA_ALPHA, updateEma, type EmaRecord } from "../scoring/ema.js";
import { isDendriteResult, type DendriteResult } from "../scoring/dendriteResult.js";
import type { LatencyCurve } from "../scoring/latency.js";
import { readAnswer, scoreOpen, scoreVerifiable, zero, type ScoredResponse } from "../scoring/score.js";
import { DEFAULT_SIMILARITY_FLOOR, similarityScores, type Embed } from "../scoring/similarity.js";
import { DEFAULT_VERIFIABLE_WEIGHTS, generateTask, generateTaskOfKind, type KindWeights } from "../tasks/generate.js";
import { Rng, type Seed } from "../tasks/prng.js";
import type { OpenTask, Task } from "../tasks/task.js";
import type { ValidatorStore } from "../store/validatorStore.js";
import { assertMetagraph, type Axon, type Metagraph, type Neuron } from "./metagraph.js";
import { mapPool, pacer, withTimeout } from "./pool.js";

export type QueryFn = (axon: Axon, task: Task, timeoutMs: number, signal: AbortSignal) => Promise<DendriteResult>;

export interface OpenModel {
  /** The validator's own answer to an open prompt (its Ollama model). */
  reference: (prompt: string, signal: AbortSignal) => Promise<string>;
  embed: Embed;
  similarityFloor?: number;
}

export interface RoundOptions {
  metagraph: Metagraph;
  sample: "all" | { count: number };
  seed: Seed;
  query: QueryFn;
  timeoutMs: number;
  store: ValidatorStore;
  /** Slot recorded with the EMA updates. */
  slot: number;
  /** The validator's hotkey: never sampled. */
  selfHotkey?: string;
  kindWeights?: KindWeights;
  open?: OpenModel;
  /** Queries in flight at once. Default: all sampled miners. */
  concurrency?: number;
  /** How long after the deadline a query that ignores its time budget and signal is dropped. Default 20 ms. */
  slackMs?: number;
  referenceTimeoutMs?: number;
  alpha?: number;
  curve?: LatencyCurve;
  /** Aborts the round (the validator is stopping): queries not answered yet are unscored, not failed. */
  signal?: AbortSignal;
  logger?: Pick<Logger, "info" | "warn" | "debug">;
}

/** The error recorded for queries dropped because the validator is stopping. */
export const STOPPING = "not scored: the validator is stopping";

export interface MinerResult extends ScoredResponse {
  uid: number;
  hotkey: string;
  taskId: string;
  kind: Task["kind"];
  template: string;
}

export interface RoundResult {
  netuid: number;
  /** Results, best score first (ties: lower uid first). */
  results: MinerResult[];
  /** EMA records after the round, for the uids that were scored. */
  emas: EmaRecord[];
  durationMs: number;
}

export const DEFAULT_SLACK_MS = 20;
/** Queries signed back to back before the round lets their requests go out (see `pacer`). */
export const LAUNCH_BATCH = 32;

/** The sampled neurons, sorted by uid. */
export function sampleNeurons(
  metagraph: Metagraph,
  sample: RoundOptions["sample"],
  seed: Seed,
  selfHotkey?: string,
): Neuron[] {
  const self = selfHotkey?.toLowerCase();
  const pool = metagraph.neurons.filter((n) => n.hotkey.toLowerCase() !== self).sort((a, b) => a.uid - b.uid);
  if (sample === "all") return pool;
  if (!(Number.isInteger(sample.count) && sample.count > 0))
    throw new RangeError(`sample count ${sample.count} must be a positive integer`);
  if (sample.count >= pool.length) return pool;
  return new Rng(`sample:${String(seed)}:${metagraph.netuid}`)
    .shuffle(pool)
    .slice(0, sample.count)
    .sort((a, b) => a.uid - b.uid);
}

/** The task each sampled miner gets this round. */
export function assignTasks(
  netuid: number,
  neurons: readonly Neuron[],
  seed: Seed,
  weights: KindWeights,
): Map<number, Task> {
  let shared: OpenTask | undefined;
  const out = new Map<number, Task>();
  for (const n of neurons) {
    let t = generateTask(`${String(seed)}:${netuid}:${n.uid}`, weights);
    if (t.kind === "open") t = shared ??= generateTaskOfKind(`${String(seed)}:${netuid}:open`, "open");
    out.set(n.uid, t);
  }
  return out;
}

export async function runRound(opts: RoundOptions): Promise<RoundResult> {
  const started = performance.now();
  const { metagraph, timeoutMs, store } = opts;
  const netuid = metagraph.netuid;
  assertMetagraph(metagraph);
  if (!(Number.isInteger(timeoutMs) && timeoutMs > 0))
    throw new RangeError(`timeoutMs ${timeoutMs} must be a positive integer`);
  const alpha = opts.alpha ?? DEFAULT_EMA_ALPHA;
  assertAlpha(alpha);
  const weights: KindWeights = opts.kindWeights ?? DEFAULT_VERIFIABLE_WEIGHTS;
  if ((weights.open ?? 0) > 0 && !opts.open) {
    throw new RangeError("round: the task mix includes open prompts but no model is configured for reference answers");
  }
  const slackMs = opts.slackMs ?? DEFAULT_SLACK_MS;
  if (!(Number.isFinite(slackMs) && slackMs >= 0)) throw new RangeError(`slackMs ${slackMs} must be >= 0`);
  const scoring = { timeoutMs, ...(opts.curve ? { curve: opts.curve } : {}) };

  const neurons = sampleNeurons(metagraph, opts.sample, opts.seed, opts.selfHotkey);
  const tasks = assignTasks(netuid, neurons, opts.seed, weights);
  const openTask = [...tasks.values()].find((t): t is OpenTask => t.kind === "open");

  // The reference answer is computed while the miners work.
  const refAbort = new AbortController();
  const referenceTimeoutMs = opts.referenceTimeoutMs ?? timeoutMs * 3;
  const reference =
    openTask && opts.open
      ? withTimeout(
          Promise.resolve().then(() => (opts.open as OpenModel).reference(openTask.prompt, refAbort.signal)),
          referenceTimeoutMs,
          () => refAbort.abort(),
        )
      : undefined;

  type Raw = {
    neuron: Neuron;
    task: Task;
    scored?: ScoredResponse;
    openText?: { text: string; latencyMs: number; factor: number };
  };
  const deadline = started + timeoutMs;
  const running = new Set<AbortController>();
  const stop = opts.signal;
  let onStop: (() => void) | undefined;
  const stopped = new Promise<{ stopped: true }>((resolve) => {
    if (!stop) return;
    onStop = () => {
      for (const a of running) a.abort();
      refAbort.abort();
      resolve({ stopped: true });
    };
    if (stop.aborted) onStop();
    else stop.addEventListener("abort", onStop, { once: true });
  });
  const unscoredStopping = (neuron: Neuron, task: Task, took: number): Raw => ({
    neuron,
    task,
    scored: zero("unscored", took, { error: STOPPING }),
  });
  let cutoffTimer: NodeJS.Timeout | undefined;
  const cutoff = new Promise<{ timedOut: true }>((resolve) => {
    cutoffTimer = setTimeout(
      () => {
        for (const a of running) a.abort();
        resolve({ timedOut: true });
      },
      Math.max(0, deadline + slackMs - performance.now()),
    );
  });
  const order = new Rng(`order:${String(opts.seed)}:${netuid}`).shuffle(neurons);
  const concurrency = opts.concurrency ?? Math.max(1, order.length);
  const pace = pacer(LAUNCH_BATCH);
  let notQueried = 0;
  let raws: Raw[];
  try {
    raws = await mapPool(order, concurrency, async (neuron): Promise<Raw> => {
      const task = tasks.get(neuron.uid) as Task;
      if (!neuron.axon) return { neuron, task, scored: zero("unreachable", 0) };
      await pace();
      if (stop?.aborted) return unscoredStopping(neuron, task, 0);
      if (performance.now() >= deadline) {
        notQueried++;
        return { neuron, task, scored: zero("unscored", 0, { error: "not queried: the round's deadline came first" }) };
      }
      const axon = neuron.axon;
      const abort = new AbortController();
      running.add(abort);
      const t0 = performance.now();
      const outcome = await Promise.race([
        // The budget is computed when the query really starts (after the signing of those before it).
        Promise.resolve()
          .then(() => opts.query(axon, task, Math.max(1, Math.floor(deadline - performance.now())), abort.signal))
          .then(
            (value) => ({ value, at: performance.now() }),
            (error: unknown) => ({ error }),
          ),
        cutoff,
        stopped,
      ]);
      running.delete(abort);
      const took = Math.round(performance.now() - t0);
      // Anything but an answer that came back once the validator is stopping may be our own doing (aborted
      // request, closed sockets): it is not held against the miner.
      const answered = "value" in outcome && isDendriteResult(outcome.value) && outcome.value.ok;
      if ("stopped" in outcome || (stop?.aborted && !answered)) return unscoredStopping(neuron, task, took);
      if ("timedOut" in outcome) return { neuron, task, scored: zero("timeout", took) };
      if ("error" in outcome) {
        const msg = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
        return { neuron, task, scored: zero("error", took, { error: msg.slice(0, 200) }) };
      }
      if (outcome.at > deadline && isDendriteResult(outcome.value) && outcome.value.ok)
        return { neuron, task, scored: zero("late", took) };
      if (task.kind !== "open") return { neuron, task, scored: scoreVerifiable(task, outcome.value, scoring) };
      const answer = readAnswer(outcome.value, scoring);
      return "rejected" in answer ? { neuron, task, scored: answer.rejected } : { neuron, task, openText: answer };
    });
  } finally {
    clearTimeout(cutoffTimer);
    if (onStop) stop?.removeEventListener("abort", onStop);
  }
  if (notQueried > 0)
    opts.logger?.warn(
      { netuid, notQueried, concurrency },
      "the round's deadline passed before every miner was queried: raise the concurrency",
    );

  // Open answers: one embedding call against the reference.
  const pendingOpen = raws.filter((r) => r.openText);
  if (pendingOpen.length > 0 && stop?.aborted) {
    refAbort.abort();
    for (const r of pendingOpen) r.scored = zero("unscored", r.openText?.latencyMs ?? 0, { error: STOPPING });
  } else if (pendingOpen.length > 0 && reference && opts.open) {
    const ref = await reference;
    const unscored = (why: string) => {
      opts.logger?.warn({ netuid, why }, "open answers left unscored this round");
      for (const r of pendingOpen) r.scored = zero("unscored", r.openText?.latencyMs ?? 0, { error: why });
    };
    if (!("value" in ref) || typeof ref.value !== "string" || ref.value.trim() === "") {
      unscored("timedOut" in ref ? "reference answer timed out" : "reference answer failed");
    } else {
      const embedAbort = new AbortController();
      const sims = await withTimeout(
        similarityScores(
          opts.open.embed,
          ref.value,
          pendingOpen.map((r) => r.openText?.text ?? ""),
          opts.open.similarityFloor ?? DEFAULT_SIMILARITY_FLOOR,
          // Cancelled when its time budget runs out or the validator stops: the request is aborted, not left
          // running against the model server after the round has moved on.
          stop ? AbortSignal.any([embedAbort.signal, stop]) : embedAbort.signal,
        ),
        referenceTimeoutMs,
        () => embedAbort.abort(),
      );
      if (!("value" in sims) && stop?.aborted) {
        for (const r of pendingOpen) r.scored = zero("unscored", r.openText?.latencyMs ?? 0, { error: STOPPING });
      } else if (!("value" in sims))
        unscored("timedOut" in sims ? "embedding timed out" : `embedding failed: ${String(sims.error)}`);
      else
        pendingOpen.forEach(
          (r, i) =>
            (r.scored = scoreOpen(sims.value[i] as number, r.openText?.latencyMs ?? 0, r.openText?.factor ?? 0)),
        );
    }
  } else if (reference) {
    refAbort.abort();
  }

  const results: MinerResult[] = raws.map((r) => ({
    uid: r.neuron.uid,
    hotkey: r.neuron.hotkey,
    taskId: r.task.id,
    kind: r.task.kind,
    template: r.task.template,
    ...(r.scored as ScoredResponse),
  }));

  const emas = store.transaction(() => {
    const prev = new Map(store.scores(netuid).map((e) => [e.uid, e]));
    const next = results
      .filter((r) => r.outcome !== "unscored")
      .map((r) => updateEma(prev.get(r.uid), { uid: r.uid, hotkey: r.hotkey, score: r.score, slot: opts.slot }, alpha));
    store.putScores(netuid, next);
    return next;
  });

  results.sort((a, b) => b.score - a.score || a.uid - b.uid);
  const durationMs = Math.round(performance.now() - started);
  opts.logger?.info(
    {
      netuid,
      miners: results.length,
      durationMs,
      outcomes: countBy(results.map((r) => r.outcome)),
      ...(stop?.aborted ? { stopped: true } : {}),
    },
    stop?.aborted ? "round stopped: unanswered queries left unscored" : "round finished",
  );
  return { netuid, results, emas, durationMs };
}

function countBy(xs: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}
