// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title BurnCost
/// @notice Subtensor's registration burn price (subtensor-reference.md §7.1) in closed form.
///
/// Reference (per block, `on_initialize`, then after each registration):
///   each block:          burn <- clamp(floor(burn * f / 2^32), minBurn, maxBurn)
///   after registration:  burn <- clamp(floor(burn * max(mult, 1)), minBurn, maxBurn)
/// where `f` (Q32) is the largest value with `pow_q32(f, halfLife) <= 0.5` (bisection, `decay_factor_q32`).
///
/// Here: the price is stored as `(anchor, anchorSlot)` and evaluated lazily as
///   price(slot) = clamp(floor(anchor * F^(slot - anchorSlot)), minBurn, maxBurn),   F = f / 2^32 exactly,
/// with `F^n` evaluated by exponentiation by squaring in Q128 (at most 64 squarings, no per-slot loop).
/// Difference to the reference: the reference floors after every block, so it loses < 1 rao per block, and
/// those losses decay with the price: `0 <= closedForm - reference < 1 / (1 - F)` rao (520 rao at the default
/// half-life of 360 slots, 0.1% of the default 0.0005 TAO minimum); the Q128 power itself floors to an absolute
/// error below 2^-112, i.e. the closed form equals `floor(anchor * f^n / 2^(32n))` unless that value lies within
/// 2^-48 rao of an integer. Both bounds are checked against an independent BigInt model in test/registry/burnCost.test.ts.
/// The clamp commutes with the decay (the price only falls between registrations): the reference sticks at
/// `minBurn` once it reaches it and so does `max(minBurn, .)` of a falling value.
library BurnCost {
    /// @notice 1.0 in Q32.
    uint256 internal constant ONE_Q32 = 1 << 32;
    /// @notice 1.0 in Q128.
    uint256 internal constant ONE_Q128 = 1 << 128;
    /// @notice Parts per million.
    uint256 internal constant PPM = 1_000_000;
    /// @notice `decayFactorQ32(360)`: the per-slot factor of the default half-life (~0.99807644).
    uint32 internal constant F_Q32_360 = 4_286_705_684;

    /// @notice Subtensor's `mul_by_q32`: `min(floor(value * factor / 2^32), 2^64 - 1)`.
    function mulQ32(uint256 value, uint256 factorQ32) internal pure returns (uint256) {
        // value, factor < 2^64 in every use: the product is < 2^128.
        uint256 shifted = (value * factorQ32) >> 32;
        return shifted > type(uint64).max ? type(uint64).max : shifted;
    }

    /// @notice Subtensor's `pow_q32`: `base^exp` in Q32 with a floor after every multiplication.
    function powQ32(uint256 baseQ32, uint256 exp) internal pure returns (uint256 result) {
        result = ONE_Q32;
        uint256 factor = baseQ32;
        while (exp != 0) {
            if (exp & 1 == 1) result = mulQ32(result, factor);
            exp >>= 1;
            if (exp != 0) factor = mulQ32(factor, factor);
        }
    }

    /// @notice Subtensor's `decay_factor_q32`: the largest Q32 `f` with `powQ32(f, halfLife) <= 0.5`
    /// (1.0 for a zero half-life). 32 bisection steps; called only when the half-life changes.
    function decayFactorQ32(uint256 halfLife) internal pure returns (uint32) {
        if (halfLife == 0) return type(uint32).max; // never used: the half-life is bounded to >= 1
        uint256 lo;
        uint256 hi = ONE_Q32;
        while (lo + 1 < hi) {
            uint256 mid = lo + ((hi - lo) >> 1);
            if (powQ32(mid, halfLife) > ONE_Q32 >> 1) hi = mid;
            else lo = mid;
        }
        // lo < 2^32: the bisection keeps lo < hi <= 2^32.
        return uint32(lo);
    }

    /// @notice `F^n` in Q128, `F = factorQ32 / 2^32 < 1`, by exponentiation by squaring (floor per step).
    function powQ128(uint256 factorQ32, uint256 n) internal pure returns (uint256 result) {
        result = ONE_Q128;
        uint256 base = factorQ32 << 96; // < 2^128
        while (n != 0) {
            // result <= 2^128 and base < 2^128: every product is < 2^256.
            if (n & 1 == 1) result = (result * base) >> 128;
            n >>= 1;
            if (n == 0) break;
            base = (base * base) >> 128;
            if (base == 0) return 0; // a remaining set bit multiplies by 0
        }
    }

    /// @notice The price `elapsed` slots after an anchor price `anchor`, clamped to [minBurn, maxBurn].
    function priceAt(
        uint256 anchor,
        uint256 elapsed,
        uint256 factorQ32,
        uint256 minBurn,
        uint256 maxBurn
    ) internal pure returns (uint256 price) {
        price = elapsed == 0 ? anchor : (anchor * powQ128(factorQ32, elapsed)) >> 128; // anchor < 2^64
        price = clamp(price, minBurn, maxBurn);
    }

    /// @notice The price after a registration at `price`: `clamp(floor(price * multPpm / 1e6), min, max)`.
    /// Equal to subtensor's U64F64 product for the default 1.26 for every price below 2.2e15 rao (f64 1.26 is
    /// 1.26 + 8.9e-18, too little to cross an integer there).
    function bumped(uint256 price, uint256 multPpm, uint256 minBurn, uint256 maxBurn) internal pure returns (uint256) {
        if (multPpm < PPM) multPpm = PPM; // max(mult, 1)
        return clamp((price * multPpm) / PPM, minBurn, maxBurn);
    }

    /// @notice `min(max(value, lo), hi)`, applied in the reference's order (floor first, then ceiling).
    function clamp(uint256 value, uint256 lo, uint256 hi) internal pure returns (uint256) {
        if (value < lo) value = lo;
        if (value > hi) value = hi;
        return value;
    }
}
