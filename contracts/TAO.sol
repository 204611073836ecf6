// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {ERC20} from "solady/src/tokens/ERC20.sol";
import {ITAO} from "./interfaces/ITAO.sol";
import {HalvingMath} from "./libraries/HalvingMath.sol";

/// @title TAO
/// @notice See {ITAO}. Built on solady's ERC20 (EIP-2612 permit included); solady's implicit infinite
/// Permit2 allowance is turned off so that every allowance is one the holder gave.
contract TAO is ERC20, ITAO {
    /// @inheritdoc ITAO
    address public immutable minter;

    constructor(address minter_) {
        if (minter_ == address(0)) revert ZeroMinter();
        minter = minter_;
    }

    function name() public pure override returns (string memory) {
        return "Bittensor TAO";
    }

    function symbol() public pure override returns (string memory) {
        return "TAO";
    }

    function decimals() public pure override returns (uint8) {
        return 9;
    }

    /// @inheritdoc ITAO
    function issuance() external view returns (uint256) {
        return totalSupply();
    }

    /// @inheritdoc ITAO
    function mint(address to, uint256 amount) external {
        if (msg.sender != minter) revert UnauthorizedMinter(msg.sender, minter);
        if (amount == 0) revert ZeroAmount();
        uint256 supply = totalSupply();
        // supply <= MAX_SUPPLY always holds (every mint checks it), so the subtraction cannot underflow.
        uint256 available;
        unchecked {
            available = HalvingMath.MAX_SUPPLY - supply;
        }
        if (amount > available) revert CapExceeded(amount, available);
        _mint(to, amount);
        emit Minted(to, amount);
    }

    /// @inheritdoc ITAO
    function burn(uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        _burn(msg.sender, amount);
        emit Recycled(msg.sender, amount);
    }

    /// @inheritdoc ITAO
    function burnFrom(address from, uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        _spendAllowance(from, msg.sender, amount);
        _burn(from, amount);
        emit Recycled(from, amount);
    }

    /// @dev Cheaper permit domain separator: the name never changes.
    function _constantNameHash() internal pure override returns (bytes32) {
        return keccak256(bytes("Bittensor TAO"));
    }

    /// @dev No implicit allowance for Permit2.
    function _givePermit2InfiniteAllowance() internal pure override returns (bool) {
        return false;
    }
}
