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

    struct Parsed {
        bool https;
        uint256 hostStart;
        uint256 hostEnd; // exclusive
        uint16 port;
    }

    /// @dev Bit c set for every byte c allowed in a reg-name host: [A-Za-z0-9.-].
    uint256 private constant HOST_CHARS = 0x7fffffe07fffffe03ff600000000000;
    /// @dev Bit c set for every byte c allowed inside an IPv6 literal: [0-9A-Fa-f:.].
    uint256 private constant IPV6_CHARS = 0x7e0000007e07ff400000000000;

    /// @notice Validates `s` and returns its parts; reverts with the offending index or value.
    function parse(bytes calldata s) internal pure returns (Parsed memory p) {
        uint256 len = s.length;
        if (len > MAX_LENGTH) revert ISubnetRegistryTypes.EndpointTooLong(len, MAX_LENGTH);
        uint256 i = 7;
        if (len >= 8 && bytes8(s[0:8]) == "https://") {
            p.https = true;
            i = 8;
        } else if (len < 7 || bytes7(s[0:7]) != "http://") {
            revert ISubnetRegistryTypes.EndpointSchemeInvalid();
        }
        p.hostStart = i;
        bool v6 = i < len && s[i] == "[";
        uint256 chars = v6 ? IPV6_CHARS : HOST_CHARS;
        bytes1 stop = v6 ? bytes1("]") : bytes1(":");
        if (v6) ++i;
        for (; i < len && s[i] != stop; ++i) {
            if ((chars >> uint8(s[i])) & 1 == 0) revert ISubnetRegistryTypes.EndpointHostInvalid(i);
        }
        if (v6) {
            // "[" ... "]": at least one character inside, and the "]" itself.
            if (i >= len || i == p.hostStart + 1) revert ISubnetRegistryTypes.EndpointHostInvalid(i);
            ++i;
        }
        p.hostEnd = i;
        uint256 hostLen = i - p.hostStart;
        if (hostLen == 0 || hostLen > MAX_HOST) revert ISubnetRegistryTypes.EndpointHostInvalid(p.hostStart);
        // ":" then 1..5 digits without a leading zero, to the end.
        if (i >= len || s[i] != ":" || len - i > 6 || len - i < 2 || s[i + 1] == "0") {
            revert ISubnetRegistryTypes.EndpointPortInvalid(i);
        }
        uint256 port;
        for (++i; i < len; ++i) {
            uint256 c = uint8(s[i]);
            if (c < 48 || c > 57) revert ISubnetRegistryTypes.EndpointPortInvalid(i);
            port = port * 10 + (c - 48);
        }
        if (port > type(uint16).max) revert ISubnetRegistryTypes.EndpointPortOutOfRange(port);
        p.port = uint16(port);
    }

    /// @notice The stored word for a parsed endpoint (host inline when it fits; the caller stores long hosts).
    function pack(bytes calldata s, Parsed memory p, uint64 slot, uint8 protocol, uint32 version)
        internal
        pure
        returns (uint256 w, bool longHost)
    {
        uint256 hostLen = p.hostEnd - p.hostStart;
        longHost = hostLen > INLINE_HOST;
        uint256 flags = (p.https ? FLAG_HTTPS : 0) | (longHost ? FLAG_LONG_HOST : 0);
        w = uint256(slot) | (uint256(version) << 64) | (uint256(protocol) << 96) | (flags << 104)
            | (uint256(p.port) << 112) | (hostLen << 128);
        if (!longHost) {
            // Left-aligned host bytes, shifted to bits 136..255: the low 15 bytes of bytes15 hold them.
            w |= uint256(uint120(bytes15(s[p.hostStart:p.hostEnd]))) << 136;
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
        return string.concat(
            flags & FLAG_HTTPS != 0 ? "https://" : "http://",
            string(host),
            ":",
            Strings.toString((w >> 112) & 0xFFFF)
        );
    }
}
