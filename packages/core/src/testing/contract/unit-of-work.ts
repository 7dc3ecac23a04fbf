import { NotFoundError } from "../../errors.js";
import { check, checkEqual, checkRejects } from "../assertions.js";
import { ROLLBACK, uniqueTenantId, type ContractContext } from "./kit.js";

/** The contract part "unit of work". */
export function unitOfWorkContract(ctx: ContractContext): void {
  const { describe, it, run, newTenant, department, employeeValues, timesheetValues, basics } = ctx;
  describe("unit of work", () => {
    it("commits what the work wrote", async () => {
      const tenant = await newTenant();
      const created = await run(tenant, (s) => department(s));
      const read = await run(tenant, (s) => s.departments.findById(created.id));
      checkEqual(read, created, "a committed department reads back as it was returned");
      if (ctx.options.rawRead) {
        const raw = await ctx.options.rawRead(tenant, "departments", created.id);
        checkEqual({ name: raw?.name, budget: raw?.budget }, { name: created.name, budget: created.budget }, "the stored row holds what was written");
      }
    });

    it("a read-only unit of work (`{ readOnly: true }`, a hint) reads what was committed, in its tenant only", async () => {
      const tenant = await newTenant();
      const other = await newTenant();
      const created = await run(tenant, (s) => department(s, "Read only"));
      await run(other, (s) => department(s, "Elsewhere"));
      const read = await ctx.store.transaction(tenant, async (s) => ({ one: await s.departments.findById(created.id), tenantId: s.tenantId }), { readOnly: true });
      checkEqual(read, { one: created, tenantId: tenant }, "the read-only unit of work sees the committed department of its tenant");
      await checkRejects(ctx.store.transaction(`missing-${uniqueTenantId()}`, async () => 1, { readOnly: true }), NotFoundError, "an unknown tenant, read-only or not");
    });

    it("rolls back every write of a failed unit of work and rethrows the same error", async () => {
      const tenant = await newTenant();
      const kept = await run(tenant, (s) => department(s, "Kept", 1));
      let thrown: unknown;
      try {
        await run(tenant, async (s) => {
          const dept = await department(s, "Doomed");
          await s.employees.insert(employeeValues(dept.id));
          await s.departments.update(kept.id, { budget: 999 });
          await s.audit.append({
            user_id: null, action: "create", resource_type: "department", resource_id: String(dept.id),
            changes: { before: null, after: null }, ip_address: null, user_agent: null, request_id: null,
          });
          await s.departments.delete(kept.id);
          throw ROLLBACK;
        });
      } catch (error) {
        thrown = error;
      }
      check(thrown === ROLLBACK, "the work's own error is rethrown unchanged");
      const after = await run(tenant, async (s) => ({
        departments: await s.departments.list({}, { skip: 0, limit: 10 }),
        employees: await s.employees.list({}, { skip: 0, limit: 10 }),
        audit: await s.audit.list({}, { skip: 0, limit: 10 }),
      }));
      checkEqual(after.departments.items, [kept], "inserts, updates and deletes are undone");
      checkEqual(after.employees.total, 0, "the employee insert is undone");
      checkEqual(after.audit.total, 0, "the audit entry is undone with the change");
    });

    it("rolls back a bulk insert with the unit of work", async () => {
      const tenant = await newTenant();
      const { employee, project } = await run(tenant, basics);
      const thrown = await run(tenant, async (s) => {
        const stored = await s.timesheets.insertMany(
          Array.from({ length: 50 }, (_, i) => timesheetValues(employee.id, project.id, { hours_worked: 1 + (i % 4) })),
        );
        checkEqual(stored, 50, "insertMany answers how many it stored");
        throw ROLLBACK;
      }).catch((error: unknown) => error);
      check(thrown === ROLLBACK, "the work's own error is rethrown after the bulk insert");
      const total = await run(tenant, async (s) => (await s.timesheets.list({}, { skip: 0, limit: 1 })).total);
      checkEqual(total, 0, "no entry of the rolled back bulk insert remains");
    });

    it("rejects an unknown tenant with NotFoundError", async () => {
      await checkRejects(run(`missing-${uniqueTenantId()}`, async () => 1), NotFoundError, "unknown tenant");
    });
  });
}
