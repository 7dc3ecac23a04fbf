import { daysAgo, type TestServer } from "./harness.js";

/** The shape of a planted history: how many people and finished projects, and each person's skills. */
export interface AllocationHistoryShape {
  readonly people: number;
  readonly projects: number;
  /** Days between the starts of two consecutive projects. */
  readonly projectSpacingDays: number;
  readonly skillsOf: (person: number) => string[];
}

/**
 * Finished projects (some late, some early) and four past, non-overlapping allocations per person
 * in `department`: what the allocation model trains on. Answers the ids, in creation order.
 */
export async function plantAllocationHistory(server: Pick<TestServer, "epca" | "system">, department: number, shape: AllocationHistoryShape) {
  const { epca, system } = server;
  const employees: number[] = [];
  for (let e = 0; e < shape.people; e++) {
    employees.push((await epca.employees.create(system, { name: `Allocated ${e}`, department_id: department, salary: 60_000 + e * 5_000, hire_date: daysAgo(2000), skills: shape.skillsOf(e) })).id);
  }
  const projects: number[] = [];
  for (let p = 0; p < shape.projects; p++) {
    const start = 900 - p * shape.projectSpacingDays;
    projects.push(
      (
        await epca.projects.create(system, {
          name: `Finished ${p}`,
          department_id: department,
          status: "completed",
          completion_percentage: 100,
          cost: 10_000 + p * 1_000,
          revenue: 20_000 + p * 1_500,
          start_date: daysAgo(start),
          estimated_end_date: daysAgo(start - 120),
          end_date: daysAgo(start - 120 + (p % 3 === 0 ? 30 : -10)),
        })
      ).id,
    );
  }
  for (const [i, employee] of employees.entries()) {
    for (let k = 0; k < 4; k++) {
      const start = 880 - k * 200 - i * 5;
      await epca.allocations.create(system, {
        employee_id: employee,
        project_id: projects[(i * 2 + k) % shape.projects]!,
        allocation_percentage: 30 + ((i * 7 + k * 11) % 60),
        allocated_hours: 200 + ((i * 37 + k * 53) % 300),
        start_date: daysAgo(start),
        end_date: daysAgo(start - 90),
      });
    }
  }
  return { employees, projects };
}
