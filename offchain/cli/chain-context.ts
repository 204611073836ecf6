/**
 * Shared helpers of the chain commands (subnet, neuron, axon, stake, weights, metagraph, epoch): the protocol's
 * contract addresses, signers from wallets, exact TAO/percent parsing, and sending a transaction with its revert
 * decoded into one line that names the value and the fix.
 */
import type { Command } from "commander";
import {
  getAddress,
  isAddress,
  type Abi,
  type Address,
  type Hex,
  type PrivateKeyAccount,
  type PublicClient,
} from "viem";
import { z } from "zod";
import { stakingAbi, subnetRegistryAbi, taoAbi } from "../abi/index.js";
import { headroomFor } from "../chain/coinbaseHeadroom.js";
import { displayPath, requireContract, type LoadedDeployment } from "../chain/deployments.js";
import { revertName } from "../chain/revert.js";
import { slotOf } from "../epoch/blockAtSlot.js";
import { fundHotkeyCommand } from "../wallet/fundHint.js";
import type { ChainConnection, CliContext } from "./context.js";
import { fail } from "./errors.js";
import { KNOWN_ERRORS, revertLine } from "./revertHints.js";
import { formatInt, formatTao, TAO_DECIMALS } from "./output.js";
import { addWalletOptions, WALLET_HOTKEY_ENV, WALLET_NAME_ENV } from "./wallet-options.js";

/** 1 TAO in rao. */
export const RAO_PER_TAO = 10n ** BigInt(TAO_DECIMALS);
/** The TAO supply cap, 21,000,000 TAO in rao (contracts/libraries/HalvingMath.sol MAX_SUPPLY); alpha's cap too. */
export const MAX_SUPPLY_RAO = 21_000_000n * RAO_PER_TAO;
/** Prices in views are TAO per alpha, 1e18 fixed point. */
export const PRICE_UNIT = 10n ** 18n;
/**
 * Limit prices (`stake`/`unstake`'s `limitPrice`, `maxStakeAtLimit`) are rao per alpha, 1e9 fixed point
 * (contracts/libraries/PoolMath.sol PRICE_UNIT), unlike the 1e18 views: `limit = spot / 1e9`.
 */
export const LIMIT_PRICE_UNIT = 10n ** 9n;
/** Seconds a signed transaction stays valid (staking deadlines are chain timestamps). */
export const DEADLINE_SECONDS = 600n;
/** Slots a hotkey's EIP-712 consent stays valid. */
export const CONSENT_SLOTS = 100n;

/** The protocol contracts of the connected deployment. */
export interface Protocol extends ChainConnection {
  readonly registry: Address;
  readonly staking: Address;
  readonly weights: Address;
  readonly settlement: Address;
  readonly emission: Address;
  readonly tao: Address;
  readonly genesisTime: bigint;
}

/** Connects and checks that the deployment has every protocol contract and that the registry holds code. */
export async function connectProtocol(ctx: CliContext): Promise<Protocol> {
  const conn = await ctx.connect();
  const d: LoadedDeployment = conn.deployment;
  const registry = requireContract(d, "SubnetRegistry");
  const code = await conn.client.getCode({ address: registry });
  if (code === undefined || code === "0x") {
    fail(
      `no contract at SubnetRegistry ${registry} on ${conn.network.name} (${displayPath(d.file)} is stale?): run \`npm run deploy -- --network ${conn.network.name}\``,
    );
  }
  return {
    ...conn,
    registry,
    staking: requireContract(d, "Staking"),
    weights: requireContract(d, "Weights"),
    settlement: requireContract(d, "Settlement"),
    emission: requireContract(d, "Emission"),
    tao: requireContract(d, "TAO"),
    genesisTime: BigInt(d.genesisTime),
  };
}

/** The current 12 s slot at the head block. */
export async function currentSlot(p: Protocol): Promise<bigint> {
  const head = await p.client.getBlock({ blockTag: "latest" });
  return slotOf(head.timestamp, p.genesisTime);
}

/** The head block's timestamp (staking deadlines are timestamps). */
export async function headTime(client: PublicClient): Promise<bigint> {
  return (await client.getBlock({ blockTag: "latest" })).timestamp;
}

// ------------------------------------------------------------------------------------------------ parsing

/** A netuid (u16) given as `what`, or a one-line error. */
export function parseNetuid(raw: unknown, what = "netuid"): number {
  const s = String(raw ?? "").trim();
  if (!/^\d+$/.test(s) || Number(s) > 0xffff)
    fail(`${what} ${JSON.stringify(raw ?? "")} is not a subnet id: pass an integer 0..65535 (see \`tao subnet list\`)`);
  return Number(s);
}

/** An unsigned integer option. */
export function parseUint(raw: string, what: string, max: bigint = (1n << 256n) - 1n): bigint {
  const s = raw.trim();
  if (!/^\d+$/.test(s) || BigInt(s) > max) fail(`${what} ${JSON.stringify(raw)} is not an integer in 0..${max}`);
  return BigInt(s);
}

/** `"1.5"` -> 1_500_000_000n rao: exact decimal, at most 9 decimals, never negative. */
export function parseTao(raw: string, what: string): bigint {
  const s = raw.trim().replace(/_/g, "");
  const m = /^(\d+)(?:\.(\d*))?$/.exec(s) ?? /^()\.(\d+)$/.exec(s);
  if (!m) fail(`${what} ${JSON.stringify(raw)} is not an amount: write TAO as a decimal like 1.5 (9 decimals at most)`);
  const frac = m[2] ?? "";
  if (frac.length > TAO_DECIMALS) {
    fail(`${what} ${raw} has ${frac.length} decimals: TAO has ${TAO_DECIMALS}, round it`);
  }
  const rao = BigInt(m[1] || "0") * RAO_PER_TAO + BigInt(frac.padEnd(TAO_DECIMALS, "0") || "0");
  // No amount can exceed the supply; refusing here keeps a typo from surfacing as a viem overflow.
  if (rao > MAX_SUPPLY_RAO) {
    fail(
      `${what} ${raw} is above the supply cap of ${formatInt(MAX_SUPPLY_RAO / RAO_PER_TAO)} (of TAO, and of each subnet's alpha): pass a smaller amount`,
    );
  }
  return rao;
}

/** Parts per million in a percent: `"0.5"` -> 5_000n. At most 4 decimals, 0..100. */
export function parsePercentPpm(raw: string, what: string): bigint {
  const m = /^(\d+)(?:\.(\d{0,4}))?%?$/.exec(raw.trim());
  if (!m) fail(`${what} ${JSON.stringify(raw)} is not a percentage: write e.g. 0.5 for 0.5% (4 decimals at most)`);
  const ppm = BigInt(m[1]!) * 10_000n + BigInt((m[2] ?? "").padEnd(4, "0"));
  if (ppm > 1_000_000n) fail(`${what} ${raw}% is over 100%: pass a value in 0..100`);
  return ppm;
}

/**
 * An address option, checksummed. All-lowercase or all-uppercase hex carries no checksum and is taken; mixed case
 * is an EIP-55 checksum, and a wrong one means a mistyped or damaged address, so it is refused.
 */
export function parseAddress(raw: string, what: string): Address {
  if (!isAddress(raw, { strict: false }))
    fail(`${what} ${JSON.stringify(raw)} is not an address: pass 0x and 40 hex digits`);
  // viem's strict check takes all-lowercase hex and a right checksum; all-uppercase carries no checksum either.
  const digits = raw.slice(2);
  if (!isAddress(raw, { strict: true }) && digits !== digits.toUpperCase()) {
    fail(
      // Not the checksummed form of the input: for a mistyped address that would bless the typo.
      `${what} ${raw} has a wrong EIP-55 checksum (its mix of upper and lower case does not match its digits): ` +
        "copy the address again, or write it all in lower case",
    );
  }
  return getAddress(raw);
}

// ------------------------------------------------------------------------------------------------ formatting

/** A 1e18 price as TAO per alpha with 9 decimals. */
export function formatPrice(price: bigint): string {
  return formatTao(price / 10n ** 9n);
}

/** `ppm` parts per million as a percent with 4 decimals: `0.5000%`. */
export function formatPpm(ppm: bigint): string {
  const neg = ppm < 0n;
  const a = neg ? -ppm : ppm;
  return `${neg ? "-" : ""}${a / 10_000n}.${(a % 10_000n).toString().padStart(4, "0")}%`;
}

/** A 1e18 share (1e18 = all) as a percent with 4 decimals. */
export function formatShare(share: bigint): string {
  return formatPpm((share * 1_000_000n) / PRICE_UNIT);
}

// ------------------------------------------------------------------------------------------------ signers

/** `--wallet`/`--hotkey` (short, btcli-like) beside `--wallet-name`/`--wallet-hotkey`. */
export function addSignerOptions(cmd: Command, options: { hotkey: boolean }): Command {
  return addWalletOptions(cmd, options);
}

export const signerOptionsSchema = z.object({
  walletName: z.string().min(1).optional(),
  walletHotkey: z.string().min(1).optional(),
});

export function signerNames(
  opts: z.output<typeof signerOptionsSchema>,
  env: NodeJS.ProcessEnv,
): { wallet: string; hotkey: string } {
  return {
    wallet: opts.walletName ?? (env[WALLET_NAME_ENV] || "default"),
    hotkey: opts.walletHotkey ?? (env[WALLET_HOTKEY_ENV] || "default"),
  };
}

/** The wallet's hotkey (unencrypted file, no password). */
export async function loadHotkey(
  ctx: CliContext,
  opts: z.output<typeof signerOptionsSchema>,
): Promise<PrivateKeyAccount> {
  const { wallet, hotkey } = signerNames(opts, ctx.io.env);
  return ctx.wallets().loadHotkey(wallet, hotkey);
}

/** The wallet's hotkey address: from its file, without loading the key. */
export async function hotkeyAddress(ctx: CliContext, opts: z.output<typeof signerOptionsSchema>): Promise<Address> {
  return (await loadHotkey(ctx, opts)).address;
}

/** Decrypts the wallet's coldkey (TAO_PASSWORD or prompt). */
export async function unlockColdkey(
  ctx: CliContext,
  opts: z.output<typeof signerOptionsSchema>,
): Promise<PrivateKeyAccount> {
  return ctx.unlockColdkey(signerNames(opts, ctx.io.env).wallet);
}

// ------------------------------------------------------------------------------------------------ chain reads

/** Fails unless `netuid` is a live subnet. */
export async function requireSubnet(p: Protocol, netuid: number): Promise<void> {
  const exists = await p.client.readContract({
    address: p.registry,
    abi: subnetRegistryAbi,
    functionName: "subnetExists",
    args: [netuid],
  });
  if (exists) return;
  // A dissolved netuid: its stake is a TAO pot now, claimed with its own command.
  const pool = await p.client.readContract({
    address: p.staking,
    abi: stakingAbi,
    functionName: "pool",
    args: [netuid],
  });
  if (pool.generation > 0) {
    fail(
      `subnet ${netuid} was dissolved on ${p.network.name} and not created again: stake held on it then is paid in TAO ` +
        `with \`tao stake claim-dissolved --netuid ${netuid}\`; see \`tao subnet list\` for the live subnets`,
    );
  }
  fail(`subnet ${netuid} does not exist on ${p.network.name}: see \`tao subnet list\``);
}

/**
 * Fails unless `account` holds `amount` rao of TAO, naming the shortfall and `fix` (default: fund the coldkey or
 * lower the amount; a lock or a burn has no amount to lower).
 */
export async function requireTao(
  p: Protocol,
  who: Address,
  amount: bigint,
  what: string,
  fix = "fund the coldkey or lower the amount",
): Promise<void> {
  const balance = await p.client.readContract({ address: p.tao, abi: taoAbi, functionName: "balanceOf", args: [who] });
  if (balance < amount) {
    fail(
      `insufficient balance: coldkey ${who} holds ${formatTao(balance)} TAO but ${what} needs ${formatTao(amount)} TAO: ${fix}`,
    );
  }
}

/**
 * Fails when `who` has no native coin to pay gas. For a hotkey the hint is the fund-hotkey command, with its
 * wallet and hotkey `names` when given.
 */
export async function requireGas(
  p: Protocol,
  who: Address,
  role: string,
  names?: { wallet: string; hotkey: string },
): Promise<void> {
  const wei = await p.client.getBalance({ address: who });
  if (wei === 0n) {
    const command = fundHotkeyCommand(names && { ...names, network: p.network.name });
    const how = role === "hotkey" ? `send it some from its coldkey: \`${command}\`` : "send it some first";
    fail(`${role} ${who} has no ${p.network.name} native balance to pay gas: ${how}`);
  }
}

// ------------------------------------------------------------------------------------------------ sending

export { revertLine };

export interface SendRequest {
  readonly address: Address;
  readonly abi: Abi;
  readonly functionName: string;
  readonly args?: readonly unknown[];
}

export interface Sent<R> {
  readonly hash: Hex;
  readonly result: R;
  readonly gasUsed: bigint;
}

/** `request` as a viem call by `account`, its ABI extended with every protocol error so reverts decode. */
function callOf(request: SendRequest, account: PrivateKeyAccount) {
  return {
    address: request.address,
    abi: [...request.abi, ...KNOWN_ERRORS] as Abi,
    functionName: request.functionName,
    args: request.args ?? [],
    account,
  };
}

/**
 * Simulates `request` as `account` (so a revert becomes one decoded line before anything is signed), asks
 * `confirm` when given (once the simulation passed, so a doomed change is refused without a question), sends
 * it and waits for the receipt. Returns the simulated return value.
 */
export async function send<R = unknown>(
  ctx: CliContext,
  p: Protocol,
  account: PrivateKeyAccount,
  what: string,
  request: SendRequest,
  options: { confirm?: string } = {},
): Promise<Sent<R>> {
  const call = callOf(request, account);
  let result: unknown;
  let gas: bigint;
  try {
    result = (await p.client.simulateContract(call)).result;
    gas = await p.client.estimateContractGas(call);
  } catch (e) {
    const line = revertLine(what, e);
    if (line) fail(line);
    throw e;
  }
  if (options.confirm !== undefined) await ctx.confirm(options.confirm);
  const wallet = await ctx.walletClient(account);
  const contracts = { Staking: p.staking, Emission: p.emission, Settlement: p.settlement };
  const headroom = await headroomFor(p.client, call.address, call.functionName, contracts);
  const hash = await wallet.writeContract({ ...call, gas: (gas * 12n) / 10n + headroom });
  const receipt = await p.client.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success")
    fail(`${what} reverted on chain in ${hash}: rerun to see why (the state changed since the check)`);
  ctx.out.note(`${what}: ${hash} (gas ${receipt.gasUsed})`);
  return { hash, result: result as R, gasUsed: receipt.gasUsed };
}

/**
 * Simulates `request` as `account` before an approval it needs is sent, so a call that would revert for another
 * reason (a rate limit, a bad consent) fails here with its decoded line and nothing is signed. Only the missing
 * allowance (TAO's `InsufficientAllowance`, or `TransferFromFailed` when a contract pulls it; the approval that
 * follows fixes either; the balance is the caller's to check first) passes.
 */
export async function preflight(p: Protocol, account: PrivateKeyAccount, what: string, request: SendRequest) {
  try {
    await p.client.simulateContract(callOf(request, account));
  } catch (e) {
    // TAO's own refusal, or solady's SafeTransferLib's when a contract pulls it (Staking's stake).
    const name = revertName(e);
    if (name === "InsufficientAllowance" || name === "TransferFromFailed") return;
    const line = revertLine(what, e);
    if (line) fail(line);
    throw e;
  }
}

/** Approves `spender` for exactly `amount` rao of TAO when the allowance is short. */
export async function ensureAllowance(
  ctx: CliContext,
  p: Protocol,
  owner: PrivateKeyAccount,
  spender: Address,
  amount: bigint,
): Promise<void> {
  const allowance = await p.client.readContract({
    address: p.tao,
    abi: taoAbi,
    functionName: "allowance",
    args: [owner.address, spender],
  });
  if (allowance >= amount) return;
  await send(ctx, p, owner, `approve ${formatTao(amount)} TAO to ${spender}`, {
    address: p.tao,
    abi: taoAbi,
    functionName: "approve",
    args: [spender, amount],
  });
}
