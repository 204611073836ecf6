// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {StakingFixture} from "./StakingFixture.t.sol";
import {IStakingTypes} from "../../contracts/interfaces/IStaking.sol";
import {EmissionHarness} from "../../contracts/harness/EmissionHarness.sol";
import {MockRegistryForStaking} from "../../contracts/harness/MockRegistryForStaking.sol";
import {Staking} from "../../contracts/Staking.sol";
import {StakingEmissionModule} from "../../contracts/StakingEmissionModule.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

contract StakingEmissionTest is StakingFixture {
    uint256 internal constant CUT = 11_796;

    function _coinbase() internal returns (uint256) {
        return emission.coinbase();
    }

    function _taoReserves(uint16[] memory ids) internal view returns (uint256[] memory r) {
        r = new uint256[](ids.length);
        for (uint256 i; i < ids.length; ++i) {
            r[i] = staking.pool(ids[i]).taoReserve;
        }
    }

    function _ids(uint16 a, uint16 b) internal pure returns (uint16[] memory ids) {
        ids = new uint16[](2);
        (ids[0], ids[1]) = (a, b);
    }

    function test_oneSubnetGetsEverything() public {
        registry.setTempo(1, 50_000, 0); // one long epoch: epoch 0
        _createStarted(1);
        _coinbase(); // flush the slots before the start
        IStakingTypes.PoolView memory p0 = staking.pool(1);
        (uint256 o0, uint256 d0) = staking.epochEmission(1, 0);
        _warpSlots(1);
        uint256 minted = _coinbase();
        assertEq(minted, 1e9, "one slot at 1 TAO");
        IStakingTypes.PoolView memory p1 = staking.pool(1);
        assertEq(p1.taoReserve - p0.taoReserve, minted, "tao_in = all of it");
        uint256 alphaIn = (minted * p0.alphaReserve) / p0.taoReserve;
        assertEq(p1.alphaReserve - p0.alphaReserve, alphaIn, "alpha_in at the current price");
        assertEq(p1.alphaPending - p0.alphaPending, 1e9, "alpha_out = 1 alpha per slot");
        assertEq(p1.alphaIssuance - p0.alphaIssuance, 1e9 + alphaIn, "issuance grows by in + out");
        (uint256 o1, uint256 d1) = staking.epochEmission(1, 0);
        assertEq(o1 - o0, (uint256(1e9) * CUT) / 65535, "owner cut floor(1e9 * 11796 / 65535)");
        assertEq(d1 - d0, 1e9 - (uint256(1e9) * CUT) / 65535, "distributable = the rest");
        assertEq(tao.balanceOf(address(staking)), _accountedTao(), "ledger = balance");
    }

    /// @notice Stake, `coinbase()`, unstake in one transaction (audit): the stake mints the pending slots first,
    /// with the flows and prices from before it, so the split is the honest one, the coinbase after it mints
    /// nothing, and the round trip only pays its fees. Without the accrual the same trade, 100 slots after the last
    /// coinbase, steered 85.7 of the 100 TAO to subnet 1 and returned 42 TAO to the trader.
    function test_stakeCoinbaseUnstakeInOneTransactionGainsNothing() public {
        _createStarted(1);
        _createStarted(2);
        _coinbase();
        _stake(BOB, 1, HOT2, 1000e9); // equal organic inflow to both
        _stake(BOB, 2, HOT2, 1000e9);
        _warpSlots(1);
        _coinbase();
        _warpSlots(100); // nobody mints for 100 slots
        uint256[] memory before = _taoReserves(_ids(1, 2));
        uint256 balance = tao.balanceOf(ALICE);

        vm.prank(ALICE);
        (, uint256 used) = staking.stake(1, HOT1, 5000e9, NO_LIMIT, false, block.timestamp);
        uint256 in1 = staking.pool(1).taoReserve - before[0] - used;
        uint256 in2 = staking.pool(2).taoReserve - before[1];
        assertEq(in1 + in2, 100e9, "the stake minted the 100 pending slots first");
        assertEq(in1, in2, "split by the flows from before the stake");
        assertEq(_coinbase(), 0, "nothing left to mint in this slot");
        vm.prank(ALICE);
        staking.unstakeAll(1, HOT1, 0, block.timestamp);
        assertTrue(tao.balanceOf(ALICE) < balance, "the round trip pays its fees, gains nothing");
    }

    /// @notice An unstake, and a move, mint the pending slots before they touch a pool too.
    function test_unstakeAndMoveMintThePendingSlotsFirst() public {
        _createStarted(1);
        _createStarted(2);
        _stake(ALICE, 1, HOT1, 100e9);
        _warpSlots(5);
        uint64 slot = staking.currentSlot();
        vm.prank(ALICE);
        staking.unstake(1, HOT1, 1e9, 0, false, block.timestamp);
        assertEq(emission.lastMintedSlot(), slot, "unstake minted first");
        _warpSlots(5);
        vm.prank(ALICE);
        staking.moveStake(HOT1, HOT1, 1, 2, 1e9, 0, block.timestamp);
        assertEq(emission.lastMintedSlot(), slot + 5, "move minted first");
    }

    function test_notStartedSubnetGetsNothing() public {
        _createStarted(1);
        registry.createSubnet(2, LOCK, OWNER_COLD, OWNER_HOT); // never started
        _coinbase();
        _warpSlots(3);
        IStakingTypes.PoolView memory before = staking.pool(2);
        _coinbase();
        IStakingTypes.PoolView memory afterP = staking.pool(2);
        assertEq(afterP.taoReserve, before.taoReserve, "no tao");
        assertEq(afterP.alphaPending, 0, "no alpha");
        assertTrue(!afterP.started, "still not started");
        // A start in the future is not a start either.
        registry.startSubnet(2, staking.currentSlot() + 5);
        _warpSlots(2);
        _coinbase();
        assertEq(staking.pool(2).alphaPending, 0, "future start: nothing");
        _warpSlots(10);
        _coinbase();
        // Only the slots at or after the start emit alpha.
        assertEq(staking.pool(2).alphaPending, 8e9, "slots start..now");
    }

    function test_noEmittingSubnetGoesToProtocolReserve() public {
        _coinbase();
        _warpSlots(4);
        uint256 minted = _coinbase();
        (, , uint256 protocol) = staking.ledger();
        assertGe(protocol, minted, "reserve took it");
        uint256 issuance = emission.issuance();
        staking.recycleProtocolTao(protocol);
        assertEq(emission.issuance(), issuance - protocol, "recycled: issuance falls");
        (, , protocol) = staking.ledger();
        assertEq(protocol, 0, "reserve spent");
        assertEq(tao.balanceOf(address(staking)), _accountedTao(), "ledger = balance");
    }

    function test_flowSharesFavourInflow() public {
        _createStarted(1);
        _createStarted(2);
        _coinbase();
        _stake(ALICE, 1, HOT1, 100e9);
        _warpSlots(1);
        uint16[] memory ids = _ids(1, 2);
        uint256[] memory r0 = _taoReserves(ids);
        uint256 minted = _coinbase();
        uint256[] memory r1 = _taoReserves(ids);
        assertEq(r1[0] - r0[0], minted, "all TAO to the subnet with inflow");
        assertEq(r1[1], r0[1], "none to the subnet without");
        assertTrue(staking.pool(2).alphaPending > 0, "alpha side still runs");
        assertEq(staking.emissionShare(1), 1e18, "share view");
    }

    function test_negativeFlowClippedAndEmaPriceFallback() public {
        _createStarted(1);
        _createStarted(2);
        _coinbase();
        _warpSlots(100);
        _coinbase();
        // Pure outflow on subnet 1: alpha credited by the settlement, then sold (its price falls below 1).
        this.creditEmission(1, HOT1, staking.pool(1).alphaPending);
        vm.prank(COLD1);
        staking.unstakeAll(1, HOT1, 0, block.timestamp);
        _warpSlots(1);
        _coinbase(); // flow EMA of 1 goes negative: weights are all zero -> EMA price
        assertTrue(staking.pool(1).flowEma < 0, "negative flow EMA");
        uint256 e1 = staking.pool(1).emaPrice;
        uint256 e2 = staking.pool(2).emaPrice;
        assertTrue(staking.spotPrice(1) < 1e18 && staking.spotPrice(2) >= 1e18, "spot of 1 below the cap");
        assertTrue(e1 < e2 && e1 > 0, "ema prices differ");
        _warpSlots(1);
        uint16[] memory ids = _ids(1, 2);
        uint256[] memory r0 = _taoReserves(ids);
        uint256 minted = _coinbase();
        uint256[] memory r1 = _taoReserves(ids);
        uint256 a1 = (minted * e1) / (e1 + e2);
        uint256 a2 = (minted * e2) / (e1 + e2);
        uint256 dust = minted - a1 - a2;
        // The remainder goes to the larger weight.
        if (e1 > e2) a1 += dust;
        else a2 += dust;
        assertEq(r1[0] - r0[0], a1, "subnet 1 by EMA price");
        assertEq(r1[1] - r0[1], a2, "subnet 2 by EMA price");
    }

    function test_governanceSwitchesToEmaPriceRule() public {
        _createStarted(1);
        _createStarted(2);
        _coinbase();
        _stake(ALICE, 1, HOT1, 100e9); // lots of inflow to 1
        _warpSlots(1);
        _coinbase();
        staking.setShareRule(IStakingTypes.ShareRule.EmaPrice);
        uint256 e1 = staking.pool(1).emaPrice;
        uint256 e2 = staking.pool(2).emaPrice;
        _warpSlots(1);
        uint16[] memory ids = _ids(1, 2);
        uint256[] memory r0 = _taoReserves(ids);
        uint256 minted = _coinbase();
        uint256[] memory r1 = _taoReserves(ids);
        assertApprox(r1[1] - r0[1], (minted * e2) / (e1 + e2), 1, "by EMA price, not flow");
        assertEq(r1[0] - r0[0] + r1[1] - r0[1], minted, "sums to minted");
    }

    function testFuzz_splitSumsToMinted(uint256 seed, uint8 count, uint16 gap) public {
        uint256 n = bound(count, 1, 6);
        for (uint256 i; i < n; ++i) {
            _createStarted(uint16(i + 1));
        }
        _coinbase();
        for (uint256 i; i < n; ++i) {
            uint256 amount = uint256(keccak256(abi.encode(seed, i))) % 200e9;
            if (amount >= 2e6) _stake(ALICE, uint16(i + 1), HOT1, amount);
        }
        _warpSlots(bound(gap, 1, 2000));
        uint16[] memory ids = staking.subnets();
        uint256[] memory r0 = _taoReserves(ids);
        (, , uint256 protocol0) = staking.ledger();
        uint256 minted = _coinbase();
        uint256[] memory r1 = _taoReserves(ids);
        uint256 total;
        for (uint256 i; i < ids.length; ++i) {
            total += r1[i] - r0[i];
        }
        (, , uint256 protocol1) = staking.ledger();
        assertEq(protocol1, protocol0, "no TAO parked");
        assertEq(total, minted, "split sums exactly to minted");
        assertEq(tao.balanceOf(address(staking)), _accountedTao(), "ledger = balance");
    }

    function test_epochBoundarySplitsPiecewise() public {
        registry.setTempo(1, 10, 0);
        _createStarted(1);
        _coinbase();
        uint64 s = staking.currentSlot();
        // Move to the slot just before a boundary of 10, coinbase, then cross it.
        uint64 target = (s / 10 + 1) * 10 - 2; // two slots before the next boundary
        if (target <= s) target += 10;
        vm.warp(emission.genesisTime() + uint256(target) * 12);
        _coinbase();
        uint64 e = target / 10;
        (uint256 o0, uint256 d0) = staking.epochEmission(1, e);
        vm.warp(emission.genesisTime() + uint256(target + 5) * 12); // slots target+1 .. target+5
        _coinbase();
        (uint256 o1, uint256 d1) = staking.epochEmission(1, e);
        (uint256 o2, uint256 d2) = staking.epochEmission(1, e + 1);
        assertEq(o1 + d1 - o0 - d0, 1e9, "one slot left in epoch e");
        assertEq(o2 + d2, 4e9, "four slots in epoch e + 1");
    }

    function test_longGapLumpsOlderSlotsIntoPreviousEpoch() public {
        registry.setTempo(1, 10, 0);
        _createStarted(1);
        _coinbase();
        _warpSlots(35);
        _coinbase();
        uint64 s1 = staking.currentSlot();
        uint64 eNow = s1 / 10;
        uint256 recent = s1 - eNow * 10 + 1;
        (uint256 o1, uint256 d1) = staking.epochEmission(1, eNow);
        (uint256 o0, uint256 d0) = staking.epochEmission(1, eNow - 1);
        assertEq(o1 + d1, recent * 1e9, "current epoch: its own slots");
        assertEq(o0 + d0, (35 - recent) * 1e9, "older slots lumped into the previous epoch: nothing lost");
    }

    function test_alphaInCappedExcessBuysProtocolAlpha() public {
        _createStarted(1);
        _coinbase();
        _warpSlots(500);
        _coinbase();
        // Sell 500 alpha of credited emission: the price falls below 1, so alpha_in = tao_in / price would
        // exceed alpha_out (1 alpha per slot) and is capped; the excess TAO buys protocol alpha.
        this.creditEmission(1, HOT1, staking.pool(1).alphaPending);
        vm.prank(COLD1);
        staking.unstakeAll(1, HOT1, 0, block.timestamp);
        assertTrue(staking.spotPrice(1) < 0.9e18, "price below 1");
        IStakingTypes.PoolView memory p0 = staking.pool(1);
        _warpSlots(1);
        uint256 minted = _coinbase();
        IStakingTypes.PoolView memory p1 = staking.pool(1);
        assertEq(p1.taoReserve - p0.taoReserve, minted, "all TAO enters the pool");
        assertGe(p1.taoReserve * p1.alphaReserve, p0.taoReserve * p0.alphaReserve, "k grows");
        assertEq(p1.alphaIssuance - p0.alphaIssuance, 2e9, "alpha_in capped at alpha_out");
        assertTrue(p1.protocolAlpha > p0.protocolAlpha, "excess bought protocol alpha");
        assertTrue(staking.spotPrice(1) > (p0.taoReserve * 1e18) / p0.alphaReserve, "the buy lifts the price");
    }

    function test_creditEmissionTakeAndNominators() public {
        _createStarted(1);
        _coinbase();
        uint256 aliceAlpha = _stake(ALICE, 1, HOT1, 100e9);
        _warpSlots(50);
        _coinbase();
        uint256 pending = staking.pool(1).alphaPending;
        assertGe(pending, 50e9, "accrued");
        (uint256 hk0, ) = staking.hotkeyStake(1, HOT1);
        this.creditEmission(1, HOT1, 10e9);
        uint256 take = (uint256(10e9) * 11_796) / 65535;
        (uint256 hk1, ) = staking.hotkeyStake(1, HOT1);
        assertEq(hk1 - hk0, 10e9, "hotkey total grows by the credit");
        assertEq(staking.pool(1).alphaPending, pending - 10e9, "drawn from accrued");
        uint256 coldTake = _alphaOf(1, HOT1, COLD1);
        uint256 alice = _alphaOf(1, HOT1, ALICE);
        // Alice owned everything before; she gets the rest, the hotkey's coldkey the take (+ its pro rata
        // share of the rest it had bought into).
        assertApprox(coldTake + alice, hk1, 2, "all of it is owned");
        assertGe(alice, aliceAlpha + ((10e9 - take) * aliceAlpha) / (aliceAlpha + take) - 2, "nominator raised");
        assertGe(coldTake, take - 1, "take to the coldkey");
        vm.expectRevert(abi.encodeWithSelector(IStakingTypes.EmissionExceeded.selector, pending, pending - 10e9));
        this.creditEmission(1, HOT1, pending);
    }

    function test_creditIncentiveIsTheColdkeysOwnStakeWithoutTakeOrRootPart() public {
        _createStarted(1);
        _coinbase();
        uint256 aliceAlpha = _stake(ALICE, 1, HOT1, 100e9);
        vm.prank(BOB);
        staking.stake(0, HOT1, 1000e9, 1e9, false, block.timestamp); // root stake: dividends would go partly to root
        _warpSlots(50);
        _coinbase();
        (uint256 hk0, ) = staking.hotkeyStake(1, HOT1);
        (uint256 root0, , ) = staking.ledger();
        this.creditIncentive(1, HOT1, 10e9, 0);
        (uint256 hk1, ) = staking.hotkeyStake(1, HOT1);
        (uint256 root1, , ) = staking.ledger();
        assertEq(hk1 - hk0, 10e9, "the whole incentive stays on the subnet's alpha side");
        assertEq(root1, root0, "no root part is sold from an incentive");
        assertApprox(_alphaOf(1, HOT1, COLD1), 10e9, 2, "the coldkey owns the incentive, no take taken");
        assertApprox(_alphaOf(1, HOT1, ALICE), aliceAlpha, 2, "nominators do not share a miner's incentive");

        // Incentive and dividend in one credit: the take and the root part apply to the dividend only.
        (uint256 alphaStake, ) = staking.hotkeyStake(1, HOT1);
        uint256 rootW = (uint256(1000e9) * staking.taoWeight()) / type(uint64).max;
        this.creditIncentive(1, HOT1, 4e9, 6e9);
        uint256 rest = 6e9 - (uint256(6e9) * 11_796) / 65535;
        uint256 toRoot = (rest * rootW) / (alphaStake + rootW);
        (uint256 hk2, ) = staking.hotkeyStake(1, HOT1);
        assertEq(hk2, alphaStake + 10e9 - toRoot, "only the dividend's root part leaves the alpha side");
        assertEq(tao.balanceOf(address(staking)), _accountedTao(), "ledger = balance");
    }

    /// A credit reads the hotkey's coldkey from the registry once and caches it beside the take (bindings never
    /// change in the real registry; the mock can rebind, which shows the cache is what is used afterwards).
    function test_creditCachesTheHotkeysColdkey() public {
        _createStarted(1);
        _coinbase();
        _warpSlots(50);
        _coinbase();
        this.creditIncentive(1, HOT1, 1e9, 0);
        assertApprox(_alphaOf(1, HOT1, COLD1), 1e9, 2, "credited to the bound coldkey");
        registry.bind(HOT1, COLD2); // impossible in SubnetRegistry (HotkeyBoundToOther)
        this.creditIncentive(1, HOT1, 1e9, 0);
        assertApprox(_alphaOf(1, HOT1, COLD1), 2e9, 4, "the cached binding is used");
        assertEq(_alphaOf(1, HOT1, COLD2), 0, "nothing to the rebinding");
        (uint16 take, ) = staking.delegateTake(HOT1);
        assertEq(take, 11_796, "the cache does not touch the take");
    }

    /// @dev Subnet 1 started, Alice staking 100 TAO on HOT1 there and Bob `rootStake` TAO on HOT1 on root,
    /// 50 slots of emission accrued: a validator whose dividends have a root part.
    function _subnetWithRootStake(uint256 rootStake) internal {
        _createStarted(1);
        _coinbase();
        _stake(ALICE, 1, HOT1, 100e9);
        vm.prank(BOB);
        staking.stake(0, HOT1, rootStake, 1e9, false, block.timestamp);
        _warpSlots(50);
        _coinbase();
    }

    function test_creditEmissionRootPartVestsToRootNominators() public {
        _subnetWithRootStake(1000e9);
        (uint256 alphaStake, ) = staking.hotkeyStake(1, HOT1);
        uint256 rootW = (uint256(1000e9) * staking.taoWeight()) / type(uint64).max;
        (uint256 rootBefore, , ) = staking.ledger();
        this.creditEmission(1, HOT1, 10e9);
        uint256 rest = 10e9 - (uint256(10e9) * 11_796) / 65535;
        uint256 toRoot = (rest * rootW) / (alphaStake + rootW);
        (uint256 rootAfter, , ) = staking.ledger();
        uint256 rootTao = rootAfter - rootBefore;
        assertTrue(rootTao > 0, "root stake grew");
        (uint256 vested, uint256 unvested, uint64 end) = staking.rootDividends(HOT1);
        assertEq(vested, 0, "nothing vested in the credit's slot");
        assertEq(unvested, rootTao, "the sold alpha's TAO streams");
        assertEq(end, staking.currentSlot() + staking.ROOT_DIVIDEND_VEST_SLOTS(), "over the vesting period");
        assertEq(_alphaOf(0, HOT1, BOB), 1000e9, "bob's position has not grown yet");
        (uint256 hk, ) = staking.hotkeyStake(1, HOT1);
        assertEq(hk, alphaStake + 10e9 - toRoot, "alpha side keeps the rest");

        _warpSlots(staking.ROOT_DIVIDEND_VEST_SLOTS() / 4);
        assertEq(_alphaOf(0, HOT1, BOB), 1000e9 + rootTao / 4, "a quarter vested after a quarter of the period");
        _warpSlots(staking.ROOT_DIVIDEND_VEST_SLOTS());
        assertEq(_alphaOf(0, HOT1, BOB), 1000e9 + rootTao, "all of it after the period");
        assertEq(staking.stakeWeight(0, HOT1), 1000e9, "stake weight counts it once a stake change settles it");
        vm.prank(BOB);
        (uint256 out, ) = staking.unstakeAll(0, HOT1, 0, block.timestamp);
        assertEq(out, 1000e9 + rootTao, "bob takes the root part out with his stake");
        (vested, unvested, ) = staking.rootDividends(HOT1);
        assertEq(vested + unvested, 0, "stream empty");
        assertEq(tao.balanceOf(address(staking)), _accountedTao(), "ledger = balance");
    }

    /// @dev The attack the vesting and the close-time split stop: root stake added after the epoch's close,
    /// the claim, and an immediate unstake, all in one slot.
    function test_rootDividendsCannotBeTakenJustInTime() public {
        _subnetWithRootStake(10e9);
        uint64 close = staking.currentSlot();
        (uint256 alphaStake, ) = staking.hotkeyStake(1, HOT1);
        _warpSlots(3);
        _fund(CAROL, 1_000_000e9);
        vm.prank(CAROL);
        staking.stake(0, HOT1, 1_000_000e9, 1e9, false, block.timestamp); // after the close
        (uint256 rootBefore, , ) = staking.ledger();
        staking.creditEmission(1, HOT1, 0, 10e9, close);
        (uint256 rootAfter, , ) = staking.ledger();
        uint256 rest = 10e9 - (uint256(10e9) * 11_796) / 65535;
        uint256 rootW = (uint256(10e9) * staking.taoWeight()) / type(uint64).max;
        uint256 toRoot = (rest * rootW) / (alphaStake + rootW);
        (uint256 hk, ) = staking.hotkeyStake(1, HOT1);
        assertEq(hk, alphaStake + 10e9 - toRoot, "split by the stakes at the close: carol's stake does not count");
        vm.prank(CAROL);
        (uint256 out, ) = staking.unstakeAll(0, HOT1, 0, block.timestamp);
        assertEq(out, 1_000_000e9, "carol leaves with exactly her stake");
        _warpSlots(staking.ROOT_DIVIDEND_VEST_SLOTS());
        assertApprox(_alphaOf(0, HOT1, BOB), 10e9 + (rootAfter - rootBefore), 1, "bob, staked at the close, gets it");
        assertEq(tao.balanceOf(address(staking)), _accountedTao(), "ledger = balance");
    }

    /// @dev Root stake that left after the close leaves its part to the alpha side, stake added after it does not
    /// count; a second credit merges with the first stream.
    function test_rootSplitUsesTheStakesAtTheClose() public {
        _subnetWithRootStake(1000e9);
        uint64 close = staking.currentSlot();
        (uint256 alphaStake, ) = staking.hotkeyStake(1, HOT1);
        _warpSlots(2);
        _unstake(BOB, 0, HOT1, 500e9); // half of the root stake leaves after the close
        _stake(CAROL, 1, HOT1, 1000e9); // alpha arrives after it
        (uint256 alphaNow, ) = staking.hotkeyStake(1, HOT1);
        staking.creditEmission(1, HOT1, 0, 10e9, close);
        uint256 rest = 10e9 - (uint256(10e9) * 11_796) / 65535;
        uint256 rootW = (uint256(500e9) * staking.taoWeight()) / type(uint64).max;
        uint256 toRoot = (rest * rootW) / (alphaStake + rootW);
        (uint256 hk, ) = staking.hotkeyStake(1, HOT1);
        assertEq(hk, alphaNow + 10e9 - toRoot, "alpha 100 as at the close : root min(1000 at the close, 500 now)");
        (, uint256 unvested1, uint64 end1) = staking.rootDividends(HOT1);
        _warpSlots(staking.ROOT_DIVIDEND_VEST_SLOTS() / 2);
        (uint256 vestedMid, uint256 unvestedMid, ) = staking.rootDividends(HOT1);
        assertEq(vestedMid, unvested1 / 2, "half vested at half the period");
        staking.creditEmission(1, HOT1, 0, 10e9, staking.currentSlot());
        (uint256 vested2, uint256 unvested2, uint64 end2) = staking.rootDividends(HOT1);
        assertEq(vested2, vestedMid, "what vested stays owed to the holders so far");
        assertTrue(unvested2 > unvestedMid, "the new TAO joins the rest");
        uint256 now_ = staking.currentSlot();
        uint256 added = unvested2 - unvestedMid;
        uint256 weighted =
            (unvestedMid * (end1 - now_) + added * staking.ROOT_DIVIDEND_VEST_SLOTS()) / (unvestedMid + added);
        assertTrue(end2 - now_ - weighted <= 1, "and vests to the amount-weighted mean of the two ends");
        assertTrue(end1 < end2 && end2 < now_ + staking.ROOT_DIVIDEND_VEST_SLOTS(), "between the two ends");
        assertEq(tao.balanceOf(address(staking)), _accountedTao(), "ledger = balance");
    }

    /// @dev A hotkey credited every 20 slots (a short tempo, or several subnets): the merged stream holds what
    /// separate linear streams of each credit would (sum of N_j (1 - 20 j / 360) over the last 18 credits), not
    /// the twice as much a stream restarting its period at each merge would hold.
    function test_mergedRootStreamsHoldTheBacklogOfSeparateStreams() public {
        _subnetWithRootStake(1000e9);
        _assertMergedBacklog(20, 60, 1e9);
    }

    /// @dev Credited every slot or every other slot (a validator on many subnets with staggered epochs): a merge
    /// moves the end by less than a slot, which whole-slot ends rounded away (the end stayed at now + 360).
    function test_mergedRootStreamsCreditedEverySlotHoldTheBacklogOfSeparateStreams() public {
        _subnetWithRootStake(1000e9);
        // Small credits, so the alpha stake (and with it each credit's root part) stays about constant: a single
        // linear stream matches a sum of streams for a steady flow, not for a trend.
        _assertMergedBacklog(1, 1080, 1e7); // a merged stream settles to the sum of streams in ~3 vesting periods
        _assertMergedBacklog(2, 540, 1e7); // from that state
    }

    function _assertMergedBacklog(uint256 every, uint256 count, uint256 amount) private {
        uint256 vest = staking.ROOT_DIVIDEND_VEST_SLOTS();
        uint256[] memory credits = new uint256[](count);
        for (uint256 i; i < credits.length; ++i) {
            _warpSlots(every);
            _coinbase();
            (, uint256 before, ) = staking.rootDividends(HOT1);
            this.creditEmission(1, HOT1, amount);
            (, uint256 afterCredit, ) = staking.rootDividends(HOT1);
            credits[i] = afterCredit - before;
        }
        uint256 ideal;
        for (uint256 j; j * every < vest; ++j) {
            ideal += (credits[credits.length - 1 - j] * (vest - j * every)) / vest;
        }
        (, uint256 backlog, ) = staking.rootDividends(HOT1);
        assertApprox(backlog, ideal, ideal / 50, "the backlog of separate linear streams, within 2 %");
        assertEq(tao.balanceOf(address(staking)), _accountedTao(), "ledger = balance");
    }

    /// @dev Root stake gone by the claim: nobody would own root TAO, the alpha nominators keep the dividend. A
    /// stream whose holders all left vests to nobody: protocol TAO, not the next depositor.
    function test_rootDividendsWithoutRootHolders() public {
        _subnetWithRootStake(1000e9);
        uint64 close = staking.currentSlot();
        (uint256 alphaStake, ) = staking.hotkeyStake(1, HOT1);
        this.creditEmission(1, HOT1, 10e9); // streams to bob
        (, uint256 rootTao, ) = staking.rootDividends(HOT1);
        _warpSlots(staking.ROOT_DIVIDEND_VEST_SLOTS() / 2);
        vm.prank(BOB);
        (uint256 out, ) = staking.unstakeAll(0, HOT1, 0, block.timestamp);
        assertEq(out, 1000e9 + rootTao / 2, "bob leaves with the half that vested while he held");
        (uint256 vested, uint256 unvested, ) = staking.rootDividends(HOT1);
        assertEq(vested, 0, "settled to bob");
        (uint256 hkBefore, ) = staking.hotkeyStake(1, HOT1);
        staking.creditEmission(1, HOT1, 0, 10e9, close); // bob held root stake at that close, nobody does now
        (uint256 hkAfter, ) = staking.hotkeyStake(1, HOT1);
        uint256 rest = 10e9 - (uint256(10e9) * 11_796) / 65535;
        assertApprox(hkAfter - hkBefore, 10e9, 0, "no root part: the alpha side keeps all of it");
        assertTrue(alphaStake > 0 && rest > 0, "a dividend was split");
        (, uint256 unvestedAfter, ) = staking.rootDividends(HOT1);
        assertEq(unvestedAfter, unvested, "the stream did not grow");

        _warpSlots(staking.ROOT_DIVIDEND_VEST_SLOTS());
        (, , uint256 protocolBefore) = staking.ledger();
        vm.prank(CAROL);
        staking.stake(0, HOT1, 5e9, 1e9, false, block.timestamp);
        assertEq(_alphaOf(0, HOT1, CAROL), 5e9, "the next depositor does not take it");
        (, , uint256 protocolAfter) = staking.ledger();
        assertEq(protocolAfter - protocolBefore, unvested, "it becomes protocol TAO");
        assertEq(tao.balanceOf(address(staking)), _accountedTao(), "ledger = balance");
    }

    /// @dev A sole root holder who transfers its whole position to another coldkey on the same hotkey hands over the
    /// unvested root dividends with it: the pool empties and refills in one transaction, so the stream is not
    /// orphaned to protocol TAO.
    function test_wholeRootPositionTransferredOnTheSameHotkeyKeepsItsStream() public {
        _subnetWithRootStake(1000e9);
        this.creditEmission(1, HOT1, 10e9);
        (, uint256 unvested, ) = staking.rootDividends(HOT1);
        assertTrue(unvested > 0, "a stream to hand over");
        _warpSlots(10);
        (, , uint256 protocolBefore) = staking.ledger();
        uint256 whole = _alphaOf(0, HOT1, BOB);
        vm.prank(BOB);
        staking.transferStake(CAROL, HOT1, 0, 0, whole, 0, block.timestamp);
        (, , uint256 protocolAfter) = staking.ledger();
        assertEq(protocolAfter, protocolBefore, "nothing orphaned");
        (uint256 vestedNow, uint256 unvestedNow, ) = staking.rootDividends(HOT1);
        assertTrue(vestedNow == 0 && unvestedNow > 0, "the rest still streams");
        _warpSlots(staking.ROOT_DIVIDEND_VEST_SLOTS());
        assertEq(_alphaOf(0, HOT1, CAROL), whole + unvestedNow, "carol receives the rest of the stream");
        assertEq(tao.balanceOf(address(staking)), _accountedTao(), "ledger = balance");
    }

    /// @dev The same rule on a subnet pool: a lone alpha nominator cannot keep one rao through a claim to inflate
    /// the hotkey's share price.
    function test_partialAlphaWithdrawalLeavesAtLeastTheMinimum() public {
        _subnetWithRootStake(1000e9);
        uint256 alpha = _alphaOf(1, HOT1, ALICE);
        uint256 min = staking.MIN_STAKE();
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IStakingTypes.RemainderBelowMinimum.selector, 1, min));
        staking.unstake(1, HOT1, alpha - 1, 0, false, block.timestamp);
        _unstake(ALICE, 1, HOT1, alpha - min); // exactly the minimum stays
        assertEq(_alphaOf(1, HOT1, ALICE), min, "the minimum remains");
    }

    /// @dev A lone root holder cannot keep a rao to draw a root part onto one share (a share-price inflation that
    /// would round later deposits down): a partial root withdrawal leaves at least the minimum stake, and the
    /// split counts root stake only as far as it is still staked.
    function test_loneRootHolderCannotInflateTheRootSharePrice() public {
        _subnetWithRootStake(10_000e9);
        uint64 close = staking.currentSlot();
        _warpSlots(1);
        uint256 min = staking.MIN_STAKE();
        vm.prank(BOB);
        vm.expectRevert(abi.encodeWithSelector(IStakingTypes.RemainderBelowMinimum.selector, 1, min));
        staking.unstake(0, HOT1, 10_000e9 - 1, 0, false, block.timestamp);
        _unstake(BOB, 0, HOT1, 10_000e9 - min); // leaves exactly the minimum
        (uint256 alphaStake, ) = staking.hotkeyStake(1, HOT1);
        uint256 rest = 10e9 - (uint256(10e9) * 11_796) / 65535;
        uint256 rootW = (min * staking.taoWeight()) / type(uint64).max;
        uint256 expected = _rootTaoFor((rest * rootW) / (alphaStake + rootW));
        staking.creditEmission(1, HOT1, 0, 10e9, close);
        (, uint256 unvested, ) = staking.rootDividends(HOT1);
        assertEq(unvested, expected, "root part of the minimum stake only");
        assertTrue(unvested < min, "less than the position it vests onto");
        _warpSlots(staking.ROOT_DIVIDEND_VEST_SLOTS());
        vm.prank(CAROL);
        staking.stake(0, HOT1, 5e9, 1e9, false, block.timestamp);
        assertApprox(_alphaOf(0, HOT1, CAROL), 5e9, 2, "a later depositor keeps her value");
        assertEq(tao.balanceOf(address(staking)), _accountedTao(), "ledger = balance");
    }

    /// @dev What the subnet's pool pays for `toRoot` alpha now (fee-free), as a credit would sell it.
    function _rootTaoFor(uint256 toRoot) internal view returns (uint256) {
        IStakingTypes.PoolView memory p = staking.pool(1);
        return (toRoot * p.taoReserve) / (p.alphaReserve + toRoot);
    }

    /// @dev A deposit into a root pool nobody holds does not inherit the stream still vesting there.
    function test_depositIntoAnEmptyRootPoolDoesNotInheritTheStream() public {
        _subnetWithRootStake(1000e9);
        this.creditEmission(1, HOT1, 10e9);
        (, uint256 rootTao, ) = staking.rootDividends(HOT1);
        _warpSlots(staking.ROOT_DIVIDEND_VEST_SLOTS() / 4);
        vm.prank(BOB);
        staking.unstakeAll(0, HOT1, 0, block.timestamp);
        (, uint256 left, ) = staking.rootDividends(HOT1);
        assertApprox(left, rootTao - rootTao / 4, 1, "three quarters still to vest, nobody to vest onto");
        (, , uint256 protocolBefore) = staking.ledger();
        vm.prank(CAROL);
        staking.stake(0, HOT1, 5e9, 1e9, false, block.timestamp); // at once, mid-stream
        (, , uint256 protocolAfter) = staking.ledger();
        assertEq(protocolAfter - protocolBefore, left, "all of the orphaned stream becomes protocol TAO");
        _warpSlots(staking.ROOT_DIVIDEND_VEST_SLOTS());
        assertEq(_alphaOf(0, HOT1, CAROL), 5e9, "carol's position is her deposit, then and later");
        (uint256 v, uint256 u, ) = staking.rootDividends(HOT1);
        assertEq(v + u, 0, "stream gone");
        assertEq(tao.balanceOf(address(staking)), _accountedTao(), "ledger = balance");
    }

    /// @dev The split reads tao_weight at the close, as Yuma's stake weights (stakeWeightAt) did.
    function test_rootSplitUsesTaoWeightAtTheClose() public {
        _subnetWithRootStake(1000e9);
        uint64 close = staking.currentSlot();
        uint256 weightAtClose = staking.taoWeight();
        (uint256 alphaStake, ) = staking.hotkeyStake(1, HOT1);
        _warpSlots(1);
        staking.setTaoWeight(0);
        staking.creditEmission(1, HOT1, 0, 10e9, close);
        uint256 rest = 10e9 - (uint256(10e9) * 11_796) / 65535;
        uint256 rootW = (uint256(1000e9) * weightAtClose) / type(uint64).max;
        (uint256 hk, ) = staking.hotkeyStake(1, HOT1);
        assertEq(hk, alphaStake + 10e9 - (rest * rootW) / (alphaStake + rootW), "0.18 at the close, not 0 now");
    }

    // ---------------------------------------------------------------- epoch records (two recent, then archive)

    function _accrued(uint16 netuid, uint64 epoch) internal view returns (uint256) {
        (uint256 o, uint256 d) = staking.epochEmission(netuid, epoch);
        return o + d;
    }

    function _take(uint16 netuid, uint64 epoch) internal returns (uint256) {
        (, uint64 close) = registry.epochBounds(netuid, epoch);
        (uint256 o, uint256 d) = staking.takeEpochEmission(netuid, epoch, close);
        return o + d;
    }

    function _epochNow(uint16 netuid) internal view returns (uint64 epoch) {
        (epoch, , ) = registry.epochAt(netuid, staking.currentSlot());
    }

    /// The settlement takes each epoch just after it closes, as it does on a live network: the two recent records
    /// are reused in turn and every epoch's alpha is taken exactly once.
    function test_epochRecordsRotateAndEveryEpochIsTakenOnce() public {
        registry.setTempo(1, 10, 0);
        _createStarted(1);
        _coinbase();
        uint256 pending0 = staking.pool(1).alphaPending;
        uint64 first = _epochNow(1);
        uint256 initial = _accrued(1, first);
        uint256 taken;
        for (uint256 i; i < 12; ++i) {
            _warpSlots(4);
            _coinbase();
            uint64 now_ = _epochNow(1);
            for (uint64 e = first; e < now_; ++e) {
                uint256 before = _accrued(1, e);
                uint256 got = _take(1, e);
                assertEq(got, before, "take returns what the view showed");
                taken += got;
            }
            if (now_ > first) first = now_;
        }
        assertEq(taken + _accrued(1, first), staking.pool(1).alphaPending - pending0 + initial, "all of it, once");
        (, uint64 close) = registry.epochBounds(1, first - 1);
        vm.expectRevert(abi.encodeWithSelector(IStakingTypes.EpochEmissionTaken.selector, 1, first - 1));
        staking.takeEpochEmission(1, first - 1, close);
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(IStakingTypes.NotSettlement.selector, ALICE, address(this)));
        staking.takeEpochEmission(1, first, close + 10);
    }

    /// A settlement that lags several epochs finds each epoch's alpha archived, intact.
    function test_laggingSettlementFindsArchivedEpochs() public {
        registry.setTempo(1, 10, 0);
        _createStarted(1);
        _coinbase();
        uint64 first = _epochNow(1);
        uint256 pending0 = staking.pool(1).alphaPending;
        uint256 initial = _accrued(1, first);
        uint256[] memory seen = new uint256[](16);
        for (uint256 i; i < 6; ++i) {
            _warpSlots(10);
            _coinbase();
        }
        uint64 last = _epochNow(1);
        assertGe(last - first, 5, "several epochs passed");
        uint256 sum;
        for (uint64 e = first; e <= last; ++e) sum += (seen[e - first] = _accrued(1, e));
        assertEq(sum, staking.pool(1).alphaPending - pending0 + initial, "records sum to the accrual");
        for (uint64 e = first; e < last; ++e) assertEq(_take(1, e), seen[e - first], "archived intact");
    }

    /// Slots of an epoch that the settlement took before a coinbase covered them accrue to the current epoch.
    function test_lateSlotsOfATakenEpochGoToTheCurrentOne() public {
        registry.setTempo(1, 10, 0);
        _createStarted(1);
        _coinbase();
        uint64 e0 = _epochNow(1);
        (, uint64 close0) = registry.epochBounds(1, e0);
        vm.warp(emission.genesisTime() + uint256(close0) * 12 + 12); // two slots into the next epoch
        uint256 p0 = staking.pool(1).alphaPending;
        uint256 before = _accrued(1, e0);
        assertEq(_take(1, e0), before, "taken before the late coinbase");
        uint256 current0 = _accrued(1, e0 + 1);
        _coinbase();
        uint256 added = staking.pool(1).alphaPending - p0;
        assertTrue(added > 0, "the coinbase accrued");
        assertEq(_accrued(1, e0), before, "the taken epoch does not change");
        assertEq(_accrued(1, e0 + 1) - current0, added, "all of it went to the current epoch");
    }

    function test_emaPriceApproachesCappedSpot() public {
        _createStarted(1);
        _coinbase();
        _stake(ALICE, 1, HOT1, 500e9); // spot > 1: the EMA target is capped at 1
        assertTrue(staking.spotPrice(1) > 1e18, "spot above 1");
        _warpSlots(1000);
        _coinbase();
        uint256 e1 = staking.emaPrice(1);
        assertTrue(e1 > 0 && e1 < 1e18, "moving up");
        _warpSlots(5_000_000);
        _coinbase();
        uint256 e2 = staking.emaPrice(1);
        assertTrue(e2 > e1 && e2 <= 1e18, "towards the capped target");
    }

    /// @dev Slots from before the receiver was set are the reserve's, not the receiver's first coinbase.
    function test_setReceiverMintsEarlierSlotsToTheReserveFirst() public {
        EmissionHarness e2 = new EmissionHarness(address(this), 0);
        MockRegistryForStaking r2 = new MockRegistryForStaking(e2.tao());
        Staking s2 = new Staking(e2, r2, new StakingEmissionModule(e2, r2), address(this));
        _warpSlots(7);
        e2.setReceiver(address(s2)); // nobody ran a coinbase for those 7 slots
        assertEq(e2.reserve(), 7e9, "7 slots at 1 TAO, kept by the reserve");
        assertEq(e2.lastMintedSlot(), e2.currentSlot(), "minted up to now");
        _warpSlots(2);
        uint256 minted = e2.coinbase();
        assertEq(minted, 2e9, "the receiver's first coinbase covers only the slots since it was set");
        assertEq(IERC20(address(e2.tao())).balanceOf(address(s2)), 2e9, "held by staking");
        assertEq(e2.reserve(), 7e9, "the reserve kept its slots");
    }

    function test_drawEmissionReserve() public {
        EmissionHarness e2 = new EmissionHarness(address(this), 0);
        MockRegistryForStaking r2 = new MockRegistryForStaking(e2.tao());
        Staking s2 = new Staking(e2, r2, new StakingEmissionModule(e2, r2), address(this));
        _warpSlots(5);
        uint256 minted = e2.coinbase(); // no receiver yet: the reserve keeps it
        e2.setReceiver(address(s2));
        s2.drawEmissionReserve(minted);
        (, , uint256 protocol) = s2.ledger();
        assertEq(protocol, minted, "drawn into the protocol reserve");
        assertEq(IERC20(address(e2.tao())).balanceOf(address(s2)), minted, "held by staking");
    }

    /// @dev This test contract is the settlement; external so that expectRevert sees the call. Credits a
    /// validator's dividend.
    function creditEmission(uint16 netuid, address hotkey, uint256 amount) external {
        staking.creditEmission(netuid, hotkey, 0, amount, staking.currentSlot());
    }

    function creditIncentive(uint16 netuid, address hotkey, uint256 incentive, uint256 dividend) external {
        staking.creditEmission(netuid, hotkey, incentive, dividend, staking.currentSlot());
    }
}
