// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {TestBase} from "./Vm.sol";
import {WeightsCodecHarness} from "../../contracts/harness/WeightsCodecHarness.sol";
import {WeightsCodec} from "../../contracts/libraries/WeightsCodec.sol";

/// @notice The SWAR scan against a plain scalar reference, on arbitrary bytes and on valid vectors.
contract WeightsCodecTest is TestBase {
    WeightsCodecHarness internal h = new WeightsCodecHarness();

    function _reference(bytes memory p) internal pure returns (WeightsCodec.Summary memory s) {
        s.entries = p.length / 4;
        s.ascending = true;
        for (uint256 i; i < s.entries; ++i) {
            uint16 uid = (uint16(uint8(p[4 * i])) << 8) | uint16(uint8(p[4 * i + 1]));
            uint16 value = (uint16(uint8(p[4 * i + 2])) << 8) | uint16(uint8(p[4 * i + 3]));
            if (i == 0) s.firstUid = uid;
            else if (uid <= s.lastUid) s.ascending = false;
            s.lastUid = uid;
            if (value == type(uint16).max) s.hasU16Max = true;
            if (value != 0) s.anyNonZero = true;
            s.sum += value;
        }
    }

    function _assertSame(bytes memory p) internal view {
        WeightsCodec.Summary memory a = h.scan(p);
        WeightsCodec.Summary memory b = _reference(p);
        assertEq(a.entries, b.entries, "entries");
        assertEq(a.firstUid, b.firstUid, "firstUid");
        assertEq(a.lastUid, b.lastUid, "lastUid");
        assertTrue(a.ascending == b.ascending, "ascending");
        assertTrue(a.hasU16Max == b.hasU16Max, "hasU16Max");
        assertTrue(a.anyNonZero == b.anyNonZero, "anyNonZero");
        assertEq(a.sum, b.sum, "sum");
    }

    /// @dev Arbitrary bytes (cut to whole entries): mostly unordered vectors.
    function testFuzz_scanMatchesScalarOnArbitraryBytes(bytes memory raw) public view {
        uint256 n = raw.length / 4;
        if (n > 256) n = 256;
        assembly ("memory-safe") {
            mstore(raw, mul(n, 4))
        }
        _assertSame(raw);
    }

    /// @dev Ascending vectors of any length, with values drawn to hit 0 and 65535 often; plus one broken variant.
    function testFuzz_scanMatchesScalarOnVectors(uint256 seed, uint256 len, uint256 breakAt) public view {
        len = bound(len, 0, 256);
        bytes memory p = new bytes(len * 4);
        uint256 uid = bound(seed % 8, 0, 7);
        for (uint256 i; i < len; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            uint256 value = r % 4 == 0 ? 65535 : (r % 4 == 1 ? 0 : (r >> 8) % 65536);
            p[4 * i] = bytes1(uint8(uid >> 8));
            p[4 * i + 1] = bytes1(uint8(uid));
            p[4 * i + 2] = bytes1(uint8(value >> 8));
            p[4 * i + 3] = bytes1(uint8(value));
            uid += 1 + ((r >> 32) % 3 == 0 ? (r >> 40) % 200 : 0);
            if (uid > 65535) uid = 65535; // later entries repeat 65535: not ascending
        }
        _assertSame(p);
        if (len >= 2) {
            // Copy entry i-1's uid onto entry i: now a duplicate at i.
            uint256 i = bound(breakAt, 1, len - 1);
            p[4 * i] = p[4 * (i - 1)];
            p[4 * i + 1] = p[4 * (i - 1) + 1];
            _assertSame(p);
            assertTrue(!h.scan(p).ascending, "duplicate found");
            (bool found, uint256 index, uint16 a, uint16 b) = h.findOrderViolation(p);
            assertTrue(found && index <= i && a <= b, "violation located");
        }
    }

    function test_wordBoundaries() public view {
        // Entries 7 and 8 sit in different words: a duplicate across the boundary must be caught.
        bytes memory p;
        for (uint16 i; i < 9; ++i) p = bytes.concat(p, abi.encodePacked(i == 8 ? uint16(7) : i, uint16(1)));
        assertTrue(!h.scan(p).ascending, "duplicate across words");
        _assertSame(p);
        // Uid 65535 followed by anything is never ascending; alone it is fine.
        assertTrue(h.scan(abi.encodePacked(uint16(65535), uint16(0))).ascending, "single 65535");
        assertTrue(!h.scan(abi.encodePacked(uint16(65535), uint16(0), uint16(65535), uint16(0))).ascending, "dup");
        // Exactly one full word and exactly two.
        bytes memory w1;
        for (uint16 i; i < 8; ++i) w1 = bytes.concat(w1, abi.encodePacked(i, uint16(65535)));
        _assertSame(w1);
        _assertSame(bytes.concat(w1, w1));
        assertTrue(!h.scan(bytes.concat(w1, w1)).ascending, "second word restarts at 0");
    }

    function test_emptyVector() public view {
        WeightsCodec.Summary memory s = h.scan("");
        assertTrue(s.entries == 0 && s.ascending && !s.anyNonZero && !s.hasU16Max && s.sum == 0, "empty");
    }

    function testFuzz_unpackPackRoundTrip(uint256 seed, uint256 len) public view {
        len = bound(len, 0, 64);
        uint16[] memory uids = new uint16[](len);
        uint16[] memory values = new uint16[](len);
        for (uint256 i; i < len; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            (uids[i], values[i]) = (uint16(r), uint16(r >> 16));
        }
        bytes memory p = h.pack(uids, values);
        assertEq(p.length, len * 4, "4 bytes an entry");
        (uint16[] memory u2, uint16[] memory v2) = h.unpack(p);
        for (uint256 i; i < len; ++i) assertTrue(u2[i] == uids[i] && v2[i] == values[i], "round trip");
        assertTrue(h.weightsHash(p) == keccak256(p), "weights hash");
    }

    function testFuzz_commitHashIsEncodePacked(
        address hk,
        uint16 netuid,
        bytes memory p,
        bytes32 salt,
        uint64 ver
    ) public view {
        assertTrue(
            h.commitHash(hk, netuid, p, salt, ver) == keccak256(abi.encodePacked(hk, netuid, p, salt, ver)),
            "hash"
        );
    }

    function test_rowMax() public view {
        assertEq(h.rowMax(""), 0, "empty");
        assertEq(
            h.rowMax(abi.encodePacked(uint16(1), uint16(5), uint16(2), uint16(900), uint16(3), uint16(7))),
            900,
            "max"
        );
    }

    function test_maxShareQ32() public view {
        (uint64 share, uint64 limit) = h.maxShareQ32(65535, 65535);
        assertEq(share, 1 << 32, "one entry: share 1.0");
        assertEq(limit, 1 << 32, "limit 1.0");
        (share, limit) = h.maxShareQ32(131070, 32768);
        assertEq(share, 1 << 31, "two equal: 0.5");
        assertEq(limit, (uint256(32768) << 32) / 65535, "limit truncated like I32F32");
    }
}
