/**
 * What the CLI says when a call reverts: the custom error with its values, then what they mean and what to do.
 * Every custom error of the contracts the CLI calls is either hinted here or listed in {@link INTERNAL_ERRORS}
 * (test/cli/revertHints.test.ts checks both ways, so a new error cannot reach an operator unexplained).
 */
import type { Abi } from "viem";
import { customErrorText, decodeRevert } from "../chain/revert.js";
import { emissionAbi, settlementAbi, stakingAbi, subnetRegistryAbi, taoAbi, weightsAbi } from "../abi/index.js";
import { formatTao } from "./output.js";
import { enumName, EPOCH_STATUSES, NET_PARAMS, PARAMS } from "./params.js";

type AbiError = Extract<Abi[number], { type: "error" }>;

/** The custom errors of every contract the CLI calls (added to each call's ABI so a revert decodes). */
export const KNOWN_ERRORS: AbiError[] = [
  subnetRegistryAbi,
  stakingAbi,
  weightsAbi,
  settlementAbi,
  emissionAbi,
  taoAbi,
].flatMap((abi) => (abi as Abi).filter((x): x is AbiError => x.type === "error"));

/**
 * solady's SafeTransferLib reverts with these when a contract pulls TAO the coldkey has not approved (or does
 * not hold). They are in no contract's ABI (a library's errors are not), so they are added here to decode.
 */
KNOWN_ERRORS.push({ type: "error", name: "TransferFromFailed", inputs: [] });

type Args = Record<string, unknown>;

const s = (v: unknown): string => String(v);
const tao = (v: unknown): string => formatTao(v as bigint);
const param = (a: Args): string => enumName(PARAMS, a.param);
const status = (a: Args): string => enumName(EPOCH_STATUSES, a.status);

/** Hints for custom errors an operator can meet: what the values mean and how to fix it. */
export const HINTS: Record<string, (a: Args) => string> = {
  // ------------------------------------------------------------------------------------------ registry
  LockCostTooHigh: (a) =>
    `the lock cost ${tao(a.cost)} TAO is above --max-lock ${tao(a.maxLockCost)} TAO: raise --max-lock or wait for the cost to decay`,
  BurnTooHigh: (a) =>
    `the burn cost ${tao(a.cost)} TAO is above --max-burn ${tao(a.maxBurn)} TAO: raise --max-burn or wait for the cost to decay`,
  SubnetNotFound: (a) => `subnet ${s(a.netuid)} does not exist: see \`tao subnet list\``,
  RootSubnet: () =>
    "the root subnet (netuid 0) has no neurons, owner or epochs: pass a subnet id from `tao subnet list`",
  NotSubnetOwner: (a) => `${s(a.caller)} does not own subnet ${s(a.netuid)}: use the owner's wallet`,
  NetworkRateLimited: (a) => `subnet creation is rate limited until slot ${s(a.nextAllowedSlot)}: try again then`,
  SubnetLimitReached: (a) =>
    `the network holds its limit of ${s(a.limit)} subnets and none is past its network immunity period, so none can make room: try again later`,
  EmissionAlreadyStarted: (a) =>
    `subnet ${s(a.netuid)} already started emission at slot ${s(a.startSlot)}: nothing to do`,
  RegistrationDisabled: (a) =>
    `registration on subnet ${s(a.netuid)} is switched off (RegistrationAllowed false): ask its owner, or register on another subnet`,
  AlreadyRegistered: (a) => `hotkey ${s(a.hotkey)} is already uid ${s(a.uid)} on subnet ${s(a.netuid)}: nothing to do`,
  HotkeyBoundToOther: (a) =>
    `hotkey ${s(a.hotkey)} belongs to coldkey ${s(a.coldkey)}: use that wallet or another hotkey`,
  HotkeyConsentMissing: (a) =>
    `hotkey ${s(a.hotkey)} did not sign its consent: register with the wallet that holds the hotkey's key (\`--hotkey <name>\`), which signs it`,
  InvalidHotkeySignature: (a) =>
    `the consent signature does not verify for hotkey ${s(a.hotkey)} (another key signed it, or it was used already): run the command again, which signs a fresh one`,
  HotkeySignatureExpired: (a) =>
    `the hotkey's consent was valid until slot ${s(a.deadlineSlot)} and it is slot ${s(a.currentSlot)}: run the command again and confirm sooner`,
  HotkeySignatureWrongGeneration: (a) =>
    // A life the subnet never had: a consent in the old layout (deadline ‖ signature, no generation), whose
    // signature bytes were read as the generation.
    typeof a.signedGeneration === "number" && typeof a.generation === "number" && a.signedGeneration > a.generation
      ? `the consent names life ${s(a.signedGeneration)} of subnet ${s(a.netuid)}, which it never had (life ${s(a.generation)} now): it was made by an older client, without the generation field (deadline ‖ generation ‖ signature since); sign it again with this version (\`tao subnet register\` does)`
      : `the hotkey consented to life ${s(a.signedGeneration)} of subnet ${s(a.netuid)}, which was dissolved and created again (life ${s(a.generation)} now): check the new subnet (\`tao subnet show ${s(a.netuid)}\`) and register again`,
  NoPruneCandidate: (a) =>
    `subnet ${s(a.netuid)} is full and every neuron is still immune: wait until the newest registrations leave their immunity period (see \`tao subnet hyperparameters ${s(a.netuid)}\`)`,
  NotRegistered: (a) =>
    `hotkey ${s(a.hotkey)} is not registered on subnet ${s(a.netuid)}: run \`tao subnet register --netuid ${s(a.netuid)}\``,
  UidNotFound: (a) =>
    `uid ${s(a.uid)} is not in use on subnet ${s(a.netuid)}: see \`tao metagraph --netuid ${s(a.netuid)}\``,
  ServingRateLimited: (a) => `axon serving is rate limited until slot ${s(a.nextAllowedSlot)}: try again then`,
  EndpointTooLong: (a) =>
    `the endpoint is ${s(a.length)} bytes, at most ${s(a.maxLength)} fit: pass a shorter --endpoint`,
  EndpointSchemeInvalid: () => "the endpoint must start with http:// or https://: pass --endpoint http://host:port",
  EndpointHostInvalid: (a) =>
    `the endpoint's host is empty, too long or has a bad character at byte ${s(a.index)}: pass --endpoint http://host:port with a DNS name or IP`,
  EndpointPortInvalid: (a) =>
    `the endpoint has no :port or a malformed one at byte ${s(a.index)}: pass --endpoint http://host:port`,
  EndpointPortOutOfRange: (a) => `port ${s(a.port)} is outside 1..65535: pass a valid port`,
  ValueOutOfBounds: (a) => `${param(a)} ${s(a.value)} is outside ${s(a.min)}..${s(a.max)}: pass a value in that range`,
  SignedValueOutOfBounds: (a) =>
    `${param(a)} ${s(a.value)} is outside ${s(a.min)}..${s(a.max)}: pass a value in that range`,
  NetValueOutOfBounds: (a) =>
    `network setting ${enumName(NET_PARAMS, a.param)} ${s(a.value)} is outside ${s(a.min)}..${s(a.max)}: pass a value in that range`,
  GovernanceOnly: (a) => `only governance may set ${param(a)} (caller ${s(a.caller)}): ask the network's owner`,
  UseDedicatedSetter: (a) =>
    `${param(a)} has its own setter: set it with \`tao subnet set <netuid> ${param(a)} <value>\`, which calls it`,
  HyperparamRateLimited: (a) => `${param(a)} was changed recently: try again at slot ${s(a.nextAllowedSlot)}`,
  AdminFreezeWindow: (a) =>
    `hyperparameters are frozen near the epoch's close: try again at slot ${s(a.nextAllowedSlot)}`,
  LiquidAlphaDisabled: (a) =>
    `liquid alpha is off on subnet ${s(a.netuid)}: switch it on first (\`tao subnet set ${s(a.netuid)} LiquidAlphaEnabled true\`)`,
  SlotBeforeSubnet: (a) =>
    `slot ${s(a.slot)} is before the subnet was created (slot ${s(a.registeredSlot)}): ask about a later slot`,

  // ------------------------------------------------------------------------------------------ staking
  PriceLimitExceeded: (a) =>
    `price moved past the tolerance: ${tao(a.amount)} requested but only ${tao(a.maxAmount)} fits at the limit price ${tao(a.limitPrice)}: raise --tolerance, lower the amount or pass --partial`,
  SlippageExceeded: (a) =>
    `price moved past the tolerance: ${tao(a.amountOut)} out is below the minimum ${tao(a.minAmountOut)}: raise --tolerance or lower the amount`,
  InputTooLarge: (a) =>
    `${tao(a.amount)} is more than the pool takes in one swap (${tao(a.maxInput)}, 1,000 × its reserve): lower --amount`,
  ReserveBelowMinimum: (a) =>
    `the swap would leave the pool's reserve at ${tao(a.reserveAfter)}, below its floor ${tao(a.minimum)}: lower --amount or pass --partial`,
  RemainderBelowMinimum: (a) =>
    `that would leave ${tao(a.remainder)} on the position, below the minimum ${tao(a.minimum)}: remove all of it (--all) or leave at least the minimum`,
  SharesRoundToZero: (a) => `${tao(a.amount)} buys less than one share of the hotkey's pool: raise --amount`,
  ZeroAmount: () => "the amount is zero, or the swap's output rounds to zero: raise --amount",
  BelowMinimumStake: (a) => `${tao(a.amount)} is below the minimum stake ${tao(a.minimum)} TAO: raise --amount`,
  InsufficientStake: (a) =>
    `the position holds ${tao(a.available)} alpha, ${tao(a.requested)} requested: lower --amount (see \`tao stake list\`)`,
  DeadlineExpired: (a) =>
    `the transaction was included after its deadline (chain time ${s(a.nowTime)} > ${s(a.deadline)}): the chain is slow or the transaction waited; run the command again`,
  TakeTooHigh: (a) =>
    `take ${s(a.take)}/65535 is above the maximum ${s(a.maxTake)}/65535: pass a lower --take (see \`tao stake take show\`)`,
  NotHotkeyOwner: (a) =>
    `${s(a.caller)} does not own hotkey ${s(a.hotkey)} (its coldkey is ${s(a.coldkey)}): use that coldkey's wallet`,
  HotkeyNotBound: (a) =>
    `hotkey ${s(a.hotkey)} is not bound to a coldkey yet: register it first (\`tao subnet register\`)`,
  SubnetNotStarted: (a) =>
    `subnet ${s(a.netuid)} has not started emission (start slot ${s(a.startSlot)}, now ${s(a.currentSlot)}): the owner runs \`tao subnet start ${s(a.netuid)}\` and staking opens the slot after`,
  RateLimited: (a) => `rate limited until slot ${s(a.nextAllowedSlot)}: try again then`,
  LockBelowMinimum: (a) =>
    `the lock ${tao(a.lock)} TAO is below the pool's reserve floor ${tao(a.minimum)}: governance must raise MinLock`,
  NothingToClaim: (a) =>
    `coldkey ${s(a.coldkey)} has nothing left to claim from hotkey ${s(a.hotkey)} on the dissolved subnet ${s(a.netuid)} (life ${s(a.generation)}): nothing to do`,

  // ------------------------------------------------------------------------------------------ weights
  CommitRevealDisabled: (a) =>
    `commit-reveal is off on subnet ${s(a.netuid)}: set weights directly with \`tao weights set\``,
  CommitRevealEnabled: (a) =>
    `commit-reveal is on on subnet ${s(a.netuid)}: use \`tao weights commit\` then \`tao weights reveal\``,
  RevealTooEarly: (a) =>
    `the commit can be revealed in epoch ${s(a.revealEpoch)}, now is epoch ${s(a.currentEpoch)}: wait for it`,
  CommitNotFound: (a) =>
    `no pending commit matches hash ${s(a.commitHash)}: check --uids, --values, --salt and --version-key against the commit`,
  NoValidatorPermit: (a) =>
    `uid ${s(a.uid)} holds no validator permit on subnet ${s(a.netuid)}: permits go to the top hotkeys by stake weight at each settled epoch (before the first, to the owner's hotkey only); add stake (\`tao stake add\`) and wait for the next settled epoch`,
  CommitExpired: (a) =>
    `the commit ${s(a.commitHash)} of epoch ${s(a.commitEpoch)} had to be revealed in epoch ${s(a.revealEpoch)}, which has passed: commit again (\`tao weights commit\`) and reveal in the epoch after`,
  TooManyPendingCommits: (a) =>
    `${s(a.pending)} commits are pending, the most allowed: reveal them, or wait until epoch ${s(a.oldestRevealEpoch)} has passed and the oldest expires`,
  VersionKeyTooLow: (a) =>
    `version key ${s(a.versionKey)} is below the subnet's ${s(a.required)}: pass --version-key ${s(a.required)} or higher`,
  UidOutOfRange: (a) =>
    a.neuronCount === undefined
      ? `uid ${s(a.uid)} is outside 0..255: pass a uid from \`tao metagraph\``
      : `uid ${s(a.uid)} does not exist: the subnet has ${s(a.neuronCount)} neurons (uids 0..${Number(a.neuronCount) - 1}), see \`tao metagraph\``,
  DuplicateUid: (a) => `uid ${s(a.uid)} appears twice (entry ${s(a.index)}): give each uid once`,
  UidsNotAscending: (a) =>
    `uid ${s(a.uid)} (entry ${s(a.index)}) comes after uid ${s(a.previousUid)}: list the uids in ascending order`,
  TooFewEntries: (a) =>
    `${s(a.entries)} weights set, the subnet requires at least ${s(a.required)}: weight more uids (or only your own uid)`,
  TooManyEntries: (a) => `${s(a.entries)} weights, at most ${s(a.maxEntries)} allowed: weight fewer uids`,
  MaxWeightExceeded: (a) =>
    `one uid takes ${((Number(a.maxShareQ32) / 2 ** 32) * 100).toFixed(2)} % of the row, above the subnet's MaxWeightLimit (${((Number(a.limitQ32) / 2 ** 32) * 100).toFixed(2)} %): spread the weights over more uids`,
  NotMaxUpscaled: (a) =>
    `the largest weight is ${s(a.rowMax)}, not 65535: scale the row so its maximum is 65535 (\`tao weights\` does this for you)`,
  PackedLengthNotMultipleOf4: (a) =>
    `the packed weights are ${s(a.byteLength)} bytes, not 4 per entry (uid u16 ‖ weight u16): pack them with offchain/weights`,
  EpochWentBack: (a) =>
    `the registry says epoch ${s(a.currentEpoch)} but a pending commit is from epoch ${s(a.pendingCommitEpoch)}: the deployment is inconsistent, report it`,

  // ------------------------------------------------------------------------------------------ settlement
  RootSubnetHasNoEpochs: () => "the root subnet (netuid 0) has no epochs: pass a subnet id from `tao subnet list`",
  EpochNotClosed: (a) =>
    `the epoch closes at slot ${s(a.closeSlot)} and it is slot ${s(a.currentSlot)}: wait until slot ${Number(a.closeSlot) + 1}`,
  EpochAlreadyOpened: (a) =>
    `epoch ${s(a.epoch)} of subnet ${s(a.netuid)} is already ${status(a)}: nothing to open (see \`tao epoch status --netuid ${s(a.netuid)} --epoch ${s(a.epoch)}\`)`,
  EpochNotOpen: (a) =>
    `epoch ${s(a.epoch)} of subnet ${s(a.netuid)} is ${status(a)}, not open for votes: see \`tao epoch status --netuid ${s(a.netuid)} --epoch ${s(a.epoch)}\``,
  EpochNotFinalised: (a) =>
    `epoch ${s(a.epoch)} of subnet ${s(a.netuid)} is ${status(a)}, not finalised: claims open once its validators reach the quorum`,
  EpochAlreadyResolved: (a) =>
    `epoch ${s(a.epoch)} of subnet ${s(a.netuid)} is already ${status(a)}: nothing to roll over`,
  EpochExpired: (a) =>
    `the epoch's vote closed at slot ${s(a.deadline)} (now ${s(a.currentSlot)}): it can only be rolled over (\`tao epoch watch\` does it)`,
  DeadlineNotReached: (a) =>
    `the epoch can be rolled over after slot ${s(a.deadline)} (now ${s(a.currentSlot)}): wait for it`,
  EpochSuperseded: (a) =>
    `epoch ${s(a.epoch)} of subnet ${s(a.netuid)} is older than the latest finalised epoch ${s(a.latestFinalised)}: it can only be rolled over after its deadline`,
  NotPermitted: (a) =>
    `hotkey ${s(a.hotkey)} holds no permit to vote on this epoch (not registered, no permit bit, or no stake weight at the close; before the first finalised epoch only the owner's hotkey votes): nothing to submit`,
  AlreadySubmitted: (a) => `hotkey ${s(a.hotkey)} (uid ${s(a.uid)}) already voted on this epoch: votes cannot change`,
  TotalsExceedBudget: (a) =>
    `the result pays ${tao(a.total)} α, more than the epoch's budget ${tao(a.budget)} α: recompute it (the inputs or the Yuma run are wrong)`,
  AlreadyClaimed: (a) => `the leaf of uid ${s(a.uid)} was already claimed: nothing to do`,
  InvalidProof: (a) =>
    `the proof for uid ${s(a.uid)} does not lead to the finalised root: use the tree of the finalised result (\`tao epoch settle\` rebuilds it)`,
  BudgetExceeded: (a) =>
    `claiming ${tao(a.amount)} α on top of ${tao(a.claimed)} α would pass the epoch's budget ${tao(a.budget)} α: the finalised root over-allocates, and the rest cannot be paid`,
  EmptyBatch: () => "no leaves to claim: nothing to do",
  NoFinalisedPermits: (a) =>
    `subnet ${s(a.netuid)} has no finalised permits yet (before its first finalised epoch only the owner votes): nothing to challenge`,
  PermitsAlreadyDisproved: (a) =>
    `the permits of epoch ${s(a.epoch)} on subnet ${s(a.netuid)} were already disproved: the next epoch opened takes votes from every staked uid`,
  ExcludedUidPermitted: (a) =>
    `uid ${s(a.uid)} holds a permit in the latest finalised permits: pass as --excluded-uid a staked uid left out (\`tao epoch challenge-permits\` finds one)`,
  PermittedUidNotPermitted: (a) =>
    `uid ${s(a.uid)} holds no permit in the latest finalised permits: pass as --permitted-uid one that does`,
  UidNotHeldSincePermits: (a) =>
    `uid ${s(a.uid)} was registered again at slot ${s(a.registrationSlot)}, after the permits' close (slot ${s(a.permitsClose)}): its stake at the close was its former occupant's and cannot be read; pick another uid`,
  NoStakeAtPermits: (a) =>
    `uid ${s(a.uid)} had no stake weight at the permits' close: Yuma grants it no permit, so leaving it out proves nothing`,
  PermitsNotDisproved: (a) =>
    `the permits stand: uid ${s(a.excludedUid)} had ${tao(a.excludedStake)} of stake weight at the close, below the ${a.outrankStake === (1n << 256n) - 1n ? "(unreachable: it is the owner's)" : tao(a.outrankStake)} it needs to outrank uid ${s(a.permittedUid)} (${tao(a.permittedStake)}), and ${s(a.permitCount)} permits of at most ${s(a.maxValidators)} are not an unfilled set it could join: nothing to challenge`,

  // ------------------------------------------------------------------------------------------ TAO, emission
  InsufficientBalance: () =>
    "the TAO balance is below the amount: fund the coldkey or lower the amount (`tao wallet balance`)",
  InsufficientAllowance: () =>
    "the TAO allowance is below the amount: approve it first (the CLI does this before spending)",
  TransferFromFailed: () =>
    "the contract could not pull the TAO: the coldkey's allowance or balance is below the amount (`tao wallet balance`; the CLI approves before spending)",
  OwnableUnauthorizedAccount: (a) => `${s(a.account)} is not the contract's owner (governance): use the governance key`,
  ReserveExceeded: (a) =>
    `${tao(a.requested)} TAO requested but the protocol reserve holds ${tao(a.reserve)} TAO: lower the amount`,
};

/**
 * Errors no flag can cause: wiring, deployment and library invariants. If one reverts, the contracts or their
 * deployment are broken; the CLI says so instead of suggesting a fix.
 */
export const INTERNAL_ERRORS: ReadonlySet<string> = new Set([
  "AddressEmptyCode",
  "AllowanceOverflow",
  "AllowanceUnderflow",
  "CapExceeded",
  "CheckpointUnorderedInsertion",
  "DeadlineOutOfRange",
  "DependencyAlreadySet",
  "DependencyNotSet",
  "EmissionExceeded",
  "EpochEmissionTaken",
  "FailedCall",
  "GenesisInFuture",
  "InvalidPermit",
  "InvalidShortString",
  "LockNotReceived",
  "ModuleMismatch",
  "NotDelegated",
  "NotDissolved",
  "NotEmission",
  "NotReceiver",
  "NotRegistry",
  "NotSettlement",
  "OwnableInvalidOwner",
  "Permit2AllowanceIsFixedAtInfinity",
  "PermitExpired",
  "ProtocolTaoExceeded",
  "QuorumOutOfRange",
  "ReceiverAlreadySet",
  "SafeCastOverflowedIntDowncast",
  "SafeCastOverflowedUintDowncast",
  "SafeCastOverflowedUintToInt",
  "SettlementAlreadySet",
  "SlotOverflow",
  "StringTooLong",
  "SubnetAlreadyExists",
  "TotalSupplyOverflow",
  "UnauthorizedMinter",
  "ZeroAddress",
  "ZeroMinter",
]);

const INTERNAL_HINT =
  "an internal check of the contracts failed, which no option of this command can cause: the deployment or the contracts are broken; report it with the command and the network (DEBUG=1 prints the stack)";

/** The hint for `errorName` with its named values. */
export function hintFor(errorName: string, named: Args): string {
  const hint = HINTS[errorName];
  if (hint) return hint(named);
  if (INTERNAL_ERRORS.has(errorName)) return INTERNAL_HINT;
  return "see the contract's NatSpec for this error";
}

/** One line for a reverted call: the custom error with its values, and a hint when we know one. */
export function revertLine(what: string, err: unknown): string | undefined {
  const r = decodeRevert(err);
  if (r === undefined) return undefined;
  if (r.kind === "unknown") {
    return `${what} reverted with unknown error ${r.signature}: not in this version's ABI (is the deployment of another version?)`;
  }
  if (r.kind === "other") return `${what} reverted: ${r.reason ?? r.shortMessage}`;
  return `${what} reverted with ${customErrorText(r)}: ${hintFor(r.errorName, r.named as Args)}`;
}
