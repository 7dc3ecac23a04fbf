import { runStoreContract, runTextContract } from "@epca/core/testing";
import { afterAll, beforeAll, describe, it } from "vitest";
import { createPostgresStore, type PostgresStore } from "../src/index.js";
import { createTestDatabase, serverUrl } from "../../../test-support/test-database.js";
import { rawReadOf } from "./raw-read.js";

describe.skipIf(!serverUrl)("PostgreSQL server", () => {
  const drops: (() => Promise<void>)[] = [];
  let store: PostgresStore;
  afterAll(async () => {
    for (const drop of drops) await drop();
  });
  const freshStore = async () => {
    const database = await createTestDatabase();
    drops.push(database.drop);
    return createPostgresStore({ connectionString: database.url, migrate: true });
  };
  runStoreContract(
    { describe, it, beforeAll, afterAll, skip: it.skip },
    { name: "postgres", createStore: async () => (store = await freshStore()), rawRead: rawReadOf(() => store) },
  );
  runTextContract({ describe, it, beforeAll, afterAll }, { name: "postgres", createStore: freshStore });
});
