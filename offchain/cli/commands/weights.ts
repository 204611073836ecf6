import type { Command } from "commander";
import { bytesToHex, type Address, type Hex } from "viem";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { subnetRegistryAbi, weightsAbi } from "../../abi/index.js";
import { commitHash, maxUpscaleU16, packWeights, WeightsInputError } from "../../weights/index.js";
import {
  addSignerOptions,
  connectProtocol,
  currentSlot,
  loadHotkey,
  parseAddress,
  parseNetuid,
  parseUint,
  requireGas,
  requireSubnet,
  send,
  signerNames,
  signerOptionsSchema,
  type Protocol,
} from "../chain-context.js";
import { defineCommandGroup, type CliApp } from "../command-group.js";
import { fail } from "../errors.js";
import { formatInt, renderFields, renderTable } from "../output.js";

const vectorSchema = signerOptionsSchema.extend({
  netuid: z.string(),
  uids: z.string(),
  values: z.string(),
  salt: z.string().optional(),
  versionKey: z.string().optional(),
});

function parseList(raw: string, what: string): number[] {
  const parts = raw.split(",").map((s) => s.trim());
  return parts.map((s, i) => {
    if (!/^\d+$/.test(s) || Number(s) > 0xffff)
      fail(`${what} entry ${i} ${JSON.stringify(s)} is not an integer in 0..65535: pass e.g. 0,1,2`);
    return Number(s);
  });
}

/** The packed vector of `--uids`/`--values`, max-upscaled as the contract requires. */
export function vectorFrom(
  uidsRaw: string,
  valuesRaw: string,
): { packed: Hex; entries: { uid: number; value: number }[] } {
  const uids = parseList(uidsRaw, "--uids");
  const values = parseList(valuesRaw, "--values");
  if (uids.length !== values.length)
    fail(`--uids has ${uids.length} entries but --values has ${values.length}: pass one value per uid`);
  const order = uids.map((uid, i) => ({ uid, value: values[i]! })).sort((a, b) => a.uid - b.uid);
  const scaled = maxUpscaleU16(order.map((e) => e.value));
  const entries = order.map((e, i) => ({ uid: e.uid, value: scaled[i]! }));
  try {
    return { packed: packWeights(entries), entries };
  } catch (e) {
    if (e instanceof WeightsInputError) fail(`weights: ${e.message}`);
    throw e;
  }
}

/** Refuses uids the subnet does not have before a commit (whose reveal would revert) or a set is sent. */
async function requireUids(p: Protocol, netuid: number, entries: readonly { uid: number }[]): Promise<void> {
  const n = await p.client.readContract({
    address: p.registry,
    abi: subnetRegistryAbi,
    functionName: "neuronCount",
    args: [netuid],
  });
  const bad = entries.find((e) => e.uid >= n);
  if (bad !== undefined)
    fail(
      `--uids has uid ${bad.uid} but subnet ${netuid} has ${n} neurons (uids 0..${n - 1}): see \`tao metagraph --netuid ${netuid}\``,
    );
}

function parseSalt(raw: string): Hex {
  if (!/^0x[0-9a-fA-F]{64}$/.test(raw))
    fail(`--salt ${JSON.stringify(raw)} must be 0x and 64 hex digits (the salt printed by \`tao weights commit\`)`);
  return raw as Hex;
}

async function versionKey(p: Protocol, netuid: number, raw: string | undefined): Promise<bigint> {
  if (raw !== undefined) return parseUint(raw, "--version-key", (1n << 64n) - 1n);
  const hp = await p.client.readContract({
    address: p.registry,
    abi: subnetRegistryAbi,
    functionName: "hyperparams",
    args: [netuid],
  });
  return hp.weightsVersionKey;
}

function addVectorOptions(cmd: Command, withSalt: "required" | "optional" | "none"): Command {
  cmd
    .requiredOption("--netuid <n>", "subnet id")
    .requiredOption("--uids <list>", "comma-separated uids, e.g. 1,2,3")
    .requiredOption("--values <list>", "comma-separated u16 weights, one per uid (scaled so the largest is 65535)")
    .option("--version-key <n>", "weights version key (default: the subnet's)");
  if (withSalt === "required") cmd.requiredOption("--salt <hex>", "the 32-byte salt of the commit");
  if (withSalt === "optional") cmd.option("--salt <hex>", "32-byte salt (default: fresh random; keep it to reveal)");
  return addSignerOptions(cmd, { hotkey: true });
}

function register(group: Command, app: CliApp): void {
  addSignerOptions(
    group
      .command("status")
      .description("a hotkey's weight-setting state: next allowed slot, last update, pending commits")
      .requiredOption("--netuid <n>", "subnet id"),
    { hotkey: true },
  ).action(
    app.action(signerOptionsSchema.extend({ netuid: z.string() }), async (ctx, opts) => {
      const netuid = parseNetuid(opts.netuid, "--netuid");
      // `--hotkey` takes a wallet hotkey name or an address.
      const raw = opts.walletHotkey;
      const hotkey: Address =
        raw !== undefined && raw.startsWith("0x")
          ? parseAddress(raw, "--hotkey")
          : (await loadHotkey(ctx, opts)).address;
      const p = await connectProtocol(ctx);
      await requireSubnet(p, netuid);
      const w = { address: p.weights, abi: weightsAbi } as const;
      const slot = await currentSlot(p);
      const [next, [lastSlot, updated], [hashes, epochs], [epoch], hp, [registered, uid]] = await Promise.all([
        p.client.readContract({ ...w, functionName: "nextAllowedSlot", args: [netuid, hotkey] }),
        p.client.readContract({ ...w, functionName: "lastUpdateOf", args: [netuid, hotkey] }),
        p.client.readContract({ ...w, functionName: "pendingCommits", args: [netuid, hotkey] }),
        p.client.readContract({
          address: p.registry,
          abi: subnetRegistryAbi,
          functionName: "epochAt",
          args: [netuid, slot],
        }),
        p.client.readContract({
          address: p.registry,
          abi: subnetRegistryAbi,
          functionName: "hyperparams",
          args: [netuid],
        }),
        p.client.readContract({
          address: p.registry,
          abi: subnetRegistryAbi,
          functionName: "uidOf",
          args: [netuid, hotkey],
        }),
      ]);
      const commits = hashes.map((h, i) => {
        const commitEpoch = epochs[i]!;
        const revealEpoch = commitEpoch + BigInt(hp.revealPeriodEpochs);
        const state = epoch > revealEpoch ? "expired" : epoch === revealEpoch ? "revealable" : "waiting";
        return { commitHash: h, commitEpoch, revealEpoch, state };
      });
      const data = {
        netuid,
        hotkey,
        uid: registered ? uid : null,
        currentSlot: slot,
        currentEpoch: epoch,
        nextAllowedSlot: next,
        canSetNow: slot >= next,
        lastUpdateSlot: updated ? lastSlot : null,
        commitRevealEnabled: hp.commitRevealEnabled,
        pendingCommits: commits,
      };
      ctx.out.result(data, () =>
        [
          renderFields([
            ["hotkey", hotkey],
            ["uid", registered ? String(uid) : "not registered"],
            ["current slot / epoch", `${formatInt(slot)} / ${epoch}`],
            ["next allowed slot", `${formatInt(next)}${slot >= next ? " (now)" : ""}`],
            ["last update", updated ? `slot ${formatInt(lastSlot)}` : "never"],
            ["commit-reveal", hp.commitRevealEnabled ? `on (reveal after ${hp.revealPeriodEpochs} epoch(s))` : "off"],
          ]),
          commits.length === 0
            ? "No pending commits"
            : renderTable(
                ["commit hash", "commit epoch", "reveal epoch", "state"],
                commits.map((c) => [c.commitHash, String(c.commitEpoch), String(c.revealEpoch), c.state]),
              ),
        ].join("\n"),
      );
    }),
  );
  addVectorOptions(
    group
      .command("commit")
      .description("commit the hash of a weight vector (commit-reveal on); prints the salt to reveal with"),
    "optional",
  ).action(
    app.action(vectorSchema, async (ctx, opts) => {
      const netuid = parseNetuid(opts.netuid, "--netuid");
      const { packed, entries } = vectorFrom(opts.uids, opts.values);
      const salt = opts.salt === undefined ? bytesToHex(randomBytes(32)) : parseSalt(opts.salt);
      const hotkey = await loadHotkey(ctx, opts);
      const p = await connectProtocol(ctx);
      await requireSubnet(p, netuid);
      await requireUids(p, netuid, entries);
      const key = await versionKey(p, netuid, opts.versionKey);
      const hash = commitHash({ hotkey: hotkey.address, netuid, packedWeights: packed, salt, versionKey: key });
      await requireGas(p, hotkey.address, "hotkey", signerNames(opts, ctx.io.env));
      // Said before the commit is sent: a receipt that never comes (an RPC drop) must not take the salt with it.
      const names = signerNames(opts, ctx.io.env);
      if (opts.salt === undefined)
        ctx.out.warn(
          `keep the salt ${salt}: \`tao --network ${p.network.name} weights reveal --netuid ${netuid} --wallet-name ${names.wallet} --wallet-hotkey ${names.hotkey} --uids '${opts.uids}' --values '${opts.values}' --salt ${salt} --version-key ${key}\` reveals this commit`,
        );
      const sent = await send(ctx, p, hotkey, "commitWeights", {
        address: p.weights,
        abi: weightsAbi,
        functionName: "commitWeights",
        args: [netuid, hash],
      });
      ctx.out.result(
        { netuid, hotkey: hotkey.address, commitHash: hash, salt, versionKey: key, weights: entries, tx: sent.hash },
        () =>
          renderFields([
            ["committed", hash],
            ["salt", salt],
            ["version key", String(key)],
            ["weights", entries.map((e) => `${e.uid}:${e.value}`).join(" ")],
            ["transaction", sent.hash],
          ]),
      );
    }),
  );

  addVectorOptions(group.command("reveal").description("reveal a committed weight vector"), "required").action(
    app.action(vectorSchema, async (ctx, opts) => {
      const netuid = parseNetuid(opts.netuid, "--netuid");
      const { packed, entries } = vectorFrom(opts.uids, opts.values);
      const salt = parseSalt(opts.salt ?? "");
      const hotkey = await loadHotkey(ctx, opts);
      const p = await connectProtocol(ctx);
      await requireSubnet(p, netuid);
      const key = await versionKey(p, netuid, opts.versionKey);
      await requireGas(p, hotkey.address, "hotkey", signerNames(opts, ctx.io.env));
      const sent = await send(ctx, p, hotkey, "revealWeights", {
        address: p.weights,
        abi: weightsAbi,
        functionName: "revealWeights",
        args: [netuid, packed, salt, key],
      });
      ctx.out.result(
        { netuid, hotkey: hotkey.address, weights: entries, versionKey: key, tx: sent.hash },
        () => `Revealed ${entries.length} weights on subnet ${netuid} (${sent.hash})`,
      );
    }),
  );

  addVectorOptions(group.command("set").description("set weights directly (commit-reveal off)"), "none").action(
    app.action(vectorSchema, async (ctx, opts) => {
      const netuid = parseNetuid(opts.netuid, "--netuid");
      const { packed, entries } = vectorFrom(opts.uids, opts.values);
      const hotkey = await loadHotkey(ctx, opts);
      const p = await connectProtocol(ctx);
      await requireSubnet(p, netuid);
      const key = await versionKey(p, netuid, opts.versionKey);
      await requireGas(p, hotkey.address, "hotkey", signerNames(opts, ctx.io.env));
      const sent = await send(ctx, p, hotkey, "setWeights", {
        address: p.weights,
        abi: weightsAbi,
        functionName: "setWeights",
        args: [netuid, packed, key],
      });
      ctx.out.result(
        { netuid, hotkey: hotkey.address, weights: entries, versionKey: key, tx: sent.hash },
        () => `Set ${entries.length} weights on subnet ${netuid} (${sent.hash})`,
      );
    }),
  );
}

export default defineCommandGroup({
  name: "weights",
  aliases: ["wt", "weight"],
  summary: "weight status, commit, reveal and set",
  order: 70,
  register,
});
