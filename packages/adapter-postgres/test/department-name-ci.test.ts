import { mkdtempSync, readdirSync, rmSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterEach, describe, expect, it } from "vitest";
import { createPGliteStore, defaultMigrationsDirectory, readMigrations } from "../src/index.js";

/** A copy of the shipped migrations up to and including `lastVersion`. */
function migrationsUpTo(lastVersion: number): string {
  const directory = mkdtempSync(join(tmpdir(), "epca-migrations-ci-"));
  for (const file of readdirSync(defaultMigrationsDirectory())) {
    if (Number(file.slice(0, 4)) <= lastVersion) copyFileSync(join(defaultMigrationsDirectory(), file), join(directory, file));
  }
  return directory;
}

describe("migration 0003: department names unique regardless of case", () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0)) await step();
  });

  it("replaces the exact-name constraint: SALES next to Sales is a ConflictError-mapped unique violation", async () => {
    const db = await PGlite.create();
    cleanup.push(() => db.close());
    await createPGliteStore({ pglite: db, migrate: true });
    await db.query("SELECT set_config('app.tenant_id', 'default', false)");
    await db.query("INSERT INTO departments (name) VALUES ('Sales')");
    await expect(db.query("INSERT INTO departments (name) VALUES ('SALES')")).rejects.toMatchObject({
      code: "23505",
      constraint: "departments_tenant_name_key",
    });
  });

  it("stops, naming the clashing names, when a database already holds names equal but for case", async () => {
    const before = migrationsUpTo(2);
    cleanup.push(() => rmSync(before, { recursive: true, force: true }));
    const db = await PGlite.create();
    cleanup.push(() => db.close());
    const old = await createPGliteStore({ pglite: db, migrationsDirectory: before });
    expect((await old.migrate()).current).toBe(2);
    await db.query("SELECT set_config('app.tenant_id', 'default', false)");
    await db.query("INSERT INTO departments (name) VALUES ('Sales'), ('SALES'), ('Support')");

    const store = await createPGliteStore({ pglite: db });
    await expect(store.migrate()).rejects.toThrow(
      "Department names that differ only in case must be renamed before migration 0003: tenant default: 'Sales', 'SALES'",
    );
    expect((await store.appliedMigrations()).map((m) => m.version)).toEqual([1, 2]);
    await db.query("UPDATE departments SET name = 'Sales (old)' WHERE name = 'SALES'");
    // 0003 and every later file.
    expect((await store.migrate()).applied.map((m) => m.version)).toEqual((await readMigrations()).map((m) => m.version).filter((v) => v >= 3));
  });
});
