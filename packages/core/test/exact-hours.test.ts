import { describe, expect, it } from "vitest";
import { ValidationError } from "@epca/core";
import { setup } from "./helpers.js";

describe("exact daily hours on the memory store", () => {
  it("0.1 h + 16.1 h + 7.8 h on one day is 24 and accepted; 24.01 is refused", async () => {
    const { epca, admin } = setup();
    const dept = await epca.departments.create(admin, { name: "Engineering" });
    const employee = await epca.employees.create(admin, { name: "Ada", department_id: dept.id, salary: 1 });
    const project = await epca.projects.create(admin, { name: "Engine", department_id: dept.id, status: "in_progress" });
    const log = (hours_worked: number, date: string) =>
      epca.timesheets.create(admin, { employee_id: employee.id, project_id: project.id, hours_worked, date });

    for (const hours of [0.1, 16.1, 7.8]) await log(hours, "2024-06-14");
    expect((await epca.timesheets.list(admin)).items.map((t) => t.hours_worked)).toEqual([0.1, 16.1, 7.8]);
    const refused = await log(0.01, "2024-06-14").catch((e: unknown) => e);
    expect((refused as ValidationError).issues).toEqual([
      {
        path: ["hours_worked"],
        code: "daily_hours_exceeded",
        message:
          "24 hours are already logged on 2024-06-14; adding 0.01 would make 24.01, above the 24-hour daily limit, so log at most 0 more.",
      },
    ]);

    await log(0.1, "2024-06-13");
    await log(16.1, "2024-06-13");
    const over = await log(7.81, "2024-06-13").catch((e: unknown) => e);
    expect(over).toBeInstanceOf(ValidationError);
    expect((over as ValidationError).issues.map((i) => i.code)).toEqual(["daily_hours_exceeded"]);
  });

  it("an allocation of 97.4 % next to 0.2 % and 2.4 % is exactly 100 and accepted; 97.41 % is refused", async () => {
    const { epca, admin } = setup();
    const dept = await epca.departments.create(admin, { name: "Engineering" });
    const employee = await epca.employees.create(admin, { name: "Ada", department_id: dept.id, salary: 1 });
    const project = await epca.projects.create(admin, { name: "Engine", department_id: dept.id, status: "in_progress" });
    const allocate = (allocation_percentage: number) =>
      epca.allocations.create(admin, { employee_id: employee.id, project_id: project.id, allocation_percentage, start_date: "2024-01-01", end_date: "2024-01-31" });
    await allocate(0.2);
    await allocate(2.4);
    const over = await allocate(97.41).catch((e: unknown) => e);
    expect((over as Error).message).toMatch(/allocated 100\.01% on 2024-01-01.*at most 97\.4%/);
    expect((await allocate(97.4)).allocation_percentage).toBe(97.4);
  });
});
