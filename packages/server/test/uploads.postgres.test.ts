import { createPostgresStore } from "@epca/adapter-postgres";
import { postgresUploads } from "@epca/adapter-postgres/uploads";
import { createTestDatabase } from "../../../test-support/test-database.js";
import { uploadSuite } from "./uploads-suite.js";

uploadSuite("PostgreSQL", async () => {
  const database = await createTestDatabase();
  const store = await createPostgresStore({ connectionString: database.url, poolSize: 5, parts: { uploads: postgresUploads } });
  await store.migrate();
  return {
    store,
    databaseUrl: database.url,
    async close() {
      await store.close();
      await database.drop();
    },
  };
});
