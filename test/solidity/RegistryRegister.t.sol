// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {RegistryFixture} from "./RegistryFixture.t.sol";
import {ISubnetRegistryTypes} from "../../contracts/interfaces/ISubnetRegistry.sol";
import {BurnCost} from "../../contracts/libraries/BurnCost.sol";
import {MockLastUpdateForRegistry} from "../../contracts/harness/MockLastUpdateForRegistry.sol";
import {MockSignerWallet} from "../../contracts/harness/MockSignerWallet.sol";

/// @notice Burned registration, hotkey consent and binding, replacement when full.
contract RegistryRegisterTest is RegistryFixture {
    uint16 internal constant NET = 1;

    function setUp() public {
        _deploy();
        _create(owner1);
    }

    /// @dev Governance shrinks the subnet to `maxUids` uids with `immunity` slots of immunity.
    function _small(uint256 maxUids, uint256 immunity) internal {
        reg.setHyperparam(NET, ISubnetRegistryTypes.Param.MaxValidators, 1);
        reg.setHyperparam(NET, ISubnetRegistryTypes.Param.MaxUids, maxUids);
        reg.setHyperparam(NET, ISubnetRegistryTypes.Param.ImmunityPeriod, immunity);
    }

    function test_registerAppendsAndBurns() public {
        address a = _account(1);
        uint256 supply = tao.totalSupply();
        uint256 balance = tao.balanceOf(a);
        assertEq(reg.burnCost(NET), 1e9, "initial burn 1 TAO");
        uint16 uid = _registerSelf(NET, a);
        assertEq(uid, 1, "uid 1");
        assertEq(balance - tao.balanceOf(a), 1e9, "coldkey paid");
        assertEq(supply - tao.totalSupply(), 1e9, "recycled: issuance lowered");
        assertEq(staking.burned(NET), 1e9, "onRegistrationBurn");
        assertEq(reg.neuronCount(NET), 2, "count");
        assertEqAddr(reg.hotkeyAt(NET, 1), a, "hotkeyAt");
        assertEq(reg.registrationSlot(NET, 1), _slot(), "registration slot");
        assertEq(reg.lastUpdate(NET, 1), _slot(), "last update = registration");
        assertEqAddr(reg.coldkeyOf(a), a, "self-owned hotkey bound to itself");
        // x1.26 after the registration, same slot.
        assertEq(reg.burnCost(NET), 1_260_000_000, "bumped");
        address b = _account(2);
        assertEq(_registerSelf(NET, b), 2, "uid 2");
        assertEq(reg.burnCost(NET), 1_587_600_000, "bumped twice");
    }

    function test_burnDecaysInClosedForm() public {
        _registerSelf(NET, _account(1));
        uint256 anchor = 1_260_000_000;
        uint64 from = _slot();
        for (uint256 i; i < 6; ++i) {
            _warpSlots(97 + i * 211);
            uint256 expected = BurnCost.priceAt(anchor, _slot() - from, BurnCost.F_Q32_360, 500_000, 100e9);
            assertEq(reg.burnCost(NET), expected, "closed form");
        }
        // One half-life later the price is (almost exactly) halved.
        _toSlot(from + 360);
        uint256 half = reg.burnCost(NET);
        uint256 halfAnchor = anchor / 2;
        uint256 gap = half > halfAnchor ? half - halfAnchor : halfAnchor - half;
        assertLe(gap, anchor / 1e6, "half-life 360 slots");
        // After a long time: the minimum.
        _warpSlots(360 * 100);
        assertEq(reg.burnCost(NET), 500_000, "floor at min burn");
    }

    function test_burnTooHigh() public {
        address a = _account(1);
        vm.prank(a);
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.BurnTooHigh.selector, 1e9, 1e9 - 1));
        reg.register(NET, a, 1e9 - 1, "");
        vm.prank(a);
        reg.register(NET, a, 1e9, "");
    }

    function test_registrationChecks() public {
        address a = _account(1);
        vm.prank(a);
        vm.expectRevert(ISubnetRegistryTypes.RootSubnet.selector);
        reg.register(0, a, type(uint256).max, "");
        vm.prank(a);
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.SubnetNotFound.selector, uint16(7)));
        reg.register(7, a, type(uint256).max, "");
        _registerSelf(NET, a);
        vm.prank(a);
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.AlreadyRegistered.selector, NET, a, uint16(1)));
        reg.register(NET, a, type(uint256).max, "");
        vm.prank(owner1);
        vm.expectRevert(
            abi.encodeWithSelector(ISubnetRegistryTypes.AlreadyRegistered.selector, NET, owner1, uint16(0))
        );
        reg.register(NET, owner1, type(uint256).max, "");
        reg.setHyperparam(NET, ISubnetRegistryTypes.Param.RegistrationAllowed, 0);
        address b = _account(2);
        vm.prank(b);
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.RegistrationDisabled.selector, NET));
        reg.register(NET, b, type(uint256).max, "");
        reg.setHyperparam(NET, ISubnetRegistryTypes.Param.RegistrationAllowed, 1);
        vm.prank(b);
        vm.expectRevert(ISubnetRegistryTypes.ZeroAddress.selector);
        reg.register(NET, address(0), type(uint256).max, "");
    }

    // ------------------------------------------------------------------------------------------------------------
    // Consent
    // ------------------------------------------------------------------------------------------------------------

    function test_signatureConsentBindsHotkeyToColdkey() public {
        uint256 hotPk = 0x1111;
        address hot = vm.addr(hotPk);
        address cold = _account(50);
        uint64 deadline = _slot() + 10;
        bytes memory consent = _registerSig(hotPk, cold, NET, 0, deadline);
        vm.prank(cold);
        reg.register(NET, hot, type(uint256).max, consent);
        assertEqAddr(reg.coldkeyOf(hot), cold, "bound");
        assertEq(reg.nonces(hot), 1, "nonce consumed");
        (bool registered, ) = reg.uidOf(NET, hot);
        assertTrue(registered, "registered");
        // The bound coldkey needs no new signature on another subnet.
        _warpSlots(28_800);
        uint16 net2 = _create(address(0xC0FFEE));
        vm.prank(cold);
        reg.register(net2, hot, type(uint256).max, "");
        // Nobody else may use the hotkey, even with a fresh signature from it.
        _warpSlots(28_800);
        uint16 net3 = _create(address(0xC0FFEF));
        address other = _account(51);
        bytes memory sig = _registerSig(hotPk, other, net3, 1, _slot() + 10);
        vm.prank(other);
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.HotkeyBoundToOther.selector, hot, cold));
        reg.register(net3, hot, type(uint256).max, sig);
        // The hotkey itself (as its own coldkey) may not either: it is bound to `cold`.
        _fund(hot, 100 * TAO);
        vm.prank(hot);
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.HotkeyBoundToOther.selector, hot, cold));
        reg.register(net3, hot, type(uint256).max, "");
    }

    /// @dev The digest view is the EIP-712 hash of Register(hotkey, coldkey, netuid, generation, nonce, deadline).
    function test_registerDigestMatchesEip712() public view {
        address hot = address(0xB07);
        address cold = address(0xC01D);
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256(
                    "Register(address hotkey,address coldkey,uint16 netuid,uint32 generation,uint64 nonce,uint64 deadline)"
                ),
                hot,
                cold,
                NET,
                uint32(3),
                uint64(7),
                uint64(1_000)
            )
        );
        assertTrue(
            reg.registerDigest(hot, cold, NET, 3, 7, 1_000) ==
                keccak256(abi.encodePacked("\x19\x01", _domain(), structHash)),
            "digest view matches"
        );
    }

    /// @notice A consent names its hotkey: two ERC-1271 wallets with one signer do not accept each other's.
    function test_contractWalletConsentIsForThatWalletOnly() public {
        uint256 pk = 0x4444;
        address w1 = address(new MockSignerWallet(vm.addr(pk)));
        address w2 = address(new MockSignerWallet(vm.addr(pk)));
        address cold = _account(51);
        uint64 deadline = _slot() + 10;
        bytes memory forW1 = _registerSigFor(pk, w1, cold, NET, reg.generation(NET), 0, deadline);
        vm.prank(cold);
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.InvalidHotkeySignature.selector, w2));
        reg.register(NET, w2, type(uint256).max, forW1);
        assertEqAddr(reg.coldkeyOf(w2), address(0), "w2 stays unbound");
        vm.prank(cold);
        reg.register(NET, w1, type(uint256).max, forW1);
        assertEqAddr(reg.coldkeyOf(w1), cold, "w1 consented through ERC-1271");
    }

    function test_wrongSignerRejected() public {
        address hot = vm.addr(0x2222);
        address cold = _account(50);
        uint64 deadline = _slot() + 10;
        bytes memory byOther = _registerSig(0x3333, cold, NET, 0, deadline);
        vm.prank(cold);
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.InvalidHotkeySignature.selector, hot));
        reg.register(NET, hot, type(uint256).max, byOther);
        // Signed for another coldkey, netuid or deadline: also rejected.
        bytes memory forOtherCold = _registerSig(0x2222, address(0xDEAD), NET, 0, deadline);
        vm.prank(cold);
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.InvalidHotkeySignature.selector, hot));
        reg.register(NET, hot, type(uint256).max, forOtherCold);
        bytes memory forOtherNet = _registerSig(0x2222, cold, NET + 1, 0, deadline);
        vm.prank(cold);
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.InvalidHotkeySignature.selector, hot));
        reg.register(NET, hot, type(uint256).max, forOtherNet);
        // Signed for another life of the netuid but sent as if for this one: the generation is signed.
        bytes memory forOtherLife = _registerSigAt(0x2222, cold, NET, 1, 0, deadline);
        forOtherLife[11] = 0x00; // header generation 1 -> 0 (big-endian uint32 at bytes 8..11)
        vm.prank(cold);
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.InvalidHotkeySignature.selector, hot));
        reg.register(NET, hot, type(uint256).max, forOtherLife);
        // Shorter than deadline (8) + generation (4).
        bytes memory tooShort = hex"00000000000000ff01";
        vm.prank(cold);
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.InvalidHotkeySignature.selector, hot));
        reg.register(NET, hot, type(uint256).max, tooShort);
        (bool registered, ) = reg.uidOf(NET, hot);
        assertFalse(registered, "nothing registered");
        assertEqAddr(reg.coldkeyOf(hot), address(0), "not bound");
    }

    function test_replayRejected() public {
        uint256 hotPk = 0x4444;
        address hot = vm.addr(hotPk);
        address cold = _account(50);
        uint64 deadline = _slot() + 100_000;
        bytes memory sig = _registerSig(hotPk, cold, NET, 0, deadline);
        vm.prank(cold);
        reg.register(NET, hot, type(uint256).max, sig);
        // Replayed on the same subnet: the nonce is spent.
        vm.prank(cold);
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.InvalidHotkeySignature.selector, hot));
        reg.register(NET, hot, type(uint256).max, sig);
        // The subnet is dissolved and recreated at the same netuid: the old signature is for the old life.
        reg.dissolveSubnet(NET);
        _warpSlots(28_800);
        assertEq(_create(address(0xC0DE)), NET, "same netuid");
        vm.prank(cold);
        vm.expectRevert(
            abi.encodeWithSelector(ISubnetRegistryTypes.HotkeySignatureWrongGeneration.selector, NET, 0, 1)
        );
        reg.register(NET, hot, type(uint256).max, sig);
        // Re-signed for the new life but with the spent nonce: rejected too.
        bytes memory spent = _registerSig(hotPk, cold, NET, 0, deadline);
        vm.prank(cold);
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.InvalidHotkeySignature.selector, hot));
        reg.register(NET, hot, type(uint256).max, spent);
        // A signature for the current nonce works.
        bytes memory fresh = _registerSig(hotPk, cold, NET, 1, deadline);
        vm.prank(cold);
        reg.register(NET, hot, type(uint256).max, fresh);
        assertEq(reg.nonces(hot), 2, "second nonce used");
    }

    /// @dev An unused consent for a subnet does not carry over to the next subnet under its netuid, even when the
    /// same coldkey owns both and registers with it (dissolved by governance).
    function test_unusedConsentVoidAfterDissolution() public {
        uint256 hotPk = 0x6666;
        address hot = vm.addr(hotPk);
        address cold = _account(60);
        _cheapNetwork();
        _warpSlots(1);
        uint16 net = _create(cold);
        uint32 gen = reg.generation(net);
        bytes memory sig = _registerSig(hotPk, cold, net, 0, _slot() + 100_000);
        reg.dissolveSubnet(net);
        _warpSlots(1);
        assertEq(_create(cold), net, "same netuid, same owner coldkey");
        assertEq(reg.generation(net), gen + 1, "next life");
        vm.prank(cold);
        vm.expectRevert(
            abi.encodeWithSelector(ISubnetRegistryTypes.HotkeySignatureWrongGeneration.selector, net, gen, gen + 1)
        );
        reg.register(net, hot, type(uint256).max, sig);
        assertEq(reg.nonces(hot), 0, "nonce untouched");
        assertEqAddr(reg.coldkeyOf(hot), address(0), "not bound");
        // The hotkey's consent to the new life works.
        bytes memory renewed = _registerSig(hotPk, cold, net, 0, _slot() + 10);
        vm.prank(cold);
        reg.register(net, hot, type(uint256).max, renewed);
        (bool registered, ) = reg.uidOf(net, hot);
        assertTrue(registered, "registered on the new life");
    }

    /// @dev The same when the netuid is reused by a creation at the subnet limit (its subnet is pruned).
    function test_unusedConsentVoidAfterPruningAtTheLimit() public {
        uint256 hotPk = 0x7777;
        address hot = vm.addr(hotPk);
        reg.setNetworkParam(ISubnetRegistryTypes.NetParam.SubnetLimit, 1);
        reg.setNetworkParam(ISubnetRegistryTypes.NetParam.NetworkImmunityPeriod, 0);
        bytes memory sig = _registerSig(hotPk, owner1, NET, 0, _slot() + 100_000);
        _warpSlots(28_800);
        assertEq(_create(owner1), NET, "pruned and reused by its owner coldkey");
        vm.prank(owner1);
        vm.expectRevert(
            abi.encodeWithSelector(ISubnetRegistryTypes.HotkeySignatureWrongGeneration.selector, NET, 0, 1)
        );
        reg.register(NET, hot, type(uint256).max, sig);
    }

    function test_expiredSignatureAndMissingConsent() public {
        address hot = vm.addr(0x5555);
        address cold = _account(50);
        uint64 deadline = _slot() + 5;
        bytes memory sig = _registerSig(0x5555, cold, NET, 0, deadline);
        _warpSlots(6);
        vm.prank(cold);
        vm.expectRevert(
            abi.encodeWithSelector(ISubnetRegistryTypes.HotkeySignatureExpired.selector, deadline, _slot())
        );
        reg.register(NET, hot, type(uint256).max, sig);
        vm.prank(cold);
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.HotkeyConsentMissing.selector, hot));
        reg.register(NET, hot, type(uint256).max, "");
    }

    // ------------------------------------------------------------------------------------------------------------
    // Replacement
    // ------------------------------------------------------------------------------------------------------------

    function test_fullSubnetReplacesOldestWithoutScores() public {
        _small(4, 100);
        address[6] memory n;
        for (uint256 i; i < 3; ++i) {
            n[i] = _account(i + 1);
            _warpSlots(1);
            assertEq(_registerSelf(NET, n[i]), i + 1, "append");
        }
        (bool found, ) = reg.pruneCandidate(NET);
        assertTrue(found == false, "all immune");
        n[3] = _account(4);
        vm.prank(n[3]);
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.NoPruneCandidate.selector, NET));
        reg.register(NET, n[3], type(uint256).max, "");
        _warpSlots(100);
        uint16 uid;
        (found, uid) = reg.pruneCandidate(NET);
        assertTrue(found && uid == 1, "oldest first");
        assertEq(_registerSelf(NET, n[3]), 1, "replaced uid 1");
        (bool stillThere, ) = reg.uidOf(NET, n[0]);
        assertFalse(stillThere, "replaced hotkey left");
        assertEqAddr(reg.hotkeyAt(NET, 1), n[3], "new occupant");
        assertEq(reg.neuronCount(NET), 4, "count unchanged");
        // Next: uid 2 (uid 1 is now the newest and immune).
        n[4] = _account(5);
        assertEq(_registerSelf(NET, n[4]), 2, "then uid 2");
        n[5] = _account(6);
        assertEq(_registerSelf(NET, n[5]), 3, "then uid 3");
        // Everything but the owner is immune again.
        address late = _account(7);
        vm.prank(late);
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.NoPruneCandidate.selector, NET));
        reg.register(NET, late, type(uint256).max, "");
        // After immunity: uid 1 (registered first of the three).
        _warpSlots(100);
        assertEq(_registerSelf(NET, late), 1, "ring order");
    }

    function test_ownerNeverPruned() public {
        _small(2, 0);
        address a = _account(1);
        _registerSelf(NET, a);
        _warpSlots(1_000_000);
        address b = _account(2);
        assertEq(_registerSelf(NET, b), 1, "uid 1 replaced, never the owner's uid 0");
        assertEqAddr(reg.hotkeyAt(NET, 0), owner1, "owner stays");
    }

    function test_pruningByScoreThenAgeThenUid() public {
        _small(5, 10);
        address[4] memory n;
        // uids 1 and 2 in one slot, 3 and 4 in a later slot
        n[0] = _account(1);
        n[1] = _account(2);
        _registerSelf(NET, n[0]);
        _registerSelf(NET, n[1]);
        _warpSlots(5);
        n[2] = _account(3);
        n[3] = _account(4);
        _registerSelf(NET, n[2]);
        _registerSelf(NET, n[3]);
        _warpSlots(20);
        // Scores: uid 1 = 7, uid 2 = 3, uid 3 = 3, uid 4 = 9. Lowest 3 (uids 2 and 3): 2 is older.
        permits.setLastEmission(NET, 1, 7);
        permits.setLastEmission(NET, 2, 3);
        permits.setLastEmission(NET, 3, 3);
        permits.setLastEmission(NET, 4, 9);
        reg.syncPruningScores(NET);
        (bool found, uint16 uid) = reg.pruneCandidate(NET);
        assertTrue(found && uid == 2, "lowest score, then oldest");
        assertEq(_registerSelf(NET, _account(10)), 2, "uid 2 replaced");
        assertEq(_registerSelf(NET, _account(11)), 3, "then uid 3");
        assertEq(_registerSelf(NET, _account(12)), 1, "then uid 1 (score 7)");
        assertEq(_registerSelf(NET, _account(13)), 4, "then uid 4 (score 9)");
        // All four are new and immune now.
        address late = _account(14);
        vm.prank(late);
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.NoPruneCandidate.selector, NET));
        reg.register(NET, late, type(uint256).max, "");
    }

    function test_equalScoresAndSlotsGoToLowestUid() public {
        _small(4, 0);
        address a = _account(1);
        address b = _account(2);
        address c = _account(3);
        _registerSelf(NET, a);
        _registerSelf(NET, b);
        _registerSelf(NET, c);
        _warpSlots(1);
        permits.setLastEmission(NET, 1, 5);
        permits.setLastEmission(NET, 2, 5);
        permits.setLastEmission(NET, 3, 5);
        reg.syncPruningScores(NET);
        assertEq(_registerSelf(NET, _account(4)), 1, "tie: lowest uid");
        // Registered after the sync: score 0 and non-immune at once (immunity 0) -> lowest now.
        _warpSlots(1);
        assertEq(_registerSelf(NET, _account(5)), 1, "fresh score-0 neuron goes first");
        assertEq(_registerSelf(NET, _account(6)), 1, "again");
    }

    function test_zeroScoreBeatsFreshOnlyWhenOlder() public {
        _small(4, 0);
        _registerSelf(NET, _account(1));
        _registerSelf(NET, _account(2));
        _registerSelf(NET, _account(3));
        _warpSlots(3);
        // uid 1 scored 0, uid 2 and 3 scored > 0.
        permits.setLastEmission(NET, 2, 1);
        permits.setLastEmission(NET, 3, 1);
        reg.syncPruningScores(NET);
        assertEq(_registerSelf(NET, _account(4)), 1, "score 0 first");
        // uid 1 (fresh, score 0, newer) vs nothing else with score 0: uid 1 again.
        _warpSlots(1);
        assertEq(_registerSelf(NET, _account(5)), 1, "fresh score-0 beats scored");
    }

    function test_replacedStateIsCleared() public {
        _small(2, 0);
        address a = _account(1);
        _registerSelf(NET, a);
        vm.prank(a);
        reg.serveAxon(NET, "http://10.0.0.1:8091", 4, 7);
        MockLastUpdateForRegistry w = new MockLastUpdateForRegistry();
        reg.setWeightsContract(address(w));
        _warpSlots(3);
        w.setLastUpdate(NET, a, _slot());
        assertEq(reg.lastUpdate(NET, 1), _slot(), "recorded");
        _warpSlots(2);
        address b = _account(2);
        assertEq(_registerSelf(NET, b), 1, "replaced");
        assertEq(bytes(reg.axonOf(NET, 1).endpoint).length, 0, "axon cleared");
        assertEq(reg.axonOf(NET, 1).servedSlot, 0, "served slot cleared");
        assertEq(reg.lastUpdate(NET, 1), _slot(), "last update = new registration");
        assertEq(reg.registrationSlot(NET, 1), _slot(), "registration slot");
        // The new occupant may serve at once (no inherited rate limit).
        vm.prank(b);
        reg.serveAxon(NET, "http://10.0.0.2:8091", 4, 7);
        assertEq(reg.axonOf(NET, 1).endpoint, "http://10.0.0.2:8091", "new axon");
    }

    function test_syncRequiresPermitsAndLiveSubnet() public {
        vm.expectRevert(ISubnetRegistryTypes.RootSubnet.selector);
        reg.syncPruningScores(0);
        vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.SubnetNotFound.selector, uint16(5)));
        reg.syncPruningScores(5);
        reg.syncPruningScores(NET); // only the owner: an empty order
        (bool found, ) = reg.pruneCandidate(NET);
        assertFalse(found, "not full");
    }

    function assertEq(string memory a, string memory b, string memory what) internal pure {
        if (keccak256(bytes(a)) != keccak256(bytes(b))) revert(string.concat(what, ": ", a, " != ", b));
    }
}
