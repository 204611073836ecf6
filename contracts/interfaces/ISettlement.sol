// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {IEmission} from "./IEmission.sol";
import {IPermits} from "./IPermits.sol";
import {IStakingHooks} from "./IStakingHooks.sol";
import {ISubnetRegistryView} from "./ISubnetRegistryView.sol";

/// @title ISettlement
/// @notice On-chain settlement of each subnet epoch (SYSTEM.md §2.5, docs/settlement.md). Validators compute
/// Yuma off-chain and vote on a result tuple `(root, permitsBitmap, bondsHash, totals)`; once validators holding
/// the quorum of the epoch's permitted stake weight (at the epoch's closing slot) voted for one tuple, its merkle
/// root is final and anyone may claim its leaves for anyone. A leaf is an OpenZeppelin standard-tree leaf of
/// `(uint16 netuid, uint64 epoch, uint16 uid, address hotkey, uint256 incentive, uint256 dividend)`.
///
/// Life of an epoch (all amounts are alpha rao of the subnet, all times are slots):
///  1. `openEpoch` (anyone, once the closing slot has ended, until the deadline): credits the owner cut, freezes the
///     budget (the epoch's distributable emission + emission rolled over from earlier epochs), the permitted set
///     (latest finalised permits; the owner hotkey before the first finalisation) and the quorum stake.
///  2. `submitEpochResult` (each permitted validator, once, until the deadline): finalises on quorum.
///  3. `claim` / `claimBatch` (anyone, any time after finalisation): credits stake through Staking; the sum
///     claimed never exceeds the budget, whatever root finalised.
///  -  `rollOver` (anyone, after the deadline, if not finalised): the epoch's budget is carried to the next epoch
///     that opens. Nothing is lost.
interface ISettlement is IPermits {
    /// @notice Where an epoch stands. `None`: never touched; `Open`: accepting votes; `Finalised`: claims open;
    /// `RolledOver`: no result by the deadline, budget carried forward.
    enum EpochStatus {
        None,
        Open,
        Finalised,
        RolledOver
    }

    /// @notice The amounts a result allocates: the sums over all its leaves.
    struct EpochTotals {
        uint256 incentive;
        uint256 dividend;
    }

    /// @notice One leaf to claim in a batch (the netuid and epoch are the batch's).
    struct ClaimLeaf {
        uint16 uid;
        address hotkey;
        uint256 incentive;
        uint256 dividend;
        bytes32[] proof;
    }

    /// @notice Everything stored about one epoch, for views.
    struct EpochInfo {
        EpochStatus status;
        /// True when the owner hotkey alone may finalise (no finalised permits when the epoch opened).
        bool bootstrap;
        uint64 closeSlot;
        /// Last slot at which the epoch may be opened or voted on; `rollOver` is allowed after it.
        uint64 deadline;
        /// Closing slot of the epoch whose result granted the permits used here (0 in bootstrap).
        uint64 permitsClose;
        uint256 budget;
        uint256 claimed;
        /// Sum of the permitted validators' stake weight at the closing slot.
        uint256 permittedStake;
        /// Stake weight a tuple needs to finalise: ceil(permittedStake x quorumBps / 10000).
        uint256 quorumStake;
        /// Uids allowed to vote (bit `uid`), and those of them that have not voted yet.
        uint256 eligible;
        uint256 pendingVoters;
        /// The finalised merkle root (zero unless finalised).
        bytes32 root;
    }

    // ------------------------------------------------------------------ errors

    /// @notice `hotkey` holds no permit for this epoch (not registered, no permit bit, its uid changed hands since
    /// the permits were granted, zero stake weight at the close), or is not the owner hotkey in bootstrap.
    error NotPermitted(address hotkey);
    /// @notice The epoch's closing slot has not ended yet: stake at `closeSlot` is final from `closeSlot + 1`.
    error EpochNotClosed(uint64 closeSlot, uint64 currentSlot);
    /// @notice Past the epoch's deadline: it can only be rolled over.
    error EpochExpired(uint64 deadline, uint64 currentSlot);
    /// @notice The epoch may be rolled over only after its deadline.
    error DeadlineNotReached(uint64 deadline, uint64 currentSlot);
    /// @notice `openEpoch` on an epoch that was already opened or resolved.
    error EpochAlreadyOpened(uint16 netuid, uint64 epoch, EpochStatus status);
    /// @notice A vote on an epoch that is not open (open it first, or it is already resolved).
    error EpochNotOpen(uint16 netuid, uint64 epoch, EpochStatus status);
    /// @notice A claim on an epoch that is not finalised.
    error EpochNotFinalised(uint16 netuid, uint64 epoch, EpochStatus status);
    /// @notice `rollOver` on an epoch that is finalised or already rolled over.
    error EpochAlreadyResolved(uint16 netuid, uint64 epoch, EpochStatus status);
    /// @notice The validator already voted on this epoch (votes cannot be changed).
    error AlreadySubmitted(address hotkey, uint16 uid);
    /// @notice The tuple's totals exceed the epoch's budget.
    error TotalsExceedBudget(uint256 total, uint256 budget);
    /// @notice `openEpoch` of an epoch older than the latest finalised one (`latestFinalised`), whose permits
    /// would decide its vote: roll it over after its deadline instead.
    error EpochSuperseded(uint16 netuid, uint64 epoch, uint64 latestFinalised);
    /// @notice The leaf of `uid` was already claimed for this epoch.
    error AlreadyClaimed(uint16 uid);
    /// @notice The proof given for the leaf of `uid` does not lead to the finalised root.
    error InvalidProof(uint16 uid);
    /// @notice Claiming `amount` on top of `claimed` would pass the epoch's `budget`.
    error BudgetExceeded(uint256 claimed, uint256 amount, uint256 budget);
    /// @notice Uids are 0..255.
    error UidOutOfRange(uint16 uid);
    /// @notice `netuid` is not a live subnet.
    error SubnetNotFound(uint16 netuid);
    /// @notice The root subnet (netuid 0) has no epochs.
    error RootSubnetHasNoEpochs();
    /// @notice The quorum must be more than half and at most all of the permitted stake, in basis points.
    error QuorumOutOfRange(uint16 bps);
    /// @notice The vote window governance may set is at most `max` slots (0 = one tempo).
    error DeadlineOutOfRange(uint64 slots, uint64 max);
    /// @notice Only the subnet registry may call this.
    error NotRegistry(address caller, address registry);
    /// @notice A zero address was given where a contract is required.
    error ZeroAddress();
    /// @notice `claimBatch` with no leaves.
    error EmptyBatch();
    /// @notice {challengePermits} on a subnet with no finalised permits (this generation).
    error NoFinalisedPermits(uint16 netuid);
    /// @notice {challengePermits}: the permits of `epoch` were already disproved; the next open widens.
    error PermitsAlreadyDisproved(uint16 netuid, uint64 epoch);
    /// @notice {challengePermits}: the excluded uid holds a permit in the latest finalised permits.
    error ExcludedUidPermitted(uint16 uid);
    /// @notice {challengePermits}: the permitted uid holds no permit in the latest finalised permits.
    error PermittedUidNotPermitted(uint16 uid);
    /// @notice {challengePermits}: `uid`'s hotkey registered at `registrationSlot`, after the permits' close: its
    /// stake at the close, which Yuma ranked, belonged to the uid's former occupant and cannot be read.
    error UidNotHeldSincePermits(uint16 uid, uint64 registrationSlot, uint64 permitsClose);
    /// @notice {challengePermits}: the excluded uid had no stake weight at the permits' close (or is vacant):
    /// Yuma grants it no permit.
    error NoStakeAtPermits(uint16 uid);
    /// @notice {challengePermits}: neither way proves the permits wrong. The excluded uid's `excludedStake` is
    /// below `outrankStake`, what it needs to outrank the permitted uid (`type(uint256).max` when that is the
    /// owner's); and the permits are not unfilled: `permitCount` (uid 0's bit not counted if it had no stake) >=
    /// `maxValidators`, or the excluded stake is at most `permitsStake` (the permitted uids' stake at the close,
    /// read only when the bits are at most k; else 0 and the raw bit count) / 2^24.
    error PermitsNotDisproved(
        uint16 excludedUid,
        uint256 excludedStake,
        uint16 permittedUid,
        uint256 permittedStake,
        uint256 outrankStake,
        uint256 permitCount,
        uint256 permitsStake,
        uint16 maxValidators
    );

    // ------------------------------------------------------------------ events

    /// @notice Epoch opened: `ownerCut` credited to the owner hotkey, `budget` frozen (own distributable emission
    /// plus the carry absorbed), voters and quorum frozen.
    event EpochOpened(
        uint16 indexed netuid,
        uint64 indexed epoch,
        uint256 budget,
        uint256 ownerCut,
        uint256 permittedStake,
        uint256 quorumStake,
        uint256 eligible,
        bool bootstrap
    );
    /// @notice The owner cut of `epoch` was credited to the owner hotkey. A subnet without one emits nothing here:
    /// its cut joins the epoch's budget (`EpochOpened.budget` includes it).
    event OwnerCutCredited(uint16 indexed netuid, uint64 indexed epoch, address indexed hotkey, uint256 amount);
    /// @notice `validator` voted for `tupleHash` with `stakeWeight`; the tuple now holds `tupleStake`.
    event EpochResultSubmitted(
        uint16 indexed netuid,
        uint64 indexed epoch,
        address indexed validator,
        bytes32 tupleHash,
        uint256 stakeWeight,
        uint256 tupleStake
    );
    /// @notice The epoch's result is final: claims against `root` are open; `permitsBitmap` is the subnet's permits
    /// (if this is its latest finalised epoch); `bondsHash` commits to the bonds the next epoch starts from.
    event EpochFinalised(
        uint16 indexed netuid,
        uint64 indexed epoch,
        bytes32 root,
        uint256 permitsBitmap,
        bytes32 bondsHash,
        uint256 totalIncentive,
        uint256 totalDividend
    );
    /// @notice The epoch had no result by its deadline: `amount` joined the subnet's carry, now `carry`.
    event EpochRolledOver(uint16 indexed netuid, uint64 indexed epoch, uint256 amount, uint256 carry);
    /// @notice The leaf of `uid` was claimed: `amount` (incentive + dividend) credited to `hotkey`.
    event Claimed(uint16 indexed netuid, uint64 indexed epoch, address indexed hotkey, uint16 uid, uint256 amount);
    /// @notice Governance set the quorum.
    event QuorumSet(uint16 bps);
    /// @notice Governance set the vote window after the close (0 = one tempo).
    event DeadlineSet(uint64 slots);
    /// @notice Governance set how many epochs in a row may roll over before every staked uid votes (0 = never).
    event WidenAfterMissedSet(uint16 epochs);
    /// @notice `epoch` was opened to every uid with stake at its close: `missed` epochs in a row rolled over under
    /// the latest finalised permits (see {setWidenAfterMissed}), or those permits stand disproved
    /// ({permitsDisproved}), or one of their uids changed hands since their close (a stale bit). `missed` is the
    /// count at the open (often 0 for the last two).
    event VotersWidened(uint16 indexed netuid, uint64 indexed epoch, uint16 missed);
    /// @notice `challenger` proved the permits of `epoch` (the subnet's latest finalised) are not Yuma's top-k:
    /// `excludedUid`, with `excludedStake` at their close, should hold a permit (`permittedUid`, with
    /// `permittedStake`, is the permitted uid it was checked against). The next epoch opened widens its voters.
    event PermitsDisproved(
        uint16 indexed netuid,
        uint64 indexed epoch,
        address indexed challenger,
        uint16 excludedUid,
        uint256 excludedStake,
        uint16 permittedUid,
        uint256 permittedStake
    );
    /// @notice `netuid` was dissolved: its settlement state starts afresh under `generation`.
    event SubnetReset(uint16 indexed netuid, uint64 generation);

    // ------------------------------------------------------------------ actions

    /// @notice Opens a closed epoch for votes (anyone; once; from `close + 1` to the deadline). It mints the
    /// pending emission first (`coinbase()`), so every slot of the epoch has accrued to it whoever opens it.
    /// Earlier epochs still unresolved past their deadline are rolled over first, as {rollOver} would, so their
    /// misses count towards `widenAfterMissed` and their emission joins this budget: of the k + 1 epochs before it
    /// with a deadline of k tempos (the two before with the default of one tempo), at most 8, none older than the
    /// latest finalised.
    function openEpoch(uint16 netuid, uint64 epoch) external;

    /// @notice Votes for a result tuple; `msg.sender` is a permitted validator's hotkey. Finalises on quorum.
    function submitEpochResult(
        uint16 netuid,
        uint64 epoch,
        bytes32 root,
        uint256 permitsBitmap,
        bytes32 bondsHash,
        EpochTotals calldata totals
    ) external;

    /// @notice Carries the budget of an epoch that did not finalise by its deadline (anyone); a never-opened one's
    /// emission is taken after a `coinbase()`, as at an open.
    function rollOver(uint16 netuid, uint64 epoch) external;

    /// @notice Claims one leaf (anyone, for anyone): credits `incentive + dividend` to `hotkey`'s stake.
    function claim(
        uint16 netuid,
        uint64 epoch,
        uint16 uid,
        address hotkey,
        uint256 incentive,
        uint256 dividend,
        bytes32[] calldata proof
    ) external;

    /// @notice Claims several leaves of one epoch in one transaction. A leaf already claimed (by an earlier
    /// transaction, or earlier in this batch) is skipped, so a racing claimer cannot make the batch revert; any
    /// other failure (a wrong proof, the budget) reverts the whole batch.
    function claimBatch(uint16 netuid, uint64 epoch, ClaimLeaf[] calldata leaves) external;

    /// @notice Governance: quorum in basis points of the permitted stake, in (5000, 10000]. Applies to epochs
    /// opened afterwards.
    function setQuorumBps(uint16 bps) external;

    /// @notice Governance: slots after the close during which an epoch may be opened and voted on; 0 = one tempo.
    /// Applies to epochs opened (or rolled over unopened) afterwards.
    function setDeadlineSlots(uint64 slots) external;

    /// @notice Governance: once `epochs` epochs in a row of a subnet rolled over since its latest finalisation, the
    /// next one opened takes votes from every uid registered by its close with stake at it (not only the latest
    /// finalised permits), until one finalises: validators holding more than 1 - quorum of the permitted stake
    /// going silent would otherwise stop the subnet for good, as only a finalisation refreshes the permits.
    /// 0 = never widen. Default {DEFAULT_WIDEN_AFTER_MISSED}.
    function setWidenAfterMissed(uint16 epochs) external;

    /// @notice Fraud proof (anyone): shows that the subnet's latest finalised permits (`permits`, granted at the
    /// close of `latestFinalised`) are not the top-k Yuma grants, with O(1) reads (a few more only to show an
    /// unfilled set). Nothing on chain checks the `permitsBitmap` a result finalises, and the owner finalises
    /// alone during bootstrap: without this, it could grant its own uid(s) alone and vote alone for good (each
    /// finalisation resets the misses that would widen the voters). A valid challenge sets a flag (cleared by the
    /// next finalisation of a widened epoch: see the limits below) under which every epoch opened takes votes from every uid
    /// registered by its close with stake at it, as after `widenAfterMissed` misses, and emits {PermitsDisproved}:
    /// it moves no funds. Governance turning missed-widening off (0) does not turn this off: a disproved set is not
    /// a liveness question. An invalid challenge reverts with the condition that failed and its values. The
    /// reads run in a PermitsVerifier the Settlement deploys in its constructor (code size).
    ///
    /// What Yuma computes (offchain/yuma/epoch.ts §5.4, inputs read as offchain/epoch/inputs.ts does): for every
    /// uid registered at the close, stake x_i = `stakeWeightAt(netuid, hotkey, close)` (StakeThreshold 0; if the
    /// total T >= 2^63, every x_i >> f, 2^f <= T / 2^61), normalised N_i = floor(x_i * 2^32 / S) (I64F64, then
    /// I32F32); permits = the k (maxValidators) largest non-zero N_i, a tie at the cut-off losing the lower uid,
    /// plus the owner's uid. Both ways below assume this of an honest bitmap B and reach a contradiction, so an
    /// honest result is never challengeable (floor and the shift are monotone: x >= y gives N >= N'):
    ///  - Outranked: `permittedUid` P is in B, not the owner's uid (uid 0, the owner hotkey's, never replaced), and
    ///    x >= p + p / 1000 + 1 if `excludedUid` X > P, x >= 2p + p / 1000 + 1 if X < P. Honest, P is in the top-k
    ///    (N_P >= 1). X > P: N_X >= N_P and X sorts after P, so X is in it too. X < P: N_X must exceed N_P; with
    ///    m = N_P >= 1, x' >= 2p' gives x' * 2^32 / S >= 2m >= m + 1; the shift loses at most 2^f <= p / 2^29 < p / 1000.
    ///    The relative margin alone would not do for X < P: N rounds to 2^-32 of S, not of p.
    ///  - Unfilled: B has fewer than k bits, uid 0's not counted if it had no stake at the close, and
    ///    x > (sum of B's stake at the close) / 2^24 (P: any uid of B, e.g. the owner's). Honest, X left out with
    ///    N_X >= 1 means k uids at least as high, all non-zero, hold the top-k's permits: k bits besides a
    ///    zero-stake uid 0 (outside the top-k, it can only be the owner's forced bit). So N_X = 0, and so is every
    ///    N_i outside B (x_i < S / 2^32, plus the shift): S < sum_B (1 + 2^-23), x < sum_B / 2^30. The owner's
    ///    bit counts when it has stake: it may be one of the top-k (k - 1 others then).
    /// Both need X's occupant (and P's; each of B's in the sum) registered no later than the close, as a vote
    /// needs: its stake at the close is what Yuma ranked; a vacant uid counts stake 0 (uids are replaced, never
    /// vacated). k is read now: maxValidators is governance's alone (raising it makes a full honest set look
    /// unfilled until the next finalisation: the cost is one widened epoch, no funds). Limits: a permitted uid
    /// replaced since the close cannot be read, so a set holding one is widened at the next open without a
    /// challenge; a challenge reads `stakeWeightAt` and the registry now, so it must come while the occupants are
    /// those of the close. An epoch already opened from the disproved permits is not widened, but a result it
    /// finalises keeps the flag (its permits were chosen by the disproved set): the epoch opened after is.
    /// @param excludedUid A uid with stake at the close that B leaves out.
    /// @param permittedUid A uid of B that `excludedUid` outranks, or any uid of B to show an unfilled set.
    function challengePermits(uint16 netuid, uint16 excludedUid, uint16 permittedUid) external;

    // ------------------------------------------------------------------ views

    /// @notice See {setWidenAfterMissed}.
    function widenAfterMissed() external view returns (uint16);
    /// @notice Epochs of `netuid` rolled over since its latest finalisation (see {setWidenAfterMissed}).
    function missedEpochs(uint16 netuid) external view returns (uint16);
    /// @notice Whether `netuid`'s latest finalised permits were disproved ({challengePermits}), or chosen by voters
    /// frozen from disproved permits (an epoch opened before the challenge): epochs opened
    /// until a widened epoch finalises take votes from every staked uid.
    function permitsDisproved(uint16 netuid) external view returns (bool);
    /// @notice The subnet registry read for epochs, owners and neurons.
    function registry() external view returns (ISubnetRegistryView);
    /// @notice The staking contract read for emission and stake, and credited by claims.
    function staking() external view returns (IStakingHooks);
    /// @notice The emission contract: its slot clock, and its `coinbase()`, which an open calls first.
    function emission() external view returns (IEmission);
    function quorumBps() external view returns (uint16);
    function deadlineSlots() external view returns (uint64);
    function genesisTime() external view returns (uint256);

    /// @notice Bumped each time `netuid` is dissolved.
    function generation(uint16 netuid) external view returns (uint64);

    /// @notice Emission rolled over and not yet absorbed by an opened epoch.
    function carry(uint16 netuid) external view returns (uint256);

    function epochInfo(uint16 netuid, uint64 epoch) external view returns (EpochInfo memory);

    function isClaimed(uint16 netuid, uint64 epoch, uint16 uid) external view returns (bool);

    /// @notice Stake weight accumulated by a tuple on an epoch while it is open (after finalisation the votes are
    /// in the `EpochResultSubmitted` events).
    function tupleStake(uint16 netuid, uint64 epoch, bytes32 tupleHash) external view returns (uint256);

    /// @notice The hash votes are counted under: keccak256(abi.encode(root, permitsBitmap, bondsHash, totals)).
    function tupleHashOf(
        bytes32 root,
        uint256 permitsBitmap,
        bytes32 bondsHash,
        EpochTotals calldata totals
    ) external pure returns (bytes32);

    /// @notice The standard-tree leaf hash of a result entry.
    function leafHash(
        uint16 netuid,
        uint64 epoch,
        uint16 uid,
        address hotkey,
        uint256 incentive,
        uint256 dividend
    ) external pure returns (bytes32);
}
