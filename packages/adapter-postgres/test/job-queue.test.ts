import { createInProcessJobQueue, PLAN_LIMITS } from "@epca/core";
import { runJobQueueContract } from "@epca/core/testing";
import { afterAll, beforeAll, describe, it } from "vitest";
import { createPGliteStore } from "../src/index.js";
import { serverUrl } from "../../../test-support/test-database.js";
import { openPostgres } from "./stores.js";

runJobQueueContract(
  { describe, it, beforeAll, afterAll },
  {
    name: "in-process on PGlite (the jobs table)",
    create: async () => {
      const store = await createPGliteStore({ migrate: true });
      await store.tenants.insert({ id: "other", name: "Other", subdomain: "other", plan: "starter", is_active: true, limits: PLAN_LIMITS.starter });
      return {
        queue: createInProcessJobQueue({ storage: store.jobStorage, durable: true, leaseMs: 1_000 }),
        tenants: ["default", "other"],
        close: () => store.close(),
      };
    },
  },
);

describe.skipIf(!serverUrl)("PostgreSQL server", () => {
  runJobQueueContract(
    { describe, it, beforeAll, afterAll },
    {
      name: "shared by processes on a PostgreSQL server (the jobs table)",
      create: async () => {
        const { store, close } = await openPostgres({ poolSize: 6 });
        await store.tenants.insert({ id: "other", name: "Other", subdomain: "other", plan: "starter", is_active: true, limits: PLAN_LIMITS.starter });
        return {
          queue: createInProcessJobQueue({ storage: store.jobStorage, durable: true, sharedAcrossProcesses: true, leaseMs: 1_000 }),
          tenants: ["default", "other"],
          close,
        };
      },
    },
  );
});
