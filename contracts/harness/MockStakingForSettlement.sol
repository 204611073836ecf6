// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {IStakingHooks} from "../interfaces/IStakingHooks.sol";

/// @notice Test-only staking for the settlement tests and bench: epoch emission set by hand, stake weight
/// checkpointed by slot (OpenZeppelin Checkpoints, as the real contract), and a credit ledger.
/// `creditEmission` emits `Credited`; with `perHotkey` it also keeps a per-subnet total and a per-hotkey ledger
/// (two storage writes per credit, which tests read; the bench measures both modes).
contract MockStakingForSettlement is IStakingHooks {
    using Checkpoints for Checkpoints.Trace208;

    event Credited(uint16 indexed netuid, address indexed hotkey, uint256 amount);

    error EpochEmissionTaken(uint16 netuid, uint64 epoch);

    bool public immutable perHotkey;

    struct Emission {
        uint128 ownerCut;
        uint128 distributable;
    }

    mapping(uint16 => mapping(uint64 => Emission)) internal _emission;
    mapping(uint16 => mapping(address => Checkpoints.Trace208)) internal _weights;
    /// @dev netuid => epoch => close => taken (the close tells a re-created subnet's epochs apart).
    mapping(uint16 => mapping(uint64 => mapping(uint64 => bool))) public taken;
    mapping(uint16 => uint256) public totalCredited;
    mapping(uint16 => mapping(address => uint256)) public credited;

    constructor(bool perHotkey_) {
        perHotkey = perHotkey_;
    }

    function setEpochEmission(uint16 netuid, uint64 epoch, uint128 ownerCut, uint128 distributable) external {
        _emission[netuid][epoch] = Emission(ownerCut, distributable);
    }

    /// @notice Stake weight of `hotkey` from slot `fromSlot` on (slots must not go backwards per hotkey).
    function setStakeWeight(uint16 netuid, address hotkey, uint48 fromSlot, uint208 weight) external {
        _weights[netuid][hotkey].push(fromSlot, weight);
    }

    function creditEmission(uint16 netuid, address hotkey, uint256 incentive, uint256 dividend, uint64) external {
        uint256 amount = incentive + dividend;
        if (perHotkey) {
            totalCredited[netuid] += amount;
            credited[netuid][hotkey] += amount;
        }
        emit Credited(netuid, hotkey, amount);
    }

    /// @dev As the real Staking: each epoch's emission is taken once.
    function takeEpochEmission(uint16 netuid, uint64 epoch, uint64 close) external returns (uint256, uint256) {
        if (taken[netuid][epoch][close]) revert EpochEmissionTaken(netuid, epoch);
        taken[netuid][epoch][close] = true;
        Emission storage e = _emission[netuid][epoch];
        return (e.ownerCut, e.distributable);
    }

    function epochEmission(uint16 netuid, uint64 epoch) external view returns (uint256, uint256) {
        Emission storage e = _emission[netuid][epoch];
        return (e.ownerCut, e.distributable);
    }

    function stakeWeight(uint16 netuid, address hotkey) external view returns (uint256) {
        return _weights[netuid][hotkey].latest();
    }

    function stakeWeightAt(uint16 netuid, address hotkey, uint64 slot) external view returns (uint256) {
        return _weights[netuid][hotkey].upperLookupRecent(uint48(slot));
    }

    function onSubnetCreated(uint16, uint256) external pure {}

    function onSubnetDissolved(uint16) external pure {}

    function onRegistrationBurn(uint16, uint256) external pure {}

    function emaPrice(uint16) external pure returns (uint256) {
        return 1e18;
    }
}
