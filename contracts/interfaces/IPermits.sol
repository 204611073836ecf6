// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title IPermits
/// @notice Validator permits, as finalised by the settlement contract (the settlement issue). Bit `uid` of the
/// bitmap is the permit of uid `uid` for the next epoch. Before a subnet's first finalised epoch, `finalised`
/// is false and the bootstrap rule of SYSTEM.md §2.5 applies: the subnet owner's hotkey is the permitted set.
interface IPermits {
    function permits(uint16 netuid) external view returns (uint256 bitmap, bool finalised);

    /// @notice Emission (alpha, rao) of `uid` in the latest finalised epoch of `netuid`: the pruning score.
    function lastEmission(uint16 netuid, uint16 uid) external view returns (uint256);
}
