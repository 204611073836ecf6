// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title SlotClock
/// @notice The protocol's clock (SYSTEM.md §1): one slot = one subtensor block = 12 s of chain time,
/// `slot = (block.timestamp - genesisTime) / 12`. Every duration subtensor counts in blocks (tempo, immunity,
/// rate limits, EMA half-lives) is counted in slots, so emission per day is the same on any EVM chain.
library SlotClock {
    /// @notice Seconds of chain time per slot.
    uint256 internal constant SLOT_SECONDS = 12;

    /// @notice Thrown when a clock is built with a genesis time in the future.
    error GenesisInFuture(uint256 genesisTime, uint256 nowTime);

    /// @notice The slot that contains `timestamp`.
    /// @dev `timestamp < genesisTime` cannot happen for a clock built by `checkGenesis`; it returns slot 0.
    function slotAt(uint256 genesisTime, uint256 timestamp) internal pure returns (uint64) {
        unchecked {
            // Guarded subtraction; a uint64 of slots covers 2.2e11 years of 12 s slots.
            return timestamp <= genesisTime ? 0 : uint64((timestamp - genesisTime) / SLOT_SECONDS);
        }
    }

    /// @notice The current slot.
    function current(uint256 genesisTime) internal view returns (uint64) {
        return slotAt(genesisTime, block.timestamp);
    }

    /// @notice The chain time at which `slot` starts.
    function startOf(uint256 genesisTime, uint64 slot) internal pure returns (uint256) {
        return genesisTime + uint256(slot) * SLOT_SECONDS;
    }

    /// @notice Validates a genesis time chosen at deployment (0 means "now").
    function checkGenesis(uint256 genesisTime) internal view returns (uint256) {
        if (genesisTime == 0) return block.timestamp;
        if (genesisTime > block.timestamp) revert GenesisInFuture(genesisTime, block.timestamp);
        return genesisTime;
    }
}
