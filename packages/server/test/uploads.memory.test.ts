import { createMemoryStore } from "@epca/adapter-memory";
import { memoryUploads } from "@epca/adapter-memory/uploads";
import { uploadSuite } from "./uploads-suite.js";

uploadSuite("memory", async () => {
  const store = createMemoryStore({ parts: { uploads: memoryUploads } });
  return { store, close: () => store.close() };
});
