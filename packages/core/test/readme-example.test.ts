import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createMemoryStore } from "@epca/adapter-memory";
import { createEpca, systemActor, type Actor } from "@epca/core";

describe("the README's example", () => {
  it("is the code below, and prints what the README says", async () => {
    const readme = readFileSync(fileURLToPath(new URL("../README.md", import.meta.url)), "utf8");
    expect(readme).toContain('const adaUser: Actor = { userId: 7, tenantId: "default", role: "read_only", departmentId: null, employeeId: ada.id };');

    const epca = createEpca({ store: createMemoryStore() });
    const admin = systemActor("default");
    const dept = await epca.departments.create(admin, { name: "Engineering", budget: 500_000 });
    const ada = await epca.employees.create(admin, { name: "Ada", department_id: dept.id, salary: 104_000, revenue_generated: 208_000 });
    const project = await epca.projects.create(admin, { name: "Engine", department_id: dept.id, cost: 10_000, revenue: 90_000, status: "in_progress" });
    const adaUser: Actor = { userId: 7, tenantId: "default", role: "read_only", departmentId: null, employeeId: ada.id };
    await epca.timesheets.create(adaUser, { employee_id: ada.id, project_id: project.id, hours_worked: 8, date: "2024-06-14" });
    expect(await epca.analytics.employee(admin, ada.id)).toMatchObject({ name: "Ada", revenue: 208_000, cost: 104_000, roi: 1, total_hours: 8, productivity_index: 26_000 });
  });
});
