// How an HR platform embeds EPCA: bind the use cases to a store, act as a user, read analytics.
// Run: pnpm --filter @epca/example-embed-core start
import { createMemoryStore } from "@epca/adapter-memory";
import { ConflictError, createEpca, systemActor, type Actor } from "@epca/core";

const store = createMemoryStore();
// The platform signs its users in itself: EPCA keeps no passwords.
const epca = createEpca({ store, passwordHasher: null, standardAnnualHours: 2080 });

// The platform's own job runs as the system; requests of users run as their Actor.
const system = systemActor("default");

const engineering = await epca.departments.create(system, { name: "Engineering", budget: 900_000 });
const sales = await epca.departments.create(system, { name: "Sales", budget: 400_000 });

const ada = await epca.employees.create(system, { name: "Ada Lovelace", department_id: engineering.id, salary: 124_800, revenue_generated: 310_000 });
const grace = await epca.employees.create(system, { name: "Grace Hopper", department_id: engineering.id, salary: 114_400, revenue_generated: 240_000 });
const linus = await epca.employees.create(system, { name: "Linus Sales", department_id: sales.id, salary: 83_200, revenue_generated: 95_000 });

const platform = await epca.projects.create(system, { name: "Platform", department_id: engineering.id, cost: 40_000, revenue: 260_000, status: "in_progress" });
const crm = await epca.projects.create(system, { name: "CRM rollout", department_id: sales.id, cost: 15_000, revenue: 30_000, status: "in_progress" });

// A week of time, logged by the employees themselves (an Actor whose employeeId is theirs).
const asEmployee = (employeeId: number): Actor => ({ userId: employeeId, tenantId: "default", role: "read_only", departmentId: null, employeeId });
const week = ["2024-05-06", "2024-05-07", "2024-05-08", "2024-05-09", "2024-05-10"];
for (const date of week) {
  await epca.timesheets.create(asEmployee(ada.id), { employee_id: ada.id, project_id: platform.id, hours_worked: 7.5, date });
  await epca.timesheets.create(asEmployee(grace.id), { employee_id: grace.id, project_id: platform.id, hours_worked: 6, date });
  await epca.timesheets.create(asEmployee(linus.id), { employee_id: linus.id, project_id: crm.id, hours_worked: 8, date });
}

// Rules are enforced whatever the caller: a second department named "Sales" is a conflict.
try {
  await epca.departments.create(system, { name: "Sales", budget: 1 });
} catch (error) {
  if (error instanceof ConflictError) console.log(`Refused as expected: ${error.message}`);
}

const company = await epca.analytics.company(system);
console.log("Company:", JSON.stringify(company));
for (const department of [engineering, sales]) {
  const figures = await epca.analytics.department(system, department.id);
  console.log(`${figures.name}: revenue ${figures.total_revenue}, cost ${figures.total_cost}, ROI ${figures.roi?.toFixed(3)}, ${figures.total_hours} h`);
}
const project = await epca.analytics.project(system, platform.id);
console.log(`Platform: labour cost ${project.labour_cost}, profit ${project.profit}, ROI ${project.roi?.toFixed(3)}`);
for (const row of await epca.analytics.topPerformers(system, { metric: "productivity_index", limit: 3 })) {
  console.log(`#${row.rank} ${row.name}: ${row.value.toFixed(2)} revenue per hour`);
}
await store.close();
