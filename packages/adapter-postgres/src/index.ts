/**
 * @epca/adapter-postgres — the @epca/core ports on PostgreSQL (node-postgres) and on embedded
 * PGlite, with versioned migrations and tenant isolation by row-level security.
 *
 * @packageDocumentation
 */
export { createPostgresStore, migrate, type PostgresStoreOptions } from "./create-postgres-store.js";
export { createPGliteStore, type PGliteStoreOptions } from "./create-pglite-store.js";
export { DATA_DIRECTORY_LOCK_FILE, DataDirectoryLockedError } from "./data-directory-lock.js";
export { APP_ROLE, type PostgresScope, type PostgresScopePart, type PostgresStore, type RollupCheck, type RollupMismatch, type RollupRefresh, type RollupRefreshOptions } from "./store.js";
export {
  defaultMigrationsDirectory,
  MigrationChecksumError,
  migrationChecksum,
  readMigrations,
  type MigrationFile,
  type MigrationResult,
} from "./migrations.js";
export { TransactionRolledBackError, type QueryOptions, type SqlExecutor, type SqlResult } from "./sql-executor.js";
export { COMPANY_AGGREGATE_SQL, COMPANY_ROLLUP_AGGREGATE_SQL } from "./repositories/analytics.js";
