import type { Command } from "commander";
import { getAddress, type Address } from "viem";
import { z } from "zod";
import { settlementAbi } from "../../abi/index.js";
import { ResultStore } from "../../epoch/resultStore.js";
import { connectProtocol, parseNetuid, requireSubnet } from "../chain-context.js";
import { defineCommandGroup, type CliApp } from "../command-group.js";
import { fail } from "../errors.js";
import { subnetNeurons } from "../neurons.js";
import { formatTao, renderTable } from "../output.js";

/** Per-uid payouts and scores of the latest finalised epoch, from a validator's ResultStore (leaf = uid). */
interface EpochPayout {
  hotkey: Address;
  incentive: bigint;
  dividend: bigint;
  consensus: number | null;
  validatorTrust: number | null;
}

export interface MetagraphRow {
  uid: number;
  hotkey: Address;
  coldkey: Address;
  stake: bigint;
  permit: boolean;
  immune: boolean;
  registrationSlot: bigint;
  lastUpdate: bigint;
  /** Yuma's consensus and validator trust of the latest finalised epoch, u16 (value / 65535). */
  consensus: number | null;
  validatorTrust: number | null;
  incentive: bigint | null;
  dividends: bigint | null;
  emission: bigint | null;
  axon: string | null;
}

const dash = (v: bigint | null): string => (v === null ? "-" : formatTao(v));
/** An address as btcli shows keys in tables: its start and end (`0x1234…cdef`); `--wide` (and JSON) keep it whole. */
const short = (a: string, wide: boolean): string => (wide ? a : `${a.slice(0, 6)}…${a.slice(-4)}`);
/** A u16 score as a fraction with 4 decimals (display only). */
const share = (v: number | null): string => (v === null ? "-" : (v / 65535).toFixed(4));

function register(group: Command, app: CliApp): void {
  group
    .requiredOption("--netuid <n>", "subnet id")
    .option(
      "--results-dir <dir>",
      "a validator's epoch ResultStore: fills incentive/dividends/emission of the latest finalised epoch",
    )
    .option("--wide", "print whole hotkey and coldkey addresses (the table shortens them)")
    .action(
      app.action(
        z.object({ netuid: z.string(), resultsDir: z.string().optional(), wide: z.boolean().default(false) }),
        async (ctx, opts) => {
          const netuid = parseNetuid(opts.netuid, "--netuid");
          const p = await connectProtocol(ctx);
          await requireSubnet(p, netuid);
          const neurons = await subnetNeurons(p, netuid);

          let epoch: bigint | null = null;
          const payouts = new Map<number, EpochPayout>();
          if (opts.resultsDir !== undefined && netuid !== 0) {
            const [finalised, latest] = await p.client.readContract({
              address: p.settlement,
              abi: settlementAbi,
              functionName: "latestFinalised",
              args: [netuid],
            });
            if (finalised) {
              epoch = latest;
              const store = new ResultStore(opts.resultsDir);
              const generation = await p.client.readContract({
                address: p.settlement,
                abi: settlementAbi,
                functionName: "generation",
                args: [netuid],
              });
              const stored = store.load(netuid, latest, Number(generation));
              if (!stored) {
                ctx.out.warn(
                  `${opts.resultsDir} has no result for subnet ${netuid} epoch ${latest}: run \`tao epoch settle --netuid ${netuid} --wallet <name> --hotkey <name> --results-dir ${opts.resultsDir}\``,
                );
              } else {
                const info = await p.client.readContract({
                  address: p.settlement,
                  abi: settlementAbi,
                  functionName: "epochInfo",
                  args: [netuid, latest],
                });
                if (stored.root !== info.root) {
                  fail(
                    `the stored result for ${netuid}/${latest} has root ${stored.root} but ${info.root} was finalised: delete ${opts.resultsDir}/${netuid}/${latest}.json and settle again`,
                  );
                }
                for (const [, leaf] of store.tree(stored).entries()) {
                  const [, , uid, hotkey, incentive, dividend] = leaf;
                  payouts.set(uid, {
                    hotkey: getAddress(hotkey),
                    incentive: BigInt(incentive),
                    dividend: BigInt(dividend),
                    consensus: stored.scores?.consensus[uid] ?? null,
                    validatorTrust: stored.scores?.validatorTrust[uid] ?? null,
                  });
                }
              }
            }
          }

          const rows: MetagraphRow[] = neurons.map((n) => {
            // A payout counts for the uid only while the same hotkey holds it.
            const pay = payouts.get(n.uid);
            const same = pay !== undefined && pay.hotkey === getAddress(n.hotkey);
            return {
              uid: n.uid,
              hotkey: n.hotkey,
              coldkey: n.coldkey,
              stake: n.stakeWeight,
              permit: n.permit,
              immune: n.immune,
              registrationSlot: n.registrationSlot,
              lastUpdate: n.lastUpdate,
              consensus: same ? pay.consensus : null,
              validatorTrust: same ? pay.validatorTrust : null,
              incentive: same ? pay.incentive : null,
              dividends: same ? pay.dividend : null,
              emission: same ? pay.incentive + pay.dividend : null,
              axon: n.axon.endpoint === "" ? null : n.axon.endpoint,
            };
          });
          ctx.out.result({ netuid, epoch, neurons: rows }, () =>
            [
              `Metagraph of subnet ${netuid}: ${rows.length} neurons${epoch === null ? "" : `, payouts of epoch ${epoch}`}`,
              renderTable(
                [
                  "uid",
                  "hotkey",
                  "coldkey",
                  "stake weight (α)",
                  "permit",
                  "consensus",
                  "vtrust",
                  "incentive (α)",
                  "dividends (α)",
                  "emission (α)",
                  "axon",
                ],
                rows.map((r) => [
                  String(r.uid),
                  short(r.hotkey, opts.wide),
                  short(r.coldkey, opts.wide),
                  formatTao(r.stake),
                  r.permit ? "yes" : "",
                  share(r.consensus),
                  share(r.validatorTrust),
                  dash(r.incentive),
                  dash(r.dividends),
                  dash(r.emission),
                  r.axon ?? "-",
                ]),
              ),
              ...(opts.resultsDir === undefined && netuid !== 0
                ? [
                    "Payouts (consensus to emission) come from a validator's epoch results: pass --results-dir (`npm start` keeps them in .localnet/epochs).",
                  ]
                : []),
            ].join("\n"),
          );
        },
      ),
    );
}

export default defineCommandGroup({
  name: "metagraph",
  summary: "show a subnet's neurons: stake, permits, axons and the latest epoch's payouts",
  order: 60,
  register,
});
