/** Bytes per packed entry: uid (u16 big-endian) then value (u16 big-endian). */
export const ENTRY_BYTES = 4;
/** Most entries in one vector (the contract's `WeightsCodec.MAX_ENTRIES`). */
export const MAX_ENTRIES = 256;
/** The largest u16: a max-upscaled row's maximum. */
export const U16_MAX = 65_535;
/** Pending commits per validator and subnet (the contract's `WeightsState.MAX_PENDING`). */
export const MAX_PENDING_COMMITS = 10;
