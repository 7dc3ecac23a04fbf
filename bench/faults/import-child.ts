/**
 * The import a fault test kills: 100,000 timesheets into the default tenant in ONE transaction of
 * the store (`timesheets.insertMany` in batches of 10,000, as seed and bench:postgres import; there
 * is no bulk-upload route on this branch). Prints `importing` once the transaction is open and
 * `imported <n>` after the commit. argv: database URL, employee id, project id.
 */
import { createPostgresStore } from "@epca/adapter-postgres";
import type { TimesheetInsert } from "@epca/core";

const [url, employeeId, projectId] = process.argv.slice(2);
const store = await createPostgresStore({ connectionString: url!, poolSize: 1 });
const day = (i: number) => new Date(Date.UTC(2000, 0, 1) + (i % 9000) * 86_400_000).toISOString().slice(0, 10);
const imported = await store.transaction("default", async (scope) => {
  process.stdout.write("importing\n");
  let count = 0;
  for (let batch = 0; batch < 10; batch++) {
    const rows: TimesheetInsert[] = Array.from({ length: 10_000 }, (_, i) => ({
      employee_id: Number(employeeId),
      project_id: Number(projectId),
      hours_worked: 0.01,
      date: day(batch * 10_000 + i),
      description: null,
      status: "approved",
      reviewed_by: null,
      reviewed_at: null,
      review_note: null,
    }));
    count += await scope.timesheets.insertMany(rows);
  }
  return count;
});
process.stdout.write(`imported ${imported}\n`);
await store.close();
