import type { Command } from "commander";
import {
  getAddress,
  isAddressEqual,
  maxUint256,
  zeroAddress,
  type Address,
  type ContractFunctionReturnType,
} from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import { z } from "zod";
import {
  feeOf,
  MAX_INPUT_MULTIPLE,
  MIN_RESERVE,
  maxInAboveFloor,
  priceAfterBuy,
  priceAfterSell,
  swapOut,
} from "../../pool/poolMath.js";
import { stakingAbi, subnetRegistryAbi } from "../../abi/index.js";
import {
  addSignerOptions,
  connectProtocol,
  currentSlot,
  DEADLINE_SECONDS,
  ensureAllowance,
  formatPpm,
  formatPrice,
  headTime,
  loadHotkey,
  parseAddress,
  parseNetuid,
  parsePercentPpm,
  parseTao,
  preflight,
  LIMIT_PRICE_UNIT,
  PRICE_UNIT,
  requireGas,
  requireSubnet,
  requireTao,
  send,
  signerNames,
  signerOptionsSchema,
  unlockColdkey,
  type Protocol,
  type SendRequest,
  type Sent,
} from "../chain-context.js";
import { defineCommandGroup, type CliApp } from "../command-group.js";
import type { CliContext } from "../context.js";
import { CliError, fail, oneLine } from "../errors.js";
import { protocolContractAt } from "../protocolContracts.js";
import { readAfterMint } from "../readAfterMint.js";
import { mapPool, READ_CONCURRENCY, subnetNeurons, type RegistryRow } from "../neurons.js";
import { allDissolvedClaims, claimableDissolved, lifeHotkeys } from "../dissolvedPositions.js";
import { formatTao, renderFields, renderTable, taoCell } from "../output.js";

/** The largest input the pool takes at any price: its reserve floor, its input cap (1,000 x rIn), or `amount`. */
function depthAtAnyPrice(rIn: bigint, rOut: bigint, amount: bigint): bigint {
  const cap = rIn * MAX_INPUT_MULTIPLE;
  return maxInAboveFloor(rIn, rOut, amount < cap ? amount : cap);
}

/**
 * `--dest-coldkey` of `tao stake transfer`, refused as `tao wallet transfer` refuses its `--dest`: the zero
 * address, the wallet's own coldkey (that is `tao stake move`) and the deployment's protocol contracts, whose
 * stake nobody could ever unstake.
 */
function checkStakeRecipient(p: Protocol, dest: Address, from: Address, raw: string): void {
  if (dest === zeroAddress)
    fail(`--dest-coldkey ${raw} is the zero address: stake sent there is lost; pass the recipient's coldkey`);
  if (isAddressEqual(dest, from))
    fail(
      `--dest-coldkey ${dest} is the wallet's own coldkey: nothing would change hands; use \`tao stake move\` to move stake between your hotkeys or subnets`,
    );
  const contract = protocolContractAt(p, dest);
  if (contract !== undefined)
    fail(
      `--dest-coldkey ${dest} is the ${contract} contract of this deployment: nobody could unstake it; pass the recipient's coldkey`,
    );
}

/** `Staking.pool(netuid)` as viem decodes it. */
type PoolView = ContractFunctionReturnType<typeof stakingAbi, "view", "pool">;

/** Root's netuid (Staking `ROOT`): stake 1:1 with TAO, no pool, no fee. */
const ROOT = 0;

/**
 * The alpha a move from subnet `netuid` to another subnet `destNetuid` lands with, as `Staking._move` makes it
 * after the coinbase it runs first: the sale (`quoteUnstake`, fee paid) then a buy into the destination pool
 * with no limit, which pays the fee only when the sale did not (a root origin is sold 1:1, fee-free); root as
 * the destination is bought 1:1. Exactly one leg pays the fee. The sale and the destination pool are read in
 * one `eth_call` after the coinbase (offchain/cli/readAfterMint.ts); the buy is `_buy`'s arithmetic here
 * (offchain/pool/poolMath.ts). Refuses a move the contract would revert: a sale or a buy past a pool's input
 * cap or reserve floor, a sale worth less than the minimum stake, a buy of no alpha.
 */
async function quoteSwapMove(p: Protocol, netuid: number, destNetuid: number, amount: bigint): Promise<bigint> {
  const stk = { address: p.staking, abi: stakingAbi } as const;
  const [[taoMid], fromPool, toPool, minStake] = (await readAfterMint(p, [
    { ...stk, functionName: "quoteUnstake", args: [netuid, amount] },
    { ...stk, functionName: "pool", args: [netuid] },
    { ...stk, functionName: "pool", args: [destNetuid] },
    { ...stk, functionName: "MIN_STAKE" },
  ])) as [readonly [bigint, bigint], PoolView, PoolView, bigint];
  const moving = `moving ${formatTao(amount)} α from subnet ${netuid} to subnet ${destNetuid}`;
  if (netuid !== ROOT) {
    // `_sell` with no limit: its input cap, then the TAO reserve floor.
    const cap = fromPool.alphaReserve * MAX_INPUT_MULTIPLE;
    if (amount > cap)
      fail(
        `${moving} sells more than the pool of subnet ${netuid} takes at once (at most ${formatTao(cap)} α): lower --amount`,
      );
    if (fromPool.taoReserve - taoMid < MIN_RESERVE)
      fail(
        `the pool of subnet ${netuid} is too shallow: ${moving} would take its TAO reserve below the minimum (${formatTao(MIN_RESERVE)} TAO): lower --amount`,
      );
  }
  if (taoMid < minStake)
    fail(
      `${moving} sells it for ${formatTao(taoMid)} TAO, under the minimum stake of ${formatTao(minStake)} TAO: raise --amount`,
    );
  if (destNetuid === ROOT) return taoMid;
  // `_buy` with no limit and no partial fill: its input cap, the swap, then the alpha reserve floor.
  const cap = toPool.taoReserve * MAX_INPUT_MULTIPLE;
  if (taoMid > cap)
    fail(
      `${moving} buys with ${formatTao(taoMid)} TAO, more than the pool of subnet ${destNetuid} takes at once (at most ${formatTao(cap)} TAO): lower --amount`,
    );
  const { out } = swapOut(toPool.taoReserve, toPool.alphaReserve, taoMid, netuid === ROOT);
  if (out === 0n) fail(`${moving} buys no alpha on subnet ${destNetuid} with ${formatTao(taoMid)} TAO: raise --amount`);
  if (toPool.alphaReserve - out < MIN_RESERVE)
    fail(
      `the pool of subnet ${destNetuid} is too shallow: ${moving} would take its alpha reserve below the minimum (${formatTao(MIN_RESERVE)} α): lower --amount`,
    );
  return out;
}

const PPM = 1_000_000n;
const DEFAULT_TOLERANCE = "0.5";

const tradeSchema = signerOptionsSchema.extend({
  netuid: z.string(),
  amount: z.string().optional(),
  to: z.string().optional(),
  tolerance: z.string().default(DEFAULT_TOLERANCE),
  partial: z.boolean().default(false),
  all: z.boolean().default(false),
  allHotkeys: z.boolean().default(false),
  includeHotkeys: z.string().optional(),
  excludeHotkeys: z.string().optional(),
});

type TradeOptions = z.output<typeof tradeSchema>;

const moveSchema = signerOptionsSchema.extend({
  netuid: z.string(),
  amount: z.string(),
  to: z.string().optional(),
  destNetuid: z.string().optional(),
  destHotkey: z.string().optional(),
  destColdkey: z.string().optional(),
  tolerance: z.string().default(DEFAULT_TOLERANCE),
});

function addTradeOptions(cmd: Command): Command {
  return addSignerOptions(
    cmd
      .requiredOption("--netuid <n>", "subnet id (0 = root, 1:1 TAO)")
      .option("--to <address>", "the hotkey to stake with (default: the wallet's --hotkey)")
      .option("--all-hotkeys", "every hotkey of the wallet, one after the other (btcli's --all-hotkeys)")
      .option(
        "--include-hotkeys <names>",
        "these hotkeys: comma-separated names of the wallet's hotkeys or 0x addresses",
      )
      .option("--exclude-hotkeys <names>", "with --all-hotkeys: leave out these hotkeys (names or 0x addresses)")
      .option(
        "--tolerance <percent>",
        "largest price move accepted, in percent (it sets the limit price)",
        DEFAULT_TOLERANCE,
      ),
    { hotkey: true },
  );
}

/** A hotkey picked by `--all-hotkeys` / `--include-hotkeys`: its address and, for one of the wallet's, its name. */
export interface PickedHotkey {
  readonly address: Address;
  readonly name: string | undefined;
}

function hotkeyLabel(h: PickedHotkey): string {
  return h.name === undefined ? h.address : `${h.name} (${h.address})`;
}

/** `"a, b,,c"` -> `["a", "b", "c"]`. */
function nameList(raw: string): string[] {
  return raw
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/**
 * The hotkeys of `--all-hotkeys` (minus `--exclude-hotkeys`) or `--include-hotkeys`, in order, duplicates
 * collapsed; undefined when neither is passed (one hotkey: `--to` or the wallet's `--hotkey`). Reads the wallet's
 * files only (no password, no chain). Refuses the combinations that make no sense, an unknown name and an empty
 * selection.
 */
async function pickHotkeys(ctx: CliContext, opts: TradeOptions): Promise<PickedHotkey[] | undefined> {
  const include = opts.includeHotkeys;
  const exclude = opts.excludeHotkeys;
  if (opts.allHotkeys && include !== undefined)
    fail(
      "--all-hotkeys and --include-hotkeys exclude each other: pass --all-hotkeys (narrowed with --exclude-hotkeys) or --include-hotkeys alone",
    );
  if (exclude !== undefined && !opts.allHotkeys)
    fail(
      "--exclude-hotkeys only narrows --all-hotkeys: add --all-hotkeys, or name the hotkeys wanted with --include-hotkeys",
    );
  if (!opts.allHotkeys && include === undefined) return undefined;
  const flag = opts.allHotkeys ? "--all-hotkeys" : "--include-hotkeys";
  if (opts.to !== undefined)
    fail(
      `--to names one hotkey and ${flag} several: drop --to, or drop ${flag} to stake with the one hotkey (add 0x addresses to --include-hotkeys)`,
    );
  const { wallet } = signerNames(opts, ctx.io.env);
  const own = (await ctx.wallets().showWallet(wallet)).hotkeys; // unreadable ones too: named in the errors
  const byName = new Map<string, Address>();
  for (const h of own) if (h.address) byName.set(h.name, getAddress(h.address));
  const nameOf = new Map([...byName].map(([name, address]) => [address, name] as const));
  const known = () => (byName.size === 0 ? "it has none" : `its hotkeys: ${[...byName.keys()].join(", ")}`);
  const resolve = (raw: string, what: string): PickedHotkey => {
    if (raw.startsWith("0x")) {
      const address = parseAddress(raw, what);
      return { address, name: nameOf.get(address) };
    }
    const address = byName.get(raw);
    if (address === undefined) {
      const unreadable = own.some((h) => h.name === raw);
      fail(
        unreadable
          ? `${what}: hotkey ${raw} of wallet ${wallet} is unreadable: see \`tao wallet show --wallet ${wallet}\``
          : `${what}: wallet ${wallet} has no hotkey ${raw} (${known()}): pass names from \`tao wallet show --wallet ${wallet}\` or 0x addresses`,
      );
    }
    return { address, name: raw };
  };
  let picked: PickedHotkey[];
  if (include !== undefined) picked = nameList(include).map((raw) => resolve(raw, "--include-hotkeys"));
  else {
    for (const h of own)
      if (!h.address) ctx.out.warn(`hotkey ${h.name} of wallet ${wallet} is unreadable: left out of --all-hotkeys`);
    const left = new Set(nameList(exclude ?? "").map((raw) => resolve(raw, "--exclude-hotkeys").address));
    picked = [...byName].map(([name, address]) => ({ address, name })).filter((h) => !left.has(h.address));
  }
  const seen = new Set<Address>();
  picked = picked.filter((h) => !seen.has(h.address) && (seen.add(h.address), true));
  if (picked.length === 0)
    fail(
      include !== undefined
        ? `--include-hotkeys ${JSON.stringify(include)} names no hotkey: pass comma-separated hotkey names or 0x addresses`
        : `--all-hotkeys selects no hotkey of wallet ${wallet} (${exclude === undefined ? known() : "--exclude-hotkeys leaves out every one"}): add one with \`tao wallet new-hotkey\` or exclude fewer`,
    );
  return picked;
}

/** One hotkey's trade done in a multi-hotkey run. */
interface DoneTrade {
  readonly hotkey: PickedHotkey;
  readonly tx: string;
}

/**
 * Runs one hotkey's step of a multi-hotkey run. A failure before any transaction of the run (`started` false)
 * is re-raised naming the hotkey and that nothing was sent; once the run has sent (an approval, a trade), as one
 * line naming the hotkey, the hotkeys done (their transactions) and those not done.
 */
export async function hotkeyStep<T>(
  h: PickedHotkey,
  done: readonly DoneTrade[],
  notDone: readonly PickedHotkey[],
  step: () => Promise<T>,
  started = done.length > 0,
): Promise<T> {
  try {
    return await step();
  } catch (e) {
    if (!started) {
      if (e instanceof CliError) throw new CliError(`hotkey ${hotkeyLabel(h)}: ${oneLine(e.message)} (nothing sent)`);
      throw e;
    }
    const why = e instanceof Error ? oneLine(e.message) : String(e);
    const doneList = done.length === 0 ? "none" : done.map((d) => `${hotkeyLabel(d.hotkey)} (${d.tx})`).join(", ");
    throw new CliError(
      `hotkey ${hotkeyLabel(h)}: ${why}; stopped: done ${doneList}; not done ${notDone.map(hotkeyLabel).join(", ")}`,
    );
  }
}

/** The staking target: `--to <address>` or the wallet's hotkey. */
async function targetHotkey(
  ctx: CliContext,
  opts: z.output<typeof signerOptionsSchema> & { to?: string },
): Promise<Address> {
  if (opts.to !== undefined) return parseAddress(opts.to, "--to");
  return (await loadHotkey(ctx, opts)).address;
}

/** `1 - got/ideal` in ppm: the price impact plus fee of a trade. */
function impactPpm(ideal: bigint, got: bigint): bigint {
  return ideal === 0n ? 0n : ((ideal - got) * PPM) / ideal;
}

async function deadline(p: Protocol): Promise<bigint> {
  return (await headTime(p.client)) + DEADLINE_SECONDS;
}

/** One stake position of a coldkey: its shares, alpha and the alpha's value at the spot price. */
export interface StakePosition {
  readonly netuid: number;
  readonly hotkey: Address;
  readonly shares: bigint;
  readonly alpha: bigint;
  readonly taoValue: bigint;
  /**
   * The TAO unstaking all of it now would pay, after the pool fee and the price impact of the sale alone (btcli's
   * "swap" value); less than `alpha` can be sold where the pool's TAO floor binds. Root: 1:1.
   */
  readonly swapValue: bigint;
}

/** What selling `alpha` into a pool of `taoReserve` / `alphaReserve` pays now (as far as the TAO floor allows). */
export function swapValueOf(taoReserve: bigint, alphaReserve: bigint, alpha: bigint): bigint {
  if (alpha === 0n || alphaReserve === 0n) return 0n;
  const sellable = depthAtAnyPrice(alphaReserve, taoReserve, alpha);
  return swapOut(alphaReserve, taoReserve, sellable, true).out;
}

/** A wallet's hotkeys, address to name, in the wallet's order (files only, no password; unreadable ones left out). */
export async function walletHotkeyNames(ctx: CliContext, wallet: string): Promise<Map<Address, string>> {
  const names = new Map<Address, string>();
  for (const h of (await ctx.wallets().showWallet(wallet)).hotkeys)
    if (h.address) names.set(getAddress(h.address), h.name);
  return names;
}

/** The addresses of a wallet's hotkeys (files only, no password). */
export async function walletHotkeyAddresses(ctx: CliContext, wallet: string): Promise<Address[]> {
  return [...(await walletHotkeyNames(ctx, wallet)).keys()];
}

/** Every subnet's neurons (root's: none), read once for the commands that need several views of them. */
export async function allNeurons(p: Protocol): Promise<Map<number, RegistryRow[]>> {
  const netuids = await p.client.readContract({
    address: p.registry,
    abi: subnetRegistryAbi,
    functionName: "netuids",
  });
  const rows = await mapPool(netuids, READ_CONCURRENCY, (netuid) => subnetNeurons(p, netuid));
  return new Map(netuids.map((netuid, i) => [netuid, rows[i]!]));
}

/**
 * The non-empty positions of `coldkey` over every subnet, with `own` hotkeys and every metagraph hotkey
 * (what `tao stake list` shows; `tao wallet balance` sums their `taoValue`). `neurons`: from {@link allNeurons},
 * when the caller has them already.
 */
export async function stakePositions(
  p: Protocol,
  coldkey: Address,
  own: readonly Address[],
  neurons?: Map<number, RegistryRow[]>,
): Promise<StakePosition[]> {
  const positions: StakePosition[] = [];
  for (const [netuid, rows] of neurons ?? (await allNeurons(p))) {
    const hotkeys = [...new Set([...own, ...rows.map((r) => getAddress(r.hotkey))])];
    const [read, pool] = await Promise.all([
      mapPool(hotkeys, READ_CONCURRENCY, (hotkey) =>
        p.client.readContract({
          address: p.staking,
          abi: stakingAbi,
          functionName: "position",
          args: [netuid, hotkey, coldkey],
        }),
      ),
      netuid === 0
        ? undefined
        : p.client.readContract({ address: p.staking, abi: stakingAbi, functionName: "pool", args: [netuid] }),
    ]);
    read.forEach(([shares, alpha, taoValue], i) => {
      if (shares === 0n && alpha === 0n) return;
      const swapValue = pool === undefined ? alpha : swapValueOf(pool.taoReserve, pool.alphaReserve, alpha);
      positions.push({ netuid, hotkey: hotkeys[i] as Address, shares, alpha, taoValue, swapValue });
    });
  }
  return positions;
}

// ------------------------------------------------------------------------------------------------ delegate take

/** Takes are u16 proportions: `take / 65535`. */
const TAKE_DENOMINATOR = 65_535n;

/**
 * `"10"` (percent) -> 6554n: the nearest `x / 65535`, halves rounded up, computed on the decimal string (no
 * floats). At most 4 decimals, which reach every u16 value, so a take shown by `formatPpm(takePpm(x))` parses
 * back to `x`.
 */
export function parseTakePercent(raw: string, what: string): bigint {
  const m = /^(\d+)(?:\.(\d{0,4}))?%?$/.exec(raw.trim());
  if (!m) fail(`${what} ${JSON.stringify(raw)} is not a percentage: write e.g. 9.5 for 9.5% (4 decimals at most)`);
  const ppm = BigInt(m[1]!) * 10_000n + BigInt((m[2] ?? "").padEnd(4, "0"));
  return (ppm * TAKE_DENOMINATOR * 2n + PPM) / (2n * PPM);
}

/** A u16 take in parts per million (nearest, halves up), for {@link formatPpm}. */
export function takePpm(take: number): bigint {
  return (BigInt(take) * PPM * 2n + TAKE_DENOMINATOR) / (2n * TAKE_DENOMINATOR);
}

/** `11796` -> `17.9995% (11796/65535)`. */
function takeCell(take: number): string {
  return `${formatPpm(takePpm(take))} (${take}/65535)`;
}

/** `--hotkey`: a wallet hotkey name, or an address. */
async function hotkeyArg(ctx: CliContext, opts: z.output<typeof signerOptionsSchema>): Promise<Address> {
  const raw = opts.walletHotkey;
  return raw !== undefined && raw.startsWith("0x")
    ? parseAddress(raw, "--hotkey")
    : (await loadHotkey(ctx, opts)).address;
}

interface TakeInfo {
  readonly take: number;
  readonly lastChangeSlot: bigint;
  readonly maxTake: number;
  readonly rateLimit: bigint;
  /** First slot at which the take may be raised (a lower take may be set any time). */
  readonly nextIncreaseSlot: bigint;
  readonly slot: bigint;
  /** The coldkey the hotkey is bound to (the only signer of `setDelegateTake`), or null. */
  readonly coldkey: Address | null;
}

async function readTake(p: Protocol, hotkey: Address): Promise<TakeInfo> {
  const s = { address: p.staking, abi: stakingAbi } as const;
  const [[take, lastChangeSlot], maxTake, rateLimit, owner, slot] = await Promise.all([
    p.client.readContract({ ...s, functionName: "delegateTake", args: [hotkey] }),
    p.client.readContract({ ...s, functionName: "MAX_TAKE" }),
    p.client.readContract({ ...s, functionName: "TAKE_RATE_LIMIT" }),
    p.client.readContract({ address: p.registry, abi: subnetRegistryAbi, functionName: "coldkeyOf", args: [hotkey] }),
    currentSlot(p),
  ]);
  // An unset take reads as the maximum with lastChangeSlot 0; it cannot be raised, so no limit applies.
  const nextIncreaseSlot = lastChangeSlot === 0n && take >= maxTake ? 0n : lastChangeSlot + rateLimit;
  return {
    take,
    lastChangeSlot,
    maxTake,
    rateLimit,
    nextIncreaseSlot,
    slot,
    coldkey: owner === zeroAddress ? null : getAddress(owner),
  };
}

/** The quote of a stake or unstake that passed its checks: the spot price, the limit price sent and the impact. */
interface TradeQuote {
  readonly price: bigint;
  readonly limitPrice: bigint;
  readonly impact: bigint;
}

/**
 * Quotes staking `amount` TAO on `netuid` as the stake will see the pool (after the coinbase it runs first:
 * offchain/cli/readAfterMint.ts), notes it, and refuses a stake the pool cannot take or the price limit refuses.
 */
async function quoteStakeAdd(
  ctx: CliContext,
  p: Protocol,
  opts: TradeOptions,
  netuid: number,
  amount: bigint,
  tolerance: bigint,
): Promise<TradeQuote> {
  const stk = { address: p.staking, abi: stakingAbi } as const;
  const [price, [alphaOut, fee], pool] = (await readAfterMint(p, [
    { ...stk, functionName: "spotPrice", args: [netuid] },
    { ...stk, functionName: "quoteStake", args: [netuid, amount] },
    { ...stk, functionName: "pool", args: [netuid] },
  ])) as [bigint, readonly [bigint, bigint], PoolView];
  const ideal = (amount * PRICE_UNIT) / price;
  const impact = impactPpm(ideal, alphaOut);
  const limitPrice = (price * (PPM + tolerance)) / (PPM * LIMIT_PRICE_UNIT);
  // The limit bounds the price after the trade (the impact shown is the average price's distance from spot).
  const after =
    netuid !== 0 && pool.alphaReserve > alphaOut
      ? `, price after ${formatTao(priceAfterBuy(pool.taoReserve, pool.alphaReserve, amount, true))}`
      : "";
  ctx.out.note(
    `stake ${taoCell(amount)} -> ≈ ${formatTao(alphaOut)} α at ${formatPrice(price)} TAO/α (fee ${formatTao(fee)} TAO, impact ${formatPpm(impact)}${after}, limit ${formatTao(limitPrice)})`,
  );
  const [fits] = (await readAfterMint(p, [
    { ...stk, functionName: "maxStakeAtLimit", args: [netuid, limitPrice] },
  ])) as [bigint];
  if (fits < amount && !opts.partial) {
    const depth = depthAtAnyPrice(pool.taoReserve, pool.alphaReserve, amount);
    if (depth < amount)
      fail(
        `the pool of subnet ${netuid} is too shallow: at most ${formatTao(depth)} TAO can be staked before its alpha reserve reaches the minimum (or the input cap), whatever the price: lower --amount (or pass --partial)`,
      );
    // Before the tolerance (no password needed): an amount the coldkey does not hold is not a price problem.
    const from = await ctx.wallets().coldkeyAddress(signerNames(opts, ctx.io.env).wallet);
    await requireTao(p, from, amount, `staking ${formatTao(amount)} TAO`);
    fail(
      `price moved past the tolerance: staking ${formatTao(amount)} TAO moves the price past ${formatPpm(tolerance)} (limit ${formatTao(limitPrice)} TAO/α, at most ${formatTao(fits)} TAO fits): raise --tolerance, lower --amount or pass --partial`,
    );
  }
  return { price, limitPrice, impact };
}

async function stakeRequest(
  p: Protocol,
  netuid: number,
  hotkey: Address,
  amount: bigint,
  limitPrice: bigint,
  partial: boolean,
) {
  return {
    address: p.staking,
    abi: stakingAbi,
    functionName: "stake",
    args: [netuid, hotkey, amount, limitPrice, partial, await deadline(p)],
  } as const;
}

/** The result of one stake: the single-hotkey command's JSON, one row of the multi-hotkey one. */
function stakeResult(
  netuid: number,
  hotkey: Address,
  coldkey: Address,
  amount: bigint,
  q: TradeQuote,
  sent: Sent<readonly [bigint, bigint]>,
) {
  const [alpha, taoUsed] = sent.result;
  return {
    netuid,
    hotkey,
    coldkey,
    taoIn: amount,
    taoUsed,
    alphaOut: alpha,
    price: q.price,
    limitPrice: q.limitPrice,
    impactPpm: q.impact,
    tx: sent.hash,
  };
}

function stakedLine(r: ReturnType<typeof stakeResult>, hotkey: string): string {
  return `Staked ${taoCell(r.taoUsed)} to ${hotkey} on subnet ${r.netuid}: +${formatTao(r.alphaOut)} ${r.netuid === 0 ? "TAO of root stake" : "α"} (${r.tx})`;
}

/**
 * Refuses unstaking `amount` of the `held` alpha coldkey `from` holds with `hotkey` on `netuid`: nothing to
 * remove, or more than held.
 */
function checkHeld(from: Address, hotkey: Address, netuid: number, held: bigint, amount: bigint): void {
  if (amount === 0n)
    fail(`no stake to remove: coldkey ${from} holds 0 α with ${hotkey} on subnet ${netuid} (see \`tao stake list\`)`);
  if (amount > held) {
    fail(
      `insufficient stake: coldkey ${from} holds ${formatTao(held)} α with ${hotkey} on subnet ${netuid}, ${formatTao(amount)} requested: lower --amount or use --all`,
    );
  }
}

/**
 * Quotes unstaking `amount` alpha on `netuid` as the unstake will see the pool (after the coinbase it runs
 * first), notes it, and refuses an unstake the pool cannot take or the price limit refuses.
 */
async function quoteStakeRemove(
  ctx: CliContext,
  p: Protocol,
  opts: TradeOptions,
  netuid: number,
  amount: bigint,
  tolerance: bigint,
): Promise<TradeQuote> {
  const stk = { address: p.staking, abi: stakingAbi } as const;
  const [price, [taoOut, fee], pool] = (await readAfterMint(p, [
    { ...stk, functionName: "spotPrice", args: [netuid] },
    { ...stk, functionName: "quoteUnstake", args: [netuid, amount] },
    { ...stk, functionName: "pool", args: [netuid] },
  ])) as [bigint, readonly [bigint, bigint], PoolView];
  const ideal = (amount * price) / PRICE_UNIT;
  const impact = impactPpm(ideal, taoOut);
  const limitPrice = (price * (PPM - tolerance)) / (PPM * LIMIT_PRICE_UNIT);
  const after =
    netuid !== 0 && pool.taoReserve > taoOut
      ? `, price after ${formatTao(priceAfterSell(pool.taoReserve, pool.alphaReserve, amount, true))}`
      : "";
  ctx.out.note(
    `unstake ${formatTao(amount)} α -> ≈ ${taoCell(taoOut)} at ${formatPrice(price)} TAO/α (fee ${formatTao(fee)} α, impact ${formatPpm(impact)}${after}, limit ${formatTao(limitPrice)})`,
  );
  const [fits] = (await readAfterMint(p, [
    { ...stk, functionName: "maxUnstakeAtLimit", args: [netuid, limitPrice] },
  ])) as [bigint];
  if (fits < amount && !(opts.partial && !opts.all)) {
    const depth = depthAtAnyPrice(pool.alphaReserve, pool.taoReserve, amount);
    if (depth < amount)
      fail(
        `the pool of subnet ${netuid} is too shallow: at most ${formatTao(depth)} α can be unstaked before its TAO reserve reaches the minimum (or the input cap), whatever the price: lower --amount${opts.all ? "" : " (or pass --partial)"}`,
      );
    fail(
      `price moved past the tolerance: unstaking ${formatTao(amount)} α moves the price past ${formatPpm(tolerance)} (limit ${formatTao(limitPrice)} TAO/α, at most ${formatTao(fits)} α fits): raise --tolerance, lower --amount or pass --partial`,
    );
  }
  return { price, limitPrice, impact };
}

/** `unstakeAll` with `--all`, else `unstake` of `amount`. */
async function unstakeRequest(
  p: Protocol,
  opts: TradeOptions,
  netuid: number,
  hotkey: Address,
  amount: bigint,
  limitPrice: bigint,
): Promise<SendRequest> {
  const stk = { address: p.staking, abi: stakingAbi } as const;
  return opts.all
    ? { ...stk, functionName: "unstakeAll", args: [netuid, hotkey, limitPrice, await deadline(p)] }
    : {
        ...stk,
        functionName: "unstake",
        args: [netuid, hotkey, amount, limitPrice, opts.partial, await deadline(p)],
      };
}

/** The result of one unstake: the single-hotkey command's JSON, one row of the multi-hotkey one. */
function unstakeResult(
  netuid: number,
  hotkey: Address,
  coldkey: Address,
  amount: bigint,
  q: TradeQuote,
  sent: Sent<readonly [bigint, bigint]>,
) {
  const [taoGot, alphaUsed] = sent.result;
  return {
    netuid,
    hotkey,
    coldkey,
    alphaIn: amount,
    alphaUsed,
    taoOut: taoGot,
    price: q.price,
    limitPrice: q.limitPrice,
    impactPpm: q.impact,
    tx: sent.hash,
  };
}

function unstakedLine(r: ReturnType<typeof unstakeResult>, hotkey: string): string {
  return `Unstaked ${formatTao(r.alphaUsed)} α from ${hotkey} on subnet ${r.netuid}: +${taoCell(r.taoOut)} (${r.tx})`;
}

/**
 * `tao stake add --all-hotkeys | --include-hotkeys`: `amount` to each picked hotkey, in order. The first quote
 * is checked, the password asked once, every stake simulated, then ONE question lists them all; the approval
 * covers the total; each later stake is quoted again just before it is sent. A failure stops the run and names
 * the hotkeys done and not done.
 */
async function stakeAddMany(
  ctx: CliContext,
  opts: TradeOptions,
  netuid: number,
  amount: bigint,
  tolerance: bigint,
  picked: readonly PickedHotkey[],
): Promise<void> {
  const p = await connectProtocol(ctx);
  await requireSubnet(p, netuid);
  const total = amount * BigInt(picked.length);
  const done: (DoneTrade & { readonly result: ReturnType<typeof stakeResult> })[] = [];
  let coldkey: PrivateKeyAccount | undefined;
  for (const [i, h] of picked.entries()) {
    const step = <T>(f: () => Promise<T>) => hotkeyStep(h, done, picked.slice(i), f);
    ctx.out.note(`hotkey ${hotkeyLabel(h)} (${i + 1} of ${picked.length})`);
    const q = await step(() => quoteStakeAdd(ctx, p, opts, netuid, amount, tolerance));
    if (coldkey === undefined) {
      const key = await unlockColdkey(ctx, opts);
      coldkey = key;
      await requireGas(p, key.address, "coldkey");
      await requireTao(
        p,
        key.address,
        total,
        `staking ${formatTao(amount)} TAO to each of ${picked.length} hotkeys`,
        "fund the coldkey, lower --amount or pick fewer hotkeys",
      );
      // Every stake simulated before the question and the approval: an unbound hotkey is refused with nothing sent.
      // The others with no price limit (uint256 max): each one's price is checked by its own quote before it is sent.
      for (const other of picked) {
        const limit = other === h ? q.limitPrice : maxUint256;
        const request = await stakeRequest(p, netuid, other.address, amount, limit, opts.partial);
        await hotkeyStep(other, done, picked, () => preflight(p, key, "stake", request));
      }
      await ctx.confirm(
        `Stake ${taoCell(amount)} to each of ${picked.length} hotkeys (${taoCell(total)} in all) from ${key.address} on subnet ${netuid}: ${picked.map(hotkeyLabel).join(", ")}?`,
      );
      await ensureAllowance(ctx, p, key, p.staking, total);
    }
    const key = coldkey;
    const sent = await hotkeyStep(
      h,
      done,
      picked.slice(i),
      async () => {
        const request = await stakeRequest(p, netuid, h.address, amount, q.limitPrice, opts.partial);
        return send<readonly [bigint, bigint]>(ctx, p, key, "stake", request);
      },
      true,
    );
    const result = stakeResult(netuid, h.address, key.address, amount, q, sent);
    done.push({ hotkey: h, tx: sent.hash, result });
  }
  const results = done.map((d) => ({ hotkeyName: d.hotkey.name ?? null, ...d.result }));
  const totalTaoUsed = results.reduce((s, r) => s + r.taoUsed, 0n);
  const totalAlphaOut = results.reduce((s, r) => s + r.alphaOut, 0n);
  ctx.out.result({ netuid, coldkey: coldkey?.address, results, totalTaoIn: total, totalTaoUsed, totalAlphaOut }, () =>
    [
      ...done.map((d) => stakedLine(d.result, hotkeyLabel(d.hotkey))),
      `Staked ${taoCell(totalTaoUsed)} in all to ${done.length} hotkeys on subnet ${netuid}: +${formatTao(totalAlphaOut)} ${netuid === 0 ? "TAO of root stake" : "α"}`,
    ].join("\n"),
  );
}

/**
 * `tao stake remove --all-hotkeys | --include-hotkeys`: `--amount` from each picked hotkey, or (`--all`) each
 * one's whole position, in order; with `--all` a hotkey holding nothing is skipped. The positions are read and
 * checked first, then the first quote, the password once, every unstake simulated and ONE question listing
 * them; each later unstake is quoted again just before it is sent. A failure stops the run and names the
 * hotkeys done and not done.
 */
async function stakeRemoveMany(
  ctx: CliContext,
  opts: TradeOptions,
  netuid: number,
  tolerance: bigint,
  picked: readonly PickedHotkey[],
): Promise<void> {
  const p = await connectProtocol(ctx);
  await requireSubnet(p, netuid);
  const from = await ctx.wallets().coldkeyAddress(signerNames(opts, ctx.io.env).wallet);
  const perHotkey = opts.all ? undefined : parseTao(opts.amount ?? "", "--amount");
  const held = await mapPool(picked, READ_CONCURRENCY, async (h) => {
    const [, alpha] = await p.client.readContract({
      address: p.staking,
      abi: stakingAbi,
      functionName: "position",
      args: [netuid, h.address, from],
    });
    return alpha;
  });
  const plan: { readonly hotkey: PickedHotkey; readonly amount: bigint }[] = [];
  const skipped: PickedHotkey[] = [];
  for (const [i, h] of picked.entries()) {
    const amount = perHotkey ?? held[i]!;
    if (perHotkey === undefined && amount === 0n) {
      ctx.out.note(`hotkey ${hotkeyLabel(h)}: no stake on subnet ${netuid}, skipped`);
      skipped.push(h);
      continue;
    }
    await hotkeyStep(h, [], [], async () => checkHeld(from, h.address, netuid, held[i]!, amount));
    plan.push({ hotkey: h, amount });
  }
  if (plan.length === 0)
    fail(
      `no stake to remove: coldkey ${from} holds 0 α on subnet ${netuid} with each of the ${picked.length} hotkeys picked (${picked.map(hotkeyLabel).join(", ")}): see \`tao stake list\``,
    );
  const hotkeys = plan.map((x) => x.hotkey);
  const total = plan.reduce((s, x) => s + x.amount, 0n);
  const done: (DoneTrade & { readonly result: ReturnType<typeof unstakeResult> })[] = [];
  let coldkey: PrivateKeyAccount | undefined;
  for (const [i, { hotkey: h, amount }] of plan.entries()) {
    const step = <T>(f: () => Promise<T>) => hotkeyStep(h, done, hotkeys.slice(i), f);
    ctx.out.note(`hotkey ${hotkeyLabel(h)} (${i + 1} of ${plan.length})`);
    const q = await step(() => quoteStakeRemove(ctx, p, opts, netuid, amount, tolerance));
    if (coldkey === undefined) {
      await requireGas(p, from, "coldkey");
      const key = await unlockColdkey(ctx, opts);
      coldkey = key;
      // Every unstake simulated before the question: one that would revert is refused with nothing sent.
      // The others with no price limit (0): each one's price is checked by its own quote before it is sent.
      for (const x of plan) {
        const limit = x.hotkey === h ? q.limitPrice : 0n;
        const request = await unstakeRequest(p, opts, netuid, x.hotkey.address, x.amount, limit);
        await hotkeyStep(x.hotkey, [], [], () => preflight(p, key, request.functionName, request));
      }
      await ctx.confirm(
        `Unstake ${formatTao(total)} α in all of ${from} on subnet ${netuid} from ${plan.length} hotkeys: ${plan.map((x) => `${hotkeyLabel(x.hotkey)} ${formatTao(x.amount)} α`).join(", ")}?`,
      );
    }
    const key = coldkey;
    const sent = await hotkeyStep(
      h,
      done,
      hotkeys.slice(i),
      async () => {
        const request = await unstakeRequest(p, opts, netuid, h.address, amount, q.limitPrice);
        return send<readonly [bigint, bigint]>(ctx, p, key, request.functionName, request);
      },
      true,
    );
    const result = unstakeResult(netuid, h.address, key.address, amount, q, sent);
    done.push({ hotkey: h, tx: sent.hash, result });
  }
  const results = done.map((d) => ({ hotkeyName: d.hotkey.name ?? null, ...d.result }));
  const totalAlphaUsed = results.reduce((s, r) => s + r.alphaUsed, 0n);
  const totalTaoOut = results.reduce((s, r) => s + r.taoOut, 0n);
  ctx.out.result(
    {
      netuid,
      coldkey: from,
      results,
      skipped: skipped.map((h) => h.address),
      totalAlphaIn: total,
      totalAlphaUsed,
      totalTaoOut,
    },
    () =>
      [
        ...done.map((d) => unstakedLine(d.result, hotkeyLabel(d.hotkey))),
        ...skipped.map((h) => `Skipped ${hotkeyLabel(h)}: no stake on subnet ${netuid}`),
        `Unstaked ${formatTao(totalAlphaUsed)} α in all from ${done.length} hotkeys on subnet ${netuid}: +${taoCell(totalTaoOut)}`,
      ].join("\n"),
  );
}

function register(group: Command, app: CliApp): void {
  const stk = (p: Protocol) => ({ address: p.staking, abi: stakingAbi }) as const;

  addTradeOptions(
    group
      .command("add")
      .description("stake TAO to a hotkey on a subnet (buys alpha from the pool)")
      .requiredOption("--amount <tao>", "TAO to stake (to each hotkey with --all-hotkeys / --include-hotkeys)")
      .option("--partial", "fill what fits at the limit price instead of failing"),
  ).action(
    app.action(tradeSchema, async (ctx, opts) => {
      const netuid = parseNetuid(opts.netuid, "--netuid");
      const amount = parseTao(opts.amount ?? "", "--amount");
      if (amount === 0n) fail("--amount 0 stakes nothing: pass a positive TAO amount");
      const tolerance = parsePercentPpm(opts.tolerance, "--tolerance");
      const picked = await pickHotkeys(ctx, opts);
      if (picked !== undefined) return stakeAddMany(ctx, opts, netuid, amount, tolerance, picked);
      const hotkey = await targetHotkey(ctx, opts);
      const p = await connectProtocol(ctx);
      await requireSubnet(p, netuid);
      const q = await quoteStakeAdd(ctx, p, opts, netuid, amount, tolerance);
      const coldkey = await unlockColdkey(ctx, opts);
      await requireGas(p, coldkey.address, "coldkey");
      await requireTao(p, coldkey.address, amount, `staking ${formatTao(amount)} TAO`);
      const request = await stakeRequest(p, netuid, hotkey, amount, q.limitPrice, opts.partial);
      // Before the question and the approval: a stake that would revert (an unbound hotkey, a rate limit) costs
      // nothing and leaves no allowance behind.
      await preflight(p, coldkey, "stake", request);
      await ctx.confirm(`Stake ${taoCell(amount)} from ${coldkey.address} to ${hotkey} on subnet ${netuid}?`);
      await ensureAllowance(ctx, p, coldkey, p.staking, amount);
      const sent = await send<readonly [bigint, bigint]>(ctx, p, coldkey, "stake", request);
      const data = stakeResult(netuid, hotkey, coldkey.address, amount, q, sent);
      ctx.out.result(data, () => stakedLine(data, hotkey));
    }),
  );

  addTradeOptions(
    group
      .command("remove")
      .description("unstake alpha from a hotkey on a subnet (sells it to the pool for TAO)")
      .option("--amount <alpha>", "alpha to unstake (from each hotkey with --all-hotkeys / --include-hotkeys)")
      .option("--all", "unstake the whole position (of each hotkey with --all-hotkeys / --include-hotkeys)")
      .option("--partial", "fill what fits at the limit price instead of failing"),
  ).action(
    app.action(tradeSchema, async (ctx, opts) => {
      const netuid = parseNetuid(opts.netuid, "--netuid");
      if (opts.all === (opts.amount !== undefined)) fail("pass exactly one of --amount <alpha> or --all");
      const tolerance = parsePercentPpm(opts.tolerance, "--tolerance");
      if (tolerance > PPM) fail(`--tolerance ${opts.tolerance} is over 100%`);
      const picked = await pickHotkeys(ctx, opts);
      if (picked !== undefined) return stakeRemoveMany(ctx, opts, netuid, tolerance, picked);
      const hotkey = await targetHotkey(ctx, opts);
      const p = await connectProtocol(ctx);
      await requireSubnet(p, netuid);
      // The quote needs the coldkey's address only: the password is asked once it is shown.
      const from = await ctx.wallets().coldkeyAddress(signerNames(opts, ctx.io.env).wallet);
      const [, held] = await p.client.readContract({
        ...stk(p),
        functionName: "position",
        args: [netuid, hotkey, from],
      });
      const amount = opts.all ? held : parseTao(opts.amount ?? "", "--amount");
      checkHeld(from, hotkey, netuid, held, amount);
      const q = await quoteStakeRemove(ctx, p, opts, netuid, amount, tolerance);
      await requireGas(p, from, "coldkey");
      const coldkey = await unlockColdkey(ctx, opts);
      // Asked once the call simulates: an unstake that would revert is refused without a question.
      const confirm = `Unstake ${formatTao(amount)} α of ${from} from ${hotkey} on subnet ${netuid}?`;
      const request = await unstakeRequest(p, opts, netuid, hotkey, amount, q.limitPrice);
      const sent = await send<readonly [bigint, bigint]>(ctx, p, coldkey, request.functionName, request, {
        confirm,
      });
      const data = unstakeResult(netuid, hotkey, coldkey.address, amount, q, sent);
      ctx.out.result(data, () => unstakedLine(data, hotkey));
    }),
  );

  const moveLike = (name: "move" | "transfer") =>
    addSignerOptions(
      group
        .command(name)
        .description(
          name === "move"
            ? "move stake to another hotkey and/or subnet (same coldkey)"
            : "transfer stake to another coldkey (optionally to another subnet)",
        )
        .requiredOption("--netuid <n>", "origin subnet id")
        .requiredOption("--amount <alpha>", "alpha to move")
        .option("--origin-hotkey, --to <address>", "the hotkey the stake is on now (default: the wallet's --hotkey)")
        .option("--dest-netuid <n>", "destination subnet (default: the origin)")
        .option(
          name === "move" ? "--dest-hotkey <address>" : "--dest-coldkey <address>",
          name === "move" ? "destination hotkey (default: the origin hotkey)" : "coldkey receiving the stake",
        )
        .option("--tolerance <percent>", "largest loss to price moves accepted, in percent", DEFAULT_TOLERANCE),
      { hotkey: true },
    ).action(
      app.action(moveSchema, async (ctx, opts) => {
        const netuid = parseNetuid(opts.netuid, "--netuid");
        const destNetuid = opts.destNetuid === undefined ? netuid : parseNetuid(opts.destNetuid, "--dest-netuid");
        const amount = parseTao(opts.amount, "--amount");
        if (amount === 0n) fail("--amount 0 moves nothing: pass a positive alpha amount");
        const tolerance = parsePercentPpm(opts.tolerance, "--tolerance");
        const hotkey = await targetHotkey(ctx, opts);
        let dest: Address;
        if (name === "transfer") {
          if (opts.destColdkey === undefined)
            fail("--dest-coldkey <address> is required: the coldkey receiving the stake");
          dest = parseAddress(opts.destColdkey, "--dest-coldkey");
        } else {
          dest = opts.destHotkey === undefined ? hotkey : parseAddress(opts.destHotkey, "--dest-hotkey");
          if (dest === hotkey && destNetuid === netuid)
            fail("moving to the same hotkey on the same subnet does nothing: pass --dest-hotkey or --dest-netuid");
        }
        const p = await connectProtocol(ctx);
        await requireSubnet(p, netuid);
        await requireSubnet(p, destNetuid);
        const from = await ctx.wallets().coldkeyAddress(signerNames(opts, ctx.io.env).wallet);
        if (name === "transfer") checkStakeRecipient(p, dest, from, opts.destColdkey ?? "");
        const [, held] = await p.client.readContract({
          ...stk(p),
          functionName: "position",
          args: [netuid, hotkey, from],
        });
        if (amount > held) {
          fail(
            `insufficient stake: coldkey ${from} holds ${formatTao(held)} α with ${hotkey} on subnet ${netuid}, ${formatTao(amount)} requested: lower --amount`,
          );
        }
        // Same subnet: shares move at value; to another hotkey of a subnet the pool fee is kept (Staking
        // `_moveShares`: a free move in and out around a claim would take a validator's nominators' dividend).
        const expected =
          destNetuid !== netuid
            ? await quoteSwapMove(p, netuid, destNetuid, amount)
            : name === "move" && netuid !== ROOT
              ? amount - feeOf(amount)
              : amount;
        const minOut = (expected * (PPM - tolerance)) / PPM;
        ctx.out.note(
          `${name} ${formatTao(amount)} α on subnet ${netuid} -> ≈ ${formatTao(expected)} α on subnet ${destNetuid} (at least ${formatTao(minOut)})`,
        );
        await requireGas(p, from, "coldkey");
        const coldkey = await unlockColdkey(ctx, opts);
        // Asked once the call simulates: a move that would revert is refused without a question.
        const confirm = `${name === "move" ? "Move" : "Transfer"} ${formatTao(amount)} α of ${from} to ${dest} on subnet ${destNetuid}?`;
        // moveStake(originHotkey, destHotkey, ...) / transferStake(destColdkey, hotkey, ...): the rest alike.
        const functionName = name === "move" ? "moveStake" : "transferStake";
        const [first, second] = name === "move" ? [hotkey, dest] : [dest, hotkey];
        const args = [first, second, netuid, destNetuid, amount, minOut, await deadline(p)] as const;
        const sent = await send<bigint>(ctx, p, coldkey, functionName, { ...stk(p), functionName, args }, { confirm });
        ctx.out.result(
          {
            netuid,
            destNetuid,
            hotkey,
            dest,
            coldkey: coldkey.address,
            alphaIn: amount,
            alphaOut: sent.result,
            expectedAlphaOut: expected,
            minAlphaOut: minOut,
            tx: sent.hash,
          },
          () =>
            `${name === "move" ? "Moved" : "Transferred"} ${formatTao(amount)} α to ${dest} on subnet ${destNetuid}: ${formatTao(sent.result)} α (${sent.hash})`,
        );
      }),
    );
  moveLike("move");
  moveLike("transfer");

  addSignerOptions(
    group
      .command("list")
      .description("the wallet's stake positions (no password needed)")
      .option("--coldkey <address>", "list this coldkey instead of the wallet's")
      .option(
        "--dissolved",
        "also what it can claim on dissolved subnets (reads the chain's logs: slower on a long chain)",
        false,
      ),
    { hotkey: false },
  ).action(
    app.action(
      signerOptionsSchema.extend({ coldkey: z.string().optional(), dissolved: z.boolean() }),
      async (ctx, opts) => {
        const { wallet } = signerNames(opts, ctx.io.env);
        const coldkey =
          opts.coldkey !== undefined
            ? parseAddress(opts.coldkey, "--coldkey")
            : await ctx.wallets().coldkeyAddress(wallet);
        // The wallet's own hotkeys: their positions are listed even off the metagraph, and shown by name (btcli).
        const names = opts.coldkey === undefined ? await walletHotkeyNames(ctx, wallet) : new Map<Address, string>();
        const own = [...names.keys()];
        const p = await connectProtocol(ctx);
        const positions = await stakePositions(p, coldkey, own);
        const dissolved = opts.dissolved ? await allDissolvedClaims(p, coldkey, own) : undefined;
        const total = positions.reduce((s, x) => s + x.taoValue, 0n);
        const totalSwap = positions.reduce((s, x) => s + x.swapValue, 0n);
        const dissolvedLines = () =>
          dissolved === undefined
            ? []
            : dissolved.length === 0
              ? ["Nothing to claim on dissolved subnets"]
              : [
                  "Claimable on dissolved subnets (`tao stake claim-dissolved --netuid <n> [--generation <g>]`)",
                  renderTable(
                    ["netuid", "generation", "hotkey", "TAO"],
                    dissolved.map((x) => [String(x.netuid), String(x.generation), x.hotkey, formatTao(x.tao)]),
                  ),
                ];
        const data = {
          coldkey,
          positions,
          totalTaoValue: total,
          totalSwapValue: totalSwap,
          ...(dissolved === undefined ? {} : { dissolved }),
        };
        ctx.out.result(data, () =>
          positions.length === 0
            ? [
                `No stake for coldkey ${coldkey}: stake with \`tao stake add --netuid <n> --amount <tao>\``,
                ...dissolvedLines(),
              ].join("\n")
            : [
                `Stake of coldkey ${coldkey}`,
                renderTable(
                  ["netuid", "hotkey", "alpha", "value at spot (TAO)", "if unstaked now (TAO)"],
                  positions.map((x) => {
                    const name = names.get(getAddress(x.hotkey));
                    return [
                      String(x.netuid),
                      name === undefined ? x.hotkey : `${x.hotkey} (${name})`,
                      formatTao(x.alpha),
                      formatTao(x.taoValue),
                      formatTao(x.swapValue),
                    ];
                  }),
                ),
                renderFields([
                  ["total value at spot", taoCell(total)],
                  ["total if unstaked now", `${taoCell(totalSwap)} (each position sold alone: fee and price impact)`],
                ]),
                ...dissolvedLines(),
              ].join("\n"),
        );
      },
    ),
  );

  addSignerOptions(
    group
      .command("claim-dissolved")
      .description(
        "claim the TAO of the wallet's stake on a dissolved subnet (its pool's TAO, shared by the alpha staked then)",
      )
      .requiredOption("--netuid <n>", "the dissolved subnet's netuid")
      .option("--generation <g>", "which dissolution of the netuid (default: the last one)")
      .option("--stake-hotkey <address>", "only the position with this hotkey (default: every one found)"),
    { hotkey: false },
  ).action(
    app.action(
      signerOptionsSchema.extend({
        netuid: z.string(),
        generation: z.string().optional(),
        stakeHotkey: z.string().optional(),
      }),
      async (ctx, opts) => {
        const netuid = parseNetuid(opts.netuid);
        if (netuid === 0) fail("--netuid 0 is root, which is never dissolved: `tao stake remove --netuid 0` instead");
        const { wallet } = signerNames(opts, ctx.io.env);
        const p = await connectProtocol(ctx);
        const live = await p.client.readContract({ ...stk(p), functionName: "pool", args: [netuid] });
        if (live.generation === 0) {
          fail(
            `subnet ${netuid} has never been dissolved: nothing to claim (stake on a live subnet leaves with \`tao stake remove --netuid ${netuid}\`)`,
          );
        }
        const last = live.generation - 1;
        let generation = last;
        if (opts.generation !== undefined) {
          if (!/^\d+$/.test(opts.generation) || Number(opts.generation) > last) {
            fail(
              `--generation ${JSON.stringify(opts.generation)} is not a dissolved life of subnet ${netuid}: pass 0 to ${last} (the last dissolution, the default)`,
            );
          }
          generation = Number(opts.generation);
        }
        const coldkey = await ctx.wallets().coldkeyAddress(wallet);
        const hotkeys =
          opts.stakeHotkey !== undefined
            ? [parseAddress(opts.stakeHotkey, "--stake-hotkey")]
            : [...(await walletHotkeyAddresses(ctx, wallet)), ...(await lifeHotkeys(p, netuid, generation, coldkey))];
        const positions = await claimableDissolved(p, netuid, generation, coldkey, hotkeys);
        if (positions.length === 0) {
          fail(
            `coldkey ${coldkey} (wallet ${wallet}) has nothing to claim on dissolved subnet ${netuid} (generation ${generation}): ` +
              (opts.stakeHotkey !== undefined
                ? "no unclaimed position with that hotkey; leave --stake-hotkey out to look for every one"
                : "no unclaimed position with its hotkeys, its neurons or any hotkey it staked with; pass --stake-hotkey <address> if one is missing") +
              (generation > 0 && opts.generation === undefined
                ? ` (earlier dissolutions of subnet ${netuid}: --generation 0 to ${generation - 1})`
                : ""),
          );
        }
        const total = positions.reduce((a, x) => a + x.tao, 0n);
        ctx.out.note(
          renderTable(
            ["hotkey", "TAO"],
            positions.map((x) => [x.hotkey, formatTao(x.tao)]),
          ),
        );
        await ctx.confirm(
          `Claim ${formatTao(total)} TAO of dissolved subnet ${netuid} (generation ${generation}) for coldkey ${coldkey} (${positions.length} position${positions.length === 1 ? "" : "s"})?`,
        );
        const signer = await unlockColdkey(ctx, opts);
        await requireGas(p, signer.address, "coldkey");
        const claims: Array<{ hotkey: Address; tao: bigint; tx: string }> = [];
        for (const x of positions) {
          const sent = await send<bigint>(ctx, p, signer, `claimDissolved with hotkey ${x.hotkey}`, {
            ...stk(p),
            functionName: "claimDissolved",
            args: [netuid, x.hotkey, generation],
          });
          claims.push({ hotkey: x.hotkey, tao: sent.result, tx: sent.hash });
        }
        const claimed = claims.reduce((a, x) => a + x.tao, 0n);
        ctx.out.result({ netuid, generation, coldkey, claims, totalTao: claimed }, () =>
          [
            `Claimed ${formatTao(claimed)} TAO of dissolved subnet ${netuid} (generation ${generation}) for coldkey ${coldkey}:`,
            ...claims.map((x) => `  ${x.hotkey}: ${formatTao(x.tao)} TAO (${x.tx})`),
          ].join("\n"),
        );
      },
    ),
  );

  const take = group
    .command("take")
    .description("a delegate hotkey's take of its stakers' dividends (u16 proportion of 65535, at most ~18%)");

  addSignerOptions(
    take.command("show").description("a hotkey's delegate take and when it may next be raised (no password needed)"),
    { hotkey: true },
  ).action(
    app.action(signerOptionsSchema, async (ctx, opts) => {
      const hotkey = await hotkeyArg(ctx, opts);
      const p = await connectProtocol(ctx);
      const info = await readTake(p, hotkey);
      const data = {
        hotkey,
        coldkey: info.coldkey,
        take: info.take,
        takePercent: formatPpm(takePpm(info.take)),
        maxTake: info.maxTake,
        lastChangeSlot: info.lastChangeSlot,
        nextIncreaseSlot: info.nextIncreaseSlot,
        currentSlot: info.slot,
      };
      ctx.out.result(data, () =>
        renderFields([
          ["hotkey", hotkey],
          ["coldkey", info.coldkey ?? "(not bound: register the hotkey first)"],
          ["take", takeCell(info.take)],
          ["maximum", takeCell(info.maxTake)],
          [
            "last change",
            info.lastChangeSlot === 0n ? "never (the default is the maximum)" : `slot ${info.lastChangeSlot}`,
          ],
          [
            "next increase",
            info.take >= info.maxTake
              ? "none: the take is at the maximum"
              : info.nextIncreaseSlot <= info.slot
                ? "allowed now"
                : `from slot ${info.nextIncreaseSlot} (now ${info.slot})`,
          ],
        ]),
      );
    }),
  );

  addSignerOptions(
    take
      .command("set")
      .description("set a hotkey's delegate take, signed by the coldkey that owns the hotkey")
      .requiredOption(
        "--take <percent>",
        "the take in percent, e.g. 10 or 9.5 (4 decimals at most; rounded to the nearest 1/65535)",
      ),
    { hotkey: true },
  ).action(
    app.action(signerOptionsSchema.extend({ take: z.string() }), async (ctx, opts) => {
      const newTake = parseTakePercent(opts.take, "--take");
      const hotkey = await hotkeyArg(ctx, opts);
      const p = await connectProtocol(ctx);
      const info = await readTake(p, hotkey);
      if (newTake > BigInt(info.maxTake)) {
        fail(
          `--take ${opts.take} is ${newTake}/65535, above the maximum delegate take ${takeCell(info.maxTake)}: pass --take ${formatPpm(takePpm(info.maxTake)).slice(0, -1)} or less`,
        );
      }
      const takeU16 = Number(newTake);
      const { wallet } = signerNames(opts, ctx.io.env);
      if (info.coldkey === null) {
        fail(
          `hotkey ${hotkey} is not bound to a coldkey: register it first (\`tao neuron register --netuid <n> --wallet ${wallet} --hotkey <name>\`)`,
        );
      }
      if (takeU16 === info.take && info.lastChangeSlot !== 0n) {
        fail(`the delegate take of hotkey ${hotkey} is already ${takeCell(info.take)}: nothing to do`);
      }
      if (takeU16 > info.take && info.slot < info.nextIncreaseSlot) {
        fail(
          `raising the take of hotkey ${hotkey} from ${takeCell(info.take)} to ${takeCell(takeU16)} is rate limited until slot ${info.nextIncreaseSlot} (now ${info.slot}; one increase per ${info.rateLimit} slots after the last change): wait, or lower it instead`,
        );
      }
      const coldkey = await unlockColdkey(ctx, opts);
      if (coldkey.address !== info.coldkey) {
        fail(
          `hotkey ${hotkey} belongs to coldkey ${info.coldkey}, not to wallet ${wallet}'s coldkey ${coldkey.address}: use the wallet that owns the hotkey`,
        );
      }
      await requireGas(p, coldkey.address, "coldkey");
      ctx.out.note(
        `delegate take of ${hotkey}: ${takeCell(info.take)} -> ${takeCell(takeU16)} (any change restarts the ${info.rateLimit}-slot wait before the next increase)`,
      );
      await ctx.confirm(
        `Set the delegate take of hotkey ${hotkey} to ${takeCell(takeU16)}, signed by coldkey ${coldkey.address}?`,
      );
      const sent = await send(ctx, p, coldkey, "setDelegateTake", {
        ...stk(p),
        functionName: "setDelegateTake",
        args: [hotkey, takeU16],
      });
      ctx.out.result(
        {
          hotkey,
          coldkey: coldkey.address,
          take: takeU16,
          takePercent: formatPpm(takePpm(takeU16)),
          previousTake: info.take,
          maxTake: info.maxTake,
          tx: sent.hash,
        },
        () =>
          `Set the delegate take of hotkey ${hotkey} to ${takeCell(takeU16)} (was ${takeCell(info.take)}) (${sent.hash})`,
      );
    }),
  );
}

export default defineCommandGroup({
  name: "stake",
  aliases: ["st", "stakes"],
  summary: "add, remove, move, transfer and list stake (with price impact and a limit price); delegate take",
  order: 50,
  register,
});
