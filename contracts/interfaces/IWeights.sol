// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {ISubnetRegistryView} from "./ISubnetRegistryView.sol";
import {IPermits} from "./IPermits.sol";

/// @title IWeights
/// @notice Validator weights with hash commit-reveal (SYSTEM.md §2.4, subtensor-reference.md §6).
///
/// Packed weights: `bytes` of 4-byte entries `uid (uint16, big-endian) ‖ value (uint16, big-endian)`, sorted
/// strictly ascending by uid, at most 256 entries. Values are **max-upscaled**: the row maximum is 65535, or every
/// value is 0. This is exactly the set of vectors subtensor's `vec_u16_max_upscale_to_u16` leaves unchanged, so
/// what is accepted is what subtensor would store; clients upscale off-chain (offchain/weights).
///
/// Commit hash: `keccak256(abi.encodePacked(hotkey (address, 20 bytes), netuid (uint16, 2 bytes),
/// packedWeights (raw bytes), salt (bytes32), versionKey (uint64, 8 bytes)))`; the reveal recomputes it from its
/// own arguments and `msg.sender`, so a reveal replayed by anyone else never matches.
///
/// Weights hash (stored per validator, emitted in {WeightsSet}): `keccak256(packedWeights)`.
interface IWeights {
    // ---------------------------------------------------------------------------------------------------------
    // Errors (each carries the offending value)
    // ---------------------------------------------------------------------------------------------------------

    /// @notice A zero address was given for a required contract.
    error ZeroAddress();
    /// @notice `setWeights` on a subnet with commit-reveal on: commit and reveal instead.
    error CommitRevealEnabled(uint16 netuid);
    /// @notice `commitWeights`/`revealWeights` on a subnet with commit-reveal off: use `setWeights`.
    error CommitRevealDisabled(uint16 netuid);
    /// @notice The caller's hotkey is not registered on `netuid`.
    error NotRegistered(uint16 netuid, address hotkey);
    /// @notice `uid` holds no validator permit on `netuid` (and is neither the owner hotkey nor self-weighting).
    error NoValidatorPermit(uint16 netuid, uint16 uid);
    /// @notice Weights (commits, under commit-reveal) may next be set at slot `nextAllowedSlot`.
    error RateLimited(uint64 nextAllowedSlot);
    /// @notice The vector's version key is below the subnet's.
    error VersionKeyTooLow(uint64 versionKey, uint64 required);
    /// @notice The packed vector's byte length is not a multiple of 4.
    error PackedLengthNotMultipleOf4(uint256 byteLength);
    /// @notice The packed vector has more entries than allowed.
    error TooManyEntries(uint256 entries, uint256 maxEntries);
    /// @notice The uid at entry `index` equals the previous entry's uid.
    error DuplicateUid(uint256 index, uint16 uid);
    /// @notice The uid at entry `index` is below the previous entry's uid (entries must ascend by uid).
    error UidsNotAscending(uint256 index, uint16 uid, uint16 previousUid);
    /// @notice `uid` does not exist on the subnet (uids are 0..neuronCount-1).
    error UidOutOfRange(uint16 uid, uint16 neuronCount);
    /// @notice Fewer entries than `min(minAllowedWeights, neuronCount)` and not a single self-weight.
    error TooFewEntries(uint256 entries, uint256 required);
    /// @notice The row maximum is neither 65535 nor 0 (all zero): upscale the vector before sending it.
    error NotMaxUpscaled(uint16 rowMax);
    /// @notice The row's largest share, `65535 / sum` as I32F32 bits, is above the limit's I32F32 bits.
    error MaxWeightExceeded(uint64 maxShareQ32, uint64 limitQ32);
    /// @notice Ten commits are pending; the oldest expires after `oldestRevealEpoch` (or reveal it).
    error TooManyPendingCommits(uint256 pending, uint64 oldestRevealEpoch);
    /// @notice No pending commit of the caller matches `commitHash`.
    error CommitNotFound(bytes32 commitHash);
    /// @notice The matching commit (made in `commitEpoch`) could only be revealed in `revealEpoch`, now past.
    error CommitExpired(bytes32 commitHash, uint64 commitEpoch, uint64 revealEpoch);
    /// @notice The matching commit may be revealed only in `revealEpoch`; the subnet is in `currentEpoch`.
    error RevealTooEarly(uint64 revealEpoch, uint64 currentEpoch);
    /// @notice The registry reported an epoch below the epoch of a pending commit (epochs must not go back).
    error EpochWentBack(uint64 currentEpoch, uint64 pendingCommitEpoch);

    // ---------------------------------------------------------------------------------------------------------
    // Events
    // ---------------------------------------------------------------------------------------------------------

    /// @notice `hotkey` (uid `uid`) committed `commitHash` in epoch `commitEpoch`, at `slot`.
    event WeightsCommitted(
        uint16 indexed netuid,
        uint16 indexed uid,
        address indexed hotkey,
        bytes32 commitHash,
        uint64 commitEpoch,
        uint64 slot
    );
    /// @notice `hotkey` revealed its commit `commitHash` of epoch `commitEpoch`; that commit and the
    /// `popped - 1` older pending ones left its queue.
    event WeightsRevealed(
        uint16 indexed netuid,
        address indexed hotkey,
        bytes32 commitHash,
        uint64 commitEpoch,
        uint256 popped
    );
    /// @notice `hotkey` (uid `uid`) now has weights `packedWeights` (format above), set at `slot`;
    /// `weightsHash = keccak256(packedWeights)` is what {weightsHashOf} returns from now on.
    event WeightsSet(
        uint16 indexed netuid,
        uint16 indexed uid,
        address indexed hotkey,
        uint64 slot,
        bytes32 weightsHash,
        bytes packedWeights
    );

    // ---------------------------------------------------------------------------------------------------------
    // Calls (msg.sender is the hotkey)
    // ---------------------------------------------------------------------------------------------------------

    /// @notice Commits the hash of a weight vector to reveal in epoch `current + revealPeriodEpochs`. The caller
    /// must be registered and hold a validator permit (or be the owner hotkey); the subnet's weights rate limit
    /// applies; at most 10 commits pending (expired ones are dropped first). Refreshes the metagraph's last update.
    function commitWeights(uint16 netuid, bytes32 commitHash) external;

    /// @notice Reveals the oldest pending commit that matches; pops it and every older pending commit. Allowed only
    /// in epoch `commitEpoch + revealPeriodEpochs`. The vector must pass every check of {setWeights} except the
    /// rate limit. Does not touch the metagraph's last update (the commit did).
    function revealWeights(uint16 netuid, bytes calldata packedWeights, bytes32 salt, uint64 versionKey) external;

    /// @notice Sets weights directly; only with commit-reveal off. Checks: registered, version key, rate limit,
    /// permit (a single self-weight needs none; the owner hotkey always may), uids ascending/unique/existing,
    /// length >= min(minAllowedWeights, neuronCount) unless a single self-weight, max-upscaled, max weight limit.
    function setWeights(uint16 netuid, bytes calldata packedWeights, uint64 versionKey) external;

    // ---------------------------------------------------------------------------------------------------------
    // Views
    // ---------------------------------------------------------------------------------------------------------

    /// @notice The registry read for uids, hyperparameters and epochs (its `IWeightsContext.weightsContext`, one
    /// call per transaction).
    function registry() external view returns (ISubnetRegistryView);
    /// @notice The settlement's permits.
    function permits() external view returns (IPermits);
    /// @notice Chain time of slot 0.
    function genesisTime() external view returns (uint256);

    /// @notice `keccak256(packedWeights)` of `hotkey`'s latest weights on `netuid` (zero if never set). Keyed by
    /// hotkey: check {weightsOf}'s uid and slot against the registry before using it for a uid.
    function weightsHashOf(uint16 netuid, address hotkey) external view returns (bytes32);

    /// @notice `hotkey`'s latest weights on `netuid`: their hash, the uid it held when it set them, and the slot.
    function weightsOf(
        uint16 netuid,
        address hotkey
    ) external view returns (bytes32 weightsHash, uint16 uid, uint64 slot);

    /// @notice The weights that count for `uid` now: its occupant's latest weights if they were set at this uid
    /// during the occupant's current registration (`slot >= registrationSlot`); otherwise `current` is false.
    function currentWeightsOf(
        uint16 netuid,
        uint16 uid
    ) external view returns (address hotkey, bytes32 weightsHash, uint64 slot, bool current);

    /// @notice Rate-limit anchor: slot of `hotkey`'s last commit (commit-reveal on) or `setWeights` (off), and
    /// whether there has been one. Also the metagraph's last update (subtensor's `LastUpdate`, set at commit time
    /// under commit-reveal, subtensor-reference.md §6.1-6.2): the registry's `lastUpdate` and `metagraph` read it.
    function lastUpdateOf(uint16 netuid, address hotkey) external view returns (uint64 slot, bool updated);

    /// @notice The first slot at which `hotkey` may commit (or set) weights on `netuid` under the rate limit.
    function nextAllowedSlot(uint16 netuid, address hotkey) external view returns (uint64);

    /// @notice `hotkey`'s stored commit queue on `netuid`, oldest first, with each commit's epoch. Expired entries
    /// stay until the hotkey's next commit or reveal drops them: an entry is live while
    /// `currentEpoch <= commitEpoch + revealPeriodEpochs`.
    function pendingCommits(
        uint16 netuid,
        address hotkey
    ) external view returns (bytes32[] memory commitHashes, uint64[] memory commitEpochs);

    /// @notice The commit hash of a vector, exactly as {revealWeights} recomputes it.
    function commitHashOf(
        address hotkey,
        uint16 netuid,
        bytes calldata packedWeights,
        bytes32 salt,
        uint64 versionKey
    ) external pure returns (bytes32);
}
