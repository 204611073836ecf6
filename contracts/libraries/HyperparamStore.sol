// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {ISubnetRegistryTypes} from "../interfaces/ISubnetRegistry.sol";
import {ISubnetRegistryView} from "../interfaces/ISubnetRegistryView.sol";
import {IWeightsContext} from "../interfaces/IWeightsContext.sol";
import {BurnCost} from "./BurnCost.sol";

/// @title HyperparamStore
/// @notice Storage of a subnet's hyperparameters in three words, XOR-encoded against the defaults: a zero word
/// means "all defaults", so a new subnet costs no hyperparameter writes and a dissolved subnet's values vanish with
/// its instance. `stored = actual ^ DEFAULT`.
///
/// Layout (bit offset within the word, width):
///   word 0 (read by register/serveAxon): maxUids bit 0 u16 | immunityPeriod bit 16 u16 | registrationAllowed bit 32 u8 |
///     minBurn bit 40 u64 | maxBurn bit 104 u64 | burnIncreaseMultPpm bit 168 u32 | servingRateLimit bit 200 u16 |
///     burnDecayFactorQ32 bit 216 u32 (derived from burnHalfLife, not a Param)
///   word 1: maxValidators bit 0 u16 | minAllowedWeights bit 16 u16 | maxWeightLimit bit 32 u16 | weightsRateLimit bit 48 u16 |
///     weightsVersionKey bit 64 u64 | commitRevealEnabled bit 128 u8 | revealPeriodEpochs bit 136 u8 | activityCutoff bit 144 u16 |
///     kappa bit 160 u16 | bondsMovingAverage bit 176 u32 | bondsPenalty bit 208 u16 | burnHalfLife bit 224 u16
///   word 2: yuma3Enabled bit 0 u8 | liquidAlphaEnabled bit 8 u8 | alphaLow bit 16 u16 | alphaHigh bit 32 u16 |
///     alphaSigmoidSteepness bit 48 u16 (int16, two's complement)
/// The tempo is not stored here: it lives in the subnet's epoch schedule (TempoSchedule).
library HyperparamStore {
    // Defaults (subtensor-reference.md §8.5, values used for new subnets).
    uint256 internal constant TEMPO = 360;
    uint256 internal constant MAX_UIDS = 256;
    uint256 internal constant IMMUNITY_PERIOD = 5000;
    uint256 internal constant MIN_BURN = 500_000;
    uint256 internal constant MAX_BURN = 100e9;
    uint256 internal constant BURN_INCREASE_MULT_PPM = 1_260_000;
    uint256 internal constant SERVING_RATE_LIMIT = 50;
    uint256 internal constant MAX_VALIDATORS = 64;
    uint256 internal constant MIN_ALLOWED_WEIGHTS = 1;
    uint256 internal constant MAX_WEIGHT_LIMIT = 65_535;
    uint256 internal constant WEIGHTS_RATE_LIMIT = 100;
    uint256 internal constant REVEAL_PERIOD_EPOCHS = 1;
    uint256 internal constant ACTIVITY_CUTOFF = 5000;
    uint256 internal constant KAPPA = 32_767;
    uint256 internal constant BONDS_MOVING_AVERAGE = 900_000;
    uint256 internal constant BONDS_PENALTY = 65_535;
    uint256 internal constant BURN_HALF_LIFE = 360;
    uint256 internal constant ALPHA_LOW = 45_875;
    uint256 internal constant ALPHA_HIGH = 58_982;
    uint256 internal constant ALPHA_SIGMOID_STEEPNESS = 1000;

    /// @notice Initial burn of a new subnet (subtensor's `DefaultNeuronBurnCost`): 1 TAO.
    uint256 internal constant INITIAL_BURN = 1e9;

    uint256 internal constant DEFAULT_W0 =
        MAX_UIDS |
            (IMMUNITY_PERIOD << 16) |
            (1 << 32) |
            (MIN_BURN << 40) |
            (MAX_BURN << 104) |
            (BURN_INCREASE_MULT_PPM << 168) |
            (SERVING_RATE_LIMIT << 200) |
            (uint256(BurnCost.F_Q32_360) << 216);
    uint256 internal constant DEFAULT_W1 =
        MAX_VALIDATORS |
            (MIN_ALLOWED_WEIGHTS << 16) |
            (MAX_WEIGHT_LIMIT << 32) |
            (WEIGHTS_RATE_LIMIT << 48) |
            (1 << 128) |
            (REVEAL_PERIOD_EPOCHS << 136) |
            (ACTIVITY_CUTOFF << 144) |
            (KAPPA << 160) |
            (BONDS_MOVING_AVERAGE << 176) |
            (BONDS_PENALTY << 208) |
            (BURN_HALF_LIFE << 224);
    uint256 internal constant DEFAULT_W2 = 1 | (ALPHA_LOW << 16) | (ALPHA_HIGH << 32) | (ALPHA_SIGMOID_STEEPNESS << 48);

    /// @dev Field layout by Param index, 16 bits each: bits 0-9 = global bit offset (word * 256 + offset),
    /// bits 10-15 = width in bytes. Params 0-15 in LAYOUT_A, 16-24 in LAYOUT_B (Tempo has no field: 0).
    uint256 private constant LAYOUT_A =
        _L0 |
            (_L1 << 16) |
            (_L2 << 32) |
            (_L3 << 48) |
            (_L4 << 64) |
            (_L5 << 80) |
            (_L6 << 96) |
            (_L7 << 112) |
            (_L8 << 128) |
            (_L9 << 144) |
            (_L10 << 160) |
            (_L11 << 176) |
            (_L12 << 192) |
            (_L13 << 208) |
            (_L14 << 224) |
            (_L15 << 240);
    uint256 private constant LAYOUT_B =
        _L16 | (_L17 << 16) | (_L18 << 32) | (_L19 << 48) | (_L20 << 64) | (_L21 << 80) | (_L22 << 96) | (_L23 << 112);

    uint256 private constant _L0 = 0 | (2 << 10); // MaxUids
    uint256 private constant _L1 = 16 | (2 << 10); // ImmunityPeriod
    uint256 private constant _L2 = 32 | (1 << 10); // RegistrationAllowed
    uint256 private constant _L3 = 40 | (8 << 10); // MinBurn
    uint256 private constant _L4 = 104 | (8 << 10); // MaxBurn
    uint256 private constant _L5 = 168 | (4 << 10); // BurnIncreaseMult
    uint256 private constant _L6 = 200 | (2 << 10); // ServingRateLimit
    uint256 private constant _L7 = 256 | (2 << 10); // MaxValidators
    uint256 private constant _L8 = 272 | (2 << 10); // MinAllowedWeights
    uint256 private constant _L9 = 288 | (2 << 10); // MaxWeightLimit
    uint256 private constant _L10 = 304 | (2 << 10); // WeightsRateLimit
    uint256 private constant _L11 = 320 | (8 << 10); // WeightsVersionKey
    uint256 private constant _L12 = 384 | (1 << 10); // CommitRevealEnabled
    uint256 private constant _L13 = 392 | (1 << 10); // RevealPeriodEpochs
    uint256 private constant _L14 = 400 | (2 << 10); // ActivityCutoff
    uint256 private constant _L15 = 416 | (2 << 10); // Kappa
    uint256 private constant _L16 = 432 | (4 << 10); // BondsMovingAverage
    uint256 private constant _L17 = 464 | (2 << 10); // BondsPenalty
    uint256 private constant _L18 = 480 | (2 << 10); // BurnHalfLife
    uint256 private constant _L19 = 512 | (1 << 10); // Yuma3Enabled
    uint256 private constant _L20 = 520 | (1 << 10); // LiquidAlphaEnabled
    uint256 private constant _L21 = 528 | (2 << 10); // AlphaLow
    uint256 private constant _L22 = 544 | (2 << 10); // AlphaHigh
    uint256 private constant _L23 = 560 | (2 << 10); // AlphaSigmoidSteepness

    /// @dev The burn decay factor's place in word 0.
    uint256 private constant DECAY_SHIFT = 216;

    /// @notice The three stored (XOR-encoded) words of one subnet instance.
    struct Words {
        uint256[3] w;
    }

    /// @notice (word index, bit shift, bit width) of `p`.
    function fieldOf(
        ISubnetRegistryTypes.Param p
    ) internal pure returns (uint256 wordIndex, uint256 shift, uint256 bits) {
        uint256 i = uint256(p);
        uint256 e = (i < 16 ? LAYOUT_A >> (i * 16) : LAYOUT_B >> ((i - 16) * 16)) & 0xFFFF;
        uint256 goff = e & 0x3FF;
        return (goff >> 8, goff & 0xFF, (e >> 10) * 8);
    }

    /// @notice The default of decoded word `i`.
    function defaultWord(uint256 i) internal pure returns (uint256) {
        return
            i == 0
                ? DEFAULT_W0
                : i == 1
                    ? DEFAULT_W1
                    : DEFAULT_W2;
    }

    /// @notice Decoded (actual) word `i`.
    function word(Words storage s, uint256 i) internal view returns (uint256) {
        return s.w[i] ^ defaultWord(i);
    }

    /// @notice The raw (unsigned) value of `p`.
    function get(Words storage s, ISubnetRegistryTypes.Param p) internal view returns (uint256) {
        (uint256 wi, uint256 shift, uint256 bits) = fieldOf(p);
        return (word(s, wi) >> shift) & ((1 << bits) - 1);
    }

    /// @notice Sets `p` to `value` (which must fit its width; the caller checks bounds).
    function set(Words storage s, ISubnetRegistryTypes.Param p, uint256 value) internal {
        (uint256 wi, uint256 shift, uint256 bits) = fieldOf(p);
        uint256 mask = ((1 << bits) - 1) << shift;
        uint256 actual = (word(s, wi) & ~mask) | ((value << shift) & mask);
        s.w[wi] = actual ^ defaultWord(wi);
    }

    /// @notice Sets the derived burn decay factor (Q32).
    function setDecayFactor(Words storage s, uint32 factorQ32) internal {
        uint256 mask = uint256(type(uint32).max) << DECAY_SHIFT;
        uint256 actual = (word(s, 0) & ~mask) | (uint256(factorQ32) << DECAY_SHIFT);
        s.w[0] = actual ^ DEFAULT_W0;
    }

    // --- typed accessors on a decoded word 0 (one SLOAD for the registration path) ---

    function maxUids(uint256 w0) internal pure returns (uint256) {
        return w0 & 0xFFFF;
    }

    function immunityPeriod(uint256 w0) internal pure returns (uint256) {
        return (w0 >> 16) & 0xFFFF;
    }

    function registrationAllowed(uint256 w0) internal pure returns (bool) {
        return (w0 >> 32) & 0xFF != 0;
    }

    function minBurn(uint256 w0) internal pure returns (uint256) {
        return (w0 >> 40) & type(uint64).max;
    }

    function maxBurn(uint256 w0) internal pure returns (uint256) {
        return (w0 >> 104) & type(uint64).max;
    }

    function burnIncreaseMultPpm(uint256 w0) internal pure returns (uint256) {
        return (w0 >> 168) & type(uint32).max;
    }

    function servingRateLimit(uint256 w0) internal pure returns (uint256) {
        return (w0 >> 200) & 0xFFFF;
    }

    function decayFactorQ32(uint256 w0) internal pure returns (uint256) {
        return (w0 >> DECAY_SHIFT) & type(uint32).max;
    }

    /// @notice The weights fields of word 1 (one SLOAD) into `c`.
    function loadWeights(Words storage s, IWeightsContext.WeightsContext memory c) internal view {
        uint256 w1 = word(s, 1);
        c.minAllowedWeights = uint16(w1 >> 16);
        c.maxWeightLimit = uint16(w1 >> 32);
        c.weightsRateLimit = uint16(w1 >> 48);
        c.weightsVersionKey = uint64(w1 >> 64);
        c.commitRevealEnabled = uint8(w1 >> 128) != 0;
        c.revealPeriodEpochs = uint8(w1 >> 136);
    }

    /// @notice All hyperparameters as the view struct; `tempo` is passed in (it lives in the epoch schedule).
    function load(Words storage s, uint16 tempo) internal view returns (ISubnetRegistryView.Hyperparams memory h) {
        uint256 w0 = word(s, 0);
        uint256 w1 = word(s, 1);
        uint256 w2 = word(s, 2);
        // Every cast below takes exactly the field's width, so none truncates information.
        h.tempo = tempo;
        h.maxUids = uint16(w0);
        h.immunityPeriod = uint16(w0 >> 16);
        h.registrationAllowed = uint8(w0 >> 32) != 0;
        h.minBurn = uint64(w0 >> 40);
        h.maxBurn = uint64(w0 >> 104);
        h.burnIncreaseMultPpm = uint32(w0 >> 168);
        h.servingRateLimit = uint16(w0 >> 200);
        h.maxValidators = uint16(w1);
        h.minAllowedWeights = uint16(w1 >> 16);
        h.maxWeightLimit = uint16(w1 >> 32);
        h.weightsRateLimit = uint16(w1 >> 48);
        h.weightsVersionKey = uint64(w1 >> 64);
        h.commitRevealEnabled = uint8(w1 >> 128) != 0;
        h.revealPeriodEpochs = uint8(w1 >> 136);
        h.activityCutoff = uint16(w1 >> 144);
        h.kappa = uint16(w1 >> 160);
        h.bondsMovingAverage = uint32(w1 >> 176);
        h.bondsPenalty = uint16(w1 >> 208);
        h.burnHalfLife = uint16(w1 >> 224);
        h.yuma3Enabled = uint8(w2) != 0;
        h.liquidAlphaEnabled = uint8(w2 >> 8) != 0;
        h.alphaLow = uint16(w2 >> 16);
        h.alphaHigh = uint16(w2 >> 32);
        h.alphaSigmoidSteepness = int16(uint16(w2 >> 48));
    }
}
