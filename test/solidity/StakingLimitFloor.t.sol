// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {StakingFixture} from "./StakingFixture.t.sol";
import {IStakingTypes} from "../../contracts/interfaces/IStaking.sol";
import {PoolMath} from "../../contracts/libraries/PoolMath.sol";

/// @notice The limit views and partial fills on a shallow pool, where the alpha reserve floor binds before the
/// price limit or the input cap: `maxStakeAtLimit` is the largest stake that succeeds, and a partial fill stops
/// at the floor instead of reverting.
contract StakingLimitFloorTest is StakingFixture {
    uint16 internal constant SHALLOW = 3;
    uint256 internal constant SHALLOW_LOCK = 4_000_000; // 0.004 TAO: alpha reserve 4e6, floor 1e6

    function setUp() public override {
        super.setUp();
        registry.createSubnet(SHALLOW, SHALLOW_LOCK, OWNER_COLD, OWNER_HOT);
        registry.startSubnet(SHALLOW, staking.currentSlot());
    }

    function test_maxStakeAtLimitStopsAtTheAlphaFloor() public {
        IStakingTypes.PoolView memory p = staking.pool(SHALLOW);
        uint256 maxIn = staking.maxStakeAtLimit(SHALLOW, NO_LIMIT);
        assertTrue(maxIn < p.taoReserve * PoolMath.MAX_INPUT_MULTIPLE, "the floor binds before the input cap");
        (uint256 outNext, ) = PoolMath.swapOut(p.taoReserve, p.alphaReserve, maxIn + 1, true);
        uint256 below = p.alphaReserve - outNext;
        assertTrue(below < PoolMath.MIN_RESERVE, "one more rao would break the floor");
        vm.prank(ALICE);
        vm.expectRevert(
            abi.encodeWithSelector(IStakingTypes.ReserveBelowMinimum.selector, below, PoolMath.MIN_RESERVE)
        );
        staking.stake(SHALLOW, HOT1, maxIn + 1, NO_LIMIT, false, block.timestamp);
        // What the view returns succeeds, and leaves the reserve at its floor or above.
        uint256 out = _stake(ALICE, SHALLOW, HOT1, maxIn);
        assertTrue(out > 0, "bought alpha");
        assertGe(staking.pool(SHALLOW).alphaReserve, PoolMath.MIN_RESERVE, "at the floor or above");
        assertTrue(staking.maxStakeAtLimit(SHALLOW, NO_LIMIT) < staking.MIN_STAKE(), "no further stake fits");
    }

    function test_partialStakeFillsToTheAlphaFloor() public {
        uint256 maxIn = staking.maxStakeAtLimit(SHALLOW, NO_LIMIT);
        uint256 before = tao.balanceOf(ALICE);
        // A finite limit far above any price the pool can reach: only the floor binds.
        vm.prank(ALICE);
        (uint256 out, uint256 used) = staking.stake(SHALLOW, HOT1, 10 * maxIn, NO_LIMIT - 1, true, block.timestamp);
        assertEq(used, maxIn, "filled exactly what the view said");
        assertEq(before - tao.balanceOf(ALICE), maxIn, "pulled only what was used");
        assertEq(_alphaOf(SHALLOW, HOT1, ALICE), out, "position");
        assertGe(staking.pool(SHALLOW).alphaReserve, PoolMath.MIN_RESERVE, "at the floor or above");
        // Without allowPartial the same stake still reverts, naming the reserve it would have left.
        vm.prank(BOB);
        vm.expectRevert();
        staking.stake(SHALLOW, HOT2, 10 * maxIn, NO_LIMIT - 1, false, block.timestamp);
    }

    function test_partialStakeAtTheFloorSaysSo() public {
        _stake(ALICE, SHALLOW, HOT1, staking.maxStakeAtLimit(SHALLOW, NO_LIMIT));
        IStakingTypes.PoolView memory p = staking.pool(SHALLOW);
        // A pool at its floor fills nothing: the swap's own error names the reserve it would leave.
        (uint256 out, ) = PoolMath.swapOut(p.taoReserve, p.alphaReserve, 1e9, true);
        vm.prank(BOB);
        vm.expectRevert(
            abi.encodeWithSelector(
                IStakingTypes.ReserveBelowMinimum.selector,
                p.alphaReserve - out,
                PoolMath.MIN_RESERVE
            )
        );
        staking.stake(SHALLOW, HOT2, 1e9, NO_LIMIT - 1, true, block.timestamp);
    }
}
