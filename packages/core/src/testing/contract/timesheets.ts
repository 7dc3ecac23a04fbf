import { ConflictError } from "../../errors.js";
import { check, checkEqual } from "../assertions.js";
import { type ContractContext } from "./kit.js";

/** The contract part "timesheets". */
export function timesheetContract(ctx: ContractContext): void {
  const { describe, it, run, newTenant, department, employeeValues, timesheetValues, basics } = ctx;
  describe("timesheets", () => {
    it("filters by employee, project, department, status and an inclusive date range", async () => {
      const tenant = await newTenant();
      const r = await run(tenant, async (s) => {
        const { dept, employee, project } = await basics(s);
        const other = await department(s, "Other");
        const colleague = await s.employees.insert(employeeValues(other.id, { name: "Grace" }));
        const t1 = await s.timesheets.insert(timesheetValues(employee.id, project.id, { date: "2024-03-01" }));
        const t2 = await s.timesheets.insert(timesheetValues(employee.id, project.id, { date: "2024-03-10", status: "approved" }));
        const t3 = await s.timesheets.insert(timesheetValues(colleague.id, project.id, { date: "2024-03-20" }));
        return { dept, employee, colleague, t1, t2, t3 };
      });
      await run(tenant, async (s) => {
        const page = { skip: 0, limit: 100 };
        const ids = async (filter: Parameters<typeof s.timesheets.list>[0]) => (await s.timesheets.list(filter, page)).items.map((t) => t.id);
        checkEqual(await ids({ employee_id: r.employee.id }), [r.t1.id, r.t2.id], "by employee");
        checkEqual(await ids({ department_id: r.dept.id }), [r.t1.id, r.t2.id], "by the employee's department");
        checkEqual(await ids({ status: "approved" }), [r.t2.id], "by status");
        checkEqual(await ids({ from: "2024-03-10", to: "2024-03-20" }), [r.t2.id, r.t3.id], "inclusive range");
        checkEqual(await ids({ to: "2024-03-01" }), [r.t1.id], "open start");
      });
      const read = await run(tenant, (s) => s.timesheets.findById(r.t2.id));
      checkEqual(read, r.t2, "timesheet round-trip");
    });

    it("sums an employee's hours on a date without rejected entries or the excluded one", async () => {
      const tenant = await newTenant();
      const { employee, project } = await run(tenant, basics);
      const [kept] = await run(tenant, async (s) => [
        await s.timesheets.insert(timesheetValues(employee.id, project.id, { hours_worked: 6.5 })),
        await s.timesheets.insert(timesheetValues(employee.id, project.id, { hours_worked: 3, status: "submitted" })),
        await s.timesheets.insert(timesheetValues(employee.id, project.id, { hours_worked: 10, status: "rejected" })),
        await s.timesheets.insert(timesheetValues(employee.id, project.id, { hours_worked: 2, date: "2024-03-05" })),
      ]);
      checkEqual(await run(tenant, (s) => s.timesheets.sumHoursOnDateForUpdate(employee.id, "2024-03-04")), 9.5, "sum of the day");
      checkEqual(await run(tenant, (s) => s.timesheets.sumHoursOnDateForUpdate(employee.id, "2024-03-04", kept?.id)), 3, "sum without the excluded entry");
      checkEqual(await run(tenant, (s) => s.timesheets.sumHoursOnDateForUpdate(employee.id, "2023-01-01")), 0, "no entries: 0");
    });

    it("serialises concurrent check-then-insert on one employee and day (the 24-hour cap holds)", async () => {
      const tenant = await newTenant();
      const { employee, project } = await run(tenant, basics);
      const attempt = () =>
        run(tenant, async (s) => {
          const already = await s.timesheets.sumHoursOnDateForUpdate(employee.id, "2024-05-06");
          if (already + 14 > 24) throw new ConflictError("over 24 hours");
          return s.timesheets.insert(timesheetValues(employee.id, project.id, { date: "2024-05-06", hours_worked: 14 }));
        });
      const outcomes = await Promise.allSettled([attempt(), attempt(), attempt()]);
      checkEqual(outcomes.filter((o) => o.status === "fulfilled").length, 1, "exactly one of three concurrent 14-hour entries commits");
      checkEqual(await run(tenant, (s) => s.timesheets.sumHoursOnDateForUpdate(employee.id, "2024-05-06")), 14, "the day holds 14 hours");
    });

    it("locks an entry read for update until the unit of work ends", async () => {
      const tenant = await newTenant();
      const { employee, project } = await run(tenant, basics);
      const entry = await run(tenant, (s) => s.timesheets.insert(timesheetValues(employee.id, project.id, { status: "submitted" })));
      let approverHolds!: () => void;
      const holding = new Promise<void>((resolve) => { approverHolds = resolve; });
      const approver = run(tenant, async (s) => {
        check((await s.timesheets.findByIdForUpdate(entry.id))?.status === "submitted", "the approver reads the entry");
        approverHolds();
        await new Promise((resolve) => setTimeout(resolve, 150));
        await s.timesheets.update(entry.id, { status: "approved" });
      });
      await holding;
      const seenByEditor = await run(tenant, async (s) => (await s.timesheets.findByIdForUpdate(entry.id))?.status);
      await approver;
      checkEqual(seenByEditor, "approved", "a second reader for update waits for the first unit of work and sees its result");
      checkEqual(await run(tenant, (s) => s.timesheets.findByIdForUpdate(999_999_999)), null, "missing entry is null");
    });

    it("bulk-inserts many entries in one call", async () => {
      const tenant = await newTenant();
      const { employee, project } = await run(tenant, basics);
      const rows = Array.from({ length: 1_200 }, (_, i) =>
        timesheetValues(employee.id, project.id, { hours_worked: 0.25 * (1 + (i % 8)), date: `2024-0${1 + (i % 9)}-1${i % 10}`, description: i % 2 ? `row ${i}` : null }),
      );
      checkEqual(await run(tenant, (s) => s.timesheets.insertMany(rows)), 1_200, "stored count");
      const page = await run(tenant, (s) => s.timesheets.list({ employee_id: employee.id }, { skip: 1_000, limit: 1_000 }));
      checkEqual(page.total, 1_200, "every row stored");
      checkEqual(page.items.length, 200, "the last page holds the rest");
      const last = page.items[199];
      checkEqual(last && { hours: last.hours_worked, date: last.date, description: last.description }, { hours: 2, date: "2024-03-19", description: "row 1199" }, "fields of a bulk row");
    });
  });
}
