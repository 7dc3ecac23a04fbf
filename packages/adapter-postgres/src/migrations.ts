import { EpcaError } from "@epca/core";
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { SqlDriver } from "./sql-executor.js";

/** One migration file of `migrations/`. */
export interface MigrationFile {
  /** The number of `NNNN_name.sql`. */
  readonly version: number;
  readonly name: string;
  readonly file: string;
  /** sha256 (hex) of the file's text with line endings normalized to `\n`. */
  readonly checksum: string;
  readonly sql: string;
}

/** What `migrate()` did. */
export interface MigrationResult {
  /** Files applied by this call, in order. */
  readonly applied: readonly { version: number; name: string }[];
  /** Every version recorded in `epca_migrations` afterwards. */
  readonly current: number;
}

/** Thrown when a migration already applied to the database no longer matches its file. */
export class MigrationChecksumError extends EpcaError {
  constructor(
    readonly file: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      "migration_checksum_mismatch",
      `Migration ${file} was changed after it was applied (recorded sha256 ${expected}, file sha256 ${actual}); ` +
        "refusing to run. Restore the file and add a new migration instead.",
    );
  }
}

const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;
// Serializes migrators of one database (several server instances starting together).
const MIGRATION_LOCK_KEY = 4_242_017_001;

declare const __dirname: string | undefined;

/** `migrations/` of this package, from `src/` (tests) or from `dist/` (the published build, ESM or CJS). */
export function defaultMigrationsDirectory(): string {
  const here = typeof __dirname === "string" ? __dirname : dirname(fileURLToPath(import.meta.url));
  return join(here, "..", "migrations");
}

/** sha256 of a migration's text, line endings normalized so a checkout with CRLF matches. */
export function migrationChecksum(sql: string): string {
  return createHash("sha256").update(sql.replace(/\r\n/g, "\n"), "utf8").digest("hex");
}

/** Reads `NNNN_name.sql` files in version order. */
export async function readMigrations(directory = defaultMigrationsDirectory()): Promise<MigrationFile[]> {
  const entries = (await readdir(directory)).filter((f) => f.endsWith(".sql")).sort();
  const files: MigrationFile[] = [];
  for (const file of entries) {
    const match = FILE_PATTERN.exec(file);
    if (!match) throw new EpcaError("invalid_migration", `Migration file ${file} in ${directory} is not named NNNN_name.sql`);
    const sql = await readFile(join(directory, file), "utf8");
    const version = Number(match[1]);
    if (files.some((f) => f.version === version)) throw new EpcaError("invalid_migration", `Two migration files have version ${match[1]} (${file})`);
    files.push({ version, name: match[2]!, file, checksum: migrationChecksum(sql), sql });
  }
  return files;
}

const CREATE_TABLE = `
CREATE TABLE IF NOT EXISTS epca_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

/**
 * Applies the pending migrations in order, each in its own transaction, after checking that every
 * applied one still matches its file (`MigrationChecksumError` otherwise). Running it again is a no-op.
 */
export async function applyMigrations(driver: SqlDriver, directory?: string): Promise<MigrationResult> {
  const files = await readMigrations(directory);
  const applied: { version: number; name: string }[] = [];
  let current = 0;
  // One transaction per file; each first takes the migration lock and re-reads what is applied,
  // so that concurrent migrators apply every file exactly once.
  for (let index = 0; index <= files.length; index++) {
    const done = await driver.transaction(async (sql) => {
      await sql.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
      await sql.exec(CREATE_TABLE);
      const rows = await sql.query<{ version: number; checksum: string }>("SELECT version, checksum FROM epca_migrations ORDER BY version");
      const recorded = new Map(rows.rows.map((r) => [Number(r.version), r.checksum]));
      for (const file of files) {
        const checksum = recorded.get(file.version);
        if (checksum !== undefined && checksum !== file.checksum) throw new MigrationChecksumError(file.file, checksum, file.checksum);
      }
      current = Math.max(0, ...recorded.keys());
      const next = files.find((f) => !recorded.has(f.version));
      if (!next) return true;
      await sql.exec(next.sql);
      await sql.query("INSERT INTO epca_migrations (version, name, checksum) VALUES ($1, $2, $3)", [next.version, next.name, next.checksum]);
      applied.push({ version: next.version, name: next.name });
      current = Math.max(current, next.version);
      return false;
    });
    if (done) break;
  }
  return { applied, current };
}

/** The migrations recorded in the database. */
export async function appliedMigrations(driver: SqlDriver): Promise<{ version: number; name: string; checksum: string; applied_at: string }[]> {
  const exists = await driver.query<{ present: boolean }>("SELECT to_regclass('epca_migrations') IS NOT NULL AS present");
  if (!exists.rows[0]?.present) return [];
  const rows = await driver.query<{ version: number; name: string; checksum: string; applied_at: Date }>(
    "SELECT version, name, checksum, applied_at FROM epca_migrations ORDER BY version",
  );
  return rows.rows.map((r) => ({ version: Number(r.version), name: r.name, checksum: r.checksum, applied_at: new Date(r.applied_at).toISOString() }));
}
