import path from "node:path";
import type { Command } from "commander";
import { z } from "zod";
import { settlementAbi, subnetRegistryAbi } from "../../abi/index.js";
import { isLocalNetwork } from "../../chain/client.js";
import { lastBlockAtOrBeforeSlot } from "../../epoch/blockAtSlot.js";
import { ResultStore } from "../../epoch/resultStore.js";
import { EpochWatcher } from "../../epoch/watch.js";
import { EpochStatus, EpochWorker } from "../../epoch/worker.js";
import { findChallengeOf, readLatestPermitsPinned } from "../../epoch/permitsChallenge.js";
import {
  addSignerOptions,
  connectProtocol,
  currentSlot,
  loadHotkey,
  parseNetuid,
  parseUint,
  requireGas,
  send,
  signerNames,
  requireSubnet,
  revertLine,
  signerOptionsSchema,
  type Protocol,
} from "../chain-context.js";
import { defineCommandGroup, type CliApp } from "../command-group.js";
import type { CliContext } from "../context.js";
import { fail } from "../errors.js";
import { formatInt, formatTao, renderFields } from "../output.js";

const U64_MAX = (1n << 64n) - 1n;

/** `--epoch`, else the latest closed epoch (the one before the current). */
async function pickEpoch(p: Protocol, netuid: number, raw: string | undefined) {
  const reg = { address: p.registry, abi: subnetRegistryAbi } as const;
  const slot = await currentSlot(p);
  const [current] = await p.client.readContract({ ...reg, functionName: "epochAt", args: [netuid, slot] });
  let epoch: bigint;
  if (raw !== undefined) epoch = parseUint(raw, "--epoch", U64_MAX);
  else {
    if (current === 0n) {
      const [, close] = await p.client.readContract({ ...reg, functionName: "epochBounds", args: [netuid, 0n] });
      fail(
        `subnet ${netuid} is in its first epoch (0, now slot ${slot}), nothing has closed yet: pass --epoch 0 or wait for slot ${close} (its close)`,
      );
    }
    epoch = current - 1n;
  }
  const [start, close] = await p.client.readContract({ ...reg, functionName: "epochBounds", args: [netuid, epoch] });
  return { epoch, start, close, current, slot };
}

function workerFor(
  ctx: CliContext,
  p: Protocol,
  hotkey: Awaited<ReturnType<typeof loadHotkey>>,
  dir: string,
  confirmations = 0,
): Promise<EpochWorker> {
  return ctx.walletClient(hotkey).then(
    (wallet) =>
      new EpochWorker({
        client: p.client,
        wallet,
        contracts: {
          SubnetRegistry: p.registry,
          Staking: p.staking,
          Weights: p.weights,
          Settlement: p.settlement,
        },
        genesisTime: p.genesisTime,
        deploymentBlock: BigInt(p.deployment.deploymentBlock),
        store: new ResultStore(dir),
        confirmations,
      }),
  );
}

const STATUS_NAMES = ["none", "open", "finalised", "rolled over"] as const;

const workSchema = signerOptionsSchema.extend({
  netuid: z.string(),
  epoch: z.string().optional(),
  resultsDir: z.string().default("./epoch-results"),
  confirmations: z.string().optional(),
});

const CONFIRMATIONS_HELP =
  "blocks that must lie on top of the first block after the close before the epoch counts as closed " +
  "(a reorg shallower than this cannot change the inputs; default 0 on a local network, else 2 as the validator's)";

/**
 * `--confirmations`: a whole number of blocks, at most 128. Unset: 0 on a local network (nothing reorgs it), else
 * the validator's default of 2, so a vote is computed from the same inputs as its peers' even across a short reorg.
 */
export function parseConfirmations(raw: string | undefined, network: string): number {
  if (raw === undefined) return isLocalNetwork(network) ? 0 : 2;
  return Number(parseUint(raw, "--confirmations", 128n));
}

/** Runs a worker step, turning a contract revert into one line. */
async function step<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const line = revertLine(what, e);
    if (line) fail(line);
    throw e;
  }
}

function register(group: Command, app: CliApp): void {
  group
    .command("status")
    .description("an epoch's settlement state (default: the latest closed epoch)")
    .requiredOption("--netuid <n>", "subnet id")
    .option("--epoch <e>", "epoch index")
    .action(
      app.action(z.object({ netuid: z.string(), epoch: z.string().optional() }), async (ctx, opts) => {
        const netuid = parseNetuid(opts.netuid, "--netuid");
        if (netuid === 0) fail("the root subnet (0) has no epochs: pass a subnet id from `tao subnet list`");
        const p = await connectProtocol(ctx);
        await requireSubnet(p, netuid);
        const e = await pickEpoch(p, netuid, opts.epoch);
        const info = await p.client.readContract({
          address: p.settlement,
          abi: settlementAbi,
          functionName: "epochInfo",
          args: [netuid, e.epoch],
        });
        const [[finalised, latest], disproved] = await Promise.all([
          p.client.readContract({
            address: p.settlement,
            abi: settlementAbi,
            functionName: "latestFinalised",
            args: [netuid],
          }),
          p.client.readContract({
            address: p.settlement,
            abi: settlementAbi,
            functionName: "permitsDisproved",
            args: [netuid],
          }),
        ]);
        const status = STATUS_NAMES[info.status] ?? String(info.status);
        const data = {
          netuid,
          epoch: e.epoch,
          currentEpoch: e.current,
          currentSlot: e.slot,
          startSlot: e.start,
          closeSlot: e.close,
          closed: e.slot > e.close,
          status,
          latestFinalised: finalised ? latest : null,
          permitsDisproved: disproved,
          info: { ...info, status },
        };
        ctx.out.result(data, () =>
          renderFields([
            ["subnet / epoch", `${netuid} / ${e.epoch} (current ${e.current})`],
            [
              "slots",
              `${formatInt(e.start)}..${formatInt(e.close)} (now ${formatInt(e.slot)}${e.slot > e.close ? ", closed" : e.slot < e.start ? ", not started" : ", open for weights"})`,
            ],
            ["status", `${status}${info.bootstrap ? " (bootstrap: the owner hotkey finalises)" : ""}`],
            ["deadline slot", info.status === 0 ? "-" : formatInt(info.deadline)],
            ["budget", `${formatTao(info.budget)} α`],
            ["claimed", `${formatTao(info.claimed)} α`],
            ["quorum", `${formatTao(info.quorumStake)} of ${formatTao(info.permittedStake)} stake`],
            ["root", info.status === EpochStatus.Finalised ? info.root : "-"],
            [
              "latest finalised",
              finalised
                ? `${latest}${disproved ? " (its permits were disproved: epochs opened now take every staked uid's vote)" : ""}`
                : "none",
            ],
          ]),
        );
      }),
    );

  addSignerOptions(
    group
      .command("settle")
      .description("open a closed epoch, compute its result (Yuma) and vote with the wallet's hotkey")
      .requiredOption("--netuid <n>", "subnet id")
      .option("--epoch <e>", "epoch index (default: the latest closed)")
      .option("--results-dir <dir>", "where epoch results are kept (ResultStore)", "./epoch-results")
      .option("--confirmations <n>", CONFIRMATIONS_HELP),
    { hotkey: true },
  ).action(
    app.action(workSchema, async (ctx, opts) => {
      const netuid = parseNetuid(opts.netuid, "--netuid");
      const confirmations = parseConfirmations(opts.confirmations, ctx.global.network);
      const hotkey = await loadHotkey(ctx, opts);
      const p = await connectProtocol(ctx);
      await requireSubnet(p, netuid);
      await requireGas(p, hotkey.address, "hotkey", signerNames(opts, ctx.io.env));
      const e = await pickEpoch(p, netuid, opts.epoch);
      if (e.slot <= e.close)
        fail(`epoch ${e.epoch} of subnet ${netuid} closes at slot ${e.close} (now ${e.slot}): wait for it to close`);
      const worker = await workerFor(ctx, p, hotkey, opts.resultsDir, confirmations);
      const outcome = await step(`settle ${netuid}/${e.epoch}`, () => worker.settle(netuid, e.epoch, e.close));
      if (outcome.kind === "not-closed") {
        fail(
          `epoch ${e.epoch} of subnet ${netuid} closed at slot ${e.close} but not yet ${confirmations} block(s) deep: wait for more blocks or lower --confirmations`,
        );
      }
      if (outcome.kind === "not-permitted") {
        fail(
          `hotkey ${hotkey.address} may not vote on epoch ${e.epoch} of subnet ${netuid} (no permit; in bootstrap only the owner hotkey): use a permitted validator's hotkey`,
        );
      }
      const info = await worker.info(netuid, e.epoch);
      const data = { netuid, epoch: e.epoch, outcome, status: STATUS_NAMES[info.status] ?? String(info.status) };
      ctx.out.result(
        data,
        () =>
          `Epoch ${e.epoch} of subnet ${netuid}: ${outcome.kind}${"root" in outcome ? ` (root ${outcome.root})` : ""}, status ${data.status}`,
      );
    }),
  );

  addSignerOptions(
    group
      .command("claim")
      .description("claim every unclaimed payout of a finalised epoch (anyone may; the hotkey pays gas)")
      .requiredOption("--netuid <n>", "subnet id")
      .option("--epoch <e>", "epoch index (default: the latest closed)")
      .option("--results-dir <dir>", "where epoch results are kept (ResultStore)", "./epoch-results"),
    { hotkey: true },
  ).action(
    app.action(workSchema, async (ctx, opts) => {
      const netuid = parseNetuid(opts.netuid, "--netuid");
      const hotkey = await loadHotkey(ctx, opts);
      const p = await connectProtocol(ctx);
      await requireSubnet(p, netuid);
      await requireGas(p, hotkey.address, "hotkey", signerNames(opts, ctx.io.env));
      const e = await pickEpoch(p, netuid, opts.epoch);
      const worker = await workerFor(ctx, p, hotkey, opts.resultsDir);
      const info = await worker.info(netuid, e.epoch);
      if (info.status !== EpochStatus.Finalised) {
        fail(
          `epoch ${e.epoch} of subnet ${netuid} is ${STATUS_NAMES[info.status] ?? info.status}, not finalised: run \`tao epoch settle --netuid ${netuid} --epoch ${e.epoch}\` first`,
        );
      }
      const claimed = await step(`claim ${netuid}/${e.epoch}`, () => worker.claimAll(netuid, e.epoch));
      ctx.out.result(
        { netuid, epoch: e.epoch, claimed },
        () => `Claimed ${claimed} payout(s) of epoch ${e.epoch} on subnet ${netuid}`,
      );
    }),
  );
}

const challengeSchema = signerOptionsSchema.extend({
  netuid: z.string(),
  excludedUid: z.string().optional(),
  permittedUid: z.string().optional(),
});

function registerChallenge(group: Command, app: CliApp): void {
  addSignerOptions(
    group
      .command("challenge-permits")
      .description(
        "prove on chain that the subnet's latest finalised validator permits are not Yuma's top-k by stake " +
          "(anyone may; the hotkey pays gas): the next epochs then take votes from every staked uid. Without " +
          "--excluded-uid and --permitted-uid it finds the pair itself, and sends nothing when the permits stand",
      )
      .requiredOption("--netuid <n>", "subnet id")
      .option("--excluded-uid <uid>", "a uid with stake at the permits' close that they leave out")
      .option("--permitted-uid <uid>", "a permitted uid it outranks (or any permitted uid, to show an unfilled set)"),
    { hotkey: true },
  ).action(
    app.action(challengeSchema, async (ctx, opts) => {
      const netuid = parseNetuid(opts.netuid, "--netuid");
      if ((opts.excludedUid === undefined) !== (opts.permittedUid === undefined))
        fail("pass --excluded-uid and --permitted-uid together, or neither (the pair is then found from chain)");
      const given =
        opts.excludedUid === undefined || opts.permittedUid === undefined
          ? undefined
          : {
              excludedUid: Number(parseUint(opts.excludedUid, "--excluded-uid", 255n)),
              permittedUid: Number(parseUint(opts.permittedUid, "--permitted-uid", 255n)),
            };
      const hotkey = await loadHotkey(ctx, opts);
      const p = await connectProtocol(ctx);
      await requireSubnet(p, netuid);
      const contracts = { SubnetRegistry: p.registry, Staking: p.staking, Settlement: p.settlement };
      const { at, permits } = await readLatestPermitsPinned(p.client, contracts, netuid);
      if (permits === undefined)
        fail(`subnet ${netuid} has no finalised epoch yet: there are no permits to challenge (only the owner votes)`);
      const base = { netuid, epoch: permits.epoch, permitsBitmap: permits.bitmap };
      if (permits.disproved) {
        ctx.out.result(
          { ...base, challenged: false, disproved: true },
          () =>
            `The permits of epoch ${permits.epoch} on subnet ${netuid} are already disproved: epochs opened now take every staked uid's vote`,
        );
        return;
      }
      const pair =
        given ??
        (await findChallengeOf(
          p.client,
          contracts,
          netuid,
          permits,
          at,
          await lastBlockAtOrBeforeSlot(
            p.client,
            p.genesisTime,
            permits.close,
            BigInt(p.deployment.deploymentBlock),
          ).catch(() => undefined),
        ));
      if (pair === undefined) {
        ctx.out.result(
          { ...base, challenged: false, disproved: false },
          () =>
            `The permits of epoch ${permits.epoch} on subnet ${netuid} stand: no staked uid they leave out outranks a permitted one by the margin Yuma's rounding cannot produce, and the set is not unfilled. Nothing sent`,
        );
        return;
      }
      await requireGas(p, hotkey.address, "hotkey", signerNames(opts, ctx.io.env));
      const sent = await send(ctx, p, hotkey, `challengePermits ${netuid}/${permits.epoch}`, {
        address: p.settlement,
        abi: settlementAbi,
        functionName: "challengePermits",
        args: [netuid, pair.excludedUid, pair.permittedUid],
      });
      ctx.out.result(
        { ...base, challenged: true, disproved: true, ...pair, tx: sent.hash },
        () =>
          `Disproved the permits of epoch ${permits.epoch} on subnet ${netuid} (uid ${pair.excludedUid} left out, uid ${pair.permittedUid} permitted): epochs opened now take every staked uid's vote`,
      );
    }),
  );
}

const watchSchema = signerOptionsSchema.extend({
  netuid: z.string(),
  fromEpoch: z.string().optional(),
  resultsDir: z.string().default("./epoch-results"),
  pollMs: z.string().default("2000"),
  once: z.boolean().optional(),
  confirmations: z.string().optional(),
});

function registerWatch(group: Command, app: CliApp): void {
  addSignerOptions(
    group
      .command("watch")
      .description(
        "keep settling a subnet: vote on each closed epoch, claim every leaf once finalised, roll over missed " +
          "epochs; restartable (the cursor is kept in --results-dir)",
      )
      .requiredOption("--netuid <n>", "subnet id")
      .option("--from-epoch <e>", "first epoch when no cursor is saved (default: the latest closed)")
      .option("--results-dir <dir>", "where epoch results and the cursor are kept", "./epoch-results")
      .option("--poll-ms <ms>", "pause between passes", "2000")
      .option("--confirmations <n>", CONFIRMATIONS_HELP)
      .option("--once", "one pass, then exit"),
    { hotkey: true },
  ).action(
    app.action(watchSchema, async (ctx, opts) => {
      const netuid = parseNetuid(opts.netuid, "--netuid");
      if (netuid === 0) fail("the root subnet (0) has no epochs: pass a subnet id from `tao subnet list`");
      const pollMs = Number(parseUint(opts.pollMs, "--poll-ms", 3_600_000n));
      // 0 would make the backoff after a failed pass 0 too: a tight loop against a failing RPC node.
      if (pollMs < 100) fail(`--poll-ms ${pollMs} is too short: pass 100 or more (default 2000)`);
      const confirmations = parseConfirmations(opts.confirmations, ctx.global.network);
      const fromEpoch = opts.fromEpoch === undefined ? undefined : parseUint(opts.fromEpoch, "--from-epoch", U64_MAX);
      const hotkey = await loadHotkey(ctx, opts);
      const p = await connectProtocol(ctx);
      await requireSubnet(p, netuid);
      await requireGas(p, hotkey.address, "hotkey", signerNames(opts, ctx.io.env));
      const worker = await workerFor(ctx, p, hotkey, opts.resultsDir, confirmations);
      const controller = new AbortController();
      const onSignal = () => {
        ctx.out.note("stopping after the current step…");
        controller.abort();
      };
      const resolved: { epoch: bigint; status: string; claimed: number }[] = [];
      const watcher = new EpochWatcher({
        worker,
        client: p.client,
        registry: p.registry,
        netuid,
        fromEpoch,
        cursorFile: path.join(opts.resultsDir, `watch-${netuid}.json`),
        pollMs,
        signal: controller.signal,
        onResolved: (r) => {
          resolved.push({ epoch: r.epoch, status: r.status, claimed: r.claimed });
          ctx.io.stderr.write(
            `[epoch] subnet ${netuid} epoch ${r.epoch}: ${r.status}` +
              (r.status === "finalised"
                ? `, ${r.claimed} leaf/leaves claimed${r.vote ? ` (vote: ${r.vote})` : ""}`
                : "") +
              "\n",
          );
        },
      });
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
      try {
        if (opts.once) await step(`watch ${netuid}`, () => watcher.pass());
        else await watcher.run();
      } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      }
      const next = watcher.next;
      ctx.out.result(
        { netuid, resolved, next: next ?? null },
        () => `Subnet ${netuid}: ${resolved.length} epoch(s) resolved; next epoch to settle: ${next ?? "-"}`,
      );
    }),
  );
}

export default defineCommandGroup({
  name: "epoch",
  summary: "epoch settlement: status, settle (vote), claim, challenge-permits, and watch (all of it, continuously)",
  order: 80,
  register: (group, app) => {
    register(group, app);
    registerChallenge(group, app);
    registerWatch(group, app);
  },
});
