import { runStoreContract } from "@epca/core/testing";
import { afterAll, beforeAll, describe, it } from "vitest";
import { createPGliteStore, type PostgresStore } from "../src/index.js";
import { rawReadOf } from "./raw-read.js";

let store: PostgresStore;
// One in-memory PGlite per file: the suite works in tenants of its own.
runStoreContract(
  { describe, it, beforeAll, afterAll, skip: it.skip },
  {
    name: "pglite",
    createStore: async () => (store = await createPGliteStore({ migrate: true })),
    rawRead: rawReadOf(() => store),
  },
);
