// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {RegistryFixture} from "./RegistryFixture.t.sol";
import {ISubnetRegistryTypes} from "../../contracts/interfaces/ISubnetRegistry.sol";
import {ISubnetRegistryView} from "../../contracts/interfaces/ISubnetRegistryView.sol";
import {BurnCost} from "../../contracts/libraries/BurnCost.sol";

/// @notice Hyperparameters: defaults, bounds, who may set what, owner rate limits, the freeze window, tempo.
contract RegistryHyperparamsTest is RegistryFixture {
    uint16 internal constant NET = 1;
    uint64 internal created;

    function setUp() public {
        _deploy();
        _create(owner1);
        created = _slot();
    }

    function _p(uint256 i) internal pure returns (ISubnetRegistryTypes.Param) {
        return ISubnetRegistryTypes.Param(i);
    }

    function _oob(
        ISubnetRegistryTypes.Param p,
        uint256 v,
        uint256 min,
        uint256 max
    ) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(ISubnetRegistryTypes.ValueOutOfBounds.selector, p, v, min, max);
    }

    function test_defaults() public view {
        ISubnetRegistryView.Hyperparams memory h = reg.hyperparams(NET);
        assertEq(h.tempo, 360, "tempo");
        assertEq(h.maxUids, 256, "maxUids");
        assertEq(h.maxValidators, 64, "maxValidators");
        assertEq(h.immunityPeriod, 5000, "immunityPeriod");
        assertEq(h.minAllowedWeights, 1, "minAllowedWeights");
        assertEq(h.maxWeightLimit, 65_535, "maxWeightLimit");
        assertEq(h.weightsRateLimit, 100, "weightsRateLimit");
        assertEq(h.weightsVersionKey, 0, "weightsVersionKey");
        assertTrue(h.commitRevealEnabled, "commitRevealEnabled");
        assertEq(h.revealPeriodEpochs, 1, "revealPeriodEpochs");
        assertEq(h.activityCutoff, 5000, "activityCutoff");
        assertEq(h.kappa, 32_767, "kappa");
        assertEq(h.bondsMovingAverage, 900_000, "bondsMovingAverage");
        assertEq(h.bondsPenalty, 65_535, "bondsPenalty");
        assertTrue(h.yuma3Enabled, "yuma3Enabled");
        assertFalse(h.liquidAlphaEnabled, "liquidAlphaEnabled");
        assertEq(h.alphaLow, 45_875, "alphaLow");
        assertEq(h.alphaHigh, 58_982, "alphaHigh");
        assertTrue(h.alphaSigmoidSteepness == 1000, "alphaSigmoidSteepness");
        assertTrue(h.registrationAllowed, "registrationAllowed");
        assertEq(h.minBurn, 500_000, "minBurn");
        assertEq(h.maxBurn, 100e9, "maxBurn");
        assertEq(h.burnHalfLife, 360, "burnHalfLife");
        assertEq(h.burnIncreaseMultPpm, 1_260_000, "burnIncreaseMultPpm");
        assertEq(h.servingRateLimit, 50, "servingRateLimit");
        assertEq(BurnCost.decayFactorQ32(360), BurnCost.F_Q32_360, "default decay factor constant");
        ISubnetRegistryView.Hyperparams memory root = reg.hyperparams(0);
        assertEq(root.maxUids, 256, "root reads the defaults");
    }

    struct Case {
        ISubnetRegistryTypes.Param p;
        uint256 bad;
        uint256 min;
        uint256 max;
        uint256 good;
    }

    /// @dev Owner bounds of every owner-settable parameter (defaults elsewhere), one case each.
    function _ownerCases() internal pure returns (Case[19] memory c) {
        c[0] = Case(_p(0), 63, 64, 256, 128); // MaxUids
        c[1] = Case(_p(0), 257, 64, 256, 128);
        c[2] = Case(_p(1), 65_536, 0, 65_535, 4096); // ImmunityPeriod
        c[3] = Case(_p(3), 1e9, 1, 1e9 - 1, 1000); // MinBurn: < 1 TAO
        c[4] = Case(_p(4), 1e8, 1e8 + 1, type(uint64).max, 200e9); // MaxBurn: > 0.1 TAO
        c[5] = Case(_p(5), 3_000_001, 1_000_000, 3_000_000, 2_000_000); // BurnIncreaseMult
        c[6] = Case(_p(5), 999_999, 1_000_000, 3_000_000, 2_000_000);
        c[7] = Case(_p(6), 65_536, 0, 65_535, 10); // ServingRateLimit
        c[8] = Case(_p(8), 257, 0, 256, 8); // MinAllowedWeights <= maxUids
        c[9] = Case(_p(9), 65_536, 0, 65_535, 60_000); // MaxWeightLimit
        c[10] = Case(_p(11), uint256(type(uint64).max) + 1, 0, type(uint64).max, 7); // WeightsVersionKey
        c[11] = Case(_p(12), 2, 0, 1, 0); // CommitRevealEnabled
        c[12] = Case(_p(13), 101, 1, 100, 3); // RevealPeriodEpochs
        c[13] = Case(_p(13), 0, 1, 100, 3);
        c[14] = Case(_p(14), 359, 360, 65_535, 1000); // ActivityCutoff
        c[15] = Case(_p(16), 975_001, 0, 975_000, 975_000); // BondsMovingAverage (owner cap)
        c[16] = Case(_p(17), 65_536, 0, 65_535, 1); // BondsPenalty
        c[17] = Case(_p(18), 36_101, 1, 36_100, 720); // BurnHalfLife
        c[18] = Case(_p(19), 2, 0, 1, 0); // Yuma3Enabled
    }

    function test_ownerSettersCheckBoundsThenApply() public {
        Case[19] memory cs = _ownerCases();
        for (uint256 i; i < cs.length; ++i) {
            Case memory c = cs[i];
            vm.prank(owner1);
            vm.expectRevert(_oob(c.p, c.bad, c.min, c.max));
            reg.setHyperparam(NET, c.p, c.bad);
        }
        // Each parameter once (the rate limit is per parameter).
        uint256 lastParam = type(uint256).max;
        for (uint256 i; i < cs.length; ++i) {
            Case memory c = cs[i];
            if (uint256(c.p) == lastParam) continue;
            lastParam = uint256(c.p);
            vm.prank(owner1);
            reg.setHyperparam(NET, c.p, c.good);
        }
        ISubnetRegistryView.Hyperparams memory h = reg.hyperparams(NET);
        assertEq(h.maxUids, 128, "maxUids");
        assertEq(h.immunityPeriod, 4096, "immunity");
        assertEq(h.minBurn, 1000, "minBurn");
        assertEq(h.maxBurn, 200e9, "maxBurn");
        assertEq(h.burnIncreaseMultPpm, 2_000_000, "mult");
        assertEq(h.servingRateLimit, 10, "serving");
        assertEq(h.minAllowedWeights, 8, "minAllowedWeights");
        assertEq(h.maxWeightLimit, 60_000, "maxWeightLimit");
        assertEq(h.weightsVersionKey, 7, "version key");
        assertFalse(h.commitRevealEnabled, "commit reveal");
        assertEq(h.revealPeriodEpochs, 3, "reveal period");
        assertEq(h.activityCutoff, 1000, "activity cutoff");
        assertEq(h.bondsMovingAverage, 975_000, "bma");
        assertEq(h.bondsPenalty, 1, "bonds penalty");
        assertEq(h.burnHalfLife, 720, "half-life");
        assertFalse(h.yuma3Enabled, "yuma3");
        // Untouched fields keep their defaults.
        assertEq(h.kappa, 32_767, "kappa untouched");
        assertEq(h.maxValidators, 64, "maxValidators untouched");
        assertEq(h.alphaHigh, 58_982, "alphaHigh untouched");
    }

    function test_governanceOnlyParams() public {
        ISubnetRegistryTypes.Param[4] memory gov = [_p(15), _p(7), _p(10), _p(2)]; // Kappa, MaxValidators, WeightsRateLimit, RegistrationAllowed
        for (uint256 i; i < 4; ++i) {
            vm.prank(owner1);
            vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.GovernanceOnly.selector, gov[i], owner1));
            reg.setHyperparam(NET, gov[i], 1);
        }
        vm.expectRevert(_oob(_p(15), 65_536, 0, 65_535));
        reg.setHyperparam(NET, _p(15), 65_536);
        vm.expectRevert(_oob(_p(7), 0, 1, 256));
        reg.setHyperparam(NET, _p(7), 0);
        vm.expectRevert(_oob(_p(7), 257, 1, 256));
        reg.setHyperparam(NET, _p(7), 257);
        vm.expectRevert(_oob(_p(10), 65_536, 0, 65_535));
        reg.setHyperparam(NET, _p(10), 65_536);
        vm.expectRevert(_oob(_p(2), 2, 0, 1));
        reg.setHyperparam(NET, _p(2), 2);
        reg.setHyperparam(NET, _p(15), 40_000);
        reg.setHyperparam(NET, _p(7), 32);
        reg.setHyperparam(NET, _p(10), 7);
        reg.setHyperparam(NET, _p(2), 0);
        ISubnetRegistryView.Hyperparams memory h = reg.hyperparams(NET);
        assertTrue(h.kappa == 40_000 && h.maxValidators == 32 && h.weightsRateLimit == 7, "set by governance");
        assertFalse(h.registrationAllowed, "registration disabled");
        // Governance bounds are wider where subtensor's root's are.
        reg.setHyperparam(NET, _p(16), 1_000_000);
        vm.expectRevert(_oob(_p(16), 1_000_001, 0, 1_000_000));
        reg.setHyperparam(NET, _p(16), 1_000_001);
        reg.setHyperparam(NET, _p(3), 2e9); // MinBurn above 1 TAO, below maxBurn
        vm.expectRevert(_oob(_p(4), 2e9, 2e9 + 1, type(uint64).max));
        reg.setHyperparam(NET, _p(4), 2e9);
        // Governance is neither rate-limited nor frozen.
        reg.setHyperparam(NET, _p(15), 1);
        _toSlot(created + 355);
        reg.setHyperparam(NET, _p(15), 2);
        assertEq(reg.hyperparams(NET).kappa, 2, "no limits for governance");
    }

    function test_everySetterRejectsStrangers() public {
        address stranger = address(0x5757);
        for (uint256 i; i <= uint256(ISubnetRegistryTypes.Param.BurnHalfLife) + 2; ++i) {
            ISubnetRegistryTypes.Param p = _p(i);
            vm.prank(stranger);
            vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.NotSubnetOwner.selector, NET, stranger));
            reg.setHyperparam(NET, p, 1);
        }
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.NotSubnetOwner.selector, NET, stranger));
        reg.setTempo(NET, 720);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.NotSubnetOwner.selector, NET, stranger));
        reg.setAlphaValues(NET, 2000, 3000);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.NotSubnetOwner.selector, NET, stranger));
        reg.setAlphaSigmoidSteepness(NET, 5);
        vm.expectRevert(ISubnetRegistryTypes.RootSubnet.selector);
        reg.setHyperparam(0, _p(15), 1);
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.SubnetNotFound.selector, uint16(3)));
        reg.setHyperparam(3, _p(15), 1);
        // Params with their own setter.
        for (
            uint256 i = uint256(ISubnetRegistryTypes.Param.AlphaLow);
            i <= uint256(ISubnetRegistryTypes.Param.Tempo);
            ++i
        ) {
            vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.UseDedicatedSetter.selector, _p(i)));
            reg.setHyperparam(NET, _p(i), 1);
        }
    }

    function test_ownerRateLimitPerParameter() public {
        vm.prank(owner1);
        reg.setHyperparam(NET, _p(1), 100); // ImmunityPeriod at `created`
        uint64 next = created + 2 * 360;
        assertEq(reg.hyperparamNextAllowedSlot(NET, _p(1)), next, "view");
        vm.prank(owner1);
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.HyperparamRateLimited.selector, _p(1), next));
        reg.setHyperparam(NET, _p(1), 200);
        // Another parameter is independent.
        vm.prank(owner1);
        reg.setHyperparam(NET, _p(6), 5);
        _toSlot(next);
        vm.prank(owner1);
        reg.setHyperparam(NET, _p(1), 200);
        assertEq(reg.hyperparams(NET).immunityPeriod, 200, "after the limit");
        // The weights version key: 5 tempos.
        vm.prank(owner1);
        reg.setHyperparam(NET, _p(11), 1);
        uint64 nextKey = next + 5 * 360;
        vm.prank(owner1);
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.HyperparamRateLimited.selector, _p(11), nextKey));
        reg.setHyperparam(NET, _p(11), 2);
        _toSlot(nextKey);
        vm.prank(owner1);
        reg.setHyperparam(NET, _p(11), 2);
        // Governance can change the multiplier.
        reg.setNetworkParam(ISubnetRegistryTypes.NetParam.OwnerRateLimitEpochs, 0);
        vm.prank(owner1);
        reg.setHyperparam(NET, _p(1), 300);
        vm.prank(owner1);
        reg.setHyperparam(NET, _p(1), 400);
    }

    function test_adminFreezeWindow() public {
        _toSlot(created + 349);
        vm.prank(owner1);
        reg.setHyperparam(NET, _p(6), 5); // 11 slots before the close: allowed
        _toSlot(created + 350);
        vm.prank(owner1);
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.AdminFreezeWindow.selector, created + 360));
        reg.setHyperparam(NET, _p(1), 5);
        _toSlot(created + 359);
        vm.prank(owner1);
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.AdminFreezeWindow.selector, created + 360));
        reg.setTempo(NET, 720);
        _toSlot(created + 360);
        vm.prank(owner1);
        reg.setHyperparam(NET, _p(1), 5); // the next epoch
    }

    /// @notice A freeze window as long as the epoch cannot freeze the owner for good: it is capped at tempo - 1.
    function test_adminFreezeWindowLongerThanTheEpochLeavesTheFirstSlot() public {
        reg.setNetworkParam(ISubnetRegistryTypes.NetParam.AdminFreezeWindow, 1_000); // tempo is 360
        _toSlot(created + 360); // the first slot of epoch 1
        vm.prank(owner1);
        reg.setHyperparam(NET, _p(1), 5);
        _toSlot(created + 361);
        vm.prank(owner1);
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.AdminFreezeWindow.selector, created + 720));
        reg.setHyperparam(NET, _p(1), 6);
    }

    function test_tempoChangesAtTheNextEpochBoundary() public {
        _toSlot(created + 100);
        vm.prank(owner1);
        vm.expectRevert(_oob(_p(24), 359, 360, 50_400));
        reg.setTempo(NET, 359);
        vm.prank(owner1);
        vm.expectRevert(_oob(_p(24), 50_401, 360, 50_400));
        reg.setTempo(NET, 50_401);
        vm.prank(owner1);
        reg.setTempo(NET, 720);
        (bool pending, uint16 t, uint64 fromEpoch, uint64 fromSlot) = reg.pendingTempo(NET);
        assertTrue(pending && t == 720 && fromEpoch == 1 && fromSlot == created + 360, "pending at epoch 1");
        assertEq(reg.hyperparams(NET).tempo, 360, "still 360 now");
        (uint64 e, uint64 start, uint64 close) = reg.epochAt(NET, created + 359);
        assertTrue(e == 0 && start == created && close == created + 360, "epoch 0 unchanged");
        (e, start, close) = reg.epochAt(NET, created + 360);
        assertTrue(e == 1 && start == created + 360 && close == created + 1080, "epoch 1 at the new tempo");
        (start, close) = reg.epochBounds(NET, 2);
        assertTrue(start == created + 1080 && close == created + 1800, "epoch 2");
        // Governance: 100 from epoch 2, then replaced by 50 before it starts (same boundary).
        _toSlot(created + 500);
        assertEq(reg.hyperparams(NET).tempo, 720, "720 in effect");
        reg.setTempo(NET, 100);
        reg.setTempo(NET, 50);
        (pending, t, fromEpoch, fromSlot) = reg.pendingTempo(NET);
        assertTrue(pending && t == 50 && fromEpoch == 2 && fromSlot == created + 1080, "pending replaced");
        (start, close) = reg.epochBounds(NET, 3);
        assertTrue(start == created + 1130 && close == created + 1180, "epoch 3 at tempo 50");
        // Monotonic and consistent over the whole range.
        uint64 lastEpoch;
        for (uint64 s = created; s < created + 2500; s += 7) {
            (e, start, close) = reg.epochAt(NET, s);
            assertTrue(start <= s && s < close, "slot inside its epoch");
            assertTrue(e >= lastEpoch, "monotonic");
            (uint64 bs, uint64 bc) = reg.epochBounds(NET, e);
            assertTrue(bs == start && bc == close, "epochBounds agrees with epochAt");
            if (e > 0) {
                (, uint64 prevClose) = reg.epochBounds(NET, e - 1);
                assertEq(prevClose, start, "epochs are contiguous");
            }
            lastEpoch = e;
        }
        _toSlot(created + 28_800);
        uint16 net2 = _create(address(0xC2));
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.SlotBeforeSubnet.selector, uint64(5), _slot()));
        reg.epochAt(net2, 5);
        vm.expectRevert(_oob(_p(24), 0, 1, 50_400));
        reg.setTempo(NET, 0);
    }

    function test_alphaValuesAndSteepness() public {
        vm.prank(owner1);
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.LiquidAlphaDisabled.selector, NET));
        reg.setAlphaValues(NET, 40_000, 60_000);
        reg.setHyperparam(NET, _p(20), 1); // governance enables liquid alpha
        vm.expectRevert(_oob(_p(21), 1000, 1638, 60_000));
        reg.setAlphaValues(NET, 1000, 60_000);
        vm.expectRevert(_oob(_p(21), 50_000, 1638, 40_000));
        reg.setAlphaValues(NET, 50_000, 40_000);
        vm.expectRevert(_oob(_p(22), 1000, 1638, 65_535));
        reg.setAlphaValues(NET, 1000, 1000);
        vm.prank(owner1);
        reg.setAlphaValues(NET, 40_000, 60_000);
        ISubnetRegistryView.Hyperparams memory h = reg.hyperparams(NET);
        assertTrue(h.alphaLow == 40_000 && h.alphaHigh == 60_000, "alpha values");
        vm.prank(owner1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ISubnetRegistryTypes.SignedValueOutOfBounds.selector,
                _p(23),
                int256(-1),
                int256(0),
                int256(type(int16).max)
            )
        );
        reg.setAlphaSigmoidSteepness(NET, -1);
        vm.prank(owner1);
        reg.setAlphaSigmoidSteepness(NET, 2000);
        assertTrue(reg.hyperparams(NET).alphaSigmoidSteepness == 2000, "owner steepness");
        reg.setAlphaSigmoidSteepness(NET, -300);
        assertTrue(reg.hyperparams(NET).alphaSigmoidSteepness == -300, "governance may go negative");
    }

    function test_burnBoundsAndHalfLifeReanchorThePrice() public {
        assertEq(reg.burnCost(NET), 1e9, "initial");
        reg.setHyperparam(NET, _p(3), 50e9); // MinBurn above the current price
        assertEq(reg.burnCost(NET), 50e9, "clamped up to the new minimum");
        reg.setHyperparam(NET, _p(3), 1000);
        assertEq(reg.burnCost(NET), 50e9, "the price does not jump back");
        reg.setHyperparam(NET, _p(4), 20e9); // MaxBurn below the current price
        assertEq(reg.burnCost(NET), 20e9, "clamped down");
        reg.setHyperparam(NET, _p(18), 720);
        uint64 from = _slot();
        _toSlot(from + 720);
        uint256 expected = BurnCost.priceAt(20e9, 720, BurnCost.decayFactorQ32(720), 1000, 20e9);
        assertEq(reg.burnCost(NET), expected, "new half-life from the change on");
        assertLe(expected, 10e9 + 10e9 / 1e6, "about half after one half-life");
        assertLe(10e9 - 10e9 / 1e6, expected, "about half after one half-life");
    }

    function test_maxUidsCannotDropBelowNeuronsOrValidators() public {
        for (uint256 i; i < 3; ++i) {
            _registerSelf(NET, _account(i + 1));
        }
        vm.expectRevert(_oob(_p(0), 3, 64, 256));
        reg.setHyperparam(NET, _p(0), 3); // maxValidators 64 is the floor
        reg.setHyperparam(NET, _p(7), 1);
        vm.expectRevert(_oob(_p(0), 3, 4, 256));
        reg.setHyperparam(NET, _p(0), 3); // 4 neurons
        reg.setHyperparam(NET, _p(0), 4);
        vm.expectRevert(_oob(_p(7), 5, 1, 4));
        reg.setHyperparam(NET, _p(7), 5);
    }
}
