import { runStoreContract } from "@epca/core/testing";
import { afterAll, beforeAll, describe, it } from "vitest";
import { createPostgresStore, type PostgresStore } from "../src/index.js";
import { createTestDatabase, serverUrl } from "../../../test-support/test-database.js";
import { rawReadOf } from "./raw-read.js";

describe.skipIf(!serverUrl)("PostgreSQL server", () => {
  let drop: (() => Promise<void>) | undefined;
  let store: PostgresStore;
  afterAll(async () => drop?.());
  runStoreContract(
    { describe, it, beforeAll, afterAll, skip: it.skip },
    {
      name: "postgres",
      createStore: async () => {
        const database = await createTestDatabase();
        drop = database.drop;
        return (store = await createPostgresStore({ connectionString: database.url, migrate: true }));
      },
      rawRead: rawReadOf(() => store),
    },
  );
});
