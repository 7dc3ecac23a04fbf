import { afterAll, describe } from "vitest";
import { createPostgresStore } from "../src/index.js";
import { createTestDatabase, serverUrl } from "../../../test-support/test-database.js";
import { runStoreScenarios } from "./store-scenarios.js";

describe.skipIf(!serverUrl)("PostgreSQL server", () => {
  let drop: (() => Promise<void>) | undefined;
  afterAll(async () => drop?.());
  runStoreScenarios("PostgreSQL", async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    return createPostgresStore({ connectionString: database.url, migrate: true });
  });
});
