import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runReadmeExample } from "../../../test-support/readme-example.js";
import { createTestDatabase, serverUrl } from "../../../test-support/test-database.js";

describe.skipIf(!serverUrl)("README example (PostgreSQL server)", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("runs against the built package on a fresh database", () => {
    const dir = fileURLToPath(new URL("..", import.meta.url));
    const example = runReadmeExample(dir, "## Example", { DATABASE_URL: database.url });
    expect(example).toMatch(/department_count: 1,\s+employee_count: 1,\s+project_count: 0,\s+salary_total: 104000/);
  }, 120_000);
});
