// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {RegistryFixture} from "./RegistryFixture.t.sol";
import {EmissionHarness} from "../../contracts/harness/EmissionHarness.sol";
import {MockStakingForRegistry} from "../../contracts/harness/MockStakingForRegistry.sol";
import {MockSignerWallet} from "../../contracts/harness/MockSignerWallet.sol";
import {SubnetRegistry, SubnetRegistryExtension} from "../../contracts/SubnetRegistry.sol";
import {ISubnetRegistry, ISubnetRegistryTypes} from "../../contracts/interfaces/ISubnetRegistry.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @notice Subnet creation, the lock cost, netuid allocation and reuse, the subnet limit and dissolution.
contract RegistrySubnetsTest is RegistryFixture {
    function setUp() public {
        _deploy();
    }

    function test_deploymentDefaults() public view {
        assertEq(reg.networkParam(ISubnetRegistryTypes.NetParam.MinLock), 1e9, "min lock 1 TAO");
        assertEq(reg.networkParam(ISubnetRegistryTypes.NetParam.LockReductionInterval), 57_600, "interval");
        assertEq(reg.networkParam(ISubnetRegistryTypes.NetParam.NetworkRateLimit), 28_800, "rate limit");
        assertEq(reg.networkParam(ISubnetRegistryTypes.NetParam.SubnetLimit), 128, "limit");
        assertEq(reg.networkParam(ISubnetRegistryTypes.NetParam.NetworkImmunityPeriod), 1_296_000, "immunity");
        assertEq(reg.networkParam(ISubnetRegistryTypes.NetParam.AdminFreezeWindow), 10, "freeze");
        assertEq(reg.networkParam(ISubnetRegistryTypes.NetParam.OwnerRateLimitEpochs), 2, "owner rate limit");
        assertTrue(reg.subnetExists(0), "root exists");
        assertFalse(reg.subnetExists(1), "no subnet 1");
        assertEq(reg.subnetCount(), 0, "count");
        assertEq(reg.lockCost(), 1e9, "first lock = min");
        assertEq(reg.neuronCount(0), 0, "root has no neurons");
        uint16[] memory ids = reg.netuids();
        assertEq(ids.length, 1, "only root");
    }

    function test_creationRevertsUntilWired() public {
        SubnetRegistry bare = new SubnetRegistry(address(this), emission);
        ISubnetRegistry r = ISubnetRegistry(address(bare));
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.DependencyNotSet.selector, bytes32("staking")));
        r.createSubnet(address(this), type(uint256).max, "");
        r.setStaking(address(staking));
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.DependencyNotSet.selector, bytes32("permits")));
        r.createSubnet(address(this), type(uint256).max, "");
        ISubnetRegistry bare2 = ISubnetRegistry(address(new SubnetRegistry(address(this), emission)));
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.DependencyNotSet.selector, bytes32("staking")));
        bare2.register(1, address(this), 0, "");
    }

    function test_dependenciesSettableOnceByGovernanceOnly() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                ISubnetRegistryTypes.DependencyAlreadySet.selector,
                bytes32("staking"),
                address(staking)
            )
        );
        reg.setStaking(address(1));
        vm.expectRevert(
            abi.encodeWithSelector(
                ISubnetRegistryTypes.DependencyAlreadySet.selector,
                bytes32("permits"),
                address(permits)
            )
        );
        reg.setPermits(address(1));
        vm.prank(address(0xBEEF));
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, address(0xBEEF)));
        reg.setWeightsContract(address(2));
        vm.expectRevert(ISubnetRegistryTypes.ZeroAddress.selector);
        reg.setWeightsContract(address(0));
        reg.setWeightsContract(address(2));
        assertEqAddr(reg.weightsContract(), address(2), "weights set");
        vm.expectRevert(
            abi.encodeWithSelector(ISubnetRegistryTypes.DependencyAlreadySet.selector, bytes32("weights"), address(2))
        );
        reg.setWeightsContract(address(3));
    }

    function test_extensionRejectsDirectCalls() public {
        SubnetRegistryExtension ext = SubnetRegistryExtension(SubnetRegistry(address(reg)).extension());
        vm.expectRevert(SubnetRegistryExtension.NotDelegated.selector);
        ext.setNetworkParam(ISubnetRegistryTypes.NetParam.SubnetLimit, 5);
    }

    function test_createSubnet() public {
        uint256 stakingBefore = tao.balanceOf(address(staking));
        uint16 netuid = _create(owner1);
        assertEq(netuid, 1, "first netuid");
        (address c, address h) = reg.subnetOwner(1);
        assertEqAddr(c, owner1, "owner coldkey");
        assertEqAddr(h, owner1, "owner hotkey");
        assertEq(reg.neuronCount(1), 1, "owner hotkey at uid 0");
        assertEqAddr(reg.hotkeyAt(1, 0), owner1, "uid 0");
        (bool registered, uint16 uid) = reg.uidOf(1, owner1);
        assertTrue(registered && uid == 0, "uidOf owner");
        assertEqAddr(reg.coldkeyOf(owner1), owner1, "bound");
        assertEq(tao.balanceOf(address(staking)) - stakingBefore, 1e9, "lock transferred to staking");
        assertEq(staking.poolTao(1), 1e9, "onSubnetCreated(lock)");
        (uint256 amount, uint64 slot) = reg.lastLock();
        assertEq(amount, 1e9, "last lock");
        assertEq(slot, _slot(), "last lock slot");
        assertEq(reg.subnetCount(), 1, "count");
        assertEq(reg.subnetRegisteredSlot(1), _slot(), "registered slot");
        assertEq(reg.emissionStartSlot(1), 0, "not started");
        (uint64 epoch, uint64 start, uint64 close) = reg.epochAt(1, _slot());
        assertTrue(epoch == 0 && start == _slot() && close == _slot() + 360, "epoch 0 from creation");
    }

    function test_lockCostDoublesThenDecaysLinearly() public {
        _create(owner1);
        // Rate limit: 28,800 slots since the last creation.
        uint64 next = _slot() + 28_800;
        _fund(address(0xB0B), 100_000 * TAO);
        vm.prank(address(0xB0B));
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.NetworkRateLimited.selector, next));
        reg.createSubnet(address(0xB0B), type(uint256).max, "");
        _warpSlots(28_800);
        // 2 * 1 TAO - floor(1e9 / 57,600) * 28,800 (integer division at run time)
        uint256 last = 1e9;
        uint256 interval = 57_600;
        uint256 expected = 2 * last - (last / interval) * 28_800;
        assertEq(expected, 1_500_003_200, "the floor of the per-slot decay is kept");
        assertEq(reg.lockCost(), expected, "decayed halfway");
        vm.prank(address(0xB0B));
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.LockCostTooHigh.selector, expected, expected - 1));
        reg.createSubnet(address(0xB0B), expected - 1, "");
        vm.prank(address(0xB0B));
        reg.createSubnet(address(0xB0B), expected, "");
        assertEq(staking.poolTao(2), expected, "paid the quoted cost");
        // After the full interval the cost is back at 2x the last lock minus all decay: the minimum floor.
        _warpSlots(57_600 * 3);
        assertEq(reg.lockCost(), 1e9, "decays to the minimum");
    }

    function test_lockIntervalShrinksAfterHalving() public {
        _create(owner1);
        // Past the first halving (10.5M TAO issued), the interval is 57,600 * 0.5.
        emission.seedIssuance(address(this), 10_000_000 * TAO);
        _warpSlots(28_800);
        uint256 last = 1e9;
        uint256 interval = 28_800;
        uint256 expected = 2 * last - (last / interval) * 28_800;
        assertEq(expected, 1_000_006_400, "floor(1e9 / 28,800) * 28,800");
        assertEq(reg.lockCost(), expected, "halved interval");
    }

    function test_netuidReuseAfterDissolution() public {
        _cheapNetwork();
        address[3] memory owners = [address(0xC1), address(0xC2), address(0xC3)];
        for (uint256 i; i < 3; ++i) {
            _warpSlots(2);
            assertEq(_create(owners[i]), i + 1, "sequential netuids");
        }
        // Subnet 2 gets a neuron and a non-default hyperparameter before it is dissolved.
        address n1 = _account(1);
        _registerSelf(2, n1);
        reg.setHyperparam(2, ISubnetRegistryTypes.Param.Kappa, 1234);
        reg.dissolveSubnet(2);
        assertFalse(reg.subnetExists(2), "dissolved");
        assertEq(staking.dissolutions(2), 1, "onSubnetDissolved");
        assertEq(permits.dissolvedCount(2), 1, "the permits source (settlement) reset too");
        assertEq(permits.dissolvedCount(1) + permits.dissolvedCount(3), 0, "only subnet 2");
        assertEq(reg.subnetCount(), 2, "count");
        assertEq(reg.generation(2), 1, "generation bumped");
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.SubnetNotFound.selector, uint16(2)));
        reg.neuronCount(2);
        // The lowest free netuid is reused, with a fresh state.
        _warpSlots(2);
        address newOwner = address(0xC4);
        assertEq(_create(newOwner), 2, "reused");
        assertEq(reg.neuronCount(2), 1, "only the new owner");
        assertEqAddr(reg.hotkeyAt(2, 1), address(0), "old neuron gone");
        (bool registered, ) = reg.uidOf(2, n1);
        assertFalse(registered, "old hotkey not registered");
        assertEq(reg.hyperparams(2).kappa, 32_767, "hyperparameters back to defaults");
        assertEq(reg.burnCost(2), 1e9, "burn back to 1 TAO");
        (address c, ) = reg.subnetOwner(2);
        assertEqAddr(c, newOwner, "new owner");
        // The old hotkey can register again on the new subnet 2.
        assertEq(_registerSelf(2, n1), 1, "fresh uid 1");
        assertEq(reg.weightsContext(2, n1, _slot(), false).generation, 1, "Weights sees the new life");
        uint16[] memory ids = reg.netuids();
        assertTrue(ids.length == 4 && ids[0] == 0 && ids[1] == 1 && ids[2] == 2 && ids[3] == 3, "netuids");
    }

    function test_dissolveSubnetGovernanceOnly() public {
        _create(owner1);
        vm.prank(owner1);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, owner1));
        reg.dissolveSubnet(1);
        vm.expectRevert(ISubnetRegistryTypes.RootSubnet.selector);
        reg.dissolveSubnet(0);
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.SubnetNotFound.selector, uint16(9)));
        reg.dissolveSubnet(9);
    }

    /// @dev Three subnets, limit 3, network immunity 1000 slots.
    function _fillSmallLimit() internal returns (address[3] memory owners) {
        _cheapNetwork();
        reg.setNetworkParam(ISubnetRegistryTypes.NetParam.SubnetLimit, 3);
        reg.setNetworkParam(ISubnetRegistryTypes.NetParam.NetworkImmunityPeriod, 1000);
        owners = [address(0xD1), address(0xD2), address(0xD3)];
        for (uint256 i; i < 3; ++i) {
            _warpSlots(10);
            _create(owners[i]);
        }
    }

    function test_subnetLimitDissolvesLowestEmaPrice() public {
        _fillSmallLimit();
        address late = address(0xD4);
        _fund(late, 100_000 * TAO);
        vm.prank(late);
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.SubnetLimitReached.selector, uint16(3)));
        reg.createSubnet(late, type(uint256).max, "");
        _warpSlots(1000);
        staking.setEmaPrice(1, 5e17);
        staking.setEmaPrice(2, 1e17);
        staking.setEmaPrice(3, 9e17);
        vm.prank(late);
        uint16 netuid = reg.createSubnet(late, type(uint256).max, "");
        assertEq(netuid, 2, "lowest EMA price dissolved and its netuid reused");
        assertEq(staking.dissolutions(2), 1, "onSubnetDissolved");
        assertEq(permits.dissolvedCount(2), 1, "the permits source (settlement) reset too");
        assertEq(reg.subnetCount(), 3, "still at the limit");
        (address c, ) = reg.subnetOwner(2);
        assertEqAddr(c, late, "new owner");
        assertEq(reg.generation(2), 1, "new instance");
    }

    function test_subnetLimitSkipsImmuneSubnets() public {
        _fillSmallLimit();
        // Subnet 1 and 2 leave immunity; subnet 3 (created 20 slots later than 1) is still immune.
        _toSlot(reg.subnetRegisteredSlot(2) + 1000);
        staking.setEmaPrice(1, 5e17);
        staking.setEmaPrice(2, 6e17);
        staking.setEmaPrice(3, 1); // lowest, but immune
        address late = address(0xD4);
        assertEq(_create(late), 1, "lowest price among non-immune");
    }

    function test_subnetLimitTiesGoToEarliestAndNoPricesToOldest() public {
        _fillSmallLimit();
        _warpSlots(1000);
        // No prices (all 0): the oldest.
        assertEq(_create(address(0xD4)), 1, "oldest");
        // Subnet 1 is now the newest (and immune). Equal prices on 2 and 3: the earliest of them.
        staking.setEmaPrice(2, 7e17);
        staking.setEmaPrice(3, 7e17);
        _warpSlots(10);
        assertEq(_create(address(0xD5)), 2, "tie: earliest registered");
    }

    function test_subnetLimitDefault128RaisableTo256() public {
        _cheapNetwork();
        reg.setNetworkParam(ISubnetRegistryTypes.NetParam.NetworkImmunityPeriod, 0);
        for (uint256 i; i < 128; ++i) {
            _warpSlots(2);
            _create(address(uint160(0xE000 + i)));
        }
        assertEq(reg.subnetCount(), 128, "128 subnets");
        _warpSlots(2);
        // The 129th dissolves the oldest (no prices) and reuses netuid 1.
        assertEq(_create(address(0xEFFF)), 1, "limit path");
        assertEq(reg.subnetCount(), 128, "still 128");
        reg.setNetworkParam(ISubnetRegistryTypes.NetParam.SubnetLimit, 256);
        _warpSlots(2);
        assertEq(_create(address(0xEFFE)), 129, "past 128 after raising the limit");
        vm.expectRevert(
            abi.encodeWithSelector(
                ISubnetRegistryTypes.NetValueOutOfBounds.selector,
                ISubnetRegistryTypes.NetParam.SubnetLimit,
                257,
                1,
                256
            )
        );
        reg.setNetworkParam(ISubnetRegistryTypes.NetParam.SubnetLimit, 257);
    }

    function test_networkParamsRejectOutOfBoundsAndStrangers() public {
        uint256[7] memory tooHigh = [
            uint256(1_000_000e9 + 1),
            uint256(type(uint32).max) + 1,
            uint256(type(uint32).max) + 1,
            257,
            uint256(type(uint32).max) + 1,
            uint256(type(uint16).max) + 1,
            uint256(type(uint16).max) + 1
        ];
        for (uint256 i; i < 7; ++i) {
            ISubnetRegistryTypes.NetParam p = ISubnetRegistryTypes.NetParam(i);
            vm.expectRevert();
            reg.setNetworkParam(p, tooHigh[i]);
            vm.prank(address(0xBAD));
            vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, address(0xBAD)));
            reg.setNetworkParam(p, 1);
        }
        vm.expectRevert(
            abi.encodeWithSelector(
                ISubnetRegistryTypes.NetValueOutOfBounds.selector,
                ISubnetRegistryTypes.NetParam.MinLock,
                999_999,
                1_000_000,
                1_000_000e9
            )
        );
        // Below the pool's minimum reserve, every creation would revert once the lock cost decayed to it.
        reg.setNetworkParam(ISubnetRegistryTypes.NetParam.MinLock, 999_999);
        vm.expectRevert(
            abi.encodeWithSelector(
                ISubnetRegistryTypes.NetValueOutOfBounds.selector,
                ISubnetRegistryTypes.NetParam.SubnetLimit,
                0,
                1,
                256
            )
        );
        reg.setNetworkParam(ISubnetRegistryTypes.NetParam.SubnetLimit, 0);
        reg.setNetworkParam(ISubnetRegistryTypes.NetParam.MinLock, 5e9);
        assertEq(reg.lockCost(), 5e9, "new minimum");
    }

    function test_startEmission() public {
        _create(owner1);
        vm.prank(address(0xBAD));
        vm.expectRevert(
            abi.encodeWithSelector(ISubnetRegistryTypes.NotSubnetOwner.selector, uint16(1), address(0xBAD))
        );
        reg.startEmission(1);
        vm.prank(owner1);
        reg.startEmission(1);
        uint64 start = _slot() + 1;
        assertEq(reg.emissionStartSlot(1), start, "next slot");
        vm.prank(owner1);
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.EmissionAlreadyStarted.selector, uint16(1), start));
        reg.startEmission(1);
    }

    /// @notice The owner-hotkey consent names its hotkey: a contract wallet's does not serve another with its signer.
    function test_contractWalletOwnerConsentIsForThatWalletOnly() public {
        uint256 pk = 0x4545;
        address w1 = address(new MockSignerWallet(vm.addr(pk)));
        address w2 = address(new MockSignerWallet(vm.addr(pk)));
        _fund(owner1, 100_000 * TAO);
        bytes memory forW1 = _createSigFor(pk, w1, owner1, 0, _slot() + 100);
        vm.prank(owner1);
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.InvalidHotkeySignature.selector, w2));
        reg.createSubnet(w2, type(uint256).max, forW1);
        vm.prank(owner1);
        reg.createSubnet(w1, type(uint256).max, forW1);
        (, address h) = reg.subnetOwner(1);
        assertEqAddr(h, w1, "w1 consented through ERC-1271");
    }

    function test_ownerHotkeyConsent() public {
        uint256 hotPk = 0x5EED;
        address hot = vm.addr(hotPk);
        _fund(owner1, 100_000 * TAO);
        // Another address as owner hotkey needs its signature.
        vm.prank(owner1);
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.HotkeyConsentMissing.selector, hot));
        reg.createSubnet(hot, type(uint256).max, "");
        uint64 deadline = _slot() + 100;
        bytes memory wrong = _createSig(0xBAD, owner1, 0, deadline);
        vm.prank(owner1);
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.InvalidHotkeySignature.selector, hot));
        reg.createSubnet(hot, type(uint256).max, wrong);
        bytes memory sig = _createSig(hotPk, owner1, 0, deadline);
        vm.prank(owner1);
        reg.createSubnet(hot, type(uint256).max, sig);
        (, address h) = reg.subnetOwner(1);
        assertEqAddr(h, hot, "owner hotkey");
        assertEqAddr(reg.coldkeyOf(hot), owner1, "bound to the creator");
        assertEq(reg.nonces(hot), 1, "nonce used");
        bytes32 independent = keccak256(
            abi.encodePacked(
                "\x19\x01",
                _domain(),
                keccak256(
                    abi.encode(
                        keccak256("CreateSubnet(address hotkey,address coldkey,uint64 nonce,uint64 deadline)"),
                        hot,
                        owner1,
                        0,
                        deadline
                    )
                )
            )
        );
        assertTrue(reg.createSubnetDigest(hot, owner1, 0, deadline) == independent, "digest view = independent digest");
    }

    function test_lockCostIsFloorAtMinimumWithManyCreations() public {
        _cheapNetwork();
        for (uint256 i; i < 5; ++i) {
            _warpSlots(2);
            assertEq(reg.lockCost(), 1e9, "back to minimum after 2 slots at interval 1");
            _create(address(uint160(0xF000 + i)));
            // Right after a creation the cost doubles.
            assertEq(reg.lockCost(), 2e9, "doubled");
        }
    }

    function test_createFailsWhenLockNotPayable() public {
        address poor = address(0x9009);
        vm.prank(poor);
        vm.expectRevert(); // no allowance / balance: TAO reverts
        reg.createSubnet(poor, type(uint256).max, "");
        assertEq(reg.subnetCount(), 0, "nothing created");
    }

    function test_stakingHookFailureRevertsCreation() public {
        // A staking contract that rejects the registry (registry mismatch) makes creation revert atomically.
        MockStakingForRegistry other = new MockStakingForRegistry(tao);
        other.setRegistry(address(0x1234));
        SubnetRegistry fresh = new SubnetRegistry(address(this), emission);
        ISubnetRegistry r = ISubnetRegistry(address(fresh));
        r.setStaking(address(other));
        r.setPermits(address(permits));
        tao.approve(address(r), type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(MockStakingForRegistry.NotRegistry.selector, address(r)));
        r.createSubnet(address(this), type(uint256).max, "");
        assertEq(r.subnetCount(), 0, "rolled back");
    }

    function test_emptyEmissionParamIsRejected() public {
        vm.expectRevert(ISubnetRegistryTypes.ZeroAddress.selector);
        new SubnetRegistry(address(this), EmissionHarness(address(0)));
    }
}
