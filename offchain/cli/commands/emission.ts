import type { Command } from "commander";
import { getAddress, zeroAddress, type Address, type PrivateKeyAccount } from "viem";
import { z } from "zod";
import { requireContract, displayPath } from "../../chain/deployments.js";
import { emissionAbi } from "../../abi/index.js";
import {
  addSignerOptions,
  connectProtocol,
  parseAddress,
  parseTao,
  requireGas,
  send,
  signerNames,
  signerOptionsSchema,
  unlockColdkey,
  type Protocol,
} from "../chain-context.js";
import { defineCommandGroup, type CliApp } from "../command-group.js";
import type { CliContext } from "../context.js";
import { fail } from "../errors.js";
import { formatInt, formatTao, renderFields, taoCell } from "../output.js";

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

/** Governance's view of Emission: its owner, receiver, reserve and the emission not minted yet. */
interface EmissionState {
  readonly owner: Address;
  readonly receiver: Address;
  readonly reserve: bigint;
  readonly pendingEmission: bigint;
}

async function readEmissionState(p: Protocol): Promise<EmissionState> {
  const e = { address: p.emission, abi: emissionAbi } as const;
  const [owner, receiver, reserve, pendingEmission] = await Promise.all([
    p.client.readContract({ ...e, functionName: "owner" }),
    p.client.readContract({ ...e, functionName: "receiver" }),
    p.client.readContract({ ...e, functionName: "reserve" }),
    p.client.readContract({ ...e, functionName: "pendingEmission" }),
  ]);
  return { owner: getAddress(owner), receiver: getAddress(receiver), reserve, pendingEmission };
}

/** Unlocks `--wallet`'s coldkey and fails unless it is Emission's owner (governance) with gas. */
async function unlockGovernance(
  ctx: CliContext,
  p: Protocol,
  opts: z.output<typeof signerOptionsSchema>,
  state: EmissionState,
): Promise<PrivateKeyAccount> {
  const wallet = signerNames(opts, ctx.io.env).wallet;
  const account = await unlockColdkey(ctx, opts);
  if (account.address !== state.owner) {
    fail(
      `wallet ${wallet}'s coldkey ${account.address} is not governance of Emission on ${p.network.name} (owner ${state.owner}): pass --wallet with the governance (deployer) key`,
    );
  }
  await requireGas(p, account.address, "governance coldkey");
  return account;
}

const grantSchema = signerOptionsSchema.extend({ to: z.string(), amount: z.string() });

function registerGovernance(group: Command, app: CliApp): void {
  addSignerOptions(
    group
      .command("grant")
      .description("governance: pay TAO from the Emission reserve to an address (mints pending emission first)")
      .requiredOption("--to <address>", "the recipient, e.g. an operator's coldkey")
      .requiredOption("--amount <tao>", "TAO to grant"),
    { hotkey: false },
  ).action(
    app.action(grantSchema, async (ctx, opts) => {
      const to = parseAddress(opts.to, "--to");
      if (to === zeroAddress) fail("--to is the zero address: pass the recipient's address");
      const amount = parseTao(opts.amount, "--amount");
      if (amount === 0n) fail("--amount 0 grants nothing: pass a positive TAO amount");
      const p = await connectProtocol(ctx);
      const before = await readEmissionState(p);
      // Before a receiver is set, coinbase mints the pending slots into the reserve; afterwards they go to it.
      const mint = before.receiver === zeroAddress && before.pendingEmission > 0n;
      const available = before.reserve + (mint ? before.pendingEmission : 0n);
      if (amount > available) {
        fail(
          `--amount ${formatTao(amount)} TAO is more than the Emission reserve holds (${formatTao(available)} TAO${mint ? " with pending emission" : ""}): lower --amount${before.receiver === zeroAddress ? " or wait (it accrues 1 TAO per 12 s slot)" : " (emission is routed, the reserve no longer grows)"}`,
        );
      }
      const gov = await unlockGovernance(ctx, p, opts, before);
      await ctx.confirm(
        `Grant ${taoCell(amount)} from the Emission reserve (${taoCell(available)}) on ${p.network.name} to ${to}?`,
      );
      if (mint) {
        await send(ctx, p, gov, "coinbase", { address: p.emission, abi: emissionAbi, functionName: "coinbase" });
      }
      const sent = await send(ctx, p, gov, "grantReserve", {
        address: p.emission,
        abi: emissionAbi,
        functionName: "grantReserve",
        args: [to, amount],
      });
      const reserve = await p.client.readContract({ address: p.emission, abi: emissionAbi, functionName: "reserve" });
      const data = { network: p.network.name, emission: p.emission, to, amount, reserve, tx: sent.hash };
      ctx.out.result(data, () =>
        [
          `Granted ${taoCell(amount)} to ${to}`,
          renderFields([
            ["to", to],
            ["amount", taoCell(amount)],
            ["reserve left", taoCell(reserve)],
            ["transaction", sent.hash],
          ]),
        ].join("\n"),
      );
    }),
  );

  addSignerOptions(
    group
      .command("route")
      .description("governance: route minted TAO to Staking, which splits it across subnets (once, irreversible)"),
    { hotkey: false },
  ).action(
    app.action(signerOptionsSchema, async (ctx, opts) => {
      const p = await connectProtocol(ctx);
      const before = await readEmissionState(p);
      if (before.receiver !== zeroAddress) {
        const who = before.receiver === getAddress(p.staking) ? `Staking ${before.receiver}` : before.receiver;
        fail(
          `emission on ${p.network.name} is already routed to ${who}: nothing to do (a receiver is set once; \`tao emission grant\` still pays from the reserve left)`,
        );
      }
      const gov = await unlockGovernance(ctx, p, opts, before);
      const reserveAfter = before.reserve + before.pendingEmission;
      await ctx.confirm(
        `Route emission on ${p.network.name} to Staking ${p.staking}? This is set once; the reserve (${taoCell(reserveAfter)}) stays grantable but stops growing.`,
      );
      const sent = await send(ctx, p, gov, "setReceiver", {
        address: p.emission,
        abi: emissionAbi,
        functionName: "setReceiver",
        args: [p.staking],
      });
      const reserve = await p.client.readContract({ address: p.emission, abi: emissionAbi, functionName: "reserve" });
      const data = { network: p.network.name, emission: p.emission, receiver: p.staking, reserve, tx: sent.hash };
      ctx.out.result(data, () =>
        [
          `Emission on ${p.network.name} now goes to Staking ${p.staking}`,
          renderFields([
            ["receiver", p.staking],
            ["reserve (grantable)", taoCell(reserve)],
            ["transaction", sent.hash],
          ]),
        ].join("\n"),
      );
    }),
  );
}

function register(group: Command, app: CliApp): void {
  registerGovernance(group, app);
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
      const blockNumber = await client.getBlockNumber({ cacheTime: 0 }); // the head now, not a cached one
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
  summary:
    "show TAO emission: current slot, emission per slot, issuance, next halving, pending emission; governance: grant, route",
  order: 20,
  register,
});
