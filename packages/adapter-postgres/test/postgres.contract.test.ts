import { runStoreContract, runTextContract } from "@epca/core/testing";
import { afterAll, beforeAll, describe, it } from "vitest";
import { createPostgresStore } from "../src/index.js";
import { createTestDatabase, serverUrl } from "../../../test-support/test-database.js";

describe.skipIf(!serverUrl)("PostgreSQL server", () => {
  const drops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const drop of drops) await drop();
  });
  runStoreContract(
    { describe, it, beforeAll, afterAll },
    {
      name: "postgres",
      createStore: async () => {
        const database = await createTestDatabase();
        drops.push(database.drop);
        return createPostgresStore({ connectionString: database.url, migrate: true });
      },
    },
  );
  runTextContract(
    { describe, it, beforeAll, afterAll },
    {
      name: "postgres",
      createStore: async () => {
        const database = await createTestDatabase();
        drops.push(database.drop);
        return createPostgresStore({ connectionString: database.url, migrate: true });
      },
    },
  );
});
