// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title EpochResult
/// @notice The two hashes an epoch result is made of (docs/settlement.md §Encoding). Off-chain, validators build an
/// OpenZeppelin `StandardMerkleTree` with leaf types `["uint16","uint64","uint16","address","uint256","uint256"]`
/// = `(netuid, epoch, uid, hotkey, incentive, dividend)`, and vote on the tuple `(root, permitsBitmap, bondsHash,
/// totals)`.
library EpochResult {
    /// @notice The standard-tree leaf: keccak256(bytes.concat(keccak256(abi.encode(...)))). Hashing twice keeps a
    /// 64-byte inner node from ever passing as a leaf (second-preimage safety).
    function leaf(
        uint16 netuid,
        uint64 epoch,
        uint16 uid,
        address hotkey,
        uint256 incentive,
        uint256 dividend
    ) internal pure returns (bytes32 h) {
        // Same bytes as keccak256(bytes.concat(keccak256(abi.encode(...)))) (checked by a fuzz test), hashed in
        // the memory past the free-memory pointer, which is left unchanged: a batch of 256 claims does not grow
        // memory.
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, and(netuid, 0xffff))
            mstore(add(m, 0x20), and(epoch, 0xffffffffffffffff))
            mstore(add(m, 0x40), and(uid, 0xffff))
            mstore(add(m, 0x60), and(hotkey, 0xffffffffffffffffffffffffffffffffffffffff))
            mstore(add(m, 0x80), incentive)
            mstore(add(m, 0xa0), dividend)
            mstore(0x00, keccak256(m, 0xc0))
            h := keccak256(0x00, 0x20)
        }
    }

    /// @notice The hash votes are counted under: keccak256(abi.encode(root, permitsBitmap, bondsHash,
    /// totalIncentive, totalDividend)) (the totals struct is static, so it encodes as its two words).
    function tupleHash(
        bytes32 root,
        uint256 permitsBitmap,
        bytes32 bondsHash,
        uint256 totalIncentive,
        uint256 totalDividend
    ) internal pure returns (bytes32) {
        return keccak256(abi.encode(root, permitsBitmap, bondsHash, totalIncentive, totalDividend));
    }
}
