// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {WeightsCodec} from "../libraries/WeightsCodec.sol";

/// @title WeightsCodecHarness
/// @notice Exposes WeightsCodec to tests (Solidity fuzz and the TypeScript round trip).
contract WeightsCodecHarness {
    error LengthMismatch(uint256 uids, uint256 values);

    function scan(bytes calldata packed) external pure returns (WeightsCodec.Summary memory) {
        return WeightsCodec.scan(packed);
    }

    function findOrderViolation(
        bytes calldata packed
    ) external pure returns (bool found, uint256 index, uint16 uid, uint16 previousUid) {
        return WeightsCodec.findOrderViolation(packed);
    }

    function rowMax(bytes calldata packed) external pure returns (uint16) {
        return WeightsCodec.rowMax(packed);
    }

    function weightsHash(bytes calldata packed) external pure returns (bytes32) {
        return WeightsCodec.weightsHash(packed);
    }

    function commitHash(
        address hotkey,
        uint16 netuid,
        bytes calldata packed,
        bytes32 salt,
        uint64 versionKey
    ) external pure returns (bytes32) {
        return WeightsCodec.commitHash(hotkey, netuid, packed, salt, versionKey);
    }

    function maxShareQ32(uint256 sum, uint16 maxWeightLimit) external pure returns (uint64 share, uint64 limit) {
        return WeightsCodec.maxShareQ32(sum, maxWeightLimit);
    }

    /// @notice Splits a packed vector into uids and values (what an on-chain reader would do).
    function unpack(bytes calldata packed) external pure returns (uint16[] memory uids, uint16[] memory values) {
        uint256 n = packed.length / WeightsCodec.ENTRY_BYTES;
        uids = new uint16[](n);
        values = new uint16[](n);
        for (uint256 i; i < n; ++i) {
            (uids[i], values[i]) = WeightsCodec.entryAt(packed, i);
        }
    }

    /// @notice Packs uids and values (the reference encoding: abi.encodePacked of each u16 pair).
    function pack(uint16[] calldata uids, uint16[] calldata values) external pure returns (bytes memory out) {
        if (uids.length != values.length) revert LengthMismatch(uids.length, values.length);
        for (uint256 i; i < uids.length; ++i) {
            out = bytes.concat(out, abi.encodePacked(uids[i], values[i]));
        }
    }
}
