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

    mapping(uint16 => uint256) public poolTao; // lock of the live subnet
    mapping(uint16 => uint256) public burned; // registration burns reported
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
        poolTao[netuid] = lockTao;
    }

    function onSubnetDissolved(uint16 netuid) external onlyRegistry {
        dissolutions[netuid] += 1;
        poolTao[netuid] = 0;
    }

    function onRegistrationBurn(uint16 netuid, uint256 amount) external onlyRegistry {
        burned[netuid] += amount;
    }

    function creditEmission(uint16, address, uint256) external pure {}

    function epochEmission(uint16, uint64) external pure returns (uint256, uint256) {
        return (0, 0);
    }

    function stakeWeightAt(uint16 netuid, address hotkey, uint64) external view returns (uint256) {
        return stakeWeight[netuid][hotkey];
    }
}
