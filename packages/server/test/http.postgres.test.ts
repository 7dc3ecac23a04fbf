import { describe } from "vitest";
import { httpSuite } from "./http-suite.js";
import { postgresServerUrl, postgresStoreFactory } from "./support/stores.js";

// Skipped when the run has no PostgreSQL server (test-support/global-setup.ts found no initdb).
describe.skipIf(!postgresServerUrl)("HTTP API on PostgreSQL", () => {
  httpSuite(postgresStoreFactory);
});
