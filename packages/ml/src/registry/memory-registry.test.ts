import { afterAll, beforeAll, describe, it } from "vitest";
import { createMemoryModelRegistry } from "@epca/ml";
import { runModelRegistryContract } from "@epca/ml/testing";

runModelRegistryContract({ describe, it, beforeAll, afterAll }, { name: "memory", create: async () => createMemoryModelRegistry() });
