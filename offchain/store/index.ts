/** The validator's and the miner's SQLite stores (node:sqlite). */
export {
  APPLICATION_ID,
  StoreError,
  VALIDATOR_STORE,
  openDatabase,
  type OpenOptions,
  type StoreKind,
} from "./openDatabase.js";
export { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from "./migrations.js";
export {
  OPEN_COMMIT_STATUSES,
  StoreRedeployedError,
  ValidatorStore,
  moveStoreAside,
  type CommitRow,
  type CommitStatus,
  type NewCommit,
  type SettlementRow,
  type SettlementStatus,
} from "./validatorStore.js";
export { MINER_MIGRATIONS, MINER_SCHEMA_VERSION } from "./minerMigrations.js";
export { MINER_APPLICATION_ID, MINER_STORE, MINER_STORE_FILE, MinerStore, minerStorePath } from "./minerStore.js";
