// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title LastEmissionRecord
/// @notice Per-uid record of the emission claimed in the latest epoch a uid claimed, the pruning score
/// (reference §5.14, §7.3). Two uids share one storage word, so a batch claiming consecutive uids writes half as
/// many words. Layout of the 128-bit half of uid `u` (low half for even `u`, high half for odd `u`):
///   bits  0..63  epoch of the record
///   bits 64..127 amount (alpha rao, saturated at 2^64 - 1: 1.8e10 alpha, above the 2.1e7 alpha cap)
library LastEmissionRecord {
    uint256 private constant MASK_64 = type(uint64).max;
    uint256 private constant MASK_128 = type(uint128).max;

    /// @notice The word index of `uid` within its subnet (two uids per word).
    function wordIndex(uint16 uid) internal pure returns (uint256) {
        return uid >> 1;
    }

    /// @notice The (epoch, amount) record of `uid` held in `word`.
    function read(uint256 word, uint16 uid) internal pure returns (uint64 epoch, uint64 amount) {
        uint256 half = (word >> ((uid & 1) * 128)) & MASK_128;
        epoch = uint64(half & MASK_64);
        amount = uint64(half >> 64);
    }

    /// @notice `word` with `uid`'s record set to (`epoch`, min(`amount`, 2^64 - 1)).
    function write(uint256 word, uint16 uid, uint64 epoch, uint256 amount) internal pure returns (uint256) {
        if (amount > MASK_64) amount = MASK_64;
        uint256 shift = (uid & 1) * 128;
        uint256 half = (amount << 64) | epoch;
        return (word & ~(MASK_128 << shift)) | (half << shift);
    }
}
