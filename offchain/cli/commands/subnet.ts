import type { Command } from "commander";
import type { Address } from "viem";
import { z } from "zod";
import { stakingAbi, subnetRegistryAbi } from "../../abi/index.js";
import { hotkeyConsent } from "../../localnet/bootstrap.js";
import {
  addSignerOptions,
  CONSENT_SLOTS,
  connectProtocol,
  currentSlot,
  ensureAllowance,
  preflight,
  signerNames,
  formatPrice,
  formatShare,
  loadHotkey,
  parseNetuid,
  parseTao,
  requireGas,
  requireSubnet,
  requireTao,
  send,
  signerOptionsSchema,
  unlockColdkey,
  type Protocol,
} from "../chain-context.js";
import { defineCommandGroup, type CliApp } from "../command-group.js";
import { fail } from "../errors.js";
import { formatInt, formatTao, renderFields, renderTable, taoCell } from "../output.js";
import metagraphGroup from "./metagraph.js";
import neuronGroup from "./neuron.js";
import { PARAMS, type ParamName } from "../params.js";

export { PARAMS, type ParamName };

const BOOL_PARAMS: ReadonlySet<ParamName> = new Set([
  "RegistrationAllowed",
  "CommitRevealEnabled",
  "Yuma3Enabled",
  "LiquidAlphaEnabled",
]);
const RAO_PARAMS: ReadonlySet<ParamName> = new Set(["MinBurn", "MaxBurn"]);

/** A Param by its enum name, case-insensitively (`immunity_period` and `ImmunityPeriod` both work). */
export function parseParam(raw: string): ParamName {
  const key = raw.replace(/[_-]/g, "").toLowerCase();
  const found = PARAMS.find((p) => p.toLowerCase() === key);
  if (!found) fail(`unknown hyperparameter ${JSON.stringify(raw)}: use one of ${PARAMS.join(", ")}`);
  return found;
}

/** The uint256 `setHyperparam` takes: bools as 0/1, burns in TAO, the rest integers. */
function paramValue(param: ParamName, raw: string): bigint {
  if (BOOL_PARAMS.has(param)) {
    const v = raw.trim().toLowerCase();
    if (["true", "1", "on", "yes"].includes(v)) return 1n;
    if (["false", "0", "off", "no"].includes(v)) return 0n;
    fail(`${param} value ${JSON.stringify(raw)} is not a boolean: pass true or false`);
  }
  if (RAO_PARAMS.has(param)) return parseTao(raw, `${param} value`);
  const s = raw.trim();
  if (param === "AlphaSigmoidSteepness") {
    if (!/^-?\d+$/.test(s) || Number(s) < -32768 || Number(s) > 32767) {
      fail(`${param} value ${JSON.stringify(raw)} is not an int16: pass an integer in -32768..32767`);
    }
    return BigInt(s);
  }
  if (!/^\d+$/.test(s)) fail(`${param} value ${JSON.stringify(raw)} is not a non-negative integer`);
  return BigInt(s);
}

interface SubnetRow {
  netuid: number;
  ownerColdkey: Address;
  ownerHotkey: Address;
  taoReserve: bigint | null;
  alphaReserve: bigint | null;
  price: bigint;
  emissionShare: bigint | null;
  neurons: number;
  tempo: number;
  emissionStartSlot: bigint;
}

async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch {
    return null;
  }
}

async function subnetRow(p: Protocol, netuid: number): Promise<SubnetRow> {
  const reg = { address: p.registry, abi: subnetRegistryAbi } as const;
  const stk = { address: p.staking, abi: stakingAbi } as const;
  const [owner, neurons, hp, start, pool, price, share] = await Promise.all([
    p.client.readContract({ ...reg, functionName: "subnetOwner", args: [netuid] }),
    p.client.readContract({ ...reg, functionName: "neuronCount", args: [netuid] }),
    p.client.readContract({ ...reg, functionName: "hyperparams", args: [netuid] }),
    p.client.readContract({ ...reg, functionName: "emissionStartSlot", args: [netuid] }),
    netuid === 0
      ? Promise.resolve(null)
      : orNull(p.client.readContract({ ...stk, functionName: "pool", args: [netuid] })),
    p.client.readContract({ ...stk, functionName: "spotPrice", args: [netuid] }),
    netuid === 0
      ? Promise.resolve(null)
      : orNull(p.client.readContract({ ...stk, functionName: "emissionShare", args: [netuid] })),
  ]);
  return {
    netuid,
    ownerColdkey: owner[0],
    ownerHotkey: owner[1],
    taoReserve: pool?.taoReserve ?? null,
    alphaReserve: pool?.alphaReserve ?? null,
    price,
    emissionShare: share,
    neurons,
    tempo: hp.tempo,
    emissionStartSlot: start,
  };
}

function register(group: Command, app: CliApp): void {
  addSignerOptions(
    group
      .command("create")
      .description("create a subnet owned by the wallet's coldkey, with its hotkey as uid 0 (pays the lock cost)")
      .option("--max-lock <tao>", "refuse if the lock cost is above this (TAO; default: the cost shown)"),
    { hotkey: true },
  ).action(
    app.action(signerOptionsSchema.extend({ maxLock: z.string().optional() }), async (ctx, opts) => {
      const maxLock = opts.maxLock === undefined ? undefined : parseTao(opts.maxLock, "--max-lock");
      const hotkey = await loadHotkey(ctx, opts);
      const p = await connectProtocol(ctx);
      const lock = await p.client.readContract({
        address: p.registry,
        abi: subnetRegistryAbi,
        functionName: "lockCost",
      });
      ctx.out.note(`lock cost: ${taoCell(lock)} (paid into the new subnet's pool)`);
      if (maxLock !== undefined && lock > maxLock) {
        fail(
          `the lock cost ${formatTao(lock)} TAO is above --max-lock ${formatTao(maxLock)} TAO: raise --max-lock or wait for the cost to decay`,
        );
      }
      const coldkey = await unlockColdkey(ctx, opts);
      await requireGas(p, coldkey.address, "coldkey");
      await requireTao(
        p,
        coldkey.address,
        lock,
        "the subnet lock",
        "fund the coldkey (`tao wallet transfer --dest <coldkey>` from a funded wallet), or wait: the lock cost decays after each subnet creation",
      );
      const ceiling = maxLock ?? lock;
      const sig = await hotkeyConsent(
        p.client,
        p.registry,
        hotkey,
        coldkey.address,
        (await currentSlot(p)) + CONSENT_SLOTS,
      );
      const request = {
        address: p.registry,
        abi: subnetRegistryAbi,
        functionName: "createSubnet",
        args: [hotkey.address, ceiling, sig],
      };
      await preflight(p, coldkey, "createSubnet", request);
      await ctx.confirm(
        `Lock ${taoCell(lock)} from ${coldkey.address} to create a subnet with hotkey ${hotkey.address}?`,
      );
      await ensureAllowance(ctx, p, coldkey, p.registry, ceiling);
      const sent = await send<number>(ctx, p, coldkey, "createSubnet", request);
      const data = {
        netuid: sent.result,
        lockCost: lock,
        coldkey: coldkey.address,
        hotkey: hotkey.address,
        tx: sent.hash,
      };
      ctx.out.result(data, () =>
        [
          `Created subnet ${sent.result}`,
          renderFields([
            ["netuid", String(sent.result)],
            ["lock", taoCell(lock)],
            ["owner coldkey", coldkey.address],
            ["owner hotkey (uid 0)", hotkey.address],
            ["transaction", sent.hash],
          ]),
          `Next: \`tao --network ${p.network.name} subnet start ${sent.result} --wallet ${signerNames(opts, ctx.io.env).wallet}\` to start its emission`,
        ].join("\n"),
      );
    }),
  );

  group
    .command("list")
    .description("list subnets: owner, pool price, emission share, neurons, tempo")
    .action(
      app.action(z.object({}), async (ctx) => {
        const p = await connectProtocol(ctx);
        const netuids = await p.client.readContract({
          address: p.registry,
          abi: subnetRegistryAbi,
          functionName: "netuids",
        });
        const rows = await Promise.all(netuids.map((n) => subnetRow(p, n)));
        ctx.out.result({ network: p.network.name, subnets: rows }, () =>
          renderTable(
            ["netuid", "owner", "price (TAO/α)", "TAO in pool", "emission", "neurons", "tempo", "started"],
            rows.map((r) => [
              String(r.netuid),
              r.ownerColdkey,
              formatPrice(r.price),
              r.taoReserve === null ? "-" : formatTao(r.taoReserve),
              r.emissionShare === null ? "-" : formatShare(r.emissionShare),
              String(r.neurons),
              String(r.tempo),
              r.emissionStartSlot === 0n ? "no" : `slot ${formatInt(r.emissionStartSlot)}`,
            ]),
          ),
        );
      }),
    );

  group
    .command("show")
    .argument("<netuid>", "subnet id")
    .description("show one subnet: owner, pool, price, emission, epoch, costs")
    .action(
      app.action(z.object({}), async (ctx, _opts, [raw]) => {
        const netuid = parseNetuid(raw);
        const p = await connectProtocol(ctx);
        await requireSubnet(p, netuid);
        const row = await subnetRow(p, netuid);
        const slot = await currentSlot(p);
        const reg = { address: p.registry, abi: subnetRegistryAbi } as const;
        const [burn, [epoch, start, close], registered] = await Promise.all([
          netuid === 0
            ? Promise.resolve(null)
            : p.client.readContract({ ...reg, functionName: "burnCost", args: [netuid] }),
          netuid === 0
            ? Promise.resolve([0n, 0n, 0n] as const)
            : p.client.readContract({ ...reg, functionName: "epochAt", args: [netuid, slot] }),
          p.client.readContract({ ...reg, functionName: "subnetRegisteredSlot", args: [netuid] }),
        ]);
        const data = {
          ...row,
          burnCost: burn,
          currentSlot: slot,
          epoch,
          epochStart: start,
          epochClose: close,
          registeredSlot: registered,
        };
        ctx.out.result(data, () =>
          renderFields([
            ["netuid", String(netuid)],
            ["owner coldkey", row.ownerColdkey],
            ["owner hotkey", row.ownerHotkey],
            ["price", `${formatPrice(row.price)} TAO/α`],
            ["TAO in pool", row.taoReserve === null ? "-" : taoCell(row.taoReserve)],
            ["alpha in pool", row.alphaReserve === null ? "-" : `${formatTao(row.alphaReserve)} α`],
            ["emission share", row.emissionShare === null ? "-" : formatShare(row.emissionShare)],
            ["neurons", String(row.neurons)],
            ["tempo", `${row.tempo} slots`],
            [
              "emission",
              row.emissionStartSlot === 0n
                ? "not started: `tao subnet start`"
                : `since slot ${formatInt(row.emissionStartSlot)}`,
            ],
            ["registration burn", burn === null ? "-" : taoCell(burn)],
            ["current slot", formatInt(slot)],
            ["epoch", `${epoch} (slots ${formatInt(start)}..${formatInt(close)})`],
            ["registered at slot", formatInt(registered)],
          ]),
        );
      }),
    );

  group
    .command("hyperparameters")
    .alias("hyperparams")
    .argument("<netuid>", "subnet id")
    .description("show a subnet's hyperparameters")
    .action(
      app.action(z.object({}), async (ctx, _opts, [raw]) => {
        const netuid = parseNetuid(raw);
        const p = await connectProtocol(ctx);
        await requireSubnet(p, netuid);
        const hp = await p.client.readContract({
          address: p.registry,
          abi: subnetRegistryAbi,
          functionName: "hyperparams",
          args: [netuid],
        });
        const entries = Object.entries(hp) as [string, bigint | number | boolean][];
        ctx.out.result({ netuid, hyperparameters: hp }, () =>
          renderTable(
            ["hyperparameter", "value"],
            entries.map(([k, v]) => [k, k === "minBurn" || k === "maxBurn" ? taoCell(BigInt(v)) : String(v)]),
          ),
        );
      }),
    );

  addSignerOptions(
    group
      .command("set")
      .argument("<netuid>", "subnet id")
      .argument("<param>", `one of ${PARAMS.join(", ")}`)
      .argument("<value>", "integer; true/false for switches; TAO for MinBurn/MaxBurn")
      .description("owner (or governance): set a hyperparameter"),
    { hotkey: false },
  ).action(
    app.action(signerOptionsSchema, async (ctx, opts, [rawNetuid, rawParam, rawValue]) => {
      const netuid = parseNetuid(rawNetuid);
      const param = parseParam(rawParam ?? "");
      const value = paramValue(param, rawValue ?? "");
      const p = await connectProtocol(ctx);
      await requireSubnet(p, netuid);
      const coldkey = await unlockColdkey(ctx, opts);
      const reg = { address: p.registry, abi: subnetRegistryAbi } as const;
      const ask: { confirm: string } = { confirm: `Set ${param} of live subnet ${netuid} to ${rawValue}?` };
      let sent;
      if (param === "Tempo") {
        if (value > 0xffffn) fail(`Tempo value ${value} is not a u16: pass 1..65535`);
        const [hp, [epoch, , close]] = await Promise.all([
          p.client.readContract({ ...reg, functionName: "hyperparams", args: [netuid] }),
          p.client.readContract({ ...reg, functionName: "epochAt", args: [netuid, await currentSlot(p)] }),
        ]);
        // A tempo change moves every later epoch: say which, since validators' commit-reveal and settlement
        // schedules follow it.
        ask.confirm =
          `Change the tempo of subnet ${netuid} (now ${hp.tempo} slots) to ${value} slots? Epoch ${epoch} still closes at ` +
          `slot ${formatInt(close)}; every epoch after it lasts ${value} slots, which moves each later close, ` +
          `reveal window and settlement deadline (validators and miners follow it on their own).`;
        sent = await send(
          ctx,
          p,
          coldkey,
          "setTempo",
          {
            ...reg,
            functionName: "setTempo",
            args: [netuid, Number(value)],
          },
          ask,
        );
      } else if (param === "AlphaLow" || param === "AlphaHigh") {
        if (value > 0xffffn) fail(`${param} value ${value} is not a u16: pass 0..65535`);
        const hp = await p.client.readContract({ ...reg, functionName: "hyperparams", args: [netuid] });
        const low = param === "AlphaLow" ? Number(value) : hp.alphaLow;
        const high = param === "AlphaHigh" ? Number(value) : hp.alphaHigh;
        sent = await send(
          ctx,
          p,
          coldkey,
          "setAlphaValues",
          {
            ...reg,
            functionName: "setAlphaValues",
            args: [netuid, low, high],
          },
          ask,
        );
      } else if (param === "AlphaSigmoidSteepness") {
        sent = await send(
          ctx,
          p,
          coldkey,
          "setAlphaSigmoidSteepness",
          {
            ...reg,
            functionName: "setAlphaSigmoidSteepness",
            args: [netuid, Number(value)],
          },
          ask,
        );
      } else {
        sent = await send(
          ctx,
          p,
          coldkey,
          `setHyperparam ${param}`,
          {
            ...reg,
            functionName: "setHyperparam",
            args: [netuid, PARAMS.indexOf(param), value],
          },
          ask,
        );
      }
      ctx.out.result(
        { netuid, param, value, tx: sent.hash },
        () => `Set ${param} of subnet ${netuid} to ${rawValue} (${sent.hash})`,
      );
    }),
  );

  addSignerOptions(
    group
      .command("start")
      .argument("<netuid>", "subnet id")
      .description("owner: start the subnet's emission from the next slot"),
    { hotkey: false },
  ).action(
    app.action(signerOptionsSchema, async (ctx, opts, [raw]) => {
      const netuid = parseNetuid(raw);
      const p = await connectProtocol(ctx);
      await requireSubnet(p, netuid);
      const coldkey = await unlockColdkey(ctx, opts);
      const sent = await send(
        ctx,
        p,
        coldkey,
        "startEmission",
        { address: p.registry, abi: subnetRegistryAbi, functionName: "startEmission", args: [netuid] },
        { confirm: `Start emission of subnet ${netuid} from the next slot? This cannot be undone.` },
      );
      const start = await p.client.readContract({
        address: p.registry,
        abi: subnetRegistryAbi,
        functionName: "emissionStartSlot",
        args: [netuid],
      });
      ctx.out.result(
        { netuid, tx: sent.hash, startSlot: start },
        () => `Subnet ${netuid} emits from slot ${formatInt(start)} (${sent.hash})`,
      );
    }),
  );

  // btcli's spellings: `btcli subnets register` and `btcli subnets metagraph` (the same commands as
  // `tao neuron register` and `tao metagraph`).
  neuronGroup.register(group, app);
  metagraphGroup.register(
    group.command("metagraph").description(`${metagraphGroup.summary} (as \`tao metagraph\`)`),
    app,
  );
}

export default defineCommandGroup({
  name: "subnet",
  summary: "create, list, inspect, configure and start subnets; register on one, show its metagraph",
  order: 30,
  aliases: ["s", "subnets"],
  register,
});
