// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {StakingFixture} from "./StakingFixture.t.sol";
import {IStakingTypes} from "../../contracts/interfaces/IStaking.sol";
import {PoolMath} from "../../contracts/libraries/PoolMath.sol";
import {Staking} from "../../contracts/Staking.sol";
import {StakingEmissionModule} from "../../contracts/StakingEmissionModule.sol";
import {MockRegistryForStaking} from "../../contracts/harness/MockRegistryForStaking.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";

contract StakingFlowsTest is StakingFixture {
    function setUp() public override {
        super.setUp();
        _createStarted(1);
        _createStarted(2);
    }

    function test_poolSeededByLock() public view {
        IStakingTypes.PoolView memory p = staking.pool(1);
        assertTrue(p.live && !p.started, "live, start not yet seen");
        assertEq(p.taoReserve, LOCK, "tao reserve = lock");
        assertEq(p.alphaReserve, LOCK, "alpha reserve = lock / 1");
        assertEq(staking.spotPrice(1), 1e18, "price 1");
        (, , uint256 protocolTao) = staking.ledger(); // the fixture's first coinbase, minted to no subnet
        assertEq(tao.balanceOf(address(staking)), 2 * LOCK + protocolTao, "locks held by staking");
    }

    function test_stakeBuysQuotedAlpha() public {
        (uint256 quoted, uint256 fee) = staking.quoteStake(1, 10e9);
        assertEq(fee, (uint256(10e9) * 33 + 65534) / 65535, "fee rounded up");
        uint256 before = tao.balanceOf(ALICE);
        uint256 out = _stake(ALICE, 1, HOT1, 10e9);
        assertEq(out, quoted, "alpha = quote");
        assertEq(before - tao.balanceOf(ALICE), 10e9, "one pull of taoIn");
        assertEq(_alphaOf(1, HOT1, ALICE), out, "position alpha");
        (uint256 hk, ) = staking.hotkeyStake(1, HOT1);
        assertEq(hk, out, "hotkey total");
        IStakingTypes.PoolView memory p = staking.pool(1);
        assertEq(p.taoReserve, LOCK + 10e9, "fee kept in reserve");
        assertEq(p.alphaReserve, LOCK - out, "alpha left the pool");
        assertEq(p.alphaStaked, out, "alpha staked");
        assertEqInt(p.pendingFlow, int256(10e9), "inflow counted");
        assertTrue(p.started, "start discovered");
    }

    function test_roundTripLosesAtLeastFees() public {
        uint256 out = _stake(ALICE, 1, HOT1, 50e9);
        uint256 back = _unstake(ALICE, 1, HOT1, out);
        uint256 fee = PoolMath.feeOf(50e9);
        assertLe(back + fee, 50e9, "round trip loses at least the buy fee");
        assertEq(_alphaOf(1, HOT1, ALICE), 0, "closed");
        (uint256 hk, uint256 sh) = staking.hotkeyStake(1, HOT1);
        assertEq(hk + sh, 0, "pool emptied");
    }

    function test_rootStakesOneToOne() public {
        vm.prank(ALICE);
        (uint256 out, uint256 used) = staking.stake(0, HOT1, 7e9, 1e9, false, block.timestamp);
        assertEq(out, 7e9, "1:1");
        assertEq(used, 7e9, "all used");
        (uint256 root, , ) = staking.ledger();
        assertEq(root, 7e9, "root ledger");
        assertEq(staking.stakeWeight(0, HOT1), 7e9, "root weight");
        // tao_weight 0.18 of root stake counts on every live subnet.
        assertApprox(staking.stakeWeight(1, HOT1), (7e9 * 18) / 100, 1, "0.18 x root on subnet 1");
        uint256 back = _unstake(ALICE, 0, HOT1, 7e9);
        assertEq(back, 7e9, "1:1 back");
    }

    function test_rootLimitBelowOneFillsNothing() public {
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IStakingTypes.PriceLimitExceeded.selector, 5e9, 0, 1e9 - 1));
        staking.stake(0, HOT1, 5e9, 1e9 - 1, true, block.timestamp);
    }

    function test_revertsCarryValues() public {
        uint256 ts = block.timestamp;
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IStakingTypes.DeadlineExpired.selector, ts - 1, ts));
        staking.stake(1, HOT1, 1e9, NO_LIMIT, false, ts - 1);

        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IStakingTypes.BelowMinimumStake.selector, 1_999_999, 2_000_000));
        staking.stake(1, HOT1, 1_999_999, NO_LIMIT, false, ts);

        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IStakingTypes.SubnetNotFound.selector, uint16(9)));
        staking.stake(9, HOT1, 1e9, NO_LIMIT, false, ts);

        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IStakingTypes.HotkeyNotBound.selector, address(0xdead)));
        staking.stake(1, address(0xdead), 1e9, NO_LIMIT, false, ts);

        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IStakingTypes.InputTooLarge.selector, LOCK * 1000 + 1, LOCK * 1000));
        staking.stake(1, HOT1, LOCK * 1000 + 1, NO_LIMIT, false, ts);

        _stake(ALICE, 1, HOT1, 1e9);
        uint256 held = _alphaOf(1, HOT1, ALICE);
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IStakingTypes.InsufficientStake.selector, held + 1, held));
        staking.unstake(1, HOT1, held + 1, 0, false, ts);
    }

    function test_notStartedSubnetRejectsStake() public {
        registry.createSubnet(3, LOCK, OWNER_COLD, OWNER_HOT);
        uint64 slot = staking.currentSlot();
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IStakingTypes.SubnetNotStarted.selector, uint16(3), uint64(0), slot));
        staking.stake(3, HOT1, 1e9, NO_LIMIT, false, block.timestamp);
        registry.startSubnet(3, slot + 10);
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IStakingTypes.SubnetNotStarted.selector, uint16(3), slot + 10, slot));
        staking.stake(3, HOT1, 1e9, NO_LIMIT, false, block.timestamp);
        _warpSlots(10);
        assertTrue(_stake(ALICE, 3, HOT1, 1e9) > 0, "stakes once started");
    }

    function test_unstakeBelowMinimumUnlessClosing() public {
        uint256 out = _stake(ALICE, 1, HOT1, 1e9);
        (uint256 tiny, ) = staking.quoteUnstake(1, 1000);
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IStakingTypes.BelowMinimumStake.selector, tiny, 2_000_000));
        staking.unstake(1, HOT1, 1000, 0, false, block.timestamp);
        // Closing the whole position is always allowed.
        vm.prank(ALICE);
        (uint256 taoOut, uint256 used) = staking.unstakeAll(1, HOT1, 0, block.timestamp);
        assertEq(used, out, "all alpha");
        assertTrue(taoOut > 0, "tao back");
    }

    function test_limitBuyFillsExactlyToBoundary() public {
        // Limit 1.01 TAO per alpha: the fill leaves the price <= limit and one more rao would pass it.
        uint256 limit = 1.01e9;
        uint256 maxIn = staking.maxStakeAtLimit(1, limit);
        assertTrue(maxIn > 0 && maxIn < 100e9, "binding limit");
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IStakingTypes.PriceLimitExceeded.selector, 100e9, maxIn, limit));
        staking.stake(1, HOT1, 100e9, limit, false, block.timestamp);
        IStakingTypes.PoolView memory p = staking.pool(1);
        assertLe(PoolMath.priceAfterBuy(p.taoReserve, p.alphaReserve, maxIn, true), limit, "at boundary");
        assertTrue(PoolMath.priceAfterBuy(p.taoReserve, p.alphaReserve, maxIn + 1, true) > limit, "one more passes");
        vm.prank(ALICE);
        (, uint256 used) = staking.stake(1, HOT1, 100e9, limit, true, block.timestamp);
        assertEq(used, maxIn, "partial fill = max amount");
        p = staking.pool(1);
        assertLe((p.taoReserve * 1e9 + p.alphaReserve - 1) / p.alphaReserve, limit, "price after <= limit");
    }

    function test_limitSellFillsExactlyToBoundary() public {
        uint256 out = _stake(ALICE, 1, HOT1, 100e9);
        uint256 limit = staking.spotPrice(1) / 1e9 - 5e6; // ~0.5 % below spot
        uint256 maxIn = staking.maxUnstakeAtLimit(1, limit);
        assertTrue(maxIn > 0 && maxIn < out, "binding");
        vm.prank(ALICE);
        (, uint256 used) = staking.unstake(1, HOT1, out, limit, true, block.timestamp);
        assertEq(used, maxIn, "partial = max");
        assertEq(_alphaOf(1, HOT1, ALICE), out - maxIn, "unused alpha stays staked");
        IStakingTypes.PoolView memory p = staking.pool(1);
        assertGe((p.taoReserve * 1e9) / p.alphaReserve, limit, "price after >= limit");
    }

    function test_delegateTake() public {
        (uint16 take, ) = staking.delegateTake(HOT1);
        assertEq(take, 11_796, "default 18 %");
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IStakingTypes.NotHotkeyOwner.selector, HOT1, ALICE, COLD1));
        staking.setDelegateTake(HOT1, 100);
        vm.prank(COLD1);
        vm.expectRevert(abi.encodeWithSelector(IStakingTypes.TakeTooHigh.selector, uint16(11_797), uint16(11_796)));
        staking.setDelegateTake(HOT1, 11_797);
        vm.prank(COLD1);
        staking.setDelegateTake(HOT1, 1000); // decrease: any time
        vm.prank(COLD1);
        staking.setDelegateTake(HOT1, 500);
        uint64 next = staking.currentSlot() + 216_000;
        vm.prank(COLD1);
        vm.expectRevert(abi.encodeWithSelector(IStakingTypes.RateLimited.selector, next));
        staking.setDelegateTake(HOT1, 2000);
        _warpSlots(216_000);
        vm.prank(COLD1);
        staking.setDelegateTake(HOT1, 2000);
        (take, ) = staking.delegateTake(HOT1);
        assertEq(take, 2000, "increased after the rate limit");
    }

    function test_moveStakeSameSubnetMovesShares() public {
        uint256 out = _stake(ALICE, 1, HOT1, 10e9);
        IStakingTypes.PoolView memory before = staking.pool(1);
        uint256 fee = PoolMath.feeOf(out / 2);
        assertTrue(fee > 0, "a fee to see");
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IStakingTypes.SlippageExceeded.selector, out / 2 - fee, out / 2));
        staking.moveStake(HOT1, HOT2, 1, 1, out / 2, out / 2, block.timestamp);
        vm.prank(ALICE);
        uint256 moved = staking.moveStake(HOT1, HOT2, 1, 1, out / 2, out / 2 - fee, block.timestamp);
        assertEq(moved, out / 2 - fee, "moved less the pool fee (another hotkey)");
        assertEq(_alphaOf(1, HOT2, ALICE), moved, "dest position");
        assertApprox(_alphaOf(1, HOT1, ALICE), out - out / 2, 1, "origin rest");
        IStakingTypes.PoolView memory afterP = staking.pool(1);
        assertEq(afterP.taoReserve, before.taoReserve, "no swap");
        assertEq(afterP.alphaReserve, before.alphaReserve, "no swap");
        assertEq(afterP.protocolAlpha, before.protocolAlpha + fee, "the fee is protocol alpha");
        assertEq(afterP.alphaStaked, before.alphaStaked - fee, "staked alpha less the fee");
    }

    function test_sameSubnetTransferToAnotherColdkeyIsFeeFree() public {
        uint256 out = _stake(ALICE, 1, HOT1, 10e9);
        IStakingTypes.PoolView memory before = staking.pool(1);
        vm.prank(ALICE);
        uint256 got = staking.transferStake(BOB, HOT1, 1, 1, out / 2, out / 2, block.timestamp);
        assertEq(got, out / 2, "same hotkey pool: shares change hands 1:1");
        assertEq(staking.pool(1).protocolAlpha, before.protocolAlpha, "no fee");
    }

    /// @dev Audit (stop 27): a claim credits a hotkey's pool whenever anyone claims after the close. A fee-free
    /// move in, claim and move out took most of a validator's nominators' dividend for nothing. With the fee the
    /// round trip costs what stake and unstake would: a dividend below it (0.05 % of the hotkey's stake here) is a
    /// loss to the mover, and the nominator keeps more than half of its own part.
    function test_jitMoveAroundAClaimCostsTheFee() public {
        uint256 alice0 = _stake(ALICE, 1, HOT1, 100e9);
        uint256 bob0 = _stake(BOB, 1, HOT2, 900e9);
        _warpSlots(50);
        emission.coinbase();
        uint64 close = staking.currentSlot();
        (uint256 hk, ) = staking.hotkeyStake(1, HOT1);
        _warpSlots(1);
        vm.prank(BOB);
        staking.moveStake(HOT2, HOT1, 1, 1, bob0, 0, block.timestamp);
        uint256 dividend = hk / 2000; // 0.05 % of HOT1's stake at the close
        staking.creditEmission(1, HOT1, 0, dividend, close); // the claim: anyone may send it
        uint256 bobOnHot1 = _alphaOf(1, HOT1, BOB);
        vm.prank(BOB);
        staking.moveStake(HOT1, HOT2, 1, 1, bobOnHot1, 0, block.timestamp);
        assertTrue(_alphaOf(1, HOT2, BOB) < bob0, "the round trip lost the mover alpha");
        assertTrue(_alphaOf(1, HOT1, ALICE) > alice0, "the nominator gained");
    }

    /// @dev Audit (stop 27): a closing move of a dust position was exempt from the minimum stake, so a validator
    /// could seed its emptied pool with 3 shares before a dividend and round every later stake on it down.
    function test_dustMoveRevertsEvenWhenItClosesThePosition() public {
        _warpSlots(5);
        emission.coinbase(); // emission to credit from
        staking.creditEmission(1, HOT2, 3, 0, 0); // a 3-rao incentive: COLD2's whole position on HOT2
        assertEq(_alphaOf(1, HOT2, COLD2), 3, "dust position");
        IStakingTypes.PoolView memory p = staking.pool(1);
        uint256 value = (3 * p.taoReserve) / p.alphaReserve;
        vm.prank(COLD2);
        vm.expectRevert(abi.encodeWithSelector(IStakingTypes.BelowMinimumStake.selector, value, staking.MIN_STAKE()));
        staking.moveStake(HOT2, HOT1, 1, 1, 3, 0, block.timestamp);
    }

    function test_moveStakeAcrossSubnetsPaysOneFee() public {
        uint256 out = _stake(ALICE, 1, HOT1, 10e9);
        (uint256 taoMid, ) = staking.quoteUnstake(1, out);
        IStakingTypes.PoolView memory p2 = staking.pool(2);
        (uint256 expected, ) = PoolMath.swapOut(p2.taoReserve, p2.alphaReserve, taoMid, false);
        vm.prank(ALICE);
        uint256 moved = staking.moveStake(HOT1, HOT1, 1, 2, out, 0, block.timestamp);
        assertEq(moved, expected, "sell pays the fee, buy is fee-free");
        assertEq(_alphaOf(1, HOT1, ALICE), 0, "origin closed");
        assertEq(_alphaOf(2, HOT1, ALICE), moved, "dest");
        assertEqInt(staking.pool(1).pendingFlow, int256(10e9) - int256(taoMid), "origin outflow");
        assertEqInt(staking.pool(2).pendingFlow, int256(taoMid), "dest inflow");
    }

    function test_moveSlippageReverts() public {
        uint256 out = _stake(ALICE, 1, HOT1, 10e9);
        (uint256 taoMid, ) = staking.quoteUnstake(1, out);
        IStakingTypes.PoolView memory p2 = staking.pool(2);
        (uint256 expected, ) = PoolMath.swapOut(p2.taoReserve, p2.alphaReserve, taoMid, false);
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IStakingTypes.SlippageExceeded.selector, expected, expected + 1));
        staking.moveStake(HOT1, HOT1, 1, 2, out, expected + 1, block.timestamp);
    }

    function test_transferStakeToAnotherColdkey() public {
        uint256 out = _stake(ALICE, 1, HOT1, 10e9);
        vm.prank(ALICE);
        staking.transferStake(BOB, HOT1, 1, 1, out, out, block.timestamp);
        assertEq(_alphaOf(1, HOT1, BOB), out, "bob owns it");
        assertEq(_alphaOf(1, HOT1, ALICE), 0, "alice does not");
        // Root to subnet: the buy leg pays the fee.
        vm.prank(BOB);
        staking.stake(0, HOT2, 5e9, NO_LIMIT, false, block.timestamp);
        (uint256 q, ) = staking.quoteStake(2, 5e9);
        vm.prank(BOB);
        uint256 got = staking.transferStake(CAROL, HOT2, 0, 2, 5e9, q, block.timestamp);
        assertEq(got, q, "root -> subnet at the fee-paying quote");
        assertEq(_alphaOf(2, HOT2, CAROL), q, "carol's position");
    }

    function test_stakeWeightCheckpointedBySlot() public {
        uint64 s0 = staking.currentSlot();
        uint256 a1 = _stake(ALICE, 1, HOT1, 10e9);
        _warpSlots(5);
        uint256 a2 = _stake(BOB, 1, HOT1, 20e9);
        _warpSlots(5);
        vm.prank(ALICE);
        staking.stake(0, HOT1, 100e9, NO_LIMIT, false, block.timestamp);
        uint64 s2 = staking.currentSlot();
        assertEq(staking.stakeWeightAt(1, HOT1, s0 - 1), 0, "before any stake");
        assertEq(staking.stakeWeightAt(1, HOT1, s0), a1, "end of first slot");
        assertEq(staking.stakeWeightAt(1, HOT1, s0 + 5), a1 + a2, "after second stake");
        uint256 rootPart = (uint256(100e9) * staking.taoWeight()) / type(uint64).max;
        assertEq(staking.stakeWeightAt(1, HOT1, s2), a1 + a2 + rootPart, "root counted with tao_weight");
        assertEq(staking.stakeWeight(1, HOT1), a1 + a2 + rootPart, "now");
        // A later tao_weight change does not rewrite history.
        _warpSlots(1);
        staking.setTaoWeight(0);
        assertEq(staking.stakeWeightAt(1, HOT1, s2), a1 + a2 + rootPart, "history kept");
        assertEq(staking.stakeWeight(1, HOT1), a1 + a2, "tao weight 0 now");
    }

    function test_stakeWithPermit() public {
        uint256 pk = 0xA11CE5;
        address owner = vm.addr(pk);
        emission.seedIssuance(owner, 10e9);
        uint256 deadline = block.timestamp + 100;
        bytes32 digest = _permitDigest(owner, address(staking), 5e9, 0, deadline);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(pk, digest);
        vm.prank(owner);
        (uint256 out, uint256 used) = staking.stakeWithPermit(1, HOT1, 5e9, NO_LIMIT, false, deadline, v, r, s);
        assertEq(used, 5e9, "pulled with the permit");
        assertEq(_alphaOf(1, HOT1, owner), out, "position");
    }

    function _permitDigest(
        address owner,
        address spender,
        uint256 value,
        uint256 nonce,
        uint256 deadline
    ) internal view returns (bytes32) {
        bytes32 typehash = keccak256(
            "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"
        );
        bytes32 structHash = keccak256(abi.encode(typehash, owner, spender, value, nonce, deadline));
        return keccak256(abi.encodePacked("\x19\x01", IERC20Permit(address(tao)).DOMAIN_SEPARATOR(), structHash));
    }

    function test_lockMustArriveBeforeTheHook() public {
        vm.expectRevert(abi.encodeWithSelector(IStakingTypes.LockNotReceived.selector, LOCK, 0));
        registry.createSubnetUnfunded(7, LOCK);
        vm.expectRevert(abi.encodeWithSelector(IStakingTypes.SubnetAlreadyExists.selector, uint16(1)));
        registry.createSubnet(1, LOCK, OWNER_COLD, OWNER_HOT);
        vm.expectRevert(abi.encodeWithSelector(IStakingTypes.LockBelowMinimum.selector, 999_999, 1_000_000));
        registry.createSubnet(8, 999_999, OWNER_COLD, OWNER_HOT);
    }

    function test_seedPriceIsTheMedian() public {
        // Push subnet 2's price up; a new pool is seeded at the (lower) median of the live prices.
        _stake(ALICE, 2, HOT1, 500e9);
        registry.createSubnet(3, LOCK, OWNER_COLD, OWNER_HOT);
        uint256 p1 = staking.spotPrice(1);
        uint256 p3 = staking.spotPrice(3);
        assertApprox(p3, p1, p1 / 1e9 + 1, "lower median of {p1, p2}");
        registry.createSubnet(4, LOCK, OWNER_COLD, OWNER_HOT);
        assertApprox(staking.spotPrice(4), p1, p1 / 1e9 + 1, "median of {p1, p2, p3}");
    }

    function test_moduleMustMatch() public {
        MockRegistryForStaking other = new MockRegistryForStaking(emission.tao());
        StakingEmissionModule wrong = new StakingEmissionModule(emission, other);
        vm.expectRevert(abi.encodeWithSelector(IStakingTypes.ModuleMismatch.selector, address(wrong)));
        new Staking(emission, registry, wrong, address(this));
        // The module refuses direct calls: it only runs on Staking's storage.
        vm.expectRevert(StakingEmissionModule.NotDelegated.selector);
        wrong.onEmission(0, 1, 1);
    }

    function test_onlyRegistryEmissionSettlement() public {
        vm.expectRevert(abi.encodeWithSelector(IStakingTypes.NotRegistry.selector, address(this)));
        staking.onSubnetCreated(5, LOCK);
        vm.expectRevert(abi.encodeWithSelector(IStakingTypes.NotEmission.selector, address(this)));
        staking.onEmission(0, 1, 1);
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IStakingTypes.NotSettlement.selector, ALICE, address(this)));
        staking.creditEmission(1, HOT1, 0, 1, 0);
        vm.expectRevert(abi.encodeWithSelector(IStakingTypes.SettlementAlreadySet.selector, address(this)));
        staking.setSettlement(ALICE);
    }
}
