/**
 * One scoring round on one subnet: sample miners, send each a task through the dendrite (`query`, injected),
 * score the answers, fold the scores into the per-uid EMAs in the store.
 *
 * - Sampling: every neuron but the validator itself (`'all'`), or a seeded random subset (`{count}`).
 *   Neurons without an axon are sampled too and score 0 ("unreachable") without a request.
 * - Tasks: per miner, seeded by (round seed, netuid, uid), kinds drawn with `kindWeights`. Verifiable tasks
 *   differ per miner (no answer sharing); miners that draw "open" share out `openPrompts` distinct open prompts
 *   (default 4) by a seeded shuffle, so one generation cannot serve every open miner of a round, and the
 *   validator computes one reference answer per prompt (concurrently, started with the queries).
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
 *   Open answers that cannot be scored because of the validator's side (its reference, or the embedding of
 *   its reference, failed) are "unscored" and leave the EMA as is. An open answer that is itself the problem
 *   (over `maxOpenAnswerChars`, or its own embedding fails) is "malformed": 0, folded into the EMA.
 * - Stopping: when `signal` aborts, every query still in flight is aborted and, like those not started yet and
 *   pending open answers, is "unscored" (EMA untouched): shutting the validator down never costs a miner score.
 */
import type { Logger } from "pino";
import { assertAlpha, DEFAULT_EMA_ALPHA, scoreClass, updateEma, type EmaRecord } from "../scoring/ema.js";
import { isDendriteResult, type DendriteResult } from "../scoring/dendriteResult.js";
import type { LatencyCurve } from "../scoring/latency.js";
import { readAnswer, scoreOpen, scoreVerifiable, zero, type ScoredResponse } from "../scoring/score.js";
import {
  DEFAULT_PROMPT_MARGIN,
  DEFAULT_SIMILARITY_FLOOR,
  scoreSimilarities,
  type Embed,
  type SimilarityRun,
} from "../scoring/similarity.js";
import { DEFAULT_VERIFIABLE_WEIGHTS, generateTask, generateTaskOfKind, type KindWeights } from "../tasks/generate.js";
import { referenceSeed } from "../tasks/open.js";
import { Rng, type Seed } from "../tasks/prng.js";
import type { OpenTask, Task } from "../tasks/task.js";
import type { ValidatorStore } from "../store/validatorStore.js";
import { assertMetagraph, type Axon, type Metagraph, type Neuron } from "./metagraph.js";
import { mapPool, pacer, withTimeout } from "./pool.js";

export type QueryFn = (axon: Axon, task: Task, timeoutMs: number, signal: AbortSignal) => Promise<DendriteResult>;

export interface OpenModel {
  /**
   * The validator's own answer to an open prompt (its Ollama model), at temperature 0 with sampling seed
   * `options.seed` (`referenceSeed(prompt)`).
   */
  reference: (prompt: string, signal: AbortSignal, options?: { seed?: number }) => Promise<string>;
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
  /** Distinct open prompts per round, shared out among the miners that draw "open". Default 4. */
  openPrompts?: number;
  /** Longer open answers are "malformed" (0, folded in) and never embedded. Default 4 000 characters. */
  maxOpenAnswerChars?: number;
  /** A prompt's floor is max(similarityFloor, cosine(reference, prompt) + this). Default 0.05. */
  promptFloorMargin?: number;
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
  /**
   * EMA records after the round, for the uids that were scored: each result moved its own kind's average
   * (`verifiable` or `open`) and `ema`, the average over both (shown only: the weights read the two apart).
   */
  emas: EmaRecord[];
  durationMs: number;
}

export const DEFAULT_SLACK_MS = 20;
/** Queries signed back to back before the round lets their requests go out (see `pacer`). */
export const LAUNCH_BATCH = 32;
/** Distinct open prompts per round. */
export const DEFAULT_OPEN_PROMPTS = 4;
/**
 * Cap on an open answer: 4 000 characters, about 1 000 tokens. The reference is capped at 512 tokens (about
 * 2 000 characters), so an honest answer fits twice over, and the cap stays well inside a 2 048-token embedding
 * context (nomic-embed-text's in Ollama), so what is scored is what the miner sent.
 */
export const DEFAULT_MAX_OPEN_ANSWER_CHARS = 4_000;

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

/**
 * The task each sampled miner gets this round. Miners that draw "open" are dealt `openPrompts` distinct
 * prompts (fewer when fewer miners draw open) round-robin over a seeded shuffle: groups differ in size by at
 * most one, and which miners share a prompt changes every round.
 */
export function assignTasks(
  netuid: number,
  neurons: readonly Neuron[],
  seed: Seed,
  weights: KindWeights,
  openPrompts = DEFAULT_OPEN_PROMPTS,
): Map<number, Task> {
  if (!(Number.isInteger(openPrompts) && openPrompts > 0))
    throw new RangeError(`openPrompts ${openPrompts} must be a positive integer`);
  const drawn = new Map<number, Task>();
  const openUids: number[] = [];
  for (const n of neurons) {
    const t = generateTask(`${String(seed)}:${netuid}:${n.uid}`, weights);
    if (t.kind === "open") openUids.push(n.uid);
    drawn.set(n.uid, t);
  }
  if (openUids.length > 0) {
    const want = Math.min(openPrompts, openUids.length);
    const prompts: OpenTask[] = [];
    const seen = new Set<string>();
    // Draws that repeat a prompt already taken are skipped (bounded: the prompt space is large).
    for (let k = 0; prompts.length < want && k < want * 8; k++) {
      const t = generateTaskOfKind(`${String(seed)}:${netuid}:open${k === 0 ? "" : `:${k}`}`, "open");
      if (seen.has(t.prompt)) continue;
      seen.add(t.prompt);
      prompts.push(t);
    }
    new Rng(`open:${String(seed)}:${netuid}`)
      .shuffle(openUids)
      .forEach((uid, i) => drawn.set(uid, prompts[i % prompts.length] as OpenTask));
  }
  return drawn;
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

  const maxOpenAnswerChars = opts.maxOpenAnswerChars ?? DEFAULT_MAX_OPEN_ANSWER_CHARS;
  if (!(Number.isInteger(maxOpenAnswerChars) && maxOpenAnswerChars > 0))
    throw new RangeError(`maxOpenAnswerChars ${maxOpenAnswerChars} must be a positive integer`);
  const promptFloorMargin = opts.promptFloorMargin ?? DEFAULT_PROMPT_MARGIN;
  if (!(Number.isFinite(promptFloorMargin) && promptFloorMargin >= 0 && promptFloorMargin < 1))
    throw new RangeError(`promptFloorMargin ${promptFloorMargin} must be in [0, 1)`);
  const openScoring = { ...scoring, maxAnswerChars: maxOpenAnswerChars };

  const neurons = sampleNeurons(metagraph, opts.sample, opts.seed, opts.selfHotkey);
  const tasks = assignTasks(netuid, neurons, opts.seed, weights, opts.openPrompts ?? DEFAULT_OPEN_PROMPTS);
  const openTasks = new Map<string, OpenTask>();
  for (const t of tasks.values()) if (t.kind === "open") openTasks.set(t.id, t);

  // The reference answers (one per open prompt) are computed concurrently while the miners work.
  const refAbort = new AbortController();
  const referenceTimeoutMs = opts.referenceTimeoutMs ?? timeoutMs * 3;
  const references = new Map<string, ReturnType<typeof withTimeout<string>>>();
  const model = opts.open;
  if (model)
    for (const t of openTasks.values())
      references.set(
        t.id,
        withTimeout(
          Promise.resolve().then(() => model.reference(t.prompt, refAbort.signal, { seed: referenceSeed(t.prompt) })),
          referenceTimeoutMs,
          () => refAbort.abort(),
        ),
      );

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
      // Open answers have their own, lower cap: a longer one is malformed (0, folded in) and never embedded.
      const answer = readAnswer(outcome.value, openScoring);
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

  // Open answers: grouped by prompt, each group against its own reference (scoring/similarity.ts).
  const pendingOpen = raws.filter((r) => r.openText);
  if (pendingOpen.length > 0 && stop?.aborted) {
    refAbort.abort();
    for (const r of pendingOpen) r.scored = zero("unscored", r.openText?.latencyMs ?? 0, { error: STOPPING });
  } else if (pendingOpen.length > 0 && model) {
    await scoreOpenAnswers(pendingOpen, {
      model,
      references,
      refAbort,
      referenceTimeoutMs,
      floor: model.similarityFloor ?? DEFAULT_SIMILARITY_FLOOR,
      promptFloorMargin,
      netuid,
      ...(stop ? { stop } : {}),
      ...(opts.logger ? { logger: opts.logger } : {}),
    });
  } else if (references.size > 0) {
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
      .map((r) =>
        updateEma(
          prev.get(r.uid),
          { uid: r.uid, hotkey: r.hotkey, score: r.score, slot: opts.slot, kind: scoreClass(r.kind) },
          alpha,
        ),
      );
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

interface PendingOpen {
  task: Task;
  scored?: ScoredResponse;
  openText?: { text: string; latencyMs: number; factor: number };
}

/**
 * Scores the open answers of a round, one group per prompt, the groups concurrently. Per group: its reference
 * (already started), then `scoreSimilarities` under one shared time budget of `referenceTimeoutMs` once the
 * references are in. Only the validator's side failing (the reference, or the embedding of the reference)
 * leaves a group "unscored"; an answer whose own embedding fails is "malformed" (0, folded in); answers the
 * budget or a stop cut off are "unscored".
 */
async function scoreOpenAnswers(
  pending: readonly PendingOpen[],
  o: {
    model: OpenModel;
    references: ReadonlyMap<string, ReturnType<typeof withTimeout<string>>>;
    refAbort: AbortController;
    referenceTimeoutMs: number;
    floor: number;
    promptFloorMargin: number;
    netuid: number;
    stop?: AbortSignal;
    logger?: Pick<Logger, "info" | "warn" | "debug">;
  },
): Promise<void> {
  const { stop, netuid } = o;
  const groups = new Map<string, PendingOpen[]>();
  for (const r of pending) groups.set(r.task.id, [...(groups.get(r.task.id) ?? []), r]);
  const latency = (r: PendingOpen) => r.openText?.latencyMs ?? 0;
  const unscored = (rs: readonly PendingOpen[], why: string, warn = true) => {
    if (warn) warnUnscored(o.logger, { netuid, answers: rs.length, why });
    for (const r of rs) r.scored = zero("unscored", latency(r), { error: why });
  };

  // Waiting for the references ends when the validator stops.
  const onStop = () => o.refAbort.abort();
  stop?.addEventListener("abort", onStop, { once: true });
  let refs: Map<string, Awaited<ReturnType<typeof withTimeout<string>>> | undefined>;
  try {
    refs = new Map(await Promise.all([...groups.keys()].map(async (id) => [id, await o.references.get(id)] as const)));
  } finally {
    stop?.removeEventListener("abort", onStop);
  }

  const embedAbort = new AbortController();
  const budget = setTimeout(() => embedAbort.abort(new Error("embedding timed out")), o.referenceTimeoutMs);
  // Cancelled when its time budget runs out or the validator stops: requests are aborted, not left running
  // against the model server after the round has moved on.
  const signal = stop ? AbortSignal.any([embedAbort.signal, stop]) : embedAbort.signal;
  const cutOff = () => (stop?.aborted ? STOPPING : "embedding timed out");
  try {
    await Promise.all(
      [...groups].map(async ([id, rs]) => {
        if (stop?.aborted) return unscored(rs, STOPPING, false);
        const ref = refs.get(id);
        if (!ref || !("value" in ref) || typeof ref.value !== "string" || ref.value.trim() === "")
          return unscored(rs, ref && "timedOut" in ref ? "reference answer timed out" : "reference answer failed");
        let run: SimilarityRun;
        try {
          run = await scoreSimilarities(
            o.model.embed,
            ref.value,
            rs.map((r) => r.openText?.text ?? ""),
            { floor: o.floor, prompt: rs[0]?.task.prompt ?? "", promptMargin: o.promptFloorMargin, signal },
          );
        } catch (e) {
          if (signal.aborted) return unscored(rs, cutOff(), !stop?.aborted);
          return unscored(rs, `embedding failed: ${e instanceof Error ? e.message : String(e)}`.slice(0, 300));
        }
        o.logger?.debug(
          { netuid, taskId: id, answers: rs.length, floor: run.floor, promptCosine: run.promptCosine },
          "open answers scored against their reference",
        );
        const cut: PendingOpen[] = [];
        rs.forEach((r, i) => {
          const score = run.scores[i];
          const failed = run.failed.get(i);
          if (score === undefined) cut.push(r);
          else if (failed !== undefined)
            r.scored = zero("malformed", latency(r), { error: `embedding failed: ${failed}`.slice(0, 200) });
          else r.scored = scoreOpen(score, latency(r), r.openText?.factor ?? 0);
        });
        if (cut.length > 0)
          unscored(
            cut,
            run.embedderFailed !== undefined ? `embedding failed: ${run.embedderFailed}`.slice(0, 300) : cutOff(),
            !stop?.aborted,
          );
      }),
    );
  } finally {
    clearTimeout(budget);
  }
}

function warnUnscored(logger: Pick<Logger, "warn"> | undefined, fields: Record<string, unknown>): void {
  logger?.warn(fields, "open answers left unscored this round");
}

function countBy(xs: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}
