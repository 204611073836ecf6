// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {StakingFixture} from "./StakingFixture.t.sol";
import {IStakingTypes} from "../../contracts/interfaces/IStaking.sol";

contract StakingDissolveTest is StakingFixture {
    function setUp() public override {
        super.setUp();
        _createStarted(1);
        emission.coinbase();
    }

    /// @dev This test contract is the settlement.
    function _credit(uint16 netuid, address hotkey, uint256 amount) internal {
        staking.creditEmission(netuid, hotkey, 0, amount, staking.currentSlot());
    }

    function _populate() internal returns (uint256 staked) {
        _stake(ALICE, 1, HOT1, 100e9);
        _stake(BOB, 1, HOT1, 50e9);
        _stake(CAROL, 1, HOT2, 30e9);
        _warpSlots(20);
        emission.coinbase();
        _credit(1, HOT1, 7e9);
        _credit(1, HOT2, 3e9);
        staked = staking.pool(1).alphaStaked;
    }

    function test_dissolvePaysProRataLazily() public {
        uint256 staked = _populate();
        (uint256 h1, ) = staking.hotkeyStake(1, HOT1);
        (uint256 h2, ) = staking.hotkeyStake(1, HOT2);
        assertEq(h1 + h2, staked, "hotkey totals = alpha staked");
        uint256 pot = staking.pool(1).taoReserve;
        uint256 aliceAlpha = _alphaOf(1, HOT1, ALICE);
        registry.dissolve(1);
        (uint256 tPot, uint256 tStaked, uint256 unclaimed) = staking.dissolved(1, 0);
        assertEq(tPot, pot, "pot = pool TAO");
        assertEq(tStaked, staked, "shared by staked alpha");
        assertEq(unclaimed, pot, "nothing claimed yet");
        assertTrue(!staking.pool(1).live, "pool gone");
        assertEq(tao.balanceOf(address(staking)), _accountedTao(), "ledger = balance after dissolution");

        uint256 before = tao.balanceOf(ALICE);
        vm.prank(ALICE);
        uint256 got = staking.claimDissolved(1, HOT1);
        assertApprox(got, (aliceAlpha * pot) / staked, pot / staked + 1, "pro rata to alpha");
        assertEq(tao.balanceOf(ALICE) - before, got, "paid");
        vm.prank(BOB);
        uint256 gotBob = staking.claimDissolved(1, HOT1);
        vm.prank(CAROL);
        uint256 gotCarol = staking.claimDissolved(1, HOT2);
        // The hotkeys' coldkeys hold the delegate takes.
        vm.prank(COLD1);
        uint256 gotC1 = staking.claimDissolved(1, HOT1);
        vm.prank(COLD2);
        uint256 gotC2 = staking.claimDissolved(1, HOT2);
        uint256 paid = got + gotBob + gotCarol + gotC1 + gotC2;
        assertLe(paid, pot, "never more than the pot");
        assertLe(pot - paid, 5, "at most a rao of dust per position");
        (, , unclaimed) = staking.dissolved(1, 0);
        assertEq(unclaimed, pot - paid, "unclaimed tracks the rest");
        assertEq(tao.balanceOf(address(staking)), _accountedTao(), "ledger = balance after claims");

        vm.prank(ALICE);
        vm.expectRevert(
            abi.encodeWithSelector(IStakingTypes.NothingToClaim.selector, uint16(1), uint24(0), HOT1, ALICE)
        );
        staking.claimDissolved(1, HOT1);
    }

    function test_netuidReusedImmediately() public {
        _populate();
        registry.dissolve(1);
        registry.createSubnet(1, 2 * LOCK, OWNER_COLD, OWNER_HOT);
        registry.startSubnet(1, staking.currentSlot());
        IStakingTypes.PoolView memory p = staking.pool(1);
        assertTrue(p.live, "live again");
        assertEq(p.generation, 1, "new generation");
        assertEq(p.taoReserve, 2 * LOCK, "fresh pool");
        assertEq(p.alphaStaked, 0, "no stakers carried over");
        assertEq(_alphaOf(1, HOT1, ALICE), 0, "old position not visible in the new generation");
        assertEq(staking.stakeWeight(1, HOT1), 0, "old weight gone");
        uint256 out = _stake(ALICE, 1, HOT1, 10e9);
        assertEq(_alphaOf(1, HOT1, ALICE), out, "new position");
        // The old generation is still claimable, by the short form (last dissolved) and by number.
        vm.prank(ALICE);
        assertTrue(staking.claimDissolved(1, HOT1) > 0, "old claim");
        vm.prank(BOB);
        assertTrue(staking.claimDissolved(1, HOT1, 0) > 0, "old claim by generation");
        assertEq(_alphaOf(1, HOT1, ALICE), out, "claiming leaves the new position alone");
        assertEq(tao.balanceOf(address(staking)), _accountedTao(), "ledger = balance");
    }

    function test_dissolvedSubnetRejectsOperations() public {
        _stake(ALICE, 1, HOT1, 10e9);
        registry.dissolve(1);
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IStakingTypes.SubnetNotFound.selector, uint16(1)));
        staking.unstake(1, HOT1, 1e9, 0, false, block.timestamp);
        vm.expectRevert(abi.encodeWithSelector(IStakingTypes.SubnetNotFound.selector, uint16(1)));
        staking.creditEmission(1, HOT1, 0, 1, 0);
        vm.expectRevert(abi.encodeWithSelector(IStakingTypes.NotDissolved.selector, uint16(1), uint24(1)));
        staking.claimDissolved(1, HOT1, 1);
        vm.expectRevert(abi.encodeWithSelector(IStakingTypes.SubnetNotFound.selector, uint16(1)));
        registry.dissolve(1);
        // Coinbase keeps working without it.
        _warpSlots(3);
        uint256 minted = emission.coinbase();
        (, , uint256 protocol) = staking.ledger();
        assertGe(protocol, minted, "no emitting subnet: reserve");
    }

    function test_dissolveWithoutStakersGoesToProtocol() public {
        uint256 pot = staking.pool(1).taoReserve;
        (, , uint256 p0) = staking.ledger();
        registry.dissolve(1);
        (, , uint256 p1) = staking.ledger();
        assertEq(p1 - p0, pot, "nobody to pay: protocol reserve");
        assertEq(tao.balanceOf(address(staking)), _accountedTao(), "ledger = balance");
    }

    function test_neverDissolvedGeneration() public {
        vm.expectRevert(abi.encodeWithSelector(IStakingTypes.NotDissolved.selector, uint16(1), uint24(0)));
        staking.claimDissolved(1, HOT1);
    }
}
