// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title FlowEma
/// @notice EMA of a subnet's net TAO flow (subtensor's Taoflow, reference §3.3), in I64F64 (rao x 2^64).
/// Per slot subtensor does `S <- (1 - alpha) S + alpha * flow` with
/// `alpha = 29_597_889_189_277 / (2^63 - 1)` (~3.209e-6, a one-month half-life). We advance it lazily over the
/// `n` slots of one coinbase, treating the flow `F` accumulated in those slots as spread evenly over them:
///   d = (1 - alpha)^n,   S' = d * S + F * (1 - d) / n
/// which is exactly subtensor's step for n = 1 (1 - d = alpha). Every multiply floors (`>> 64` on the
/// non-negative factor); the signed terms truncate toward zero. Deterministic, integer only.
library FlowEma {
    uint256 internal constant ONE = 1 << 64;
    /// @notice floor(29_597_889_189_277 * 2^64 / (2^63 - 1)).
    uint256 internal constant ALPHA = 59_195_778_378_554;

    /// @notice (1 - alpha)^slots in Q64, by squaring (each step floors).
    function decay(uint256 slots) internal pure returns (uint256 result) {
        result = ONE;
        uint256 base = ONE - ALPHA;
        while (slots != 0) {
            // Both factors <= 2^64: products < 2^128.
            if (slots & 1 != 0) result = (result * base) >> 64;
            base = (base * base) >> 64;
            slots >>= 1;
        }
    }

    /// @notice Advances `ema` (I64F64) by `slots` slots with accumulated flow `flow` (rao); `d = decay(slots)`.
    function update(int256 ema, int256 flow, uint256 slots, uint256 d) internal pure returns (int256) {
        if (slots == 0) return ema;
        // |ema| < 2^127 and d <= 2^64; |flow| < 2^63 and (ONE - d) <= 2^64: no overflow in int256.
        int256 decayed = (ema * int256(d)) / int256(ONE);
        int256 added = (flow * int256(ONE - d)) / int256(slots);
        return decayed + added;
    }
}
