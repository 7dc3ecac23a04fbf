import { runModelRegistryContract } from "@epca/ml/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryStore } from "../src/index.js";
import { memoryModelRegistry } from "../src/ml.js";
import { registryOverStore } from "../../../test-support/model-registry.js";

runModelRegistryContract(
  { describe, it, beforeAll, afterAll },
  { name: "memory store part", create: async () => registryOverStore(createMemoryStore({ parts: { modelRegistry: memoryModelRegistry } })) },
);

describe("the memory model registry part", () => {
  it("rolls a save back with its transaction", async () => {
    const store = createMemoryStore({ parts: { modelRegistry: memoryModelRegistry } });
    await expect(
      store.transaction("default", async (scope) => {
        await scope.modelRegistry.save("default", { type: "allocation" });
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    expect(await store.transaction("default", (scope) => scope.modelRegistry.list("default"))).toEqual([]);
    const saved = await store.transaction("default", (scope) => scope.modelRegistry.save("default", { type: "allocation" }));
    expect(saved.version).toBe(1);
  });

  it("refuses a tenant other than its transaction's", async () => {
    const store = createMemoryStore({ parts: { modelRegistry: memoryModelRegistry } });
    await expect(store.transaction("default", (scope) => scope.modelRegistry.list("other"))).rejects.toMatchObject({ code: "invalid_options" });
  });
});
