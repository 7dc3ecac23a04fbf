import { runModelRegistryContract } from "@epca/ml/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPGliteStore, createPostgresStore, type PostgresStore } from "../src/index.js";
import { postgresModelRegistry, TRAINING_KEY_HYPERPARAMETER } from "../src/ml.js";
import type { ModelRegistry } from "@epca/ml";
import type { TenantScope } from "@epca/core";
import { createTestDatabase, serverUrl } from "../../../test-support/test-database.js";
import { registryOverStore } from "../../../test-support/model-registry.js";

type MlStore = PostgresStore<TenantScope & { readonly modelRegistry: ModelRegistry }>;
const parts = { modelRegistry: postgresModelRegistry };
const closers = new WeakMap<ModelRegistry, () => Promise<void>>();

runModelRegistryContract(
  { describe, it, beforeAll, afterAll },
  {
    name: "PGlite part",
    async create() {
      const store = (await createPGliteStore({ migrate: true, parts })) as MlStore;
      const registry = registryOverStore(store);
      closers.set(registry, () => store.close());
      return registry;
    },
    close: async (registry) => closers.get(registry)?.(),
  },
);

describe.skipIf(!serverUrl)("on PostgreSQL", () => {
  runModelRegistryContract(
    { describe, it, beforeAll, afterAll },
    {
      name: "PostgreSQL part",
      async create() {
        const database = await createTestDatabase();
        const store = (await createPostgresStore({ connectionString: database.url, migrate: true, poolSize: 5, parts })) as MlStore;
        const registry = registryOverStore(store);
        closers.set(registry, async () => {
          await store.close();
          await database.drop();
        });
        return registry;
      },
      close: async (registry) => closers.get(registry)?.(),
    },
  );
});

describe("the PostgreSQL model registry part", () => {
  let store: MlStore;
  beforeAll(async () => {
    store = (await createPGliteStore({ migrate: true, parts })) as MlStore;
  });
  afterAll(async () => store?.close());

  it("keeps artifacts as bytea and one version per (tenant, type, version)", async () => {
    const saved = await store.transaction("default", (s) => s.modelRegistry.save("default", { type: "unique-check", artifacts: { weights: "AAEC", n: [1.5, -2] } }));
    const raw = await store.withTenantSql("default", (sql) => sql.query<{ kind: string; text: string }>("SELECT pg_typeof(artifacts)::text AS kind, convert_from(artifacts, 'UTF8') AS text FROM ml_models WHERE id = $1", [saved.id]));
    expect(raw.rows[0]).toEqual({ kind: "bytea", text: '{"weights":"AAEC","n":[1.5,-2]}' });
    const duplicate = store.withTenantSql("default", (sql) => sql.query("INSERT INTO ml_models (type, version, status) VALUES ('unique-check', 1, 'trained')"));
    await expect(duplicate).rejects.toThrow();
  });

  it("refuses a second model of one training job (a retried job must find its model instead)", async () => {
    const hyperparameters = { [TRAINING_KEY_HYPERPARAMETER]: "job-1" };
    await store.transaction("default", (s) => s.modelRegistry.save("default", { type: "keyed", hyperparameters }));
    await expect(store.transaction("default", (s) => s.modelRegistry.save("default", { type: "keyed", hyperparameters }))).rejects.toThrow();
    expect((await store.transaction("default", (s) => s.modelRegistry.list("default", { type: "keyed" }))).map((m) => m.version)).toEqual([1]);
  });
});
