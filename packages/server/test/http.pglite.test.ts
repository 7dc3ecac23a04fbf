import { describe } from "vitest";
import { httpSuite } from "./http-suite.js";
import { pgliteStoreFactory } from "./support/stores.js";

// The embedded engine of `epca serve` without DATABASE_URL: one connection, the same SQL as PostgreSQL.
describe("HTTP API on PGlite", () => {
  httpSuite(pgliteStoreFactory);
});
