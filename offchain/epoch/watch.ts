/**
 * The long-running epoch watcher (`tao epoch watch`): for one subnet, settles every closed epoch in order
 * (open, inputs, Yuma, tree, vote), claims every leaf once an epoch finalises, rolls over epochs that missed
 * their deadline, and keeps a cursor (the first epoch not yet resolved) in a small JSON file so that a restart
 * continues where it stopped. Every step of `EpochWorker` re-reads chain state, so a pass repeated after a
 * crash (even mid-claim) does nothing twice.
 */
import { readFileSync } from "node:fs";
import type { Address, PublicClient } from "viem";
import { z } from "zod";
import type { Logger } from "pino";
import { subnetRegistryAbi } from "../abi/index.js";
import { writeFileAtomic } from "../util/atomicWrite.js";
import { sleep } from "../util/sleep.js";
import { EpochStatus, type EpochWorker, type SettleOutcome } from "./worker.js";

export interface EpochWatchOptions {
  worker: EpochWorker;
  client: PublicClient;
  registry: Address;
  netuid: number;
  /** First epoch to handle when the cursor file has none (default: the latest closed epoch). */
  fromEpoch?: bigint;
  /** Where the cursor is kept (JSON). Without it the cursor lives in memory only. */
  cursorFile?: string;
  /** Pause between passes (ms). Default 2,000. */
  pollMs?: number;
  /** Longest pause after failing passes (ms): the pause doubles per failure up to this. Default 60,000. */
  maxBackoffMs?: number;
  signal?: AbortSignal;
  log?: Logger;
  /** Called once per epoch when it is resolved (finalised and claimed, or rolled over). */
  onResolved?: (report: EpochReport) => void;
}

export interface EpochReport {
  netuid: number;
  epoch: bigint;
  status: "finalised" | "rolled-over";
  /** Leaves this watcher claimed (others may have claimed the rest). */
  claimed: number;
  vote?: SettleOutcome["kind"];
}

const cursorSchema = z.object({
  netuid: z.number().int(),
  next: z.string().regex(/^\d+$/),
  /** The netuid's life the cursor counts epochs in (absent in cursors written before: 0). */
  generation: z.number().int().nonnegative().optional(),
});

/** A cursor: the first epoch not yet resolved, in the netuid's life `generation`. */
export interface WatchCursor {
  next: bigint;
  generation: number;
}

/** Reads the cursor file: undefined when absent; a clear error when it is not ours or damaged. */
export function readCursor(file: string, netuid: number): WatchCursor | undefined {
  let raw: string;
  try {
    raw = readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
  let parsed: z.infer<typeof cursorSchema>;
  try {
    parsed = cursorSchema.parse(JSON.parse(raw));
  } catch {
    throw new Error(
      `epoch watch cursor ${file} is not valid JSON {"netuid", "next"}: fix it, or delete it and pass --from-epoch`,
    );
  }
  if (parsed.netuid !== netuid) {
    throw new Error(
      `epoch watch cursor ${file} belongs to subnet ${parsed.netuid}, not ${netuid}: use another --results-dir`,
    );
  }
  return { next: BigInt(parsed.next), generation: parsed.generation ?? 0 };
}

export class EpochWatcher {
  #next: bigint | undefined;
  #generation: number | undefined;
  #bound = false;

  constructor(private readonly opts: EpochWatchOptions) {
    const cursor = opts.cursorFile ? readCursor(opts.cursorFile, opts.netuid) : undefined;
    this.#next = cursor?.next;
    this.#generation = cursor?.generation;
  }

  /** The first epoch not yet resolved (undefined before the first pass without a cursor). */
  get next(): bigint | undefined {
    return this.#next;
  }

  #advance(to: bigint, generation: number): void {
    this.#next = to;
    this.#generation = generation;
    if (this.opts.cursorFile) {
      const cursor = { netuid: this.opts.netuid, next: to.toString(), generation };
      writeFileAtomic(this.opts.cursorFile, `${JSON.stringify(cursor)}\n`);
    }
  }

  /**
   * One pass: resolves closed epochs from the cursor on, in order, and stops at the first that cannot be
   * resolved yet (waiting for a quorum, or not closed). Returns the epochs it resolved.
   */
  async pass(): Promise<EpochReport[]> {
    const { worker, client, registry, netuid, log } = this.opts;
    if (!this.#bound) {
      // The cursor lives in the results directory: one of an earlier deployment of a reset chain was moved aside
      // with it, and the epochs it counted are not this chain's.
      if ((await worker.bindStore()) !== undefined) {
        log?.warn({ netuid, was: this.#next?.toString() }, "chain deployed again: epoch cursor restarts");
        this.#next = undefined;
        this.#generation = undefined;
      }
      this.#bound = true;
    }
    const slot = await worker.currentSlot();
    const [current] = await client.readContract({
      address: registry,
      abi: subnetRegistryAbi,
      functionName: "epochAt",
      args: [netuid, slot],
    });
    const generation = await worker.generation(netuid);
    if (this.#next !== undefined && this.#generation !== generation) {
      // The subnet was dissolved and created again under this netuid: its epochs restart, so does the cursor.
      log?.warn({ netuid, generation, was: this.#generation }, "subnet re-created: epoch cursor restarts");
      this.#next = undefined;
    }
    if (this.#next === undefined) {
      const first = this.#generation === undefined ? this.opts.fromEpoch : undefined;
      this.#advance(first ?? (current > 0n ? current - 1n : 0n), generation);
    }
    const reports: EpochReport[] = [];
    for (let epoch = this.#next!; epoch < current; epoch++) {
      if (this.opts.signal?.aborted) break;
      const [start, close] = await client.readContract({
        address: registry,
        abi: subnetRegistryAbi,
        functionName: "epochBounds",
        args: [netuid, epoch],
      });
      let info = await worker.info(netuid, epoch);
      let vote: SettleOutcome["kind"] | undefined;
      if (info.status === EpochStatus.None || info.status === EpochStatus.Open) {
        if (await worker.pastDeadline(netuid, epoch, info, slot, [start, close])) {
          await worker.rollOver(netuid, epoch);
        } else {
          vote = (await worker.settle(netuid, epoch, close)).kind;
        }
        info = await worker.info(netuid, epoch);
      }
      if (info.status === EpochStatus.Finalised) {
        await this.#challengePermits();
        const claimed = await worker.claimAll(netuid, epoch);
        const report: EpochReport = { netuid, epoch, status: "finalised", claimed, vote };
        log?.info({ netuid, epoch: epoch.toString(), claimed, vote }, "epoch finalised and claimed");
        reports.push(report);
        this.opts.onResolved?.(report);
      } else if (info.status === EpochStatus.RolledOver) {
        const report: EpochReport = { netuid, epoch, status: "rolled-over", claimed: 0, vote };
        log?.warn({ netuid, epoch: epoch.toString() }, "epoch missed its deadline: emission rolled over");
        reports.push(report);
        this.opts.onResolved?.(report);
      } else {
        log?.debug({ netuid, epoch: epoch.toString(), vote }, "waiting for the epoch's quorum");
        break; // later epochs start from this one's bonds: keep the order
      }
      this.#advance(epoch + 1n, generation);
    }
    return reports;
  }

  /**
   * Challenges the subnet's finalised permits when they are provably wrong (EpochWorker.challengeWrongPermits),
   * before claiming: a result this node disagrees with stops its claims, not the challenge. A failed challenge is
   * logged, and the pass goes on.
   */
  async #challengePermits(): Promise<void> {
    const { worker, netuid, log } = this.opts;
    try {
      await worker.challengeWrongPermits(netuid);
    } catch (err) {
      log?.error({ netuid, err: err instanceof Error ? err.message : String(err) }, "permits challenge failed");
    }
  }

  /** Passes until the signal aborts. A failing pass (RPC down, a reverted transaction) is logged and retried
   * with exponential backoff; the watcher keeps running. */
  async run(): Promise<void> {
    const pollMs = this.opts.pollMs ?? 2_000;
    const maxBackoff = this.opts.maxBackoffMs ?? 60_000;
    let failures = 0;
    while (!this.opts.signal?.aborted) {
      try {
        await this.pass();
        failures = 0;
        await sleep(pollMs, this.opts.signal);
      } catch (err) {
        failures++;
        const wait = Math.min(maxBackoff, pollMs * 2 ** Math.min(failures, 16));
        this.opts.log?.error(
          { err: err instanceof Error ? err.message : String(err), retryInMs: wait },
          "epoch watch pass failed; retrying",
        );
        await sleep(wait, this.opts.signal);
      }
    }
  }
}
