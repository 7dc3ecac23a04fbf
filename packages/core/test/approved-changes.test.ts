/** An admin's change to an approved timesheet keeps a record of who changed what, after approval. */
import { describe, expect, it } from "vitest";
import { actorOf, setup } from "./helpers.js";

describe("changes to an approved entry", () => {
  it("are an admin's only, and each leaves an audit entry with the admin, the approved entry before and the change after", async () => {
    const { epca, admin } = setup();
    const dept = await epca.departments.create(admin, { name: "Ops", budget: 1 });
    const employee = await epca.employees.create(admin, { name: "Ann", department_id: dept.id, salary: 50_000 });
    const project = await epca.projects.create(admin, { name: "Run", department_id: dept.id, status: "in_progress" });
    const entry = await epca.timesheets.create(admin, { employee_id: employee.id, project_id: project.id, hours_worked: 6, date: "2024-06-10" });
    const head = actorOf("department_head", { userId: 501, departmentId: dept.id });
    await epca.timesheets.submit(admin, entry.id);
    await epca.timesheets.approve(head, entry.id);

    // The head who approved it may not change it now; an admin may.
    await expect(epca.timesheets.update(head, entry.id, { hours_worked: 7 })).rejects.toThrow(/approved/);
    const boss = actorOf("admin", { userId: 900, request: { id: "req-42", ip: "10.1.2.3", userAgent: "ops" } });
    const changed = await epca.timesheets.update(boss, entry.id, { hours_worked: 7.5 });
    expect(changed).toMatchObject({ status: "approved", hours_worked: 7.5 });

    const trail = await epca.audit.list(admin, { resource_type: "timesheet", resource_id: String(entry.id), action: "update" });
    expect(trail.items).toHaveLength(1);
    const record = trail.items[0]!;
    expect(record).toMatchObject({ user_id: 900, request_id: "req-42", ip_address: "10.1.2.3", user_agent: "ops" });
    expect(record.changes.before).toMatchObject({ status: "approved", hours_worked: 6, reviewed_by: 501 });
    expect(record.changes.after).toMatchObject({ status: "approved", hours_worked: 7.5, reviewed_by: 501 });
  });
});
