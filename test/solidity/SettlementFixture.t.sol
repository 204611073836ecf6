// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {Hashes} from "@openzeppelin/contracts/utils/cryptography/Hashes.sol";
import {TestBase} from "./Vm.sol";
import {Emission} from "../../contracts/Emission.sol";
import {Settlement} from "../../contracts/Settlement.sol";
import {ISettlement} from "../../contracts/interfaces/ISettlement.sol";
import {EpochResult} from "../../contracts/libraries/EpochResult.sol";
import {MockRegistryForSettlement} from "../../contracts/harness/MockRegistryForSettlement.sol";
import {MockStakingForSettlement} from "../../contracts/harness/MockStakingForSettlement.sol";

/// @notice Merkle trees for Solidity tests: a complete binary tree over a power-of-two number of leaves with
/// OpenZeppelin's commutative pair hash, so that `MerkleProof` verifies its proofs (the layout differs from
/// `StandardMerkleTree`'s; the TypeScript tests use the real library).
library SettlementMerkle {
    function root(bytes32[] memory leaves) internal pure returns (bytes32) {
        bytes32[] memory level = leaves;
        while (level.length > 1) level = _up(level);
        return level[0];
    }

    function proof(bytes32[] memory leaves, uint256 index) internal pure returns (bytes32[] memory p) {
        uint256 depth;
        for (uint256 n = leaves.length; n > 1; n >>= 1) depth++;
        p = new bytes32[](depth);
        bytes32[] memory level = leaves;
        for (uint256 d; d < depth; d++) {
            p[d] = level[index ^ 1];
            level = _up(level);
            index >>= 1;
        }
    }

    function _up(bytes32[] memory level) private pure returns (bytes32[] memory next) {
        require(level.length % 2 == 0, "leaves: power of two");
        next = new bytes32[](level.length / 2);
        for (uint256 i; i < next.length; i++) next[i] = Hashes.commutativeKeccak256(level[2 * i], level[2 * i + 1]);
    }
}

/// @notice One subnet (netuid 1, tempo 360, epoch 0 from slot 0), an owner hotkey at uid 0 with no stake, and three
/// validators at uids 1-3 with stake weights 600 / 300 / 100 (x1e9). Helpers build 4-leaf results.
abstract contract SettlementFixture is TestBase {
    uint16 internal constant NETUID = 1;
    uint64 internal constant TEMPO = 360;
    uint256 internal constant OWNER_CUT = 18e9;
    uint256 internal constant DISTRIBUTABLE = 82e9;
    bytes32 internal constant BONDS = keccak256("bonds");

    Emission internal emission;
    MockRegistryForSettlement internal registry;
    MockStakingForSettlement internal staking;
    Settlement internal settlement;
    uint256 internal genesis;

    address internal ownerHotkey = address(0x0A);
    address internal v1 = address(0x11);
    address internal v2 = address(0x12);
    address internal v3 = address(0x13);
    address internal miner = address(0x14);

    /// @notice A 4-leaf result: leaves for uids 0..3 (hotkeys owner, v1, v2, v3).
    struct Result {
        bytes32 root;
        bytes32[] leaves;
        uint256[4] incentive;
        uint256[4] dividend;
        ISettlement.EpochTotals totals;
    }

    function setUp() public virtual {
        emission = new Emission(address(this), 0);
        genesis = emission.genesisTime();
        registry = new MockRegistryForSettlement();
        staking = new MockStakingForSettlement(true);
        settlement = new Settlement(address(this), registry, staking, emission);
        registry.createSubnet(NETUID, address(0xC0), ownerHotkey, uint16(TEMPO), 0);
        registry.setNeuron(NETUID, 0, ownerHotkey, 0);
        registry.setNeuron(NETUID, 1, v1, 0);
        registry.setNeuron(NETUID, 2, v2, 0);
        registry.setNeuron(NETUID, 3, v3, 0);
        staking.setStakeWeight(NETUID, v1, 0, 600e9);
        staking.setStakeWeight(NETUID, v2, 0, 300e9);
        staking.setStakeWeight(NETUID, v3, 0, 100e9);
        for (uint64 e; e < 8; e++) staking.setEpochEmission(NETUID, e, uint128(OWNER_CUT), uint128(DISTRIBUTABLE));
    }

    // ------------------------------------------------------------------ time

    function _closeOf(uint64 epoch) internal pure returns (uint64) {
        return (epoch + 1) * TEMPO;
    }

    function _deadlineOf(uint64 epoch) internal pure returns (uint64) {
        return _closeOf(epoch) + TEMPO;
    }

    function _warpSlot(uint64 slot) internal {
        vm.warp(genesis + uint256(slot) * 12);
    }

    // ------------------------------------------------------------------ results

    function _hotkeyOf(uint16 uid) internal view returns (address) {
        return
            uid == 0
                ? ownerHotkey
                : uid == 1
                    ? v1
                    : uid == 2
                        ? v2
                        : v3;
    }

    /// @notice A result paying each of uids 0..3 `incentive[i] + dividend[i]`.
    function _result(
        uint64 epoch,
        uint256[4] memory incentive,
        uint256[4] memory dividend
    ) internal view returns (Result memory r) {
        r.leaves = new bytes32[](4);
        r.incentive = incentive;
        r.dividend = dividend;
        for (uint16 uid; uid < 4; uid++) {
            r.leaves[uid] = EpochResult.leaf(NETUID, epoch, uid, _hotkeyOf(uid), incentive[uid], dividend[uid]);
            r.totals.incentive += incentive[uid];
            r.totals.dividend += dividend[uid];
        }
        r.root = SettlementMerkle.root(r.leaves);
    }

    /// @notice The default result: 20/20/10/0 incentive and 0/16/8/8 dividend (x1e9): 82e9 in all.
    function _defaultResult(uint64 epoch) internal view returns (Result memory) {
        return _result(epoch, [uint256(20e9), 20e9, 10e9, 0], [uint256(0), 16e9, 8e9, 8e9]);
    }

    function _submit(address who, uint64 epoch, Result memory r, uint256 permits) internal {
        vm.prank(who);
        settlement.submitEpochResult(NETUID, epoch, r.root, permits, BONDS, r.totals);
    }

    function _claim(uint64 epoch, Result memory r, uint16 uid) internal {
        settlement.claim(
            NETUID,
            epoch,
            uid,
            _hotkeyOf(uid),
            r.incentive[uid],
            r.dividend[uid],
            SettlementMerkle.proof(r.leaves, uid)
        );
    }

    /// @notice Permits of uids 1..3 (the owner's uid 0 too: it has no stake, so it is not counted).
    function _permits() internal pure returns (uint256) {
        return 0xF;
    }

    /// @notice Epoch 0 opened and finalised by the owner (bootstrap), granting `_permits()`.
    function _bootstrap() internal returns (Result memory r) {
        _warpSlot(_closeOf(0) + 1);
        settlement.openEpoch(NETUID, 0);
        r = _defaultResult(0);
        _submit(ownerHotkey, 0, r, _permits());
    }

    function _status(uint64 epoch) internal view returns (ISettlement.EpochStatus) {
        return settlement.epochInfo(NETUID, epoch).status;
    }
}
