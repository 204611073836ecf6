// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title PruningQueue
/// @notice Which neuron a registration on a full subnet replaces (subtensor-reference.md §7.3), without reading
/// all 256 uids on every registration: argmin over non-immune, non-owner uids of (score, registrationSlot, uid),
/// where score = the uid's emission in the last finalised epoch, 0 for a uid registered since.
///
/// Scores change only when an epoch is finalised, so they are cached by `sync` (registry.syncPruningScores),
/// which stores every uid (except the owner's uid 0) sorted by (score, registrationSlot, uid). Between syncs:
///  - `sorted`: the order at the last sync; an entry whose uid was replaced since is skipped (`dirty` bit);
///  - uids registered since the sync have score 0 and come in registration order from two FIFOs: the uids
///    appended since the sync (`appendHead .. neuronCount-1`, implicit, uid order = time order) and the uids
///    re-registered by replacement since the sync (`ring`, uint8 uids in time order).
/// The candidate is the better of (a) the first sorted entry that is neither dirty nor immune and (b) the older
/// non-immune head of the two FIFOs (score 0): (b) wins unless (a) also has score 0 and is older (or as old with
/// a lower uid). Immunity is a time threshold and FIFO order is time order, so checking the FIFO heads suffices
/// (plus, in the ring, the entries that share the head's slot: same-slot arrivals are not in uid order; the one
/// taken is swapped to the head first). FIFO entries are only ever removed at their head, so they are never stale. A dirty uid is in a FIFO, never a
/// candidate in `sorted`. All of this gives exactly the brute-force argmin (checked by RegistryPruning.t.sol).
///
/// Storage:
///   meta  = syncSlot (32) | sortedLen (8) << 32 | sortedHead (8) << 40 | zeroCount (8) << 48 |
///           syncCount (9) << 56 | appendHead (9) << 65 | ringHead (8) << 74 | ringLen (8) << 82   (90 bits)
///           kept by the caller in a word it reads and writes on every registration anyway (no extra SLOAD)
///   dirty = bit `uid` set when a uid in `sorted` is replaced after the sync; bit 0 (the owner's uid, never in
///           `sorted`) is kept set from the first sync on, so that the word never returns to zero and its first
///           write after each sync costs 2,900 gas instead of 20,000
///   sorted: entry i in word i / 6 at bit (i % 6) * 40: uid (8) | registrationSlot (32) << 8
///   minReg: for sorted word j, the least registration slot of its entries, uint32 at bit (j % 8) * 32 of word j / 8
///   ring:   position p in word p / 32 at byte p % 32
/// Zero-initialised it means "never synced": no sorted entries, every uid from 1 on is in the append FIFO.
library PruningQueue {
    uint256 private constant ENTRIES_PER_WORD = 6;
    uint256 private constant ENTRY_BITS = 40;
    uint256 private constant ENTRY_MASK = (1 << 40) - 1;
    uint256 private constant RING = 256;

    uint8 internal constant NONE = 0;
    uint8 internal constant FROM_SORTED = 1;
    uint8 internal constant FROM_APPENDED = 2;
    uint8 internal constant FROM_RING = 3;

    struct Queue {
        uint256 dirty;
        mapping(uint256 => uint256) sorted;
        mapping(uint256 => uint256) minReg;
        mapping(uint256 => uint256) ring;
    }

    struct Meta {
        uint32 syncSlot;
        uint8 sortedLen;
        uint8 sortedHead;
        uint8 zeroCount;
        uint16 syncCount;
        uint16 appendHead;
        uint8 ringHead;
        uint8 ringLen;
    }

    struct Candidate {
        uint8 source; // NONE when there is no candidate
        uint16 uid;
        uint16 index; // position in `sorted` (FROM_SORTED) or in `ring` (FROM_RING)
        uint64 regSlot;
        uint16 newSortedHead; // sortedHead advanced past leading dirty entries
    }

    /// @notice Meta from its 90-bit packed form.
    function unpack(uint256 w) internal pure returns (Meta memory m) {
        m.syncSlot = uint32(w);
        m.sortedLen = uint8(w >> 32);
        m.sortedHead = uint8(w >> 40);
        m.zeroCount = uint8(w >> 48);
        m.syncCount = uint16((w >> 56) & 0x1FF);
        m.appendHead = uint16((w >> 65) & 0x1FF);
        m.ringHead = uint8(w >> 74);
        m.ringLen = uint8(w >> 82);
    }

    /// @notice The 90-bit packed form (every field is within its width: lengths and heads <= 255, counts <= 256).
    function pack(Meta memory m) internal pure returns (uint96) {
        return
            uint96(
                uint256(m.syncSlot) |
                    (uint256(m.sortedLen) << 32) |
                    (uint256(m.sortedHead) << 40) |
                    (uint256(m.zeroCount) << 48) |
                    (uint256(m.syncCount) << 56) |
                    (uint256(m.appendHead) << 65) |
                    (uint256(m.ringHead) << 74) |
                    (uint256(m.ringLen) << 82)
            );
    }

    /// @notice The registration slot stored in a neuron word (bits 160..191).
    function regSlotOf(uint256 neuronWord) internal pure returns (uint64) {
        return uint64(uint32(neuronWord >> 160));
    }

    function _ringAt(Queue storage q, uint256 pos) private view returns (uint16) {
        return uint16(uint8(q.ring[pos >> 5] >> ((pos & 31) << 3)));
    }

    function _ringSet(Queue storage q, uint256 pos, uint16 uid) private {
        uint256 shift = (pos & 31) << 3;
        uint256 wi = pos >> 5;
        q.ring[wi] = (q.ring[wi] & ~(uint256(0xFF) << shift)) | (uint256(uid) << shift);
    }

    /// @notice The uid to replace at `nowSlot` among `neuronCount` uids with immunity `immunity` slots.
    /// `neurons` maps uid to its neuron word (hotkey | registrationSlot << 160).
    function select(
        Queue storage q,
        Meta memory m,
        mapping(uint256 => uint256) storage neurons,
        uint256 neuronCount,
        uint256 nowSlot,
        uint256 immunity
    ) internal view returns (Candidate memory c) {
        Candidate memory a = _firstSorted(q, m, nowSlot, immunity);
        c.newSortedHead = a.newSortedHead;
        Candidate memory b;
        // Every uid registered since the sync registered at or after syncSlot: none is non-immune before
        // syncSlot + immunity, so the FIFO heads need no reads until then.
        if (uint256(m.syncSlot) + immunity <= nowSlot) b = _oldestFresh(q, m, neurons, neuronCount, nowSlot, immunity);
        if (a.source != NONE) {
            bool aScoreZero = a.index < m.zeroCount;
            if (
                b.source == NONE || (aScoreZero && (a.regSlot < b.regSlot || (a.regSlot == b.regSlot && a.uid < b.uid)))
            ) {
                (c.source, c.uid, c.index, c.regSlot) = (FROM_SORTED, a.uid, a.index, a.regSlot);
                return c;
            }
        }
        if (b.source != NONE) (c.source, c.uid, c.regSlot, c.index) = (b.source, b.uid, b.regSlot, b.index);
    }

    /// @dev The first sorted entry that is neither dirty nor immune; also how far the head can advance past
    /// leading dirty entries. A sorted word whose entries all registered too recently (its `minReg` summary) is
    /// skipped without being read, so a run of immune entries costs one summary read per 48 entries.
    function _firstSorted(
        Queue storage q,
        Meta memory m,
        uint256 nowSlot,
        uint256 immunity
    ) private view returns (Candidate memory a) {
        a.newSortedHead = m.sortedHead;
        Walk memory wk = Walk(q.dirty, nowSlot, immunity, true);
        uint256 len = m.sortedLen;
        uint256 summaryIndex = type(uint256).max;
        uint256 summary;
        // unchecked: i, j <= 255; slots < 2^32 and immunity < 2^16, so no sum or product overflows.
        unchecked {
            uint256 i = m.sortedHead;
            while (i < len) {
                uint256 j = i / ENTRIES_PER_WORD;
                uint256 wordEnd = (j + 1) * ENTRIES_PER_WORD;
                if (wordEnd > len) wordEnd = len;
                if (j >> 3 != summaryIndex) {
                    summaryIndex = j >> 3;
                    summary = q.minReg[summaryIndex];
                }
                if (((summary >> ((j & 7) << 5)) & 0xFFFFFFFF) + immunity > nowSlot) {
                    // Every entry of this word is immune (a dirty entry's stale slot is older, so it cannot hide
                    // a non-immune one).
                    wk.leading = false;
                    i = wordEnd;
                    continue;
                }
                i = _scanWord(q.sorted[j], j, i, wordEnd, wk, a);
                if (a.source != NONE) return a;
            }
        }
    }

    struct Walk {
        uint256 dirty;
        uint256 nowSlot;
        uint256 immunity;
        bool leading; // only dirty entries seen so far
    }

    /// @dev Entries i..wordEnd-1 of sorted word j (`w`): sets `a` at the first live non-immune one. Returns where
    /// the scan stopped.
    function _scanWord(
        uint256 w,
        uint256 j,
        uint256 i,
        uint256 wordEnd,
        Walk memory wk,
        Candidate memory a
    ) private pure returns (uint256) {
        // unchecked: as in _firstSorted.
        unchecked {
            for (; i < wordEnd; ++i) {
                uint256 e = w >> ((i - j * ENTRIES_PER_WORD) * ENTRY_BITS);
                uint256 uid = e & 0xFF;
                if ((wk.dirty >> uid) & 1 == 1) {
                    if (wk.leading) a.newSortedHead = uint16(i + 1);
                    continue;
                }
                wk.leading = false;
                uint256 reg = (e >> 8) & 0xFFFFFFFF;
                if (reg + wk.immunity > wk.nowSlot) continue; // immune
                (a.source, a.uid, a.regSlot, a.index) = (FROM_SORTED, uint16(uid), uint64(reg), uint16(i));
                return i;
            }
            return i;
        }
    }

    /// @dev The older non-immune head of the two FIFOs of uids registered since the sync (ties: lower uid).
    function _oldestFresh(
        Queue storage q,
        Meta memory m,
        mapping(uint256 => uint256) storage neurons,
        uint256 neuronCount,
        uint256 nowSlot,
        uint256 immunity
    ) private view returns (Candidate memory b) {
        uint256 ah = m.appendHead == 0 ? 1 : m.appendHead; // uid 0 is the owner's
        if (ah < neuronCount) {
            uint64 reg = regSlotOf(neurons[ah]);
            if (uint256(reg) + immunity <= nowSlot) (b.source, b.uid, b.regSlot) = (FROM_APPENDED, uint16(ah), reg);
        }
        if (m.ringLen != 0) {
            uint256 pos = m.ringHead;
            uint16 uid = _ringAt(q, pos);
            uint64 reg = regSlotOf(neurons[uid]);
            if (uint256(reg) + immunity <= nowSlot) {
                // Uids re-registered in the same slot sit in arrival order: take the lowest of them.
                for (uint256 k = 1; k < m.ringLen; ++k) {
                    uint256 p2 = (uint256(m.ringHead) + k) % RING;
                    uint16 u2 = _ringAt(q, p2);
                    if (regSlotOf(neurons[u2]) != reg) break;
                    if (u2 < uid) (uid, pos) = (u2, p2);
                }
                if (b.source == NONE || reg < b.regSlot || (reg == b.regSlot && uid < b.uid)) {
                    (b.source, b.uid, b.regSlot, b.index) = (FROM_RING, uid, reg, uint16(pos)); // pos < 256
                }
            }
        }
    }

    /// @notice Records that `c.uid` was re-registered: it leaves its place and joins the ring's tail. Returns the
    /// new packed meta.
    function consume(Queue storage q, Meta memory m, Candidate memory c) internal returns (uint96) {
        m.sortedHead = uint8(c.newSortedHead); // <= sortedLen <= 255
        if (c.source == FROM_SORTED) {
            q.dirty |= 1 << c.uid;
            if (c.index == m.sortedHead) m.sortedHead = uint8(c.index + 1); // index < sortedLen <= 255
        } else if (c.source == FROM_APPENDED) {
            m.appendHead = c.uid + 1; // uid < 256
        } else {
            // FROM_RING: move the candidate to the head (the entries it passes share its slot, so time order
            // holds), then pop the head; it is pushed back at the tail below.
            if (c.index != m.ringHead) {
                uint16 headUid = _ringAt(q, m.ringHead);
                _ringSet(q, m.ringHead, c.uid);
                _ringSet(q, c.index, headUid);
            }
            m.ringHead = uint8((uint256(m.ringHead) + 1) % RING);
            --m.ringLen; // ringLen >= 1 for a ring candidate
        }
        _ringSet(q, (uint256(m.ringHead) + m.ringLen) % RING, c.uid);
        ++m.ringLen; // at most 255 uids are ever in the ring (uid 0 never is)
        return pack(m);
    }

    /// @dev Writes the sorted entries (6 per word) and each word's least registration slot (8 per word).
    function _storeSorted(Queue storage q, uint256[] memory keys) private {
        uint256 len = keys.length;
        uint256 w;
        uint256 minReg = type(uint32).max;
        uint256 summary;
        for (uint256 i; i < len; ++i) {
            uint256 k = i % ENTRIES_PER_WORD;
            w |= (keys[i] & ENTRY_MASK) << (k * ENTRY_BITS);
            uint256 reg = (keys[i] >> 8) & 0xFFFFFFFF;
            if (reg < minReg) minReg = reg;
            if (k == ENTRIES_PER_WORD - 1 || i == len - 1) {
                uint256 j = i / ENTRIES_PER_WORD;
                q.sorted[j] = w;
                summary |= minReg << ((j & 7) << 5);
                if ((j & 7) == 7 || i == len - 1) {
                    q.minReg[j >> 3] = summary;
                    summary = 0;
                }
                w = 0;
                minReg = type(uint32).max;
            }
        }
    }

    /// @notice Stores a new sorted order: `keys[i] = score << 40 | registrationSlot << 8 | uid`, ascending, for
    /// every uid 1..neuronCount-1. Empties the FIFOs and the dirty set; returns the new packed meta.
    function store(
        Queue storage q,
        uint256 packedMeta,
        uint256[] memory keys,
        uint16 neuronCount,
        uint32 nowSlot
    ) internal returns (uint96) {
        Meta memory m = unpack(packedMeta);
        uint256 len = keys.length;
        uint256 zeros;
        while (zeros < len && keys[zeros] >> ENTRY_BITS == 0) ++zeros;
        _storeSorted(q, keys);
        if (q.ring[RING / 32 - 1] == 0) {
            // First sync: make every ring word non-zero (contents do not matter, ringLen does), so that no
            // registration ever pays the 20,000 gas of a fresh ring word from here on.
            for (uint256 wi; wi < RING / 32; ++wi) {
                if (q.ring[wi] == 0) q.ring[wi] = type(uint256).max;
            }
        }
        // len, zeros < 256 (uids 1..255).
        m.syncSlot = nowSlot;
        m.sortedLen = uint8(len);
        m.sortedHead = 0;
        m.zeroCount = uint8(zeros);
        m.syncCount = neuronCount;
        m.appendHead = neuronCount;
        m.ringLen = 0; // ringHead keeps cycling so that ring words are reused
        q.dirty = 1; // the sentinel bit 0: no uid is dirty
        return pack(m);
    }
}
