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
///   meta  = syncSlot (64) | sortedLen (16) << 64 | sortedHead (16) << 80 | zeroCount (16) << 96 |
///           syncCount (16) << 112 | appendHead (16) << 128 | ringHead (16) << 144 | ringLen (16) << 160
///   dirty = bit `uid` set when a uid in `sorted` is replaced after the sync
///   sorted: entry i in word i / 6 at bit (i % 6) * 40: uid (8) | registrationSlot (32) << 8
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
        uint256 meta;
        uint256 dirty;
        mapping(uint256 => uint256) sorted;
        mapping(uint256 => uint256) ring;
    }

    struct Meta {
        uint64 syncSlot;
        uint16 sortedLen;
        uint16 sortedHead;
        uint16 zeroCount;
        uint16 syncCount;
        uint16 appendHead;
        uint16 ringHead;
        uint16 ringLen;
    }

    struct Candidate {
        uint8 source; // NONE when there is no candidate
        uint16 uid;
        uint16 index; // position in `sorted` (FROM_SORTED) or in `ring` (FROM_RING)
        uint64 regSlot;
        uint16 newSortedHead; // sortedHead advanced past leading dirty entries
    }

    function loadMeta(Queue storage q) internal view returns (Meta memory m) {
        uint256 w = q.meta;
        // Each cast takes exactly its field.
        m.syncSlot = uint64(w);
        m.sortedLen = uint16(w >> 64);
        m.sortedHead = uint16(w >> 80);
        m.zeroCount = uint16(w >> 96);
        m.syncCount = uint16(w >> 112);
        m.appendHead = uint16(w >> 128);
        m.ringHead = uint16(w >> 144);
        m.ringLen = uint16(w >> 160);
    }

    function storeMeta(Queue storage q, Meta memory m) internal {
        q.meta = uint256(m.syncSlot) | (uint256(m.sortedLen) << 64) | (uint256(m.sortedHead) << 80)
            | (uint256(m.zeroCount) << 96) | (uint256(m.syncCount) << 112) | (uint256(m.appendHead) << 128)
            | (uint256(m.ringHead) << 144) | (uint256(m.ringLen) << 160);
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
                b.source == NONE
                    || (aScoreZero && (a.regSlot < b.regSlot || (a.regSlot == b.regSlot && a.uid < b.uid)))
            ) {
                (c.source, c.uid, c.index, c.regSlot) = (FROM_SORTED, a.uid, a.index, a.regSlot);
                return c;
            }
        }
        if (b.source != NONE) (c.source, c.uid, c.regSlot, c.index) = (b.source, b.uid, b.regSlot, b.index);
    }

    /// @dev The first sorted entry that is neither dirty nor immune; also how far the head can advance past
    /// leading dirty entries.
    function _firstSorted(Queue storage q, Meta memory m, uint256 nowSlot, uint256 immunity)
        private
        view
        returns (Candidate memory a)
    {
        a.newSortedHead = m.sortedHead;
        uint256 dirty = q.dirty;
        bool leading = true;
        uint256 w;
        for (uint256 i = m.sortedHead; i < m.sortedLen; ++i) {
            uint256 k = i % ENTRIES_PER_WORD;
            if (k == 0 || i == m.sortedHead) w = q.sorted[i / ENTRIES_PER_WORD];
            uint256 e = (w >> (k * ENTRY_BITS)) & ENTRY_MASK;
            uint256 uid = e & 0xFF;
            if ((dirty >> uid) & 1 == 1) {
                if (leading) a.newSortedHead = uint16(i + 1); // i + 1 <= sortedLen <= 255
                continue;
            }
            leading = false;
            uint256 reg = e >> 8;
            if (reg + immunity > nowSlot) continue; // immune
            // uid < 256, reg < 2^32, i < 255
            (a.source, a.uid, a.regSlot, a.index) = (FROM_SORTED, uint16(uid), uint64(reg), uint16(i));
            return a;
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

    /// @notice Records that `c.uid` was re-registered: it leaves its place and joins the ring's tail.
    function consume(Queue storage q, Meta memory m, Candidate memory c) internal {
        m.sortedHead = c.newSortedHead;
        if (c.source == FROM_SORTED) {
            q.dirty |= 1 << c.uid;
            if (c.index == m.sortedHead) m.sortedHead = c.index + 1; // index < sortedLen <= 255
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
            m.ringHead = uint16((uint256(m.ringHead) + 1) % RING);
            --m.ringLen; // ringLen >= 1 for a ring candidate
        }
        _ringSet(q, (uint256(m.ringHead) + m.ringLen) % RING, c.uid);
        ++m.ringLen; // at most 255 uids are ever in the ring (uid 0 never is)
        storeMeta(q, m);
    }

    /// @notice Stores a new sorted order: `keys[i] = score << 40 | registrationSlot << 8 | uid`, ascending, for
    /// every uid 1..neuronCount-1. Empties the FIFOs and the dirty set.
    function store(Queue storage q, uint256[] memory keys, uint16 neuronCount, uint64 nowSlot) internal {
        Meta memory m = loadMeta(q);
        uint256 len = keys.length;
        uint256 zeros;
        while (zeros < len && keys[zeros] >> ENTRY_BITS == 0) ++zeros;
        uint256 w;
        for (uint256 i; i < len; ++i) {
            uint256 k = i % ENTRIES_PER_WORD;
            w |= (keys[i] & ENTRY_MASK) << (k * ENTRY_BITS);
            if (k == ENTRIES_PER_WORD - 1 || i == len - 1) {
                q.sorted[i / ENTRIES_PER_WORD] = w;
                w = 0;
            }
        }
        // len, zeros < 256 (uids 1..255).
        m.syncSlot = nowSlot;
        m.sortedLen = uint16(len);
        m.sortedHead = 0;
        m.zeroCount = uint16(zeros);
        m.syncCount = neuronCount;
        m.appendHead = neuronCount;
        m.ringLen = 0; // ringHead keeps cycling so that ring words are reused
        storeMeta(q, m);
        q.dirty = 0;
    }
}
