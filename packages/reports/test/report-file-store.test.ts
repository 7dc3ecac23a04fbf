import { afterAll, beforeAll, describe, it } from "vitest";
import { createMemoryReportFileStore } from "@epca/reports";
import { runReportFileStoreContract } from "@epca/reports/testing";

runReportFileStoreContract({ describe, it, beforeAll, afterAll }, { name: "memory", create: async () => createMemoryReportFileStore() });
