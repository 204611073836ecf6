// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {ISubnetRegistryTypes} from "../interfaces/ISubnetRegistry.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

/// @title Endpoint
/// @notice Axon endpoints `http://host:port` / `https://host:port`, checked in one pass over the bytes and stored
/// decomposed in one word when the host has at most 15 bytes (any IPv4 address), else with the host in a second
/// storage `bytes`.
///   host  = reg-name of [A-Za-z0-9.-] (1..253 bytes) | "[" IPv6 of [0-9A-Fa-f:.] "]"
///   port  = 1..65535, decimal, no leading zero; nothing may follow it (no path).
/// Stored word: servedSlot (64) | version (32) << 64 | protocol (8) << 96 | flags (8) << 104 (bit 0 https,
/// bit 1 host stored separately) | port (16) << 112 | hostLength (8) << 128 | host bytes (<= 15) << 136.
library Endpoint {
    uint256 internal constant MAX_HOST = 253;
    uint256 internal constant MAX_LENGTH = 8 + MAX_HOST + 6; // "https://" + host + ":65535"
    uint256 internal constant INLINE_HOST = 15;
    uint256 internal constant FLAG_HTTPS = 1;
    uint256 internal constant FLAG_LONG_HOST = 2;

    /// @dev Bit c set for every byte c allowed in a reg-name host: [A-Za-z0-9.-].
    uint256 private constant HOST_CHARS = 0x7fffffe07fffffe03ff600000000000;
    /// @dev Bit c set for every byte c allowed inside an IPv6 literal: [0-9A-Fa-f:.].
    uint256 private constant IPV6_CHARS = 0x7e0000007e07ff400000000000;

    /// @dev The byte at `i` of `s` (the caller keeps i < s.length).
    function _at(bytes calldata s, uint256 i) private pure returns (uint256 c) {
        assembly ("memory-safe") {
            c := byte(0, calldataload(add(s.offset, i)))
        }
    }

    /// @notice Validates `s` and returns its parts (host = s[hostStart:hostEnd]); reverts with the offending index
    /// or value.
    function parse(
        bytes calldata s
    ) internal pure returns (bool https, uint256 hostStart, uint256 hostEnd, uint256 port) {
        uint256 len = s.length;
        if (len > MAX_LENGTH) revert ISubnetRegistryTypes.EndpointTooLong(len, MAX_LENGTH);
        uint256 i;
        (https, i) = _scheme(s);
        hostStart = i;
        bool v6 = i < len && _at(s, i) == 0x5b; // "["
        uint256 chars = v6 ? IPV6_CHARS : HOST_CHARS;
        uint256 end = v6 ? 0x5d : 0x3a; // "]" : ":"
        bool bad;
        // One byte per iteration straight from calldata: i < len keeps every read inside `s`.
        assembly ("memory-safe") {
            let base := s.offset
            for {
                i := add(i, v6)
            } lt(i, len) {
                i := add(i, 1)
            } {
                let c := byte(0, calldataload(add(base, i)))
                if eq(c, end) {
                    break
                }
                if iszero(and(shr(c, chars), 1)) {
                    bad := 1
                    break
                }
            }
        }
        if (bad) revert ISubnetRegistryTypes.EndpointHostInvalid(i);
        if (v6) {
            // "[" ... "]": at least one character inside, and the "]" itself.
            if (i >= len || i == hostStart + 1) revert ISubnetRegistryTypes.EndpointHostInvalid(i);
            ++i;
        }
        hostEnd = i;
        uint256 hostLen = i - hostStart;
        if (hostLen == 0 || hostLen > MAX_HOST) revert ISubnetRegistryTypes.EndpointHostInvalid(hostStart);
        port = _port(s, i);
    }

    /// @dev "https://" (https, host from 8) or "http://" (host from 7).
    function _scheme(bytes calldata s) private pure returns (bool https, uint256 hostStart) {
        uint256 len = s.length;
        uint256 head;
        assembly ("memory-safe") {
            head := calldataload(s.offset) // the first 32 bytes; only those below `len` are compared
        }
        if (len >= 8 && head >> 192 == uint64(bytes8("https://"))) return (true, 8);
        if (len >= 7 && head >> 200 == uint56(bytes7("http://"))) return (false, 7);
        revert ISubnetRegistryTypes.EndpointSchemeInvalid();
    }

    /// @dev ":" at `i`, then 1..5 digits without a leading zero, to the end; the port 1..65535.
    function _port(bytes calldata s, uint256 i) private pure returns (uint256 port) {
        uint256 len = s.length;
        // len - i >= 2 makes i + 1 < len.
        if (i >= len || len - i < 2 || len - i > 6 || _at(s, i) != 0x3a || _at(s, i + 1) == 0x30) {
            revert ISubnetRegistryTypes.EndpointPortInvalid(i);
        }
        bool bad;
        assembly ("memory-safe") {
            let base := s.offset
            for {
                i := add(i, 1)
            } lt(i, len) {
                i := add(i, 1)
            } {
                let d := sub(byte(0, calldataload(add(base, i))), 48) // wraps for bytes below "0"
                if gt(d, 9) {
                    bad := 1
                    break
                }
                port := add(mul(port, 10), d) // at most 5 digits: no overflow
            }
        }
        if (bad) revert ISubnetRegistryTypes.EndpointPortInvalid(i);
        if (port > type(uint16).max) revert ISubnetRegistryTypes.EndpointPortOutOfRange(port);
    }

    /// @notice Validates `s` and returns its stored word (host inline when it fits in 15 bytes; otherwise the caller
    /// stores `s[hostStart:hostEnd]` separately, see `isLongHost`).
    function encode(
        bytes calldata s,
        uint64 slot,
        uint8 protocol,
        uint32 version
    ) internal pure returns (uint256 w, uint256 hostStart, uint256 hostEnd) {
        bool https;
        uint256 port;
        (https, hostStart, hostEnd, port) = parse(s);
        uint256 hostLen = hostEnd - hostStart;
        bool longHost = hostLen > INLINE_HOST;
        uint256 flags = (https ? FLAG_HTTPS : 0) | (longHost ? FLAG_LONG_HOST : 0);
        w =
            uint256(slot) |
            (uint256(version) << 64) |
            (uint256(protocol) << 96) |
            (flags << 104) |
            (port << 112) |
            (hostLen << 128);
        if (!longHost) {
            // Left-aligned host bytes, shifted to bits 136..255: the low 15 bytes of bytes15 hold them.
            w |= uint256(uint120(bytes15(s[hostStart:hostEnd]))) << 136;
        }
    }

    function servedSlot(uint256 w) internal pure returns (uint64) {
        return uint64(w);
    }

    function isLongHost(uint256 w) internal pure returns (bool) {
        return (w >> 104) & FLAG_LONG_HOST != 0;
    }

    /// @notice The endpoint string of a stored word (`longHost` is the separately stored host, if any).
    function render(uint256 w, bytes memory longHost) internal pure returns (string memory) {
        if (w == 0) return "";
        uint256 flags = (w >> 104) & 0xFF;
        bytes memory host;
        if (flags & FLAG_LONG_HOST != 0) {
            host = longHost;
        } else {
            uint256 hostLen = (w >> 128) & 0xFF;
            bytes15 inline_ = bytes15(uint120(w >> 136));
            host = new bytes(hostLen);
            for (uint256 i; i < hostLen; ++i) {
                host[i] = inline_[i];
            }
        }
        return
            string.concat(
                flags & FLAG_HTTPS != 0 ? "https://" : "http://",
                string(host),
                ":",
                Strings.toString((w >> 112) & 0xFFFF)
            );
    }
}
