/**
 * The names of the contracts' enums, in declaration order (index = the value on chain): what the CLI parses
 * (`tao subnet set N <Param>`) and prints (a reverted `ValueOutOfBounds(param, …)`). test/cli/params.test.ts reads
 * them back from the Solidity interfaces.
 */

/** `ISubnetRegistryTypes.Param`. */
export const PARAMS = [
  "MaxUids",
  "ImmunityPeriod",
  "RegistrationAllowed",
  "MinBurn",
  "MaxBurn",
  "BurnIncreaseMult",
  "ServingRateLimit",
  "MaxValidators",
  "MinAllowedWeights",
  "MaxWeightLimit",
  "WeightsRateLimit",
  "WeightsVersionKey",
  "CommitRevealEnabled",
  "RevealPeriodEpochs",
  "ActivityCutoff",
  "Kappa",
  "BondsMovingAverage",
  "BondsPenalty",
  "BurnHalfLife",
  "Yuma3Enabled",
  "LiquidAlphaEnabled",
  "AlphaLow",
  "AlphaHigh",
  "AlphaSigmoidSteepness",
  "Tempo",
] as const;
export type ParamName = (typeof PARAMS)[number];

/** `ISubnetRegistryTypes.NetParam` (network-wide, governance only). */
export const NET_PARAMS = [
  "MinLock",
  "LockReductionInterval",
  "NetworkRateLimit",
  "SubnetLimit",
  "NetworkImmunityPeriod",
  "AdminFreezeWindow",
  "OwnerRateLimitEpochs",
] as const;

/** `ISettlement.EpochStatus`. */
export const EPOCH_STATUSES = ["None", "Open", "Finalised", "RolledOver"] as const;

/** `names[i]`, or `#i` for a value the enum does not have. */
export function enumName(names: readonly string[], value: unknown): string {
  const i = Number(value);
  return names[i] ?? `#${String(value)}`;
}
