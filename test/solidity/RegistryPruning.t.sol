// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {RegistryFixture} from "./RegistryFixture.t.sol";
import {Vm} from "./Vm.sol";
import {ISubnetRegistry, ISubnetRegistryTypes} from "../../contracts/interfaces/ISubnetRegistry.sol";
import {MockPermitsForRegistry} from "../../contracts/harness/MockPermitsForRegistry.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice Brute-force model of subtensor's `get_neuron_to_prune` as the registry defines the score: the synced
/// emission of a uid, 0 if it registered since the last sync; argmin of (score, registration slot, uid) over
/// non-immune uids 1..n-1.
abstract contract PruningModel {
    uint256[256] internal syncedScore;
    bool[256] internal freshSinceSync;

    function _modelSync(uint256 n, MockPermitsForRegistry permits, uint16 netuid) internal {
        for (uint256 uid = 1; uid < n; ++uid) {
            syncedScore[uid] = permits.lastEmission(netuid, uint16(uid));
            freshSinceSync[uid] = false;
        }
    }

    function _modelRegistered(uint256 uid) internal {
        freshSinceSync[uid] = true;
    }

    function _modelCandidate(
        ISubnetRegistry reg,
        uint16 netuid,
        uint256 nowSlot,
        uint256 immunity
    ) internal view returns (bool found, uint16 best) {
        uint256 n = reg.neuronCount(netuid);
        uint256 bestScore;
        uint256 bestReg;
        for (uint256 uid = 1; uid < n; ++uid) {
            uint256 r = reg.registrationSlot(netuid, uint16(uid));
            if (r + immunity > nowSlot) continue;
            uint256 score = freshSinceSync[uid] ? 0 : syncedScore[uid];
            if (!found || score < bestScore || (score == bestScore && r < bestReg)) {
                (found, best, bestScore, bestReg) = (true, uint16(uid), score, r);
            }
        }
    }

    /// @dev uids 0..n-1 all hold distinct hotkeys that map back to their uid.
    function _denseAndUnique(ISubnetRegistry reg, uint16 netuid) internal view returns (bool) {
        uint256 n = reg.neuronCount(netuid);
        for (uint256 uid; uid < n; ++uid) {
            address h = reg.hotkeyAt(netuid, uint16(uid));
            if (h == address(0)) return false;
            (bool registered, uint16 back) = reg.uidOf(netuid, h);
            if (!registered || back != uid) return false;
        }
        return reg.hotkeyAt(netuid, uint16(n)) == address(0);
    }
}

/// @notice Fuzzed registration sequences: uids stay unique and dense, and every replacement is exactly the
/// brute-force argmin (ties: oldest registration, then lowest uid), also across immunity changes, a raised
/// maxUids and bursts of registrations in one slot.
contract RegistryPruningTest is RegistryFixture, PruningModel {
    uint16 internal constant NET = 1;
    uint256 internal constant MAX_UIDS = 8;

    function setUp() public {
        _deploy();
        _create(owner1);
        reg.setHyperparam(NET, ISubnetRegistryTypes.Param.MaxValidators, 1);
        reg.setHyperparam(NET, ISubnetRegistryTypes.Param.MaxUids, MAX_UIDS);
    }

    function testFuzz_registrationSequencesMatchBruteForce(uint256 seed) public {
        uint256 immunity = seed % 25;
        reg.setHyperparam(NET, ISubnetRegistryTypes.Param.ImmunityPeriod, immunity);
        uint256 next;
        uint256 maxUids = MAX_UIDS;
        for (uint256 step; step < 36; ++step) {
            uint256 r = uint256(keccak256(abi.encode(seed, step)));
            uint256 action = r % 11;
            if (action < 4) {
                _registerOne(_account(++next), maxUids, immunity);
            } else if (action < 7) {
                _warpSlots((r >> 8) % (action == 6 ? 30 : 6));
            } else if (action == 7) {
                uint256 n = reg.neuronCount(NET);
                for (uint256 uid = 1; uid < n; ++uid) {
                    permits.setLastEmission(NET, uint16(uid), (r >> (8 + 2 * uid)) % 4); // many ties
                }
                reg.syncPruningScores(NET);
                _modelSync(n, permits, NET);
            } else if (action == 8) {
                immunity = (r >> 8) % 25;
                reg.setHyperparam(NET, ISubnetRegistryTypes.Param.ImmunityPeriod, immunity);
            } else if (action == 9) {
                if (maxUids < 14) {
                    maxUids += 1 + ((r >> 8) % 3);
                    reg.setHyperparam(NET, ISubnetRegistryTypes.Param.MaxUids, maxUids);
                }
            } else {
                // Three registrations in one slot: appends, then replacements of same-slot neurons.
                for (uint256 k; k < 3 && _registerOne(_account(++next), maxUids, immunity); ++k) {}
            }
            assertTrue(_denseAndUnique(reg, NET), "dense and unique");
            assertLe(reg.neuronCount(NET), maxUids, "count <= maxUids");
        }
    }

    /// @dev Registers `a`: the next uid while the subnet has room, else the model's argmin (the view agrees), or
    /// `NoPruneCandidate` when the model has none. Returns whether `a` was registered.
    function _registerOne(address a, uint256 maxUids, uint256 immunity) internal returns (bool) {
        uint256 n = reg.neuronCount(NET);
        if (n < maxUids) {
            assertEq(_registerSelf(NET, a), n, "append takes the next uid");
            _modelRegistered(n);
            return true;
        }
        (bool found, uint16 expected) = _modelCandidate(reg, NET, _slot(), immunity);
        (bool vFound, uint16 vUid) = reg.pruneCandidate(NET);
        assertTrue(vFound == found && (!found || vUid == expected), "view agrees with the model");
        if (!found) {
            vm.prank(a);
            vm.expectRevert(abi.encodeWithSelector(ISubnetRegistryTypes.NoPruneCandidate.selector, NET));
            reg.register(NET, a, type(uint256).max, "");
            return false;
        }
        assertEq(_registerSelf(NET, a), expected, "replaces the brute-force argmin");
        _modelRegistered(expected);
        return true;
    }

    /// @dev A full 256-uid subnet: the first replacement after a sync still follows the model exactly.
    function test_fullSubnetOf256() public {
        reg.setHyperparam(NET, ISubnetRegistryTypes.Param.MaxUids, 256);
        reg.setHyperparam(NET, ISubnetRegistryTypes.Param.ImmunityPeriod, 100);
        for (uint256 i = 1; i < 256; ++i) {
            if (i % 16 == 0) _warpSlots(1);
            _registerSelf(NET, _account(i));
            _modelRegistered(i);
        }
        assertEq(reg.neuronCount(NET), 256, "full");
        _warpSlots(200);
        for (uint256 uid = 1; uid < 256; ++uid) {
            permits.setLastEmission(NET, uint16(uid), uint256(keccak256(abi.encode(uid))) % 50);
        }
        reg.syncPruningScores(NET);
        _modelSync(256, permits, NET);
        for (uint256 k; k < 20; ++k) {
            (bool found, uint16 expected) = _modelCandidate(reg, NET, _slot(), 100);
            assertTrue(found, "candidate");
            assertEq(_registerSelf(NET, _account(1000 + k)), expected, "model");
            _modelRegistered(expected);
        }
        assertTrue(_denseAndUnique(reg, NET), "dense");
    }

    /// @dev The lowest-score uids are all still immune: the walk skips whole sorted words by their minReg summary
    /// and still lands on the model's choice, then on the next ones as the immune uids come of age.
    function test_longRunOfImmuneLowScoresIsSkippedExactly() public {
        reg.setHyperparam(NET, ISubnetRegistryTypes.Param.MaxUids, 256);
        reg.setHyperparam(NET, ISubnetRegistryTypes.Param.ImmunityPeriod, 1000);
        for (uint256 i = 1; i < 56; ++i) {
            _registerSelf(NET, _account(i));
            _modelRegistered(i);
        }
        _warpSlots(1000);
        for (uint256 i = 56; i < 256; ++i) {
            if (i % 40 == 0) _warpSlots(100);
            _registerSelf(NET, _account(i));
            _modelRegistered(i);
        }
        for (uint256 uid = 1; uid < 256; ++uid) {
            permits.setLastEmission(NET, uint16(uid), uid < 56 ? 1e6 + ((uid * 37) % 11) : uid % 7);
        }
        reg.syncPruningScores(NET);
        _modelSync(256, permits, NET);
        for (uint256 k; k < 60; ++k) {
            if (k % 10 == 9) _warpSlots(100); // older late registrants leave immunity over time
            (bool found, uint16 expected) = _modelCandidate(reg, NET, _slot(), 1000);
            (bool vFound, uint16 vUid) = reg.pruneCandidate(NET);
            assertTrue(found && vFound && vUid == expected, "view = model");
            assertEq(_registerSelf(NET, _account(2000 + k)), expected, "register = model");
            _modelRegistered(expected);
        }
        assertTrue(_denseAndUnique(reg, NET), "dense");
    }
}

/// @notice Random actions on one subnet for the invariant run.
contract RegistryHandler is PruningModel {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    uint16 internal constant NET = 1;

    ISubnetRegistry public immutable reg;
    IERC20 public immutable tao;
    MockPermitsForRegistry public immutable permits;
    uint256 public immutable genesis;
    uint256 public immutable immunity;
    uint256 public nextAccount;
    uint256 public mismatches;
    uint256 public replacements;

    constructor(
        ISubnetRegistry reg_,
        IERC20 tao_,
        MockPermitsForRegistry permits_,
        uint256 genesis_,
        uint256 immunity_
    ) {
        (reg, tao, permits, genesis, immunity) = (reg_, tao_, permits_, genesis_, immunity_);
    }

    function _slot() internal view returns (uint256) {
        return (block.timestamp - genesis) / 12;
    }

    function register() external {
        address a = address(uint160(0xB00000 + ++nextAccount));
        tao.transfer(a, 1000e9);
        vm.prank(a);
        tao.approve(address(reg), type(uint256).max);
        uint256 n = reg.neuronCount(NET);
        uint256 maxUids = reg.hyperparams(NET).maxUids;
        (bool found, uint16 expected) = _modelCandidate(reg, NET, _slot(), immunity);
        if (n >= maxUids && !found) return; // would revert NoPruneCandidate
        vm.prank(a);
        uint16 uid = reg.register(NET, a, type(uint256).max, "");
        if (n < maxUids ? uid != n : uid != expected) ++mismatches;
        if (n >= maxUids) ++replacements;
        _modelRegistered(uid);
    }

    function warp(uint256 slots) external {
        vm.warp(block.timestamp + (slots % 40) * 12);
    }

    function sync(uint256 r) external {
        uint256 n = reg.neuronCount(NET);
        for (uint256 uid = 1; uid < n; ++uid) {
            permits.setLastEmission(NET, uint16(uid), uint256(keccak256(abi.encode(r, uid))) % 3);
        }
        reg.syncPruningScores(NET);
        _modelSync(n, permits, NET);
    }

    function denseAndUnique() external view returns (bool) {
        return _denseAndUnique(reg, NET);
    }
}

/// @notice Invariants: the neuron count never exceeds maxUids, uids stay dense and unique, and every replacement
/// matches the brute-force model.
contract RegistryInvariantTest is RegistryFixture {
    RegistryHandler internal handler;

    function setUp() public {
        _deploy();
        _create(owner1);
        reg.setHyperparam(1, ISubnetRegistryTypes.Param.MaxValidators, 1);
        reg.setHyperparam(1, ISubnetRegistryTypes.Param.MaxUids, 6);
        reg.setHyperparam(1, ISubnetRegistryTypes.Param.ImmunityPeriod, 20);
        handler = new RegistryHandler(reg, tao, permits, genesis, 20);
        tao.transfer(address(handler), 1_000_000e9);
        targetContract(address(handler));
    }

    function invariant_neuronCountWithinMaxUids() public view {
        assertLe(reg.neuronCount(1), reg.hyperparams(1).maxUids, "neurons <= maxUids");
    }

    function invariant_uidsDenseAndUnique() public view {
        assertTrue(handler.denseAndUnique(), "dense and unique");
    }

    function invariant_replacementsMatchModel() public view {
        assertEq(handler.mismatches(), 0, "replacements follow the model");
    }
}
