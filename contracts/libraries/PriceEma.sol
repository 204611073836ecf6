// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title PriceEma
/// @notice A subnet's moving (EMA) price (subtensor-reference.md §3.1), in 1e18 fixed point:
///   b = slots since the emission start (inclusive), a = 0.000003 * b / (b + 201_600),
///   per slot: ema <- a * min(spot, 1) + (1 - a) * ema.
/// Advanced lazily over the `n` slots of one coinbase with the spot price held constant:
///   ema' = target + (ema - target) * (1 - a)^n,  target = min(spot, 1e18), a taken at the last slot.
/// Rounding: `a` and `(1 - a)^n` floor; the gap to the target is floored, so `ema'` rounds toward the target.
library PriceEma {
    uint256 internal constant WAD = 1e18;
    /// @notice SubnetMovingAlpha = 0.000003.
    uint256 internal constant MOVING_ALPHA = 3e12;
    /// @notice EMAPriceHalvingBlocks = 201,600 slots (4 weeks).
    uint256 internal constant HALVING_SLOTS = 201_600;

    /// @notice (base / 1e18)^n in 1e18, by squaring (each step floors). base <= 1e18.
    function powWad(uint256 base, uint256 n) internal pure returns (uint256 result) {
        result = WAD;
        while (n != 0) {
            if (n & 1 != 0) result = (result * base) / WAD;
            base = (base * base) / WAD;
            n >>= 1;
        }
    }

    /// @notice The EMA after `slots` more slots at spot price `spot` (1e18), `sinceStart` slots after start.
    function update(uint256 ema, uint256 spot, uint256 sinceStart, uint256 slots) internal pure returns (uint256) {
        if (slots == 0) return ema;
        uint256 target = spot < WAD ? spot : WAD;
        uint256 a = (MOVING_ALPHA * sinceStart) / (sinceStart + HALVING_SLOTS);
        uint256 d = powWad(WAD - a, slots);
        // ema, target <= 1e18 (ema starts at 0 and moves toward targets <= 1e18): products < 2^120.
        if (ema >= target) return target + ((ema - target) * d) / WAD;
        return target - ((target - ema) * d) / WAD;
    }
}
