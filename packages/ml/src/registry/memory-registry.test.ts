import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryModelRegistry } from "@epca/ml";
import { runModelRegistryContract } from "@epca/ml/testing";

runModelRegistryContract({ describe, it, beforeAll, afterAll }, { name: "memory", create: async () => createMemoryModelRegistry() });

describe("memory model registry, beyond the contract", () => {
  const tenant = "t1";

  it("refuses to deploy through save or update, as the port's types say (a caller without them)", async () => {
    const registry = createMemoryModelRegistry();
    const deployed = "deployed" as "trained";
    await expect(registry.save(tenant, { type: "allocation", status: deployed })).rejects.toMatchObject({
      code: "invalid_model_state",
      message: "save cannot deploy; use deploy",
    });
    const saved = await registry.save(tenant, { type: "allocation" });
    await expect(registry.update(tenant, saved.id, { status: deployed })).rejects.toMatchObject({ code: "invalid_model_state", message: "update cannot deploy; use deploy" });
  });

  it("keeps the status of an update that names none, lists by type then version, and limits predictions", async () => {
    const registry = createMemoryModelRegistry();
    const forecast = await registry.save(tenant, { type: "forecast", status: "trained" });
    const allocation1 = await registry.save(tenant, { type: "allocation", status: "trained" });
    const allocation2 = await registry.save(tenant, { type: "allocation", status: "trained" });
    const updated = await registry.update(tenant, forecast.id, { metrics: { mae: 3 } });
    expect([updated.status, updated.metrics, updated.artifacts]).toEqual(["trained", { mae: 3 }, null]);
    expect((await registry.list(tenant)).map((m) => [m.type, m.version])).toEqual([
      ["allocation", 1],
      ["allocation", 2],
      ["forecast", 1],
    ]);
    expect((await registry.list(tenant)).map((m) => m.id)).toEqual([allocation1.id, allocation2.id, forecast.id]);
    const at = new Date("2026-01-01T00:00:00Z");
    for (const output of [1, 2, 3]) await registry.logPrediction(tenant, { model_id: forecast.id, input: null, output, at });
    expect((await registry.listPredictions(tenant, forecast.id, { limit: 2 })).map((p) => p.output)).toEqual([1, 2]);
    expect(await registry.listPredictions(tenant, forecast.id, { withFeedback: true })).toEqual([]);
  });
});
