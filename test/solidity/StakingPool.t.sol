// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {TestBase} from "./Vm.sol";
import {PoolMath} from "../../contracts/libraries/PoolMath.sol";
import {SharePool} from "../../contracts/libraries/SharePool.sol";
import {FlowEma} from "../../contracts/libraries/FlowEma.sol";
import {PriceEma} from "../../contracts/libraries/PriceEma.sol";
import {EmissionSplit} from "../../contracts/libraries/EmissionSplit.sol";

/// @notice Fuzz properties of the pool math (contracts/libraries), at the bounds Staking keeps.
contract StakingPoolTest is TestBase {
    uint256 internal constant MAX_TAO = 21_000_000e9;
    uint256 internal constant MAX_ALPHA = 1 << 90;

    function _reserves(uint256 t, uint256 a) internal pure returns (uint256, uint256) {
        t = bound(t, PoolMath.MIN_RESERVE, MAX_TAO);
        // Alpha within a price range of 1e-9 .. 1e9 TAO per alpha around the TAO reserve.
        uint256 lo = t / 1e9 < PoolMath.MIN_RESERVE ? PoolMath.MIN_RESERVE : t / 1e9;
        uint256 hi = t > MAX_ALPHA / 1e9 ? MAX_ALPHA : t * 1e9;
        return (t, bound(a, lo, hi));
    }

    function testFuzz_kNeverFallsOnBuy(uint256 t, uint256 a, uint256 x, bool withFee) public pure {
        (t, a) = _reserves(t, a);
        x = bound(x, 0, t * 1000);
        (uint256 out, ) = PoolMath.swapOut(t, a, x, withFee);
        assertLe(out, a - 1, "never drains the reserve");
        assertGe((t + x) * (a - out), t * a, "k never falls");
    }

    function testFuzz_kNeverFallsOnSell(uint256 t, uint256 a, uint256 x, bool withFee) public pure {
        (t, a) = _reserves(t, a);
        x = bound(x, 0, a * 1000);
        (uint256 out, ) = PoolMath.swapOut(a, t, x, withFee);
        assertGe((a + x) * (t - out), t * a, "k never falls");
    }

    /// @dev Without rounding, buying with x and selling the alpha back returns
    /// back = (t + x) n' / (t + n'), n' = (x - buyFee)(1 - sellRate), so
    /// loss = x - back = fees * t / (t + n') >= buyFee * t / (t + x): the trader loses every fee except the
    /// share of it that accrues to the trader's own (temporary) part of the pool. Rounding only adds loss.
    function testFuzz_roundTripLosesAtLeastTheFee(uint256 t, uint256 a, uint256 x) public pure {
        (t, a) = _reserves(t, a);
        x = bound(x, 1, t * 1000);
        (uint256 alphaOut, ) = PoolMath.swapOut(t, a, x, true);
        (uint256 back, ) = PoolMath.swapOut(a - alphaOut, t + x, alphaOut, true);
        assertLe(back, x, "never a profit");
        assertGe((x - back) * (t + x), PoolMath.feeOf(x) * t, "loss >= the fee share of the rest of the pool");
        if (x <= t / 100) assertGe((x - back) * 100, PoolMath.feeOf(x) * 99, "small trades lose ~all the fees");
    }

    function testFuzz_feeRoundsUp(uint256 x) public pure {
        x = bound(x, 0, 1 << 120);
        uint256 f = PoolMath.feeOf(x);
        assertGe(f * 65535, x * 33, "fee >= exact");
        assertLe(f * 65535, x * 33 + 65534, "by less than one rao");
    }

    function testFuzz_maxBuyIsExactBoundary(
        uint256 t,
        uint256 a,
        uint256 limit,
        uint256 cap,
        bool withFee
    ) public pure {
        (t, a) = _reserves(t, a);
        cap = bound(cap, 1, t * 1000);
        uint256 spot = (t * 1e9) / a;
        limit = bound(limit, spot / 2, spot * 3 + 10);
        uint256 m = PoolMath.maxBuy(t, a, limit, cap, withFee);
        assertLe(m, cap, "within cap");
        if (PoolMath.priceAfterBuy(t, a, 0, withFee) > limit) {
            assertEq(m, 0, "already above the limit");
            return;
        }
        assertLe(PoolMath.priceAfterBuy(t, a, m, withFee), limit, "fill keeps the price within the limit");
        if (m < cap) assertTrue(PoolMath.priceAfterBuy(t, a, m + 1, withFee) > limit, "one more rao passes it");
    }

    function testFuzz_maxInAboveFloorIsExactBoundary(uint256 t, uint256 a, uint256 x, bool sell) public pure {
        (t, a) = _reserves(t, a);
        (uint256 rIn, uint256 rOut) = sell ? (a, t) : (t, a);
        x = bound(x, 0, rIn * 1000);
        uint256 y = PoolMath.maxInAboveFloor(rIn, rOut, x);
        assertLe(y, x, "never more than asked");
        (uint256 outX, ) = PoolMath.swapOut(rIn, rOut, x, true);
        if (rOut - outX >= PoolMath.MIN_RESERVE) {
            assertEq(y, x, "the floor does not bind: all of it");
            return;
        }
        (uint256 outY, ) = PoolMath.swapOut(rIn, rOut, y, true);
        (uint256 outNext, ) = PoolMath.swapOut(rIn, rOut, y + 1, true);
        assertGe(rOut - outY, PoolMath.MIN_RESERVE, "the fill keeps the reserve at its floor or above");
        assertTrue(rOut - outNext < PoolMath.MIN_RESERVE, "one more rao breaks the floor");
    }

    function testFuzz_maxSellIsExactBoundary(
        uint256 t,
        uint256 a,
        uint256 limit,
        uint256 cap,
        bool withFee
    ) public pure {
        (t, a) = _reserves(t, a);
        cap = bound(cap, 1, a * 1000);
        uint256 spot = (t * 1e9) / a;
        limit = bound(limit, spot / 3, spot * 2 + 10);
        uint256 m = PoolMath.maxSell(t, a, limit, cap, withFee);
        assertLe(m, cap, "within cap");
        if (PoolMath.priceAfterSell(t, a, 0, withFee) < limit) {
            assertEq(m, 0, "already below the limit");
            return;
        }
        assertGe(PoolMath.priceAfterSell(t, a, m, withFee), limit, "fill keeps the price within the limit");
        if (m < cap) assertTrue(PoolMath.priceAfterSell(t, a, m + 1, withFee) < limit, "one more rao passes it");
    }

    function testFuzz_injectionGrowsKAndKeepsPrice(uint256 t, uint256 a, uint256 taoIn, uint256 cap) public pure {
        (t, a) = _reserves(t, a);
        taoIn = bound(taoIn, 0, 1e12);
        cap = bound(cap, 0, 1e12);
        (uint256 tNew, uint256 aNew, uint256 alphaIn, uint256 bought) = PoolMath.inject(t, a, taoIn, cap);
        assertEq(tNew, t + taoIn, "all TAO enters");
        assertLe(alphaIn, cap, "alpha_in capped");
        assertEq(aNew, a + alphaIn - bought, "alpha accounted");
        assertGe(tNew * aNew, t * a, "k never falls");
        assertGe(aNew, a < PoolMath.MIN_RESERVE ? a : PoolMath.MIN_RESERVE, "floor kept");
        // Price never falls (alpha_in floors; buying only raises it).
        assertGe(tNew * a, t * aNew, "price not lowered");
        if (bought == 0 && alphaIn > 0) {
            // Uncapped: the price moves by at most the rounding of one rao of alpha.
            assertLe(tNew * a - t * aNew, tNew, "price kept up to rounding");
        }
    }

    function testFuzz_sharesNeverCreateValue(uint256 total, uint256 shares, uint256 amount) public pure {
        total = bound(total, 1, 1 << 100);
        // Shares start 1:1 and the share price never falls: shares <= total.
        shares = bound(shares, 1, total * SharePool.INITIAL_SHARES_PER_UNIT);
        amount = bound(amount, 0, 1 << 100);
        uint256 minted = SharePool.sharesForDeposit(amount, shares, total);
        // What the new shares are worth afterwards never exceeds the deposit.
        assertLe(SharePool.valueOf(minted, shares + minted, total + amount), amount, "deposit");
        if (amount <= total) {
            uint256 burned = SharePool.sharesForWithdrawal(amount, shares, total);
            assertGe(burned * total, amount * shares, "withdrawal burns at least the value");
        }
    }

    function testFuzz_splitSumsExactly(uint256 minted, uint256[6] memory w) public pure {
        minted = bound(minted, 0, 1e18);
        uint256[] memory weights = new uint256[](6);
        uint256 sum;
        for (uint256 i; i < 6; ++i) {
            weights[i] = bound(w[i], 0, 1 << 127);
            sum += weights[i];
        }
        if (sum == 0) return;
        uint256[] memory amounts = EmissionSplit.byWeight(minted, weights, sum);
        uint256 total;
        for (uint256 i; i < 6; ++i) {
            total += amounts[i];
            assertGe(amounts[i], (minted * weights[i]) / sum, "at least the floor share");
        }
        assertEq(total, minted, "sums to minted");
    }

    function test_flowEmaMatchesSubtensorStepAndDecays() public pure {
        // One slot: S' = (1 - alpha) S + alpha F exactly as subtensor's per-block step.
        int256 s1 = FlowEma.update(0, 1e9, 1, FlowEma.decay(1));
        assertEq(uint256(s1), 1e9 * FlowEma.ALPHA, "alpha * F in I64F64");
        // Half-life about one month (~216,000 slots).
        uint256 d = FlowEma.decay(216_000);
        assertTrue(d > (FlowEma.ONE * 49) / 100 && d < (FlowEma.ONE * 51) / 100, "half-life ~216k slots");
        // Spreading the flow over n slots: sum of the n one-slot steps of F/n.
        int256 n1 = FlowEma.update(0, 3e9, 3, FlowEma.decay(3));
        int256 step = 0;
        for (uint256 i; i < 3; ++i) {
            step = FlowEma.update(step, 1e9, 1, FlowEma.decay(1));
        }
        assertApprox(uint256(n1), uint256(step), uint256(step) / 1e9 + 10, "lazy = step by step");
    }

    function test_priceEmaCapsTargetAtOne() public pure {
        uint256 e = PriceEma.update(0, 5e18, 1_000_000, 1);
        uint256 a = (PriceEma.MOVING_ALPHA * 1_000_000) / (1_000_000 + PriceEma.HALVING_SLOTS);
        assertEq(e, a, "a * min(p, 1)");
        assertEq(PriceEma.update(1e18, 5e18, 10, 100), 1e18, "at the capped target it stays");
    }

    function assertGe(uint256 a, uint256 b, string memory what) internal pure {
        assertLe(b, a, what);
    }

    function assertApprox(uint256 a, uint256 b, uint256 tol, string memory what) internal pure {
        assertLe(a > b ? a - b : b - a, tol, what);
    }
}
