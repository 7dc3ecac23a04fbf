import { createPGliteStore } from "@epca/adapter-postgres";
import { postgresUploads } from "@epca/adapter-postgres/uploads";
import { uploadSuite } from "./uploads-suite.js";

uploadSuite("PGlite", async () => {
  const store = await createPGliteStore({ migrate: true, parts: { uploads: postgresUploads } });
  return { store, close: () => store.close(), slowJobs: true };
});
