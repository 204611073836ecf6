// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title EmissionSplit
/// @notice Dividing one coinbase across subnets and one subnet's alpha emission into its parts (SYSTEM.md §2.1,
/// subtensor-reference.md §3.3-3.7). Integer only; every part floors and the dust is assigned explicitly, so
/// the parts always sum to the whole.
library EmissionSplit {
    /// @notice u16 proportions are x / 65535.
    uint256 internal constant U16_ONE = 65535;
    /// @notice u64 proportions (tao_weight) are x / (2^64 - 1).
    uint256 internal constant U64_ONE = type(uint64).max;

    /// @notice `minted * weights[i] / sum` for every i (floor), the rounding remainder added to the entry with
    /// the largest weight (the first one on ties), so that the amounts sum to exactly `minted`. `sum` must be
    /// the sum of `weights` and non-zero. weights[i] < 2^128 and minted < 2^64 keep the products in range.
    function byWeight(
        uint256 minted,
        uint256[] memory weights,
        uint256 sum
    ) internal pure returns (uint256[] memory amounts) {
        uint256 n = weights.length;
        amounts = new uint256[](n);
        uint256 given;
        uint256 best;
        uint256 bestWeight;
        for (uint256 i; i < n; ++i) {
            uint256 w = weights[i];
            uint256 amount = (minted * w) / sum;
            amounts[i] = amount;
            given += amount;
            if (w > bestWeight) {
                bestWeight = w;
                best = i;
            }
        }
        // given <= minted: each term floors a share of a partition of `sum`.
        amounts[best] += minted - given;
    }

    /// @notice The owner cut of `alphaOut` at `cut` / 65535 (floor); the distributable part is the rest.
    function ownerCut(uint256 alphaOut, uint256 cut) internal pure returns (uint256 owner, uint256 distributable) {
        owner = (alphaOut * cut) / U16_ONE;
        distributable = alphaOut - owner;
    }

    /// @notice Root stake `rootStake` (TAO) weighted by `taoWeight` / (2^64 - 1), floor.
    function rootWeight(uint256 rootStake, uint256 taoWeight) internal pure returns (uint256) {
        return (rootStake * taoWeight) / U64_ONE;
    }

    /// @notice The part of a validator's dividend `rest` earned by its root stake (§3.7): in proportion
    /// `rootW : alphaStake`, floor; 0 when the hotkey has no stake at all.
    function rootPart(uint256 rest, uint256 alphaStake, uint256 rootW) internal pure returns (uint256) {
        if (rootW == 0) return 0;
        return (rest * rootW) / (alphaStake + rootW);
    }
}
