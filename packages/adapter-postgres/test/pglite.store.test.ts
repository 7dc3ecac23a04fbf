import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createPGliteStore } from "../src/index.js";
import { runStoreScenarios } from "./store-scenarios.js";

runStoreScenarios("PGlite", () => createPGliteStore({ migrate: true }));

describe("PGlite with a data directory", () => {
  it("keeps data across close and reopen, and migrating again is a no-op", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "epca-pglite-"));
    try {
      const first = await createPGliteStore({ dataDir, migrate: true });
      await first.transaction("default", (s) => s.departments.insert({ name: "Persisted", budget: 1, description: null }));
      await first.close();
      const second = await createPGliteStore({ dataDir, migrate: true });
      expect(await second.transaction("default", (s) => s.departments.findByName("Persisted"))).toMatchObject({ name: "Persisted", budget: 1 });
      expect((await second.migrate()).applied).toEqual([]);
      await second.close();
      await expect(second.ping()).rejects.toThrow(/closed/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
