import type { Command } from "commander";
import { z } from "zod";
import { subnetRegistryAbi } from "../../abi/index.js";
import { hotkeyConsent } from "../../localnet/bootstrap.js";
import {
  addSignerOptions,
  CONSENT_SLOTS,
  connectProtocol,
  currentSlot,
  ensureAllowance,
  preflight,
  loadHotkey,
  parseNetuid,
  parseTao,
  requireGas,
  requireSubnet,
  requireTao,
  send,
  signerOptionsSchema,
  unlockColdkey,
} from "../chain-context.js";
import { defineCommandGroup, type CliApp } from "../command-group.js";
import { fail } from "../errors.js";
import { formatTao, renderFields, taoCell } from "../output.js";

const registerSchema = signerOptionsSchema.extend({ netuid: z.string(), maxBurn: z.string().optional() });

function register(group: Command, app: CliApp): void {
  addSignerOptions(
    group
      .command("register")
      .description("register the wallet's hotkey on a subnet, burning the registration cost")
      .requiredOption("--netuid <n>", "subnet id")
      .option("--max-burn <tao>", "refuse if the burn cost is above this (TAO; default: the cost shown)"),
    { hotkey: true },
  ).action(
    app.action(registerSchema, async (ctx, opts) => {
      const netuid = parseNetuid(opts.netuid, "--netuid");
      if (netuid === 0)
        fail("netuid 0 is the root subnet, which has no neurons: pass a subnet id from `tao subnet list`");
      const maxBurn = opts.maxBurn === undefined ? undefined : parseTao(opts.maxBurn, "--max-burn");
      const hotkey = await loadHotkey(ctx, opts);
      const p = await connectProtocol(ctx);
      await requireSubnet(p, netuid);
      const reg = { address: p.registry, abi: subnetRegistryAbi } as const;
      const [registered, uid] = await p.client.readContract({
        ...reg,
        functionName: "uidOf",
        args: [netuid, hotkey.address],
      });
      if (registered) fail(`hotkey ${hotkey.address} is already uid ${uid} on subnet ${netuid}: nothing to do`);
      const burn = await p.client.readContract({ ...reg, functionName: "burnCost", args: [netuid] });
      ctx.out.note(`registration burn on subnet ${netuid}: ${taoCell(burn)}`);
      if (maxBurn !== undefined && burn > maxBurn) {
        fail(
          `the burn cost ${formatTao(burn)} TAO is above --max-burn ${formatTao(maxBurn)} TAO: raise --max-burn or wait for the cost to decay`,
        );
      }
      const coldkey = await unlockColdkey(ctx, opts);
      await requireGas(p, coldkey.address, "coldkey");
      await requireTao(
        p,
        coldkey.address,
        burn,
        "the registration burn",
        "fund the coldkey (`tao wallet transfer --dest <coldkey>` from a funded wallet), or wait for the burn to fall",
      );
      const ceiling = maxBurn ?? burn;
      const sig = await hotkeyConsent(
        p.client,
        p.registry,
        hotkey,
        coldkey.address,
        (await currentSlot(p)) + CONSENT_SLOTS,
        netuid,
      );
      const request = { ...reg, functionName: "register", args: [netuid, hotkey.address, ceiling, sig] };
      await preflight(p, coldkey, "register", request);
      await ctx.confirm(
        `Burn ${taoCell(burn)} from ${coldkey.address} to register hotkey ${hotkey.address} on subnet ${netuid}?`,
      );
      await ensureAllowance(ctx, p, coldkey, p.registry, ceiling);
      const sent = await send<number>(ctx, p, coldkey, "register", request);
      const data = {
        netuid,
        uid: sent.result,
        hotkey: hotkey.address,
        coldkey: coldkey.address,
        burnCost: burn,
        tx: sent.hash,
      };
      ctx.out.result(data, () =>
        [
          `Registered hotkey ${hotkey.address} as uid ${sent.result} on subnet ${netuid}`,
          renderFields([
            ["uid", String(sent.result)],
            ["burned", taoCell(burn)],
            ["coldkey", coldkey.address],
            ["transaction", sent.hash],
          ]),
        ].join("\n"),
      );
    }),
  );
}

export default defineCommandGroup({
  name: "neuron",
  summary: "register hotkeys on subnets",
  order: 40,
  register,
});
