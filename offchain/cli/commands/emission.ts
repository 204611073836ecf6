import type { Command } from "commander";
import type { Address } from "viem";
import { z } from "zod";
import { requireContract, displayPath } from "../../chain/deployments.js";
import { emissionAbi } from "../../abi/index.js";
import { defineCommandGroup, type CliApp } from "../command-group.js";
import { fail } from "../errors.js";
import { formatInt, renderFields, taoCell } from "../output.js";

/** Seconds per slot (contracts/libraries/SlotClock.sol). */
const SLOT_SECONDS = 12n;

/** `slots` as an approximate duration, e.g. `≈ 1,458.3 days`, in integer arithmetic. */
export function slotsAsDuration(slots: bigint): string {
  const seconds = slots * SLOT_SECONDS;
  if (seconds < 3600n) return `≈ ${formatInt(seconds / 60n)} min`;
  if (seconds < 86_400n) return `≈ ${formatInt(seconds / 3600n)} h`;
  const tenthsOfDays = (seconds * 10n) / 86_400n;
  return `≈ ${formatInt(tenthsOfDays / 10n)}.${tenthsOfDays % 10n} days`;
}

function register(group: Command, app: CliApp): void {
  group.action(
    app.action(z.object({}), async (ctx) => {
      const { deployment, network, client } = await ctx.connect();
      const emission = requireContract(deployment, "Emission");
      const code = await client.getCode({ address: emission });
      if (code === undefined || code === "0x") {
        fail(
          `no contract at Emission ${emission} on ${network.name} (${displayPath(deployment.file)} is stale?): run \`npm run deploy -- --network ${network.name}\``,
        );
      }
      // Every read at one block, so the numbers are one consistent snapshot.
      const blockNumber = await client.getBlockNumber();
      const read = { address: emission, abi: emissionAbi, blockNumber } as const;
      const [
        currentSlot,
        lastMintedSlot,
        slotEmission,
        issuance,
        nextHalvingThreshold,
        slotsUntilHalving,
        pendingEmission,
        reserve,
        receiver,
        tao,
        genesisTime,
      ] = await Promise.all([
        client.readContract({ ...read, functionName: "currentSlot" }),
        client.readContract({ ...read, functionName: "lastMintedSlot" }),
        client.readContract({ ...read, functionName: "currentSlotEmission" }),
        client.readContract({ ...read, functionName: "issuance" }),
        client.readContract({ ...read, functionName: "nextHalvingThreshold" }),
        client.readContract({ ...read, functionName: "slotsUntilHalving" }),
        client.readContract({ ...read, functionName: "pendingEmission" }),
        client.readContract({ ...read, functionName: "reserve" }),
        client.readContract({ ...read, functionName: "receiver" }),
        client.readContract({ ...read, functionName: "tao" }),
        client.readContract({ ...read, functionName: "genesisTime" }),
      ]);
      if (tao.toLowerCase() !== deployment.contracts.TAO.toLowerCase()) {
        ctx.out.warn(
          `Emission mints TAO at ${tao} but ${displayPath(deployment.file)} says contracts.TAO is ${deployment.contracts.TAO}`,
        );
      }
      const zero: Address = "0x0000000000000000000000000000000000000000";
      const data = {
        network: network.name,
        chainId: deployment.chainId,
        blockNumber,
        emission,
        tao,
        genesisTime,
        currentSlot,
        lastMintedSlot,
        slotEmission,
        issuance,
        nextHalvingThreshold,
        slotsUntilHalving,
        pendingEmission,
        reserve,
        receiver,
      };
      ctx.out.result(data, () =>
        [
          `Emission on ${network.name} (chain ${deployment.chainId}, block ${formatInt(blockNumber)})`,
          renderFields([
            ["contract", emission],
            ["TAO token", tao],
            ["current slot", formatInt(currentSlot)],
            ["last minted slot", formatInt(lastMintedSlot)],
            ["slot emission", taoCell(slotEmission)],
            ["issuance", taoCell(issuance)],
            ["next halving at issuance", taoCell(nextHalvingThreshold)],
            ["slots until halving", `${formatInt(slotsUntilHalving)} (${slotsAsDuration(slotsUntilHalving)})`],
            ["pending emission", taoCell(pendingEmission)],
            ["reserve", taoCell(reserve)],
            ["receiver", receiver === zero ? "none (minted TAO stays in the reserve)" : receiver],
          ]),
        ].join("\n"),
      );
    }),
  );
}

export default defineCommandGroup({
  name: "emission",
  summary: "show TAO emission: current slot, emission per slot, issuance, next halving, pending emission",
  order: 20,
  register,
});
