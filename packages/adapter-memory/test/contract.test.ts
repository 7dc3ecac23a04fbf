import { createMemoryStore } from "@epca/adapter-memory";
import { runStoreContract, runTextContract } from "@epca/core/testing";
import { afterAll, beforeAll, describe, it } from "vitest";

runStoreContract({ describe, it, beforeAll, afterAll, skip: it.skip }, { name: "memory", createStore: async () => createMemoryStore() });
runTextContract({ describe, it, beforeAll, afterAll }, { name: "memory", createStore: async () => createMemoryStore() });
