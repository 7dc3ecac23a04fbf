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

    it("a unit of work that names its record (`prefetch`, a hint) reads it as findById does, and whatever it does next commits or rolls back with it", async () => {
      const tenant = await newTenant();
      const [first, second] = await run(tenant, async (s) => [await department(s, "Named", 10), await department(s, "Other", 20)] as const);
      const named = (id: number) => ({ prefetch: { record: "departments" as const, id } });
      checkEqual(await ctx.store.transaction(tenant, (s) => s.departments.findById(first.id), named(first.id)), first, "the named record reads as stored");
      checkEqual(await ctx.store.transaction(tenant, (s) => s.departments.findById(second.id), named(first.id)), second, "another id reads that record");
      checkEqual(await ctx.store.transaction(tenant, (s) => s.departments.findById(first.id + second.id + 1000), named(first.id + second.id + 1000)), null, "a missing record reads as null");
      const employee = await run(tenant, (s) => s.employees.insert(employeeValues(first.id)));
      checkEqual(await ctx.store.transaction(tenant, (s) => s.employees.findById(employee.id), { prefetch: { record: "employees", id: employee.id } }), employee, "an employee named reads as stored");
      const twice = await ctx.store.transaction(tenant, async (s) => [await s.departments.findById(first.id), await s.departments.findById(first.id)], named(first.id));
      checkEqual(twice, [first, first], "the record read twice");

      // Reads, then writes: the writes commit when the work resolves…
      const changed = await ctx.store.transaction(
        tenant,
        async (s) => {
          checkEqual(await s.departments.findById(first.id), first, "the named record, before the write");
          await s.departments.update(first.id, { budget: 11 });
          await s.departments.insert({ name: "Added after the read", budget: 1, description: null });
          return s.departments.findById(first.id);
        },
        named(first.id),
      );
      checkEqual(changed?.budget, 11, "after its own write the work reads the record as written");
      // … and roll back, all of them, when it rejects.
      const thrown = await ctx.store
        .transaction(
          tenant,
          async (s) => {
            await s.departments.findById(first.id);
            await s.departments.update(first.id, { budget: 12 });
            await s.departments.insert({ name: "Doomed after the read", budget: 1, description: null });
            throw ROLLBACK;
          },
          named(first.id),
        )
        .catch((error: unknown) => error);
      check(thrown === ROLLBACK, "the work's own error is rethrown");
      // Writes first: the named record is then read as written.
      const writtenFirst = await ctx.store.transaction(tenant, async (s) => (await s.departments.update(second.id, { budget: 21 }), s.departments.findById(second.id)), named(second.id));
      checkEqual(writtenFirst?.budget, 21, "a write before the read is seen by it");
      const after = await run(tenant, async (s) => ({
        budgets: [(await s.departments.findById(first.id))?.budget, (await s.departments.findById(second.id))?.budget],
        names: (await s.departments.list({}, { skip: 0, limit: 10 })).items.map((d) => d.name),
      }));
      checkEqual(after, { budgets: [11, 21], names: ["Named", "Other", "Added after the read"] }, "what resolved is kept, what rejected is undone");
      await checkRejects(ctx.store.transaction(`missing-${uniqueTenantId()}`, async () => 1, named(first.id)), NotFoundError, "an unknown tenant, with a record named");
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
