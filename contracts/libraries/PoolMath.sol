// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title PoolMath
/// @notice Constant-product TAO/alpha pool math (subtensor-reference.md §9.3 at fixed 0.5/0.5 weights, which is
/// exactly x*y = k). Every rounding favours the pool: the fee is rounded up, outputs down.
///
/// Reserves: `t` = TAO reserve, `a` = alpha reserve (both rao). A buy puts TAO in and takes alpha out; a sell
/// puts alpha in and takes TAO out. The fee is taken from the input before the curve and stays in the reserves:
///   fee = ceil(in * 33 / 65535), net = in - fee, out = floor(rOut * net / (rIn + net)), rIn += in, rOut -= out.
/// Limit prices are rao of TAO per 1e9 rao of alpha (subtensor §9.2). The price after a buy is compared as
/// `(t + in) * 1e9 <= limit * (a - out)` and after a sell as `(t - out) * 1e9 >= limit * (a + in)`; both sides
/// are strictly monotone in `in`, so "the largest input that keeps the price within the limit" is exact.
///
/// Bounds the callers keep (Staking): t < 2^56, a < 2^104, inputs <= 1000 x the input reserve, so every
/// product below stays under 2^256 without mulDiv except where noted.
library PoolMath {
    /// @notice Swap fee numerator over 65535 (subtensor's FeeRate default, ~0.05 %).
    uint256 internal constant FEE_NUMERATOR = 33;
    uint256 internal constant FEE_DENOMINATOR = 65535;
    /// @notice Output reserves never go below this (rao).
    uint256 internal constant MIN_RESERVE = 1_000_000;
    /// @notice Inputs are at most this multiple of the input reserve.
    uint256 internal constant MAX_INPUT_MULTIPLE = 1000;
    /// @notice Limit prices: rao of TAO per this many rao of alpha (1 alpha).
    uint256 internal constant PRICE_UNIT = 1e9;

    /// @notice The fee on `amountIn`, rounded up.
    function feeOf(uint256 amountIn) internal pure returns (uint256) {
        // amountIn <= 2^114: the product cannot overflow.
        return Math.ceilDiv(amountIn * FEE_NUMERATOR, FEE_DENOMINATOR);
    }

    /// @notice Output of swapping `amountIn` into reserves (`rIn`, `rOut`); `rIn` > 0.
    function swapOut(
        uint256 rIn,
        uint256 rOut,
        uint256 amountIn,
        bool withFee
    ) internal pure returns (uint256 out, uint256 fee) {
        if (withFee) fee = feeOf(amountIn);
        uint256 net;
        unchecked {
            net = amountIn - fee; // fee <= amountIn (33/65535 < 1, rounded up only to the next integer)
        }
        out = (rOut * net) / (rIn + net);
    }

    /// @notice Price after buying with `taoIn`, rounded up (rao TAO per alpha). `a - out` >= 1 always.
    function priceAfterBuy(uint256 t, uint256 a, uint256 taoIn, bool withFee) internal pure returns (uint256) {
        (uint256 out, ) = swapOut(t, a, taoIn, withFee);
        // out < a because t >= 1: the denominator is positive.
        return Math.ceilDiv((t + taoIn) * PRICE_UNIT, a - out);
    }

    /// @notice Price after selling `alphaIn`, rounded down (rao TAO per alpha).
    function priceAfterSell(uint256 t, uint256 a, uint256 alphaIn, bool withFee) internal pure returns (uint256) {
        (uint256 out, ) = swapOut(a, t, alphaIn, withFee);
        return ((t - out) * PRICE_UNIT) / (a + alphaIn);
    }

    /// @notice The largest TAO input <= `cap` whose buy leaves the price <= `limit` (0 if the price is already
    /// above it).
    function maxBuy(uint256 t, uint256 a, uint256 limit, uint256 cap, bool withFee) internal pure returns (uint256) {
        if (priceAfterBuy(t, a, cap, withFee) <= limit) return cap;
        if (priceAfterBuy(t, a, 0, withFee) > limit) return 0;
        // Here limit < priceAfterBuy(cap) <= (t + cap) * 1e9 < 2^97, so K < 2^226.
        // Without rounding the boundary solves (t + x)(t + (1 - f) x) = K with K = limit * a * t / 1e9.
        uint256 k = Math.mulDiv(limit, a * t, PRICE_UNIT);
        return _search(true, t, a, limit, cap, withFee, _estimate(t, k, withFee));
    }

    /// @notice The largest alpha input <= `cap` whose sale leaves the price >= `limit` (0 if the price is
    /// already below it).
    function maxSell(uint256 t, uint256 a, uint256 limit, uint256 cap, bool withFee) internal pure returns (uint256) {
        if (priceAfterSell(t, a, cap, withFee) >= limit) return cap;
        if (priceAfterSell(t, a, 0, withFee) < limit) return 0;
        // limit > 0 here (a zero limit always passes). The boundary solves (a + x)(a + (1 - f) x) = K with
        // K = t * a * 1e9 / limit < 2^190.
        uint256 k = Math.mulDiv(t * a, PRICE_UNIT, limit);
        return _search(false, t, a, limit, cap, withFee, _estimate(a, k, withFee));
    }

    /// @notice The largest input <= `x` (with the fee) whose swap into reserves (`rIn`, `rOut`) leaves at least
    /// MIN_RESERVE of `rOut`: `x` itself when the floor does not bind (with `rOut` at the floor, the largest
    /// input whose output rounds to 0).
    /// @dev out(n) = floor(rOut n / (rIn + n)) <= rOut - M  <=>  n (M - 1) < (rOut - M + 1) rIn, so the largest net
    /// input is ceil((rOut - M + 1) rIn / (M - 1)) - 1; the gross input is then the largest `y` with
    /// y - feeOf(y) <= that, where y - feeOf(y) steps by 0 or 1 with y (monotone), found from the estimate in a
    /// step or two.
    function maxInAboveFloor(uint256 rIn, uint256 rOut, uint256 x) internal pure returns (uint256 y) {
        (uint256 out, ) = swapOut(rIn, rOut, x, true);
        if (rOut - out >= MIN_RESERVE) return x; // out <= rOut
        if (rOut < MIN_RESERVE) return 0; // reserves never are; kept so the formula below cannot underflow
        // rOut < 2^104 and rIn < 2^114: the product cannot overflow; the quotient is >= 1 (rOut - M + 1 >= 1).
        uint256 netMax = Math.ceilDiv((rOut - MIN_RESERVE + 1) * rIn, MIN_RESERVE - 1) - 1;
        y = Math.mulDiv(netMax, FEE_DENOMINATOR, FEE_DENOMINATOR - FEE_NUMERATOR);
        while (y - feeOf(y) > netMax) --y;
        while (y + 1 - feeOf(y + 1) <= netMax) ++y;
        if (y > x) y = x; // here the floor binds at x, so y < x already; kept for safety
    }

    /// @notice Closed-form estimate of the boundary input x >= 0 of (r + x)(r + (1 - f) x) = k, f = 33/65535:
    ///   x = (F S - (F - c/2) r) / (F - c),  S = sqrt(k (F - c) / F + (c r / 2F)^2),  F = 65535, c = 33.
    /// Off by a few units (fee and output rounding); `_search` makes it exact.
    function _estimate(uint256 r, uint256 k, bool withFee) private pure returns (uint256) {
        if (!withFee) {
            uint256 root = Math.sqrt(k);
            return root > r ? root - r : 0;
        }
        uint256 half = (FEE_NUMERATOR * r) / (2 * FEE_DENOMINATOR);
        uint256 s = Math.sqrt(Math.mulDiv(k, FEE_DENOMINATOR - FEE_NUMERATOR, FEE_DENOMINATOR) + half * half);
        uint256 lhs = FEE_DENOMINATOR * s;
        uint256 rhs = ((2 * FEE_DENOMINATOR - FEE_NUMERATOR) * r) / 2;
        return lhs > rhs ? (lhs - rhs) / (FEE_DENOMINATOR - FEE_NUMERATOR) : 0;
    }

    /// @dev Whether input `x` keeps the price within the limit.
    function _ok(bool isBuy, uint256 t, uint256 a, uint256 limit, uint256 x, bool withFee) private pure returns (bool) {
        return isBuy ? priceAfterBuy(t, a, x, withFee) <= limit : priceAfterSell(t, a, x, withFee) >= limit;
    }

    /// @dev Exact boundary from an estimate: gallop from `est` to bracket [lo, hi] with ok(lo) and !ok(hi), then
    /// bisect. Preconditions: ok(0) and !ok(cap) (so cap >= 1). O(log(|est - boundary|)) evaluations.
    function _search(
        bool isBuy,
        uint256 t,
        uint256 a,
        uint256 limit,
        uint256 cap,
        bool withFee,
        uint256 est
    ) private pure returns (uint256 lo) {
        uint256 hi;
        if (est >= cap) est = cap - 1;
        uint256 step = 1;
        if (_ok(isBuy, t, a, limit, est, withFee)) {
            lo = est;
            while (true) {
                uint256 probe = lo + step;
                if (probe >= cap) {
                    hi = cap;
                    break;
                }
                if (!_ok(isBuy, t, a, limit, probe, withFee)) {
                    hi = probe;
                    break;
                }
                lo = probe;
                step <<= 1;
            }
        } else {
            hi = est;
            while (true) {
                if (step >= hi) break; // lo = 0, and ok(0) holds
                uint256 probe = hi - step;
                if (_ok(isBuy, t, a, limit, probe, withFee)) {
                    lo = probe;
                    break;
                }
                hi = probe;
                step <<= 1;
            }
        }
        while (hi - lo > 1) {
            uint256 mid = lo + (hi - lo) / 2;
            if (_ok(isBuy, t, a, limit, mid, withFee)) lo = mid;
            else hi = mid;
        }
    }

    /// @notice Emission injection at the current price (reference §3.4-3.5): `taoIn` TAO and
    /// `alphaIn = taoIn * a / t` alpha (floor), alpha capped at `alphaCap`; the TAO not matched by alpha
    /// ("excess") then buys alpha from the pool without fee, as protocol alpha. Never takes the alpha reserve
    /// below the floor. Returns the new reserves, the alpha injected and the alpha bought.
    function inject(
        uint256 t,
        uint256 a,
        uint256 taoIn,
        uint256 alphaCap
    ) internal pure returns (uint256 tNew, uint256 aNew, uint256 alphaIn, uint256 bought) {
        alphaIn = (taoIn * a) / t;
        uint256 taoMatched = taoIn;
        if (alphaIn > alphaCap) {
            alphaIn = alphaCap;
            // TAO that matches the capped alpha at the current price, rounded up: the rest is excess.
            taoMatched = Math.ceilDiv(alphaCap * t, a);
            if (taoMatched > taoIn) taoMatched = taoIn;
        }
        tNew = t + taoMatched;
        aNew = a + alphaIn;
        uint256 excess = taoIn - taoMatched;
        if (excess != 0) {
            (bought, ) = swapOut(tNew, aNew, excess, false);
            if (aNew - bought < MIN_RESERVE) bought = aNew > MIN_RESERVE ? aNew - MIN_RESERVE : 0;
            tNew += excess;
            aNew -= bought;
        }
    }
}
