// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {TestBase, Vm} from "./Vm.sol";
import {SettlementMerkle} from "./SettlementFixture.t.sol";
import {Emission} from "../../contracts/Emission.sol";
import {Settlement} from "../../contracts/Settlement.sol";
import {ISettlement} from "../../contracts/interfaces/ISettlement.sol";
import {EpochResult} from "../../contracts/libraries/EpochResult.sol";
import {MockRegistryForSettlement} from "../../contracts/harness/MockRegistryForSettlement.sol";
import {MockStakingForSettlement} from "../../contracts/harness/MockStakingForSettlement.sol";

/// @notice Random settlement traffic: time passes; anyone opens, rolls over and claims; the owner (bootstrap) and
/// three validators vote for honest results or for over-allocating ones (leaves summing to up to twice the
/// budget while declaring totals within it). Ghost sums track what should have moved.
contract SettlementHandler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    uint16 internal constant NETUID = 1;
    uint64 internal constant TEMPO = 10;
    uint64 public constant EPOCHS = 24;

    Settlement public immutable settlement;
    MockStakingForSettlement public immutable staking;
    uint256 internal immutable genesis;
    address[4] internal hotkeys;

    // Per epoch: the result tree each voter last proposed is rebuilt from (epoch, seed).
    mapping(uint64 => uint256) public finalisedSeed; // seed + 1 of the finalised tree, 0 if none
    mapping(uint64 => uint256) public ghostClaimed;
    uint256 public ghostDistributable; // distributable emission of every epoch opened or rolled over unopened
    uint256 public ghostOwnerCut;
    uint256 public ghostClaimedTotal;
    uint256 public calls;
    uint64[] internal touched; // epochs opened or rolled over, in order

    /// @dev An epoch already opened or rolled over, or a recently closed one.
    function _pick(uint256 r) internal view returns (uint64) {
        if (touched.length != 0 && r % 4 != 0) return touched[(r / 4) % touched.length];
        uint64 closed = _slot() / TEMPO; // epochs < closed have closed (maybe not yet ended their closing slot)
        if (closed == 0) return 0;
        uint64 back = uint64((r / 4) % 3);
        uint64 e = closed > back + 1 ? closed - 1 - back : 0;
        return e < EPOCHS ? e : EPOCHS - 1;
    }

    constructor(Settlement settlement_, MockStakingForSettlement staking_, uint256 genesis_, address[4] memory hk) {
        settlement = settlement_;
        staking = staking_;
        genesis = genesis_;
        hotkeys = hk;
    }

    function _slot() internal view returns (uint64) {
        return uint64((block.timestamp - genesis) / 12);
    }

    function warp(uint256 slots) external {
        if (_slot() > (EPOCHS + 2) * TEMPO) return; // keep to the epochs the invariants read
        vm.warp(block.timestamp + 12 * bound(slots, 1, TEMPO));
    }

    /// @dev The most recently touched epoch that is still open (or 0).
    function _latestOpen() internal view returns (uint64) {
        for (uint256 i = touched.length; i > 0; i--) {
            if (settlement.epochInfo(NETUID, touched[i - 1]).status == ISettlement.EpochStatus.Open) {
                return touched[i - 1];
            }
        }
        return 0;
    }

    function open(uint256 e) external {
        uint64 epoch = _pick(e * 4);
        (uint256 cut, uint256 dist) = staking.epochEmission(NETUID, epoch);
        // The open rolls over earlier unopened epochs past their deadline first: their emission enters too.
        uint64 from = epoch > 8 ? epoch - 8 : 0;
        bool[8] memory unopened;
        for (uint64 p = from; p < epoch; p++) {
            unopened[p - from] = settlement.epochInfo(NETUID, p).status == ISettlement.EpochStatus.None;
        }
        try settlement.openEpoch(NETUID, epoch) {
            for (uint64 p = from; p < epoch; p++) {
                if (!unopened[p - from]) continue;
                if (settlement.epochInfo(NETUID, p).status != ISettlement.EpochStatus.RolledOver) continue;
                (uint256 pCut, uint256 pDist) = staking.epochEmission(NETUID, p);
                ghostDistributable += pDist;
                ghostOwnerCut += pCut;
                touched.push(p);
            }
            ghostDistributable += dist;
            ghostOwnerCut += cut;
            touched.push(epoch);
            calls++;
        } catch {}
    }

    function rollOver(uint256 e) external {
        uint64 epoch = _pick(e);
        ISettlement.EpochStatus before = settlement.epochInfo(NETUID, epoch).status;
        (uint256 cut, uint256 dist) = staking.epochEmission(NETUID, epoch);
        try settlement.rollOver(NETUID, epoch) {
            if (before == ISettlement.EpochStatus.None) {
                ghostDistributable += dist;
                ghostOwnerCut += cut;
                touched.push(epoch);
            }
            calls++;
        } catch {}
    }

    /// @notice Votes from `hotkeys[who % 4]` for the over-allocating result one time in four, else for the
    /// honest one (so that votes agree often enough to reach the quorum).
    function submit(uint256 e, uint256 who, uint256 seed) external {
        uint64 epoch = e % 2 == 0 ? _latestOpen() : _pick(e / 2);
        seed = seed % 4 == 0 ? 1 : 0;
        ISettlement.EpochInfo memory info = settlement.epochInfo(NETUID, epoch);
        if (info.status != ISettlement.EpochStatus.Open) return;
        (bytes32 root, , ) = _tree(epoch, seed, info.budget);
        uint256 declared = info.budget; // may be less than the leaves' sum: the over-allocating case
        vm.prank(hotkeys[who % 4]);
        try
            settlement.submitEpochResult(NETUID, epoch, root, 0xF, bytes32(seed), ISettlement.EpochTotals(declared, 0))
        {
            calls++;
            if (settlement.epochInfo(NETUID, epoch).status == ISettlement.EpochStatus.Finalised) {
                finalisedSeed[epoch] = seed + 1;
            }
        } catch {}
    }

    function claim(uint256 e, uint256 uid) external {
        uint64 epoch = _pick(e);
        uint256 s = finalisedSeed[epoch];
        if (s == 0) return;
        uint16 u = uint16(uid % 4);
        ISettlement.EpochInfo memory info = settlement.epochInfo(NETUID, epoch);
        (, bytes32[] memory leaves, uint256[4] memory amounts) = _tree(epoch, s - 1, info.budget);
        try settlement.claim(NETUID, epoch, u, hotkeys[u], amounts[u], 0, SettlementMerkle.proof(leaves, u)) {
            ghostClaimed[epoch] += amounts[u];
            ghostClaimedTotal += amounts[u];
            calls++;
        } catch {}
    }

    /// @dev Four leaves paying shares of up to twice `budget` (seed 1), or within it (seed 0).
    function _tree(
        uint64 epoch,
        uint256 seed,
        uint256 budget
    ) internal view returns (bytes32 root, bytes32[] memory leaves, uint256[4] memory amounts) {
        leaves = new bytes32[](4);
        uint256 pot = seed == 1 ? 2 * budget : budget;
        for (uint16 uid; uid < 4; uid++) {
            amounts[uid] = (pot * (uid + 1)) / 10; // 10% / 20% / 30% / 40%
            leaves[uid] = EpochResult.leaf(NETUID, epoch, uid, hotkeys[uid], amounts[uid], 0);
        }
        root = SettlementMerkle.root(leaves);
    }

    function bound(uint256 x, uint256 lo, uint256 hi) internal pure returns (uint256) {
        return lo + (x % (hi - lo + 1));
    }
}

contract SettlementInvariantTest is TestBase {
    uint16 internal constant NETUID = 1;
    SettlementHandler internal handler;
    Settlement internal settlement;
    MockStakingForSettlement internal staking;

    function setUp() public {
        Emission emission = new Emission(address(this), 0);
        MockRegistryForSettlement registry = new MockRegistryForSettlement();
        staking = new MockStakingForSettlement(true);
        settlement = new Settlement(address(this), registry, staking, emission);
        settlement.setDeadlineSlots(40); // four tempos to vote: room for quorums and for roll-overs
        address[4] memory hk = [address(0x0A), address(0x11), address(0x12), address(0x13)];
        registry.createSubnet(NETUID, address(0xC0), hk[0], 10, 0);
        for (uint16 uid; uid < 4; uid++) {
            registry.setNeuron(NETUID, uid, hk[uid], 0);
            staking.setStakeWeight(NETUID, hk[uid], 0, uint208(100e9 * (uid + 1)));
        }
        for (uint64 e; e < 24; e++) {
            staking.setEpochEmission(NETUID, e, uint128(1e9 + e), uint128(10e9 + 1e8 * e));
        }
        handler = new SettlementHandler(settlement, staking, emission.genesisTime(), hk);
        targetContract(address(handler));
    }

    function invariant_claimedNeverExceedsBudget() public view {
        for (uint64 e; e < 24; e++) {
            ISettlement.EpochInfo memory info = settlement.epochInfo(NETUID, e);
            assertLe(info.claimed, info.budget, "claimed <= budget");
            assertEq(info.claimed, handler.ghostClaimed(e), "claimed = sum of successful claims");
        }
    }

    function invariant_creditsAreOwnerCutsPlusClaims() public view {
        assertEq(
            staking.totalCredited(NETUID),
            handler.ghostOwnerCut() + handler.ghostClaimedTotal(),
            "credited = owner cuts + claims"
        );
    }

    function invariant_emissionIsConserved() public view {
        // Every distributable rao that entered (opened or rolled-over epochs) is in exactly one place: the carry or
        // the budget of an open or finalised epoch.
        uint256 held = settlement.carry(NETUID);
        for (uint64 e; e < 24; e++) {
            ISettlement.EpochInfo memory info = settlement.epochInfo(NETUID, e);
            if (info.status == ISettlement.EpochStatus.Open || info.status == ISettlement.EpochStatus.Finalised) {
                held += info.budget;
            }
        }
        assertEq(held, handler.ghostDistributable(), "carry + budgets = distributable in");
    }
}
