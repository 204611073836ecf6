/** The BigInt model of Staking's pool math (contracts/libraries): see docs/staking.md. */
export * as poolMath from "./poolMath.js";
export * as sharePool from "./sharePool.js";
export * as flowEma from "./flowEma.js";
export * as priceEma from "./priceEma.js";
export * as emissionSplit from "./emissionSplit.js";
