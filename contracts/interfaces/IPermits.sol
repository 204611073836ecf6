// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title IPermits
/// @notice Validator permits, as finalised by the settlement contract (the settlement issue). Bit `uid` of the
/// bitmap is the permit of uid `uid` for the next epoch. Before a subnet's first finalised epoch, `finalised`
/// is false and the bootstrap rule of SYSTEM.md §2.5 applies: the subnet owner's hotkey is the permitted set.
interface IPermits {
    function permits(uint16 netuid) external view returns (uint256 bitmap, bool finalised);

    /// @notice The uids holding a validator permit now, in one storage read: the latest finalised bitmap with bit 0
    /// set, since uid 0 is the owner hotkey, which always holds one (before the first finalisation it is the only
    /// one: `1`).
    function permitBitmap(uint16 netuid) external view returns (uint256);

    /// @notice The latest finalised epoch of `netuid` (the source of its permits) and its closing slot: a permit
    /// belongs to the hotkey that held the uid then, not to one registered at the uid after `closeSlot`.
    function latestFinalised(uint16 netuid) external view returns (bool finalised, uint64 epoch, uint64 closeSlot);

    /// @notice Registry only: `netuid` was dissolved. Its permits, and everything else the permits source keeps of
    /// that subnet's life (for the settlement: epochs, votes, claims, carry, pruning records), reset; a later
    /// subnet under the same netuid starts afresh (bootstrap permits, epochs from 0).
    function onSubnetDissolved(uint16 netuid) external;

    /// @notice Emission (alpha, rao) of `uid` in the latest finalised epoch of `netuid`: the pruning score of its
    /// current occupant.
    function lastEmission(uint16 netuid, uint16 uid) external view returns (uint256);

    /// @notice {lastEmission} for an occupant of `uid` registered at slot `registeredAt`, for a caller that already
    /// holds it (the registry's pruning-score sync), so the permits source need not ask the registry back.
    function lastEmissionOf(uint16 netuid, uint16 uid, uint64 registeredAt) external view returns (uint256);
}
