/** The validator's SQLite store (node:sqlite). */
export { APPLICATION_ID, StoreError, openDatabase, type OpenOptions } from "./openDatabase.js";
export { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from "./migrations.js";
export {
  OPEN_COMMIT_STATUSES,
  ValidatorStore,
  type CommitRow,
  type CommitStatus,
  type NewCommit,
  type SettlementRow,
  type SettlementStatus,
} from "./validatorStore.js";
