// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IEmission, IEmissionReceiver} from "./interfaces/IEmission.sol";
import {ITAO} from "./interfaces/ITAO.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {TAO} from "./TAO.sol";
import {HalvingMath} from "./libraries/HalvingMath.sol";
import {SlotClock} from "./libraries/SlotClock.sol";

/// @title Emission
/// @notice See {IEmission}. Deploys the TAO token with itself as the only minter.
/// Storage: slot 0 = Ownable owner; slot 1 = Ownable2Step pending owner;
/// slot 2 = `lastMintedSlot` (uint64) | `receiver` (address) packed in one word.
contract Emission is IEmission, Ownable2Step {
    /// @inheritdoc IEmission
    ITAO public immutable tao;
    /// @inheritdoc IEmission
    uint256 public immutable genesisTime;

    /// @inheritdoc IEmission
    uint64 public lastMintedSlot;
    /// @inheritdoc IEmission
    address public receiver;

    /// @param owner_ Governance (two-step transferable).
    /// @param genesisTime_ Chain time of slot 0; 0 means the deployment block's timestamp.
    constructor(address owner_, uint256 genesisTime_) Ownable(owner_) {
        genesisTime = SlotClock.checkGenesis(genesisTime_);
        tao = new TAO(address(this));
        lastMintedSlot = SlotClock.current(genesisTime);
    }

    /// @inheritdoc IEmission
    function coinbase() external returns (uint256 minted) {
        return _coinbase();
    }

    /// @dev Mints the slots since the last coinbase to the receiver, or to this contract's reserve before one is
    /// set.
    function _coinbase() internal returns (uint256 minted) {
        uint64 fromSlot = lastMintedSlot;
        uint64 toSlot = SlotClock.current(genesisTime);
        if (toSlot <= fromSlot) return 0;
        lastMintedSlot = toSlot;
        unchecked {
            // toSlot > fromSlot checked above.
            minted = HalvingMath.emissionOver(tao.issuance(), toSlot - fromSlot);
        }
        if (minted == 0) return 0;
        address to = receiver;
        if (to == address(0)) to = address(this);
        tao.mint(to, minted);
        emit Coinbase(msg.sender, fromSlot, toSlot, minted, to);
        if (to != address(this)) IEmissionReceiver(to).onEmission(fromSlot, toSlot, minted);
    }

    /// @notice Governance: route minted TAO to the subnet split. Set once. The slots before it are minted to the
    /// reserve first, so the receiver's first `onEmission` starts at this slot (it is not handed slots from before
    /// it existed; the reserve keeps them, for `drawReserve`).
    function setReceiver(address receiver_) external onlyOwner {
        if (receiver_ == address(0)) revert ZeroAddress();
        if (receiver != address(0)) revert ReceiverAlreadySet(receiver);
        _coinbase();
        receiver = receiver_;
        emit ReceiverSet(receiver_);
    }

    /// @notice The receiver draws `amount` rao of the reserve minted before it was set.
    function drawReserve(uint256 amount) external {
        if (msg.sender != receiver || receiver == address(0)) revert NotReceiver(msg.sender, receiver);
        uint256 held = reserve();
        if (amount > held) revert ReserveExceeded(amount, held);
        // The reserve is this contract's own TAO balance; TAO reverts on failure and returns true otherwise.
        IERC20(address(tao)).transfer(msg.sender, amount);
        emit ReserveDrawn(msg.sender, amount);
    }

    /// @notice Governance: pay `amount` rao of the protocol reserve to `to` (faucets on test networks, grants).
    function grantReserve(address to, uint256 amount) external onlyOwner {
        if (to == address(0)) revert ZeroAddress();
        uint256 held = reserve();
        if (amount > held) revert ReserveExceeded(amount, held);
        IERC20(address(tao)).transfer(to, amount);
        emit ReserveGranted(to, amount);
    }

    /// @inheritdoc IEmission
    function currentSlot() external view returns (uint64) {
        return SlotClock.current(genesisTime);
    }

    /// @inheritdoc IEmission
    function issuance() public view returns (uint256) {
        return tao.issuance();
    }

    /// @inheritdoc IEmission
    function currentSlotEmission() external view returns (uint256) {
        return HalvingMath.emissionAt(issuance());
    }

    /// @inheritdoc IEmission
    function nextHalvingThreshold() external view returns (uint256) {
        return HalvingMath.nextThreshold(issuance());
    }

    /// @inheritdoc IEmission
    function slotsUntilHalving() external view returns (uint256) {
        return HalvingMath.slotsToNextHalving(issuance());
    }

    /// @inheritdoc IEmission
    function pendingEmission() external view returns (uint256) {
        uint64 nowSlot = SlotClock.current(genesisTime);
        if (nowSlot <= lastMintedSlot) return 0;
        return HalvingMath.emissionOver(issuance(), nowSlot - lastMintedSlot);
    }

    /// @inheritdoc IEmission
    function reserve() public view returns (uint256) {
        return IERC20(address(tao)).balanceOf(address(this));
    }
}
