import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportFilesOverScopes, runReportFileStoreContract } from "@epca/reports/testing";
import { createPGliteStore, createPostgresStore } from "../src/index.js";
import { postgresReportFiles } from "../src/reports.js";
import { createTestDatabase, serverUrl } from "../../../test-support/test-database.js";

const parts = { reportFiles: postgresReportFiles };
const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const close of closers) await close();
});

runReportFileStoreContract(
  { describe, it, beforeAll, afterAll },
  {
    name: "PGlite part (reportFiles)",
    async create() {
      const store = await createPGliteStore({ migrate: true, parts });
      closers.push(() => store.close());
      return reportFilesOverScopes(store);
    },
  },
);

describe.runIf(serverUrl)("on PostgreSQL", () => {
  runReportFileStoreContract(
    { describe, it, beforeAll, afterAll },
    {
      name: "PostgreSQL part (reportFiles)",
      async create() {
        const database = await createTestDatabase();
        const store = await createPostgresStore({ connectionString: database.url, migrate: true, parts });
        closers.push(async () => {
          await store.close();
          await database.drop();
        });
        return reportFilesOverScopes(store);
      },
    },
  );
});

describe("report_files on PGlite", () => {
  it("keeps another tenant's file out of reach: row-level security refuses a save into it", async () => {
    const store = await createPGliteStore({ migrate: true, parts });
    closers.push(() => store.close());
    const files = reportFilesOverScopes(store);
    await files.save({ tenant_id: "rls-a", id: "x", name: "a.pdf", content_type: "application/pdf", bytes: Uint8Array.of(1), created_at: "2030-01-01T00:00:00.000Z", expires_at: "2031-01-01T00:00:00.000Z" });
    await files.list("rls-b");
    const sneaky = store.transaction("rls-b", (scope) =>
      scope.reportFiles.save({ tenant_id: "rls-a", id: "y", name: "b.pdf", content_type: "application/pdf", bytes: Uint8Array.of(2), created_at: "2030-01-01T00:00:00.000Z", expires_at: "2031-01-01T00:00:00.000Z" }),
    );
    await expect(sneaky).rejects.toThrow(/row-level security/);
    expect(await store.transaction("rls-b", (scope) => scope.reportFiles.get("rls-a", "x", new Date("2030-06-01T00:00:00Z")))).toBeNull();
  });
});
