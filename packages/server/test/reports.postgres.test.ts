import { createPGliteStore } from "@epca/adapter-postgres";
import { postgresReportFiles } from "@epca/adapter-postgres/reports";
import { describe } from "vitest";
import { reportsSuite } from "./reports-suite.js";
import { postgresServerUrl, postgresStoreFactory } from "./support/stores.js";

describe("reports on PGlite", () => {
  reportsSuite(async () => {
    const store = await createPGliteStore({ migrate: true, parts: { reportFiles: postgresReportFiles } });
    return { store, close: () => store.close() };
  });
});

// Skipped when the run has no PostgreSQL server (test-support/global-setup.ts found no initdb).
describe.skipIf(!postgresServerUrl)("reports on PostgreSQL", () => {
  reportsSuite(postgresStoreFactory);
});
