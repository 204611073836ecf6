/**
 * The validator's Prometheus metrics (text format 0.0.4, the axon's registry), served on `metricsPort`:
 *
 * - per round: `validator_round_duration_seconds` (histogram), `validator_round_queries_total` by outcome
 *   (correct, wrong, failed, timeout, late, …), and for the last round `validator_round_miners`,
 *   `validator_round_answered` (signed answers that came back) and `validator_round_score_mean`;
 * - from the store at scrape time: `validator_score_ema` per uid (both task kinds together; shown only),
 *   `validator_score_kind_ema` per uid and kind (verifiable, open: what the weights are built from),
 *   `validator_commits` and `validator_settlements` by status, `validator_last_slot`;
 * - per tick: `validator_actions_total` by action and result (commit, reveal, settle, claim, coinbase, …);
 *   `validator_step_failures_total` (the chain could not be read).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { LATENCY_BUCKETS, MetricsRegistry, type Labels } from "../axon/metrics.js";
import type { ValidatorStore } from "../store/validatorStore.js";
import type { RoundResult } from "./round.js";
import type { TickResult } from "./service.js";

/** Outcomes that mean a signed answer came back (right, wrong, or scored by similarity). */
const ANSWERED = new Set(["correct", "wrong", "scored", "empty", "malformed", "late"]);

export class ValidatorMetrics {
  readonly registry = new MetricsRegistry();
  readonly #last = new Map<number, { miners: number; answered: number; mean: number }>();
  readonly #duration;
  readonly #queries;
  readonly #actions;
  readonly #stepFailures;

  constructor(store: ValidatorStore, netuids: readonly number[]) {
    const r = this.registry;
    this.#duration = r.histogram(
      "validator_round_duration_seconds",
      "Wall time of a scoring round (its deadline is the timeout).",
      LATENCY_BUCKETS,
    );
    this.#queries = r.counter("validator_round_queries_total", "Miner queries by subnet and outcome.");
    const last = (key: "miners" | "answered" | "mean") => () =>
      [...this.#last].map(([netuid, v]): [Labels, number] => [{ netuid }, v[key]]);
    r.gaugeSet("validator_round_miners", "Miners sampled in the last round.", last("miners"));
    r.gaugeSet("validator_round_answered", "Signed answers that came back in the last round.", last("answered"));
    r.gaugeSet("validator_round_score_mean", "Mean score of the last round.", last("mean"));
    r.gaugeSet(
      "validator_score_ema",
      "Moving-average score per uid over both task kinds (shown only: the weights read validator_score_kind_ema).",
      () =>
        netuids.flatMap((netuid) => store.scores(netuid).map((e): [Labels, number] => [{ netuid, uid: e.uid }, e.ema])),
    );
    r.gaugeSet(
      "validator_score_kind_ema",
      "Moving-average score per uid and task kind (verifiable, open): weight = open × min(1, verifiable / gate) " +
        "with open prompts in the mix, else verifiable.",
      () =>
        netuids.flatMap((netuid) =>
          store.scores(netuid).flatMap((e): [Labels, number][] => [
            [{ netuid, uid: e.uid, kind: "verifiable" }, e.verifiable.ema],
            [{ netuid, uid: e.uid, kind: "open" }, e.open.ema],
          ]),
        ),
    );
    r.gaugeSet("validator_commits", "Weight commits in the store by status.", () =>
      netuids.flatMap((netuid) =>
        countBy(
          netuid,
          store.commits(netuid).map((c) => c.status),
        ),
      ),
    );
    r.gaugeSet("validator_settlements", "Epoch settlements in the store by status.", () =>
      netuids.flatMap((netuid) =>
        countBy(
          netuid,
          store.settlements(netuid).map((s) => s.status),
        ),
      ),
    );
    r.gaugeSet("validator_last_slot", "Last slot fully processed per subnet.", () =>
      netuids.flatMap((netuid): [Labels, number][] => {
        const slot = store.lastSlot(netuid);
        return slot === undefined ? [] : [[{ netuid }, slot]];
      }),
    );
    this.#actions = r.counter("validator_actions_total", "Scheduled actions done, by subnet, action and result.");
    this.#stepFailures = r.counter("validator_step_failures_total", "Steps that failed as a whole (chain unreadable).");
  }

  round(r: RoundResult): void {
    this.#duration.observe(r.durationMs / 1000, { netuid: r.netuid });
    for (const x of r.results) this.#queries.inc({ netuid: r.netuid, outcome: x.outcome });
    const n = r.results.length;
    this.#last.set(r.netuid, {
      miners: n,
      answered: r.results.filter((x) => ANSWERED.has(x.outcome)).length,
      mean: n === 0 ? 0 : r.results.reduce((s, x) => s + x.score, 0) / n,
    });
  }

  step(results: readonly TickResult[]): void {
    for (const t of results)
      for (const o of t.outcomes)
        this.#actions.inc({ netuid: t.netuid, action: o.action.kind, result: o.ok ? "ok" : "failed" });
  }

  stepFailed(): void {
    this.#stepFailures.inc();
  }

  render(): string {
    return this.registry.render();
  }
}

function countBy(netuid: number, xs: readonly string[]): [Labels, number][] {
  const m = new Map<string, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return [...m].map(([status, n]) => [{ netuid, status }, n]);
}

/** Serves `GET /metrics` on host:port (port 0 = any free one); resolves once listening. */
export async function serveMetrics(
  metrics: ValidatorMetrics,
  port: number,
  host = "127.0.0.1",
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.method === "GET" && (req.url ?? "").split("?", 1)[0] === "/metrics") {
      let body: string;
      try {
        body = metrics.render();
      } catch (e) {
        res.writeHead(500, { "content-type": "text/plain" }).end(`metrics failed: ${(e as Error).message}\n`);
        return;
      }
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" }).end(body);
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" }).end("not found: metrics are at GET /metrics\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (e) =>
      reject(new Error(`cannot serve metrics on ${host}:${port}: ${e.message} (choose another --metrics-port)`)),
    );
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    url: `http://${host}:${addr.port}/metrics`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
