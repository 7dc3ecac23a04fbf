import { runStoreContract, runTextContract } from "@epca/core/testing";
import { afterAll, beforeAll, describe, it } from "vitest";
import { createPGliteStore, type PostgresStore } from "../src/index.js";
import { rawReadOf } from "./raw-read.js";

let store: PostgresStore;
// One in-memory PGlite per suite: the suites work in tenants of their own.
runStoreContract(
  { describe, it, beforeAll, afterAll, skip: it.skip },
  {
    name: "pglite",
    createStore: async () => (store = await createPGliteStore({ migrate: true })),
    rawRead: rawReadOf(() => store),
  },
);
runTextContract({ describe, it, beforeAll, afterAll }, { name: "pglite", createStore: () => createPGliteStore({ migrate: true }) });
