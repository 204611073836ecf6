// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {IStakingHooks} from "../interfaces/IStakingHooks.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice Test stand-in for Staking as the registry sees it: records the hooks (one storage write each, as the real
/// contract needs at least), checks that a created subnet's lock arrived first, and serves settable EMA prices and
/// stake weights.
contract MockStakingForRegistry is IStakingHooks {
    IERC20 public immutable tao;
    address public registry;

    /// @dev One word per subnet, as a real pool would keep: lock (128) | registration burns reported (128).
    mapping(uint16 => uint256) private _pool;
    mapping(uint16 => uint256) public dissolutions;
    mapping(uint16 => uint256) public emaPrice;
    mapping(uint16 => mapping(address => uint256)) public stakeWeight;
    uint256 public accounted; // TAO received as locks

    error NotRegistry(address caller);
    error LockNotReceived(uint256 balance, uint256 expected);

    constructor(IERC20 tao_) {
        tao = tao_;
    }

    function setRegistry(address registry_) external {
        registry = registry_;
    }

    function setEmaPrice(uint16 netuid, uint256 price) external {
        emaPrice[netuid] = price;
    }

    function setStakeWeight(uint16 netuid, address hotkey, uint256 weight) external {
        stakeWeight[netuid][hotkey] = weight;
    }

    modifier onlyRegistry() {
        if (registry != address(0) && msg.sender != registry) revert NotRegistry(msg.sender);
        _;
    }

    function onSubnetCreated(uint16 netuid, uint256 lockTao) external onlyRegistry {
        uint256 expected = accounted + lockTao;
        uint256 balance = tao.balanceOf(address(this));
        if (balance < expected) revert LockNotReceived(balance, expected);
        accounted = expected;
        _pool[netuid] = lockTao; // a new pool: no burns yet
    }

    function poolTao(uint16 netuid) external view returns (uint256) {
        return uint128(_pool[netuid]);
    }

    function burned(uint16 netuid) external view returns (uint256) {
        return _pool[netuid] >> 128;
    }

    function onSubnetDissolved(uint16 netuid) external onlyRegistry {
        dissolutions[netuid] += 1;
        _pool[netuid] = 0;
    }

    function onRegistrationBurn(uint16 netuid, uint256 amount) external onlyRegistry {
        _pool[netuid] += amount << 128; // test amounts stay far below 2^128
    }

    function creditEmission(uint16, address, uint256, uint256, uint64) external pure {}

    function takeEpochEmission(uint16, uint64, uint64) external pure returns (uint256, uint256) {
        return (0, 0);
    }

    function epochEmission(uint16, uint64) external pure returns (uint256, uint256) {
        return (0, 0);
    }

    function stakeWeightAt(uint16 netuid, address hotkey, uint64) external view returns (uint256) {
        return stakeWeight[netuid][hotkey];
    }
}
