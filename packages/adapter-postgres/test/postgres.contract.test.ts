import { runStoreContract } from "@epca/core/testing";
import { afterAll, beforeAll, describe, it } from "vitest";
import { createPostgresStore } from "../src/index.js";
import { createTestDatabase, serverUrl } from "../../../test-support/test-database.js";

describe.skipIf(!serverUrl)("PostgreSQL server", () => {
  let drop: (() => Promise<void>) | undefined;
  afterAll(async () => drop?.());
  runStoreContract(
    { describe, it, beforeAll, afterAll },
    {
      name: "postgres",
      createStore: async () => {
        const database = await createTestDatabase();
        drop = database.drop;
        return createPostgresStore({ connectionString: database.url, migrate: true });
      },
    },
  );
});
