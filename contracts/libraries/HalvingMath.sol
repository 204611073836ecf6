// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title HalvingMath
/// @notice Subtensor's issuance-based block emission (subtensor-reference.md §2), exact to the rao:
///   `emission(I) = floor(1e9 / 2^k)`, `k = floor(log2(1 / (1 - I / 21e15)))`, 0 at or past the cap.
/// Subtensor evaluates it in I96F32. With `f = floor(I * 2^32 / 21e15) / 2^32`, `k >= j` holds exactly when
/// `I >= 21e15 - floor(21e15 / 2^j)` for every j <= 32 (the thresholds are dyadic), and `1e9 / 2^k` is exact in
/// I96F32, so the closed form below equals the fixed-point result for every issuance. The same curve drives
/// each subnet's alpha emission, applied to that subnet's alpha issuance.
library HalvingMath {
    /// @notice Hard cap: 21,000,000 TAO in rao (9 decimals).
    uint256 internal constant MAX_SUPPLY = 21_000_000e9;
    /// @notice Emission per slot before the first halving: 1 TAO.
    uint256 internal constant BASE_EMISSION = 1e9;
    /// @notice I96F32 has 32 fractional bits: past 32 halvings the fixed-point fraction saturates.
    uint256 internal constant MAX_HALVINGS = 32;

    /// @notice The number of halvings `k` that issuance `issuance` has passed (0..32).
    function halvings(uint256 issuance) internal pure returns (uint256 k) {
        if (issuance >= MAX_SUPPLY) return MAX_HALVINGS;
        // remaining = 21e15 - I > 0; k = max{ j <= 32 : remaining <= floor(21e15 / 2^j) }.
        uint256 remaining = MAX_SUPPLY - issuance;
        while (k < MAX_HALVINGS && remaining <= (MAX_SUPPLY >> (k + 1))) {
            unchecked {
                ++k; // k < 32
            }
        }
    }

    /// @notice Emission per slot (rao) at issuance `issuance`.
    function emissionAt(uint256 issuance) internal pure returns (uint256) {
        if (issuance >= MAX_SUPPLY) return 0;
        return BASE_EMISSION >> halvings(issuance);
    }

    /// @notice Issuance at which the emission next halves (the start of halving `k + 1`), or MAX_SUPPLY when
    /// emission is already 0.
    function nextThreshold(uint256 issuance) internal pure returns (uint256) {
        uint256 k = halvings(issuance);
        if (k >= MAX_HALVINGS || (BASE_EMISSION >> k) == 0) return MAX_SUPPLY;
        return MAX_SUPPLY - (MAX_SUPPLY >> (k + 1));
    }

    /// @notice Total emission of `slots` consecutive slots starting at issuance `issuance`, each slot minting
    /// `emissionAt(issuance so far)` and never past MAX_SUPPLY: the same total as minting slot by slot, computed
    /// piecewise between halving thresholds (at most 30 pieces).
    function emissionOver(uint256 issuance, uint256 slots) internal pure returns (uint256 minted) {
        uint256 supply = issuance;
        while (slots != 0 && supply < MAX_SUPPLY) {
            uint256 rate = emissionAt(supply);
            if (rate == 0) break;
            uint256 threshold = nextThreshold(supply);
            // Slots at this rate until the threshold is reached or passed (ceil division; threshold > supply).
            uint256 toThreshold = (threshold - supply + rate - 1) / rate;
            uint256 take = slots < toThreshold ? slots : toThreshold;
            uint256 amount = take * rate; // take <= 2.1e16, rate <= 1e9: no overflow
            uint256 room = MAX_SUPPLY - supply;
            if (amount > room) amount = room;
            supply += amount;
            slots -= take;
        }
        return supply - issuance;
    }

    /// @notice Slots until the next halving at the current rate (0 when emission has stopped).
    function slotsToNextHalving(uint256 issuance) internal pure returns (uint256) {
        uint256 rate = emissionAt(issuance);
        if (rate == 0) return 0;
        uint256 threshold = nextThreshold(issuance);
        return (threshold - issuance + rate - 1) / rate;
    }
}
