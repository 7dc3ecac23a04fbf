import { runStoreContract, runTextContract } from "@epca/core/testing";
import { afterAll, beforeAll, describe, it } from "vitest";
import { createPGliteStore } from "../src/index.js";

// One in-memory PGlite per file: the suite works in tenants of its own.
runStoreContract({ describe, it, beforeAll, afterAll }, { name: "pglite", createStore: () => createPGliteStore({ migrate: true }) });
runTextContract({ describe, it, beforeAll, afterAll }, { name: "pglite", createStore: () => createPGliteStore({ migrate: true }) });
