import { afterAll, beforeAll, describe, it } from "vitest";
import { createMemoryStore } from "@epca/adapter-memory";
import { memoryReportFiles } from "@epca/adapter-memory/reports";
import { reportFilesOverScopes, runReportFileStoreContract } from "@epca/reports/testing";

runReportFileStoreContract(
  { describe, it, beforeAll, afterAll },
  { name: "memory part (reportFiles)", create: async () => reportFilesOverScopes(createMemoryStore({ parts: { reportFiles: memoryReportFiles } })) },
);
