import type { JsonValue, ModelRegistry } from "../ports.js";
import { check, checkEqual, checkRejects } from "./assertions.js";

/** The parts of a test runner the suite needs (vitest, jest, mocha and node:test all fit). */
export interface ContractRunner {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => Promise<void>, timeout?: number): void;
  beforeAll(body: () => Promise<void>, timeout?: number): void;
  afterAll(body: () => Promise<void>, timeout?: number): void;
}

/** How to reach the registry under test. */
export interface ModelRegistryContractOptions {
  /** Shown in the suite's name, e.g. `memory` or `postgres`. */
  readonly name: string;
  /** Creates the registry once for the suite; every test uses tenants of its own. */
  create(): Promise<ModelRegistry>;
  /** Releases it after the suite. */
  close?(registry: ModelRegistry): Promise<void>;
}

let tenantCounter = 0;
function uniqueTenant(): string {
  tenantCounter += 1;
  return `mr-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}-${tenantCounter}`;
}

const ARTIFACTS: JsonValue = {
  format: "contract",
  weights: "AAECAwQ=",
  nested: { list: [1, 2.5, -3, null, true, "x"], empty: {} },
};

/**
 * Runs the contract every `ModelRegistry` must pass: versioning per tenant and type, JSON
 * artifacts kept exactly, returned records are copies, one deployed model per type (also under
 * concurrent deploys) with the previous one archived, tenant isolation, predictions and feedback.
 *
 * @example
 * import { describe, it, beforeAll, afterAll } from "vitest";
 * runModelRegistryContract({ describe, it, beforeAll, afterAll }, { name: "memory", create: async () => createMemoryModelRegistry() });
 */
export function runModelRegistryContract(runner: ContractRunner, options: ModelRegistryContractOptions): void {
  const { describe, it, beforeAll, afterAll } = runner;
  let registry: ModelRegistry;

  describe(`ModelRegistry contract: ${options.name}`, () => {
    beforeAll(async () => {
      registry = await options.create();
    });
    afterAll(async () => {
      if (registry && options.close) await options.close(registry);
    });

    it("saves versions 1, 2, … per tenant and type, with status training by default", async () => {
      const tenant = uniqueTenant();
      const a = await registry.save(tenant, { type: "allocation", metrics: { mae: 1.5 }, hyperparameters: { epochs: 10 } });
      const b = await registry.save(tenant, { type: "allocation", status: "trained" });
      const c = await registry.save(tenant, { type: "forecast" });
      checkEqual([a.version, b.version, c.version], [1, 2, 1], "versions count per type");
      checkEqual([a.status, b.status], ["training", "trained"], "status defaults to training");
      check(a.id !== b.id && b.id !== c.id, "ids are unique");
      check(a.deployed_at === null, "a new model is not deployed");
      check(!Number.isNaN(Date.parse(a.created_at)), "created_at is an ISO timestamp");
      checkEqual(a.metrics, { mae: 1.5 }, "metrics stored");
      checkEqual(a.hyperparameters, { epochs: 10 }, "hyperparameters stored");
      const other = await registry.save(uniqueTenant(), { type: "allocation" });
      check(other.version === 1, "another tenant starts at version 1");
    });

    it("assigns distinct versions to concurrent saves", async () => {
      const tenant = uniqueTenant();
      const saved = await Promise.all(Array.from({ length: 8 }, () => registry.save(tenant, { type: "allocation" })));
      checkEqual(saved.map((m) => m.version).sort((x, y) => x - y), [1, 2, 3, 4, 5, 6, 7, 8], "versions are 1..8");
    });

    it("keeps JSON artifacts exactly and returns copies", async () => {
      const tenant = uniqueTenant();
      const saved = await registry.save(tenant, { type: "allocation", status: "trained", artifacts: ARTIFACTS });
      (saved.artifacts as { format: string }).format = "mutated";
      const read = await registry.get(tenant, saved.id);
      checkEqual(read?.artifacts, ARTIFACTS, "artifacts read back equal, unaffected by mutating a returned record");
      const listed = await registry.list(tenant);
      checkEqual(listed[0]?.artifacts, ARTIFACTS, "list returns artifacts too");
    });

    it("updates status, metrics and artifacts", async () => {
      const tenant = uniqueTenant();
      const saved = await registry.save(tenant, { type: "allocation" });
      const updated = await registry.update(tenant, saved.id, { status: "validated", metrics: { mae: 2 }, artifacts: ARTIFACTS });
      checkEqual([updated.status, updated.metrics, updated.artifacts], ["validated", { mae: 2 }, ARTIFACTS], "update applied");
      checkEqual(await registry.get(tenant, saved.id), updated, "get sees the update");
      await checkRejects(() => registry.update(tenant, "missing-id", { status: "trained" }), "model_not_found", "unknown id");
    });

    it("deploys one model per type, archiving the previous one", async () => {
      const tenant = uniqueTenant();
      const first = await registry.save(tenant, { type: "allocation", status: "trained" });
      const second = await registry.save(tenant, { type: "allocation", status: "validated" });
      const forecast = await registry.save(tenant, { type: "forecast", status: "trained" });
      const at = new Date("2026-01-02T03:04:05.000Z");
      const deployed = await registry.deploy(tenant, first.id, at);
      checkEqual([deployed.status, deployed.deployed_at], ["deployed", at.toISOString()], "deployed with its time");
      await registry.deploy(tenant, forecast.id);
      await registry.deploy(tenant, second.id);
      checkEqual((await registry.get(tenant, first.id))?.status, "archived", "previous deployed model archived");
      checkEqual((await registry.getDeployed(tenant, "allocation"))?.id, second.id, "getDeployed answers the new one");
      checkEqual((await registry.getDeployed(tenant, "forecast"))?.id, forecast.id, "other types untouched");
      const again = await registry.deploy(tenant, second.id);
      check(again.status === "deployed", "re-deploying keeps it deployed");
      const redeployed = await registry.deploy(tenant, first.id);
      check(redeployed.status === "deployed", "an archived model can be deployed again (rollback)");
      checkEqual((await registry.list(tenant, { type: "allocation", status: "deployed" })).map((m) => m.id), [first.id], "exactly one deployed");
    });

    it("leaves exactly one deployed model after concurrent deploys", async () => {
      const tenant = uniqueTenant();
      const models = await Promise.all(Array.from({ length: 6 }, () => registry.save(tenant, { type: "allocation", status: "trained" })));
      await Promise.all(models.map((m) => registry.deploy(tenant, m.id)));
      const deployed = await registry.list(tenant, { type: "allocation", status: "deployed" });
      check(deployed.length === 1, `one deployed model, found ${deployed.length}`);
      const archived = await registry.list(tenant, { type: "allocation", status: "archived" });
      check(archived.length === 5, `the other five archived, found ${archived.length}`);
    });

    it("lets a deployed model be archived but not moved back to another status", async () => {
      const tenant = uniqueTenant();
      const model = await registry.save(tenant, { type: "allocation", status: "trained" });
      await registry.deploy(tenant, model.id);
      await checkRejects(() => registry.update(tenant, model.id, { status: "trained" }), "invalid_model_state", "deployed → trained");
      await checkRejects(() => registry.update(tenant, model.id, { status: "deployed" as "trained" }), "invalid_model_state", "update cannot deploy");
      checkEqual((await registry.update(tenant, model.id, { status: "archived" })).status, "archived", "deployed → archived");
      check((await registry.getDeployed(tenant, "allocation")) === null, "nothing deployed after archiving");
    });

    it("refuses to deploy a model that is training, or an unknown one", async () => {
      const tenant = uniqueTenant();
      const training = await registry.save(tenant, { type: "allocation" });
      await checkRejects(() => registry.deploy(tenant, training.id), "invalid_model_state", "training model");
      await checkRejects(() => registry.deploy(tenant, "missing-id"), "model_not_found", "unknown model");
    });

    it("never answers across tenants", async () => {
      const a = uniqueTenant();
      const b = uniqueTenant();
      const model = await registry.save(a, { type: "allocation", status: "trained" });
      check((await registry.get(b, model.id)) === null, "get from another tenant is null");
      checkEqual(await registry.list(b), [], "list of another tenant is empty");
      await checkRejects(() => registry.deploy(b, model.id), "model_not_found", "deploy from another tenant");
      await checkRejects(() => registry.update(b, model.id, { status: "validated" }), "model_not_found", "update from another tenant");
      await checkRejects(() => registry.logPrediction(b, { model_id: model.id, input: 1, output: 2 }), "model_not_found", "log from another tenant");
      await registry.deploy(a, model.id);
      check((await registry.getDeployed(b, "allocation")) === null, "deployed model invisible to another tenant");
      const prediction = await registry.logPrediction(a, { model_id: model.id, input: 1, output: 2 });
      await checkRejects(() => registry.recordFeedback(b, prediction.id, { actual: 2 }), "prediction_not_found", "feedback from another tenant");
    });

    it("logs predictions and their feedback; a later feedback replaces an earlier one", async () => {
      const tenant = uniqueTenant();
      const model = await registry.save(tenant, { type: "allocation", status: "trained" });
      const input: JsonValue = { employee_id: 1, project_id: 2 };
      const output: JsonValue = { estimated_hours: 100, success_probability: 0.7 };
      const first = await registry.logPrediction(tenant, { model_id: model.id, input, output, at: new Date("2026-01-01T00:00:00Z") });
      const second = await registry.logPrediction(tenant, { model_id: model.id, input, output: { estimated_hours: 50 } });
      checkEqual([first.input, first.output, first.feedback, first.model_id], [input, output, null, model.id], "prediction stored");
      check(first.created_at === "2026-01-01T00:00:00.000Z", "created_at from `at`");
      await registry.recordFeedback(tenant, first.id, { actual: { estimated_hours: 90 } });
      const replaced = await registry.recordFeedback(tenant, first.id, { actual: { estimated_hours: 120 } });
      checkEqual(replaced.feedback?.actual, { estimated_hours: 120 }, "latest feedback kept");
      const all = await registry.listPredictions(tenant, model.id);
      checkEqual(all.map((p) => p.id), [first.id, second.id], "oldest first");
      const withFeedback = await registry.listPredictions(tenant, model.id, { withFeedback: true });
      checkEqual(withFeedback.map((p) => [p.id, p.feedback?.actual]), [[first.id, { estimated_hours: 120 }]], "only those with feedback");
      await checkRejects(() => registry.recordFeedback(tenant, "missing-id", { actual: 1 }), "prediction_not_found", "unknown prediction");
    });
  });
}
