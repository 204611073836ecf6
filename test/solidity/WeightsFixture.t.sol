// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {TestBase} from "./Vm.sol";
import {VmExtraWeights} from "./VmExtraWeights.sol";
import {Weights} from "../../contracts/Weights.sol";
import {IWeights} from "../../contracts/interfaces/IWeights.sol";
import {IEmission} from "../../contracts/interfaces/IEmission.sol";
import {MockRegistryForWeights} from "../../contracts/harness/MockRegistryForWeights.sol";
import {MockPermitsForWeights} from "../../contracts/harness/MockPermitsForWeights.sol";
import {MockEmissionForWeights} from "../../contracts/harness/MockEmissionForWeights.sol";

/// @notice Shared setup: two subnets of 10 neurons, one with commit-reveal on (CR) and one off (DIRECT).
/// uids: 0 = A, 1 = B, 2 = C, 3 = F (a would-be front-runner), 4 = the owner hotkey, 5..9 fillers.
/// Permits (finalised): A, B and F. C and the owner hotkey hold none (the owner is always allowed).
abstract contract WeightsFixture is TestBase {
    VmExtraWeights internal constant vmx = VmExtraWeights(address(uint160(uint256(keccak256("hevm cheat code")))));

    uint16 internal constant CR = 1;
    uint16 internal constant DIRECT = 2;
    uint256 internal constant SLOT = 12;
    uint64 internal constant TEMPO = 360;
    uint64 internal constant RATE_LIMIT = 100;

    address internal constant OWNER_COLD = address(0xC01D);
    address internal constant OWNER_HOT = address(0x0A4E);
    address internal constant A = address(0xA1);
    address internal constant B = address(0xB2);
    address internal constant C = address(0xC3);
    address internal constant F = address(0xF4);
    uint16 internal constant UID_A = 0;
    uint16 internal constant UID_B = 1;
    uint16 internal constant UID_C = 2;
    uint16 internal constant UID_F = 3;
    uint16 internal constant UID_OWNER = 4;
    uint16 internal constant N = 10;
    uint256 internal constant PERMITS = (1 << UID_A) | (1 << UID_B) | (1 << UID_F);

    bytes32 internal constant SALT = keccak256("salt");

    MockEmissionForWeights internal emission;
    MockRegistryForWeights internal registry;
    MockPermitsForWeights internal permits;
    Weights internal weights;
    uint256 internal genesis;

    function setUp() public virtual {
        vm.warp(1_700_000_000);
        emission = new MockEmissionForWeights(0);
        genesis = emission.genesisTime();
        registry = new MockRegistryForWeights(genesis);
        permits = new MockPermitsForWeights();
        weights = new Weights(registry, permits, IEmission(address(emission)));
        // Registrations happen in slot 0; start the tests a little later so that slots are non-zero.
        for (uint16 netuid = CR; netuid <= DIRECT; ++netuid) {
            registry.createSubnet(netuid, OWNER_COLD, OWNER_HOT);
            registry.register(netuid, A);
            registry.register(netuid, B);
            registry.register(netuid, C);
            registry.register(netuid, F);
            registry.register(netuid, OWNER_HOT);
            registry.fill(netuid, N - 5);
            permits.setPermits(netuid, PERMITS, true);
        }
        registry.setCommitReveal(DIRECT, false, 1);
        _warpSlots(5);
    }

    // ----- time ----------------------------------------------------------------------------------------------

    function _slot() internal view returns (uint64) {
        return uint64((block.timestamp - genesis) / SLOT);
    }

    function _epoch(uint16 netuid) internal view returns (uint64 e) {
        (e, , ) = registry.epochAt(netuid, _slot());
    }

    function _warpSlots(uint256 n) internal {
        vm.warp(block.timestamp + n * SLOT);
    }

    /// @dev Moves to the first slot of the next epoch.
    function _nextEpoch(uint16 netuid) internal {
        (, , uint64 close) = registry.epochAt(netuid, _slot());
        vm.warp(genesis + uint256(close) * SLOT);
    }

    // ----- vectors -------------------------------------------------------------------------------------------

    function _pack(uint16[] memory uids, uint16[] memory values) internal pure returns (bytes memory out) {
        for (uint256 i; i < uids.length; ++i) out = bytes.concat(out, abi.encodePacked(uids[i], values[i]));
    }

    function _one(uint16 uid, uint16 value) internal pure returns (bytes memory) {
        return abi.encodePacked(uid, value);
    }

    function _two(uint16 u0, uint16 v0, uint16 u1, uint16 v1) internal pure returns (bytes memory) {
        return abi.encodePacked(u0, v0, u1, v1);
    }

    /// @dev A valid vector: uids 1, 2, 5 with the row max 65535.
    function _vector() internal pure returns (bytes memory) {
        return abi.encodePacked(uint16(1), uint16(65535), uint16(2), uint16(30000), uint16(5), uint16(100));
    }

    /// @dev The documented commit encoding, written out independently of WeightsCodec.
    function _hash(
        address hotkey,
        uint16 netuid,
        bytes memory packed,
        bytes32 salt,
        uint64 versionKey
    ) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(hotkey, netuid, packed, salt, versionKey));
    }

    function _commit(
        address hotkey,
        bytes memory packed,
        bytes32 salt,
        uint64 versionKey
    ) internal returns (bytes32 h) {
        h = _hash(hotkey, CR, packed, salt, versionKey);
        vm.prank(hotkey);
        weights.commitWeights(CR, h);
    }

    function _reveal(address hotkey, bytes memory packed, bytes32 salt, uint64 versionKey) internal {
        vm.prank(hotkey);
        weights.revealWeights(CR, packed, salt, versionKey);
    }

    function _set(address hotkey, bytes memory packed) internal {
        vm.prank(hotkey);
        weights.setWeights(DIRECT, packed, 0);
    }

    function _expectSetRevert(address hotkey, bytes memory packed, bytes memory err) internal {
        vm.prank(hotkey);
        vm.expectRevert(err);
        weights.setWeights(DIRECT, packed, 0);
    }

    function _pendingCount(address hotkey) internal view returns (uint256) {
        (bytes32[] memory hashes, ) = weights.pendingCommits(CR, hotkey);
        return hashes.length;
    }

    function _err(bytes4 selector) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(selector);
    }

    function _noPermit(uint16 netuid, uint16 uid) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IWeights.NoValidatorPermit.selector, netuid, uid);
    }
}
