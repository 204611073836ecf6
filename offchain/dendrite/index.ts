/** The validator-side client of the axon protocol. */
export {
  Dendrite,
  type AxonTarget,
  type DendriteOptions,
  type DendriteResult,
  type QueryManyOptions,
  type QueryOptions,
} from "./dendrite.js";
