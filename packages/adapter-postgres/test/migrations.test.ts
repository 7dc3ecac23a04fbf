import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PGlite } from "@electric-sql/pglite";
import {
  createPGliteStore,
  createPostgresStore,
  defaultMigrationsDirectory,
  migrate,
  MigrationChecksumError,
  readMigrations,
} from "../src/index.js";
import { createTestDatabase, serverUrl } from "../../../test-support/test-database.js";

describe("migration files", () => {
  it("are numbered NNNN_name.sql and ship with the package", async () => {
    const files = await readMigrations();
    expect(files.length).toBeGreaterThan(0);
    expect(files[0]).toMatchObject({ version: 1, file: "0001_initial_schema.sql" });
    expect(files[0]!.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(defaultMigrationsDirectory()).toMatch(/adapter-postgres[/\\]migrations$/);
  });
});

describe("migrations on PGlite", () => {
  let directory: string;
  let db: PGlite;
  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), "epca-migrations-"));
    cpSync(defaultMigrationsDirectory(), directory, { recursive: true });
    db = await PGlite.create();
  });
  afterAll(async () => {
    await db?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it("applies pending files once, then is a no-op, then applies a new file", async () => {
    const store = await createPGliteStore({ pglite: db, migrationsDirectory: directory });
    const first = await store.migrate();
    expect(first.applied.map((m) => m.version)).toEqual([1, 2, 3, 4]);
    expect((await store.migrate()).applied).toEqual([]);
    writeFileSync(join(directory, "0099_add_note.sql"), "ALTER TABLE departments ADD COLUMN note text;\n");
    const second = await store.migrate();
    expect(second).toEqual({ applied: [{ version: 99, name: "add_note" }], current: 99 });
    const recorded = await store.appliedMigrations();
    expect(recorded.map((m) => [m.version, m.name])).toEqual([
      [1, "initial_schema"],
      [2, "rate_limits"],
      [3, "department_name_ci"],
      [4, "analytics_rollups"],
      [99, "add_note"],
    ]);
  });

  it("refuses to run when an applied file changed, naming the file", async () => {
    const store = await createPGliteStore({ pglite: db, migrationsDirectory: directory });
    const path = join(directory, "0099_add_note.sql");
    const original = readFileSync(path, "utf8");
    writeFileSync(path, `${original}-- edited\n`);
    await expect(store.migrate()).rejects.toThrow(MigrationChecksumError);
    await expect(store.migrate()).rejects.toThrow(/0099_add_note\.sql/);
    writeFileSync(path, original.replace(/\n/g, "\r\n"));
    // Line endings alone do not count as a change.
    expect((await store.migrate()).applied).toEqual([]);
  });

  it("a failing file rolls back entirely and is not recorded", async () => {
    const store = await createPGliteStore({ pglite: db, migrationsDirectory: directory });
    writeFileSync(join(directory, "0100_broken.sql"), "CREATE TABLE half_done (x int);\nSELECT no_such_function();\n");
    await expect(store.migrate()).rejects.toThrow(/no_such_function/);
    const { rows } = await db.query("SELECT to_regclass('half_done') IS NULL AS absent");
    expect(rows).toEqual([{ absent: true }]);
    expect((await store.appliedMigrations()).map((m) => m.version)).toEqual([1, 2, 3, 4, 99]);
    rmSync(join(directory, "0100_broken.sql"));
  });
});

describe.skipIf(!serverUrl)("migrations on a PostgreSQL server", () => {
  it("concurrent migrators apply every file exactly once; the exported migrate() is idempotent", async () => {
    const database = await createTestDatabase();
    try {
      const results = await Promise.all([1, 2, 3].map(() => migrate({ connectionString: database.url })));
      expect(results.flatMap((r) => r.applied.map((m) => m.version)).sort()).toEqual([1, 2, 3, 4]);
      expect(await migrate({ connectionString: database.url })).toEqual({ applied: [], current: 4 });
      const store = await createPostgresStore({ connectionString: database.url });
      expect((await store.appliedMigrations()).map((m) => m.version)).toEqual([1, 2, 3, 4]);
      await store.close();
    } finally {
      await database.drop();
    }
  });
});
