/** Axon wire protocol v1: one module used by the axon (miner) and the dendrite (validator). */
export * from "./constants.js";
export * from "./messages.js";
export * from "./headers.js";
export * from "./errors.js";
export * from "./schemas.js";
export * from "./nonce.js";
export * from "./bodyHash.js";
export * from "./signatures.js";
export * from "./signing.js";
