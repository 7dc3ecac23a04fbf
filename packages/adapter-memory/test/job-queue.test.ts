import { createMemoryJobStorage } from "@epca/adapter-memory";
import { createInProcessJobQueue } from "@epca/core";
import { runJobQueueContract } from "@epca/core/testing";
import { afterAll, beforeAll, describe, it } from "vitest";

runJobQueueContract(
  { describe, it, beforeAll, afterAll },
  {
    name: "in-process on memory",
    create: async () => ({
      queue: createInProcessJobQueue({ storage: createMemoryJobStorage(), durable: false, leaseMs: 1_000 }),
      tenants: ["default", "other"],
      close: async () => undefined,
    }),
  },
);
