// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {ITAO} from "./ITAO.sol";

/// @title IEmissionReceiver
/// @notice The contract that splits each coinbase across subnets (the Dynamic TAO issue). It receives the
/// freshly minted TAO and a callback in the same transaction.
interface IEmissionReceiver {
    /// @notice `minted` rao were just minted to the receiver for slots `(fromSlot, toSlot]`.
    function onEmission(uint64 fromSlot, uint64 toSlot, uint256 minted) external;
}

/// @title IEmission
/// @notice Lazy TAO emission (SYSTEM.md §2.1): anyone may call `coinbase()`, which mints the emission of every
/// slot since the last call, walking halving thresholds piecewise and never passing 21,000,000 TAO.
/// Until a receiver is set (the subnet split), minted TAO stays here as the protocol reserve.
interface IEmission {
    /// @notice The receiver is already set or is being set to zero.
    error ReceiverAlreadySet(address receiver);
    /// @notice A zero address was given where a contract is required.
    error ZeroAddress();
    /// @notice Only the receiver may draw the protocol reserve.
    error NotReceiver(address caller, address receiver);
    /// @notice A draw larger than the reserve.
    error ReserveExceeded(uint256 requested, uint256 reserve);

    /// @notice Emission of slots `(fromSlot, toSlot]` was minted: `minted` rao to `to`.
    event Coinbase(address indexed caller, uint64 fromSlot, uint64 toSlot, uint256 minted, address indexed to);
    /// @notice Minted TAO now goes to `receiver`.
    event ReceiverSet(address indexed receiver);
    /// @notice The receiver drew `amount` rao of the protocol reserve.
    event ReserveDrawn(address indexed receiver, uint256 amount);
    /// @notice Governance paid `amount` rao of the protocol reserve to `to`.
    event ReserveGranted(address indexed to, uint256 amount);

    /// @notice Mints the emission of every slot since the last call. A second call in the same slot mints
    /// nothing and does not revert. Returns the rao minted.
    function coinbase() external returns (uint256 minted);

    /// @notice The TAO token this contract mints.
    function tao() external view returns (ITAO);
    /// @notice Chain time of slot 0.
    function genesisTime() external view returns (uint256);
    /// @notice The last slot whose emission has been minted.
    function lastMintedSlot() external view returns (uint64);
    /// @notice The current slot.
    function currentSlot() external view returns (uint64);
    /// @notice Emission (rao) of one slot at the current issuance.
    function currentSlotEmission() external view returns (uint256);
    /// @notice TAO minted minus TAO recycled (rao).
    function issuance() external view returns (uint256);
    /// @notice Issuance at which the per-slot emission halves next.
    function nextHalvingThreshold() external view returns (uint256);
    /// @notice Slots until the next halving at the current rate.
    function slotsUntilHalving() external view returns (uint256);
    /// @notice Emission of the slots elapsed since the last coinbase, not yet minted (rao).
    function pendingEmission() external view returns (uint256);
    /// @notice TAO held as the protocol reserve (rao).
    function reserve() external view returns (uint256);
    /// @notice The contract minted TAO goes to (zero: the reserve here).
    function receiver() external view returns (address);
}
