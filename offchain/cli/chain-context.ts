/**
 * Shared helpers of the chain commands (subnet, neuron, axon, stake, weights, metagraph, epoch): the protocol's
 * contract addresses, signers from wallets, exact TAO/percent parsing, and sending a transaction with its revert
 * decoded into one line that names the value and the fix.
 */
import type { Command } from "commander";
import {
  BaseError,
  ContractFunctionRevertedError,
  getAddress,
  isAddress,
  type Abi,
  type Address,
  type Hex,
  type PrivateKeyAccount,
  type PublicClient,
} from "viem";
import { z } from "zod";
import { emissionAbi, settlementAbi, stakingAbi, subnetRegistryAbi, taoAbi, weightsAbi } from "../abi/index.js";
import { displayPath, requireContract, type LoadedDeployment } from "../chain/deployments.js";
import { slotOf } from "../epoch/blockAtSlot.js";
import type { ChainConnection, CliContext } from "./context.js";
import { fail } from "./errors.js";
import { formatTao, TAO_DECIMALS } from "./output.js";
import { WALLET_HOTKEY_ENV, WALLET_NAME_ENV } from "./wallet-options.js";

/** 1 TAO in rao. */
export const RAO_PER_TAO = 10n ** BigInt(TAO_DECIMALS);
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
  return BigInt(m[1] || "0") * RAO_PER_TAO + BigInt(frac.padEnd(TAO_DECIMALS, "0") || "0");
}

/** Parts per million in a percent: `"0.5"` -> 5_000n. At most 4 decimals, 0..100. */
export function parsePercentPpm(raw: string, what: string): bigint {
  const m = /^(\d+)(?:\.(\d{0,4}))?%?$/.exec(raw.trim());
  if (!m) fail(`${what} ${JSON.stringify(raw)} is not a percentage: write e.g. 0.5 for 0.5% (4 decimals at most)`);
  const ppm = BigInt(m[1]!) * 10_000n + BigInt((m[2] ?? "").padEnd(4, "0"));
  if (ppm > 1_000_000n) fail(`${what} ${raw}% is over 100%: pass a value in 0..100`);
  return ppm;
}

/** An address option, checksummed. */
export function parseAddress(raw: string, what: string): Address {
  if (!isAddress(raw, { strict: false }))
    fail(`${what} ${JSON.stringify(raw)} is not an address: pass 0x and 40 hex digits`);
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
  cmd.option("--wallet, --wallet-name <name>", `wallet (default: $${WALLET_NAME_ENV} or "default")`);
  if (options.hotkey) {
    cmd.option(
      "--hotkey, --wallet-hotkey <name>",
      `hotkey of the wallet (default: $${WALLET_HOTKEY_ENV} or "default")`,
    );
  }
  return cmd;
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
  if (!exists) fail(`subnet ${netuid} does not exist on ${p.network.name}: see \`tao subnet list\``);
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

/** Fails when `who` has no native coin to pay gas. */
export async function requireGas(p: Protocol, who: Address, role: string): Promise<void> {
  const wei = await p.client.getBalance({ address: who });
  if (wei === 0n) {
    const how =
      role === "hotkey"
        ? "send it some from its coldkey: `tao wallet fund-hotkey --wallet <name> --hotkey <name>`"
        : "send it some first";
    fail(`${role} ${who} has no ${p.network.name} native balance to pay gas: ${how}`);
  }
}

// ------------------------------------------------------------------------------------------------ sending

type AbiError = Extract<Abi[number], { type: "error" }>;
const KNOWN_ERRORS: AbiError[] = [
  subnetRegistryAbi,
  stakingAbi,
  weightsAbi,
  settlementAbi,
  emissionAbi,
  taoAbi,
].flatMap((abi) => (abi as Abi).filter((x): x is AbiError => x.type === "error"));

/** Hints for custom errors: what the value means and how to fix it. */
const HINTS: Record<string, (a: Record<string, unknown>) => string> = {
  LockCostTooHigh: (a) =>
    `the lock cost ${formatTao(a.cost as bigint)} TAO is above --max-lock ${formatTao(a.maxLockCost as bigint)} TAO: raise --max-lock or wait for the cost to decay`,
  BurnTooHigh: (a) =>
    `the burn cost ${formatTao(a.cost as bigint)} TAO is above --max-burn ${formatTao(a.maxBurn as bigint)} TAO: raise --max-burn or wait for the cost to decay`,
  ERC20InsufficientBalance: (a) =>
    `insufficient balance: ${String(a.sender)} holds ${formatTao(a.balance as bigint)} TAO but needs ${formatTao(a.needed as bigint)} TAO: fund the coldkey`,
  PriceLimitExceeded: (a) =>
    `price moved past the tolerance: ${formatTao(a.amount as bigint)} requested but only ${formatTao(a.maxAmount as bigint)} fits at the limit price ${formatTao(a.limitPrice as bigint)}: raise --tolerance, lower the amount or pass --partial`,
  SlippageExceeded: (a) =>
    `price moved past the tolerance: ${formatTao(a.amountOut as bigint)} out is below the minimum ${formatTao(a.minAmountOut as bigint)}: raise --tolerance or lower the amount`,
  TakeTooHigh: (a) =>
    `take ${String(a.take)}/65535 is above the maximum ${String(a.maxTake)}/65535: pass a lower --take (see \`tao stake take show\`)`,
  NotHotkeyOwner: (a) =>
    `${String(a.caller)} does not own hotkey ${String(a.hotkey)} (its coldkey is ${String(a.coldkey)}): use that coldkey's wallet`,
  HotkeyNotBound: (a) =>
    `hotkey ${String(a.hotkey)} is not bound to a coldkey yet: register it first (\`tao neuron register\`)`,
  SubnetNotFound: (a) => `subnet ${String(a.netuid)} does not exist: see \`tao subnet list\``,
  NotSubnetOwner: (a) => `${String(a.caller)} does not own subnet ${String(a.netuid)}: use the owner's wallet`,
  SubnetNotStarted: (a) =>
    `subnet ${String(a.netuid)} has not started emission (start slot ${String(a.startSlot)}, now ${String(a.currentSlot)}): the owner runs \`tao subnet start ${String(a.netuid)}\` and staking opens the slot after`,
  InsufficientStake: (a) =>
    `the position holds ${formatTao(a.available as bigint)} alpha, ${formatTao(a.requested as bigint)} requested: lower --amount (see \`tao stake list\`)`,
  RateLimited: (a) => `rate limited until slot ${String(a.nextAllowedSlot)}: try again then`,
  NetworkRateLimited: (a) => `subnet creation is rate limited until slot ${String(a.nextAllowedSlot)}: try again then`,
  ServingRateLimited: (a) => `axon serving is rate limited until slot ${String(a.nextAllowedSlot)}: try again then`,
  AlreadyRegistered: (a) =>
    `hotkey ${String(a.hotkey)} is already uid ${String(a.uid)} on subnet ${String(a.netuid)}: nothing to do`,
  HotkeyBoundToOther: (a) =>
    `hotkey ${String(a.hotkey)} belongs to coldkey ${String(a.coldkey)}: use that wallet or another hotkey`,
  NotRegistered: (a) =>
    `hotkey ${String(a.hotkey)} is not registered on subnet ${String(a.netuid)}: run \`tao neuron register --netuid ${String(a.netuid)}\``,
  EmissionAlreadyStarted: (a) =>
    `subnet ${String(a.netuid)} already started emission at slot ${String(a.startSlot)}: nothing to do`,
  CommitRevealDisabled: (a) =>
    `commit-reveal is off on subnet ${String(a.netuid)}: set weights directly with \`tao weights set\``,
  CommitRevealEnabled: (a) =>
    `commit-reveal is on on subnet ${String(a.netuid)}: use \`tao weights commit\` then \`tao weights reveal\``,
  RevealTooEarly: (a) =>
    `the commit can be revealed in epoch ${String(a.revealEpoch)}, now is epoch ${String(a.currentEpoch)}: wait for it`,
  CommitNotFound: (a) =>
    `no pending commit matches hash ${String(a.commitHash)}: check --uids, --values, --salt and --version-key against the commit`,
  NoValidatorPermit: (a) =>
    `uid ${String(a.uid)} holds no validator permit on subnet ${String(a.netuid)}: permits go to the top hotkeys by stake weight at each settled epoch (before the first, to the owner's hotkey only); add stake (\`tao stake add\`) and wait for the next settled epoch`,
  CommitExpired: (a) =>
    `the commit ${String(a.commitHash)} of epoch ${String(a.commitEpoch)} had to be revealed in epoch ${String(a.revealEpoch)}, which has passed: commit again (\`tao weights commit\`) and reveal in the epoch after`,
  TooManyPendingCommits: (a) =>
    `${String(a.pending)} commits are pending, the most allowed: reveal them, or wait until epoch ${String(a.oldestRevealEpoch)} has passed and the oldest expires`,
  VersionKeyTooLow: (a) =>
    `version key ${String(a.versionKey)} is below the subnet's ${String(a.required)}: pass --version-key ${String(a.required)} or higher`,
  UidOutOfRange: (a) =>
    `uid ${String(a.uid)} does not exist: the subnet has ${String(a.neuronCount)} neurons (uids 0..${String(Number(a.neuronCount) - 1)}), see \`tao metagraph\``,
  DuplicateUid: (a) => `uid ${String(a.uid)} appears twice (entry ${String(a.index)}): give each uid once`,
  TooFewEntries: (a) =>
    `${String(a.entries)} weights set, the subnet requires at least ${String(a.required)}: weight more uids (or only your own uid)`,
  ValueOutOfBounds: (a) =>
    `value ${String(a.value)} is outside ${String(a.min)}..${String(a.max)}: pass a value in that range`,
  GovernanceOnly: (a) => `only governance may set this parameter (caller ${String(a.caller)}): ask the network's owner`,
  HyperparamRateLimited: (a) => `this parameter was changed recently: try again at slot ${String(a.nextAllowedSlot)}`,
  AdminFreezeWindow: (a) =>
    `hyperparameters are frozen near the epoch's close: try again at slot ${String(a.nextAllowedSlot)}`,
  BelowMinimumStake: (a) =>
    `${formatTao(a.amount as bigint)} is below the minimum stake ${formatTao(a.minimum as bigint)} TAO: raise --amount`,
};

function formatArgs(args: readonly unknown[] | undefined): string {
  return (args ?? []).map((x) => (typeof x === "bigint" ? x.toString() : String(x))).join(", ");
}

/** One line for a reverted call: the custom error with its values, and a hint when we know one. */
export function revertLine(what: string, err: unknown): string | undefined {
  if (!(err instanceof BaseError)) return undefined;
  const reverted = err.walk((e) => e instanceof ContractFunctionRevertedError);
  if (!(reverted instanceof ContractFunctionRevertedError)) return undefined;
  const data = reverted.data;
  if (!data) return `${what} reverted: ${reverted.reason ?? reverted.shortMessage}`;
  const named: Record<string, unknown> = {};
  const inputs = "inputs" in data.abiItem ? data.abiItem.inputs : [];
  inputs.forEach((input, i) => {
    if (input.name) named[input.name] = data.args?.[i];
  });
  const hint = HINTS[data.errorName];
  const base = `${what} reverted with ${data.errorName}(${formatArgs(data.args)})`;
  return hint ? `${base}: ${hint(named)}` : `${base}: see the contract's NatSpec for this error`;
}

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
  const hash = await wallet.writeContract({ ...call, gas: (gas * 12n) / 10n });
  const receipt = await p.client.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success")
    fail(`${what} reverted on chain in ${hash}: rerun to see why (the state changed since the check)`);
  ctx.out.note(`${what}: ${hash} (gas ${receipt.gasUsed})`);
  return { hash, result: result as R, gasUsed: receipt.gasUsed };
}

/**
 * Simulates `request` as `account` before an approval it needs is sent, so a call that would revert for another
 * reason (a rate limit, a bad consent) fails here with its decoded line and nothing is signed. Only the missing
 * allowance (TAO's `InsufficientAllowance`, which the approval that follows fixes) passes.
 */
export async function preflight(p: Protocol, account: PrivateKeyAccount, what: string, request: SendRequest) {
  try {
    await p.client.simulateContract(callOf(request, account));
  } catch (e) {
    const reverted = e instanceof BaseError ? e.walk((x) => x instanceof ContractFunctionRevertedError) : undefined;
    if (reverted instanceof ContractFunctionRevertedError && reverted.data?.errorName === "InsufficientAllowance")
      return;
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
