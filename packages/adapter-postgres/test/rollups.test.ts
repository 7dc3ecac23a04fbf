import { ConfigurationError, companyMonthsFromFacts, periodFactsFromRecords, type Employee, type Project, type Timesheet } from "@epca/core";
import { checkCloseRecord, checkEqual, generateDataset, storeDataset } from "@epca/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPGliteStore, type PostgresStore } from "../src/index.js";
import { serverUrl } from "../../../test-support/test-database.js";
import { openPGlite, openPostgres } from "./stores.js";

/** Every row of a table of the tenant, as the ports list them. */
async function all<T>(list: (page: { skip: number; limit: number }) => Promise<{ items: T[] }>): Promise<T[]> {
  const out: T[] = [];
  for (let skip = 0; ; skip += 1000) {
    const page = await list({ skip, limit: 1000 });
    out.push(...page.items);
    if (page.items.length < 1000) return out;
  }
}

/** `companyMonths` over whole and partial-month periods equals core's reference over the stored records. */
async function expectCompanyMonthsOfRecords(store: PostgresStore, tenantId = "default"): Promise<void> {
  await store.transaction(tenantId, async (s) => {
    const records: { employees: Employee[]; projects: Project[]; timesheets: Timesheet[] } = {
      employees: await all((page) => s.employees.list({}, page)),
      projects: await all((page) => s.projects.list({}, page)),
      timesheets: await all((page) => s.timesheets.list({}, page)),
    };
    expect(records.timesheets.length).toBeGreaterThan(0);
    for (const period of [
      { from: "2023-01-01", to: "2024-12-31" },
      { from: "2023-11-17", to: "2024-04-09" },
      { from: "2024-03-01", to: "2024-03-31" },
    ]) {
      const got = await s.analytics.companyMonths(period);
      const expected = companyMonthsFromFacts(periodFactsFromRecords(records, { kind: "company" }, period), period);
      checkEqual(got.map((m) => m.month), expected.map((m) => m.month), `months ${period.from}…${period.to}`);
      got.forEach((m, i) => checkCloseRecord(m, expected[i]!, `${period.from}…${period.to}: ${m.month}`));
    }
  });
}


/** The monthly rollups of migration 0004 stay equal to a rebuild from timesheets, and `verifyRollups` says when not. */
function rollups(name: string, open: () => Promise<{ store: PostgresStore; close: () => Promise<void> }>) {
  describe(`analytics rollups on ${name}`, () => {
    let store: PostgresStore;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ store, close } = await open());
    }, 60_000);
    afterAll(async () => close?.());

    it("insertMany, updates and deletes keep the rollups equal to a rebuild", async () => {
      const dataset = generateDataset({ seed: 21, departments: 3, employees: 20, projects: 6, timesheets: 2_000 });
      await store.transaction("default", (s) => storeDataset(s, dataset));
      await store.transaction("default", async (s) => {
        const page = await s.timesheets.list({}, { skip: 0, limit: 300 });
        for (const [i, t] of page.items.entries()) {
          if (i % 3 === 0) await s.timesheets.update(t.id, { date: "2023-12-31", hours_worked: 0.1 });
          else if (i % 3 === 1) await s.timesheets.update(t.id, { status: t.status === "rejected" ? "approved" : "rejected" });
          else await s.timesheets.delete(t.id);
        }
      });
      const check = await store.verifyRollups();
      expect(check.mismatches).toEqual([]);
      expect(check.ok).toBe(true);
      expect(check.buckets).toBeGreaterThan(100);
      const stored = await store.withTenantSql("default", async (sql) =>
        Number((await sql.query("SELECT sum(hours)::float8 AS h FROM timesheet_rollups")).rows[0]!.h),
      );
      const raw = await store.withTenantSql("default", async (sql) =>
        Number((await sql.query("SELECT sum(hours_worked::numeric)::float8 AS h FROM timesheets WHERE status <> 'rejected'")).rows[0]!.h),
      );
      expect(stored).toBe(raw);
    }, 60_000);

    it("finds a rollup that drifted, names it, and repairs it on request", async () => {
      const bucket = await store.withTenantSql("default", async (sql) => {
        const row = (await sql.query("SELECT employee_id, project_id, to_char(month, 'YYYY-MM') AS month, hours::float8 AS hours, entries FROM timesheet_rollups ORDER BY month, employee_id, project_id LIMIT 1")).rows[0]!;
        await sql.query("UPDATE timesheet_rollups SET hours = hours + 1 WHERE employee_id = $1 AND project_id = $2 AND month = $3::date", [row.employee_id, row.project_id, `${String(row.month)}-01`]);
        return row;
      });
      const broken = await store.verifyRollups();
      expect(broken.ok).toBe(false);
      expect(broken.mismatches).toEqual([
        {
          tenant_id: "default",
          employee_id: Number(bucket.employee_id),
          project_id: Number(bucket.project_id),
          month: bucket.month,
          stored: { hours: Number(bucket.hours) + 1, entries: Number(bucket.entries) },
          expected: { hours: Number(bucket.hours), entries: Number(bucket.entries) },
        },
      ]);
      const repaired = await store.verifyRollups({ repair: true });
      expect(repaired.repaired).toEqual(["default"]);
      expect((await store.verifyRollups()).ok).toBe(true);
    }, 60_000);

    it("keeps the company's months and salaries by hire date (0012) equal to a rebuild through salary, hire date and project changes; finds and repairs a drifted month", async () => {
      await store.transaction("default", async (s) => {
        const employees = (await s.employees.list({}, { skip: 0, limit: 5 })).items;
        const projects = (await s.projects.list({}, { skip: 0, limit: 3 })).items;
        await s.employees.update(employees[0]!.id, { salary: 91_234.5, hire_date: "2024-03-15" });
        await s.employees.update(employees[1]!.id, { hire_date: null });
        await s.projects.update(projects[0]!.id, { revenue: 250_000, cost: 12_345.67 });
        await s.projects.update(projects[1]!.id, { name: "renamed only" });
      });
      const check = await store.verifyRollups();
      expect(check.mismatches).toEqual([]);
      // The stored sums of 0012, once refreshed (0013), are those a rebuild from the per-project rollups answers, exactly.
      await store.refreshRollups();
      const company = await store.withTenantSql("default", async (sql) =>
        (await sql.query("SELECT sum(hours)::text AS hours, sum(revenue_share)::float8 AS revenue FROM company_month_rollups")).rows[0]!,
      );
      const raw = await store.withTenantSql("default", async (sql) =>
        (await sql.query("SELECT sum(hours)::text AS hours FROM project_month_rollups")).rows[0]!,
      );
      expect(company.hours).toBe(raw.hours);
      // A transaction reads its own writes (its project is marked, and the read corrects for it).
      const [before, during] = await store.transaction("default", async (s) => {
        const period = { from: "2024-03-01", to: "2024-03-31" };
        const first = (await s.analytics.companyMonths(period))[0]!;
        const employee = (await s.employees.list({}, { skip: 0, limit: 1 })).items[0]!;
        const project = (await s.projects.list({}, { skip: 0, limit: 1 })).items[0]!;
        await s.timesheets.insert({ employee_id: employee.id, project_id: project.id, hours_worked: 2.5, date: "2024-03-20", description: null, status: "approved", reviewed_by: null, reviewed_at: null, review_note: null });
        return [first, (await s.analytics.companyMonths(period))[0]!];
      });
      expect(during.hours - before.hours).toBeCloseTo(2.5, 9);
      expect((await store.verifyRollups()).mismatches).toEqual([]);
      await store.withTenantSql("default", (sql) => sql.query("UPDATE company_month_rollups SET revenue_share = revenue_share + 1 WHERE month = (SELECT min(month) FROM company_month_rollups)"));
      const broken = await store.verifyRollups();
      expect(broken.ok).toBe(false);
      expect(broken.mismatches.map((m) => [m.employee_id, m.project_id])).toEqual([[0, 0]]);
      await store.verifyRollups({ repair: true });
      expect((await store.verifyRollups()).ok).toBe(true);
    }, 60_000);

    it("a committed write only marks its project (0013): reads, read-only ones too, answer it at once, and refreshRollups brings the cache up to date and clears the mark", async () => {
      await store.refreshRollups();
      const period = { from: "2024-02-01", to: "2024-03-31" };
      const sql = (text: string) => store.withTenantSql("default", async (q) => (await q.query(text)).rows);
      const cachedBefore = await sql("SELECT to_char(month, 'YYYY-MM') AS month, hours::text, revenue_share::text FROM company_month_rollups ORDER BY month");
      const before = await store.transaction("default", (s) => s.analytics.companyMonths(period));
      const [employee, project] = await store.transaction("default", async (s) => [
        (await s.employees.list({}, { skip: 0, limit: 1 })).items[0]!,
        (await s.projects.list({}, { skip: 0, limit: 1 })).items[0]!,
      ]);
      await store.transaction("default", async (s) => {
        await s.timesheets.insert({ employee_id: employee.id, project_id: project.id, hours_worked: 3.75, date: "2024-02-14", description: null, status: "approved", reviewed_by: null, reviewed_at: null, review_note: null });
        await s.projects.update(project.id, { revenue: project.revenue + 1_000 });
      });
      // Nothing of the cache moved at commit; the project is marked.
      expect(await sql("SELECT to_char(month, 'YYYY-MM') AS month, hours::text, revenue_share::text FROM company_month_rollups ORDER BY month")).toEqual(cachedBefore);
      expect((await sql("SELECT project_id FROM company_month_pending")).map((r) => Number(r.project_id))).toEqual([project.id]);
      const during = await store.transaction("default", (s) => s.analytics.companyMonths(period));
      const readOnly = await store.transaction("default", (s) => s.analytics.companyMonths(period), { readOnly: true });
      expect(readOnly).toEqual(during);
      expect(during[0]!.hours - before[0]!.hours).toBeCloseTo(3.75, 9);
      expect(during.reduce((sum, m) => sum + m.revenue, 0)).toBeGreaterThan(before.reduce((sum, m) => sum + m.revenue, 0));
      await expectCompanyMonthsOfRecords(store);
      expect((await store.verifyRollups()).mismatches).toEqual([]);

      const refreshed = await store.refreshRollups();
      expect(refreshed).toEqual({ tenants: 1, projects: 1, busy: [] });
      expect(await sql("SELECT project_id FROM company_month_pending")).toEqual([]);
      expect(await store.transaction("default", (s) => s.analytics.companyMonths(period))).toEqual(during);
      // The cache alone now equals a rebuild from the per-project rollups.
      const [cached] = await sql("SELECT sum(hours)::text AS hours FROM company_month_rollups");
      const [raw] = await sql("SELECT sum(hours)::text AS hours FROM project_month_rollups");
      expect(cached!.hours).toBe(raw!.hours);
      expect((await store.verifyRollups()).ok).toBe(true);
      expect(await store.refreshRollups()).toEqual({ tenants: 1, projects: 0, busy: [] });
    }, 60_000);
  });
}

rollups("pglite", () => openPGlite({ rollupRefresh: false }));

describe("the store's background refresh (0013) on PGlite", () => {
  it("clears the marks of committed writes on its own, leaving the cache equal to a rebuild; refuses an interval that is not a positive integer", async () => {
    await expect(createPGliteStore({ migrate: true, rollupRefresh: { everyMs: 0 } })).rejects.toBeInstanceOf(ConfigurationError);
    const errors: unknown[] = [];
    const store = await createPGliteStore({ migrate: true, rollupRefresh: { everyMs: 20, onError: (error) => errors.push(error) } });
    try {
      await store.transaction("default", (s) => storeDataset(s, generateDataset({ seed: 36, departments: 1, employees: 4, projects: 3, timesheets: 80 })));
      const pending = () => store.withTenantSql("default", async (sql) => Number((await sql.query("SELECT count(*) AS n FROM company_month_pending")).rows[0]!.n));
      const deadline = Date.now() + 10_000;
      while ((await pending()) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await pending()).toBe(0);
      const [cached, raw] = await store.withTenantSql("default", async (sql) => [
        (await sql.query("SELECT sum(hours)::text AS hours FROM company_month_rollups")).rows[0]!.hours,
        (await sql.query("SELECT sum(hours)::text AS hours FROM project_month_rollups")).rows[0]!.hours,
      ]);
      expect(cached).toBe(raw);
      expect((await store.verifyRollups()).ok).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await store.close();
    }
  }, 60_000);
});

describe.skipIf(!serverUrl)("PostgreSQL server", () => {
  rollups("postgres", () => openPostgres({ rollupRefresh: false }));

  // Writers of the same projects and months commit at once while refreshes of the cached shares
  // (0013: the store's own every 10 ms, and explicit ones) run between them: the company's months
  // must stay as a rebuild from the timesheets says, at every read and after the last refresh.
  describe("parallel writes", () => {
    let opened: Awaited<ReturnType<typeof openPostgres>>;
    beforeAll(async () => {
      opened = await openPostgres({ poolSize: 8, rollupRefresh: { everyMs: 10 } });
    }, 60_000);
    afterAll(async () => opened?.close());

    it("concurrent transactions writing timesheets and revenues of the same projects and months leave the rollups equal to a rebuild and the company's months equal to core's", async () => {
      const { store } = opened;
      const dataset = generateDataset({ seed: 34, departments: 2, employees: 12, projects: 4, timesheets: 600 });
      await store.transaction("default", (s) => storeDataset(s, dataset));
      const [employees, projects] = await store.transaction("default", async (s) => [
        (await s.employees.list({}, { skip: 0, limit: 100 })).items,
        (await s.projects.list({}, { skip: 0, limit: 100 })).items,
      ]);
      const writers: Promise<void>[] = [];
      // Refreshes and checks queued on the pool between the writers (it hands out connections in order).
      const others: Promise<unknown>[] = [];
      const write = (i: number) =>
        store.transaction("default", async (s) => {
          const t = await s.timesheets.insert({
            employee_id: employees[i % employees.length]!.id,
            project_id: projects[i % 2]!.id,
            hours_worked: 0.25 + (i % 7),
            date: i % 3 === 0 ? "2024-02-10" : "2024-03-05",
            description: null,
            status: "approved",
            reviewed_by: null,
            reviewed_at: null,
            review_note: null,
          });
          if (i % 5 === 0) await s.timesheets.update(t.id, { hours_worked: 1.5 });
          if (i % 8 === 0) await s.timesheets.delete(t.id);
          if (i % 6 === 0) await s.projects.update(projects[2 + (i % 2)]!.id, { revenue: 10_000 + i, cost: 100 + i });
        });
      for (let i = 0; i < 40; i++) {
        writers.push(write(i));
        if (i % 4 === 3) others.push(i % 8 === 7 ? store.verifyRollups().then((c) => c.mismatches) : store.refreshRollups());
      }
      await Promise.all(writers);
      for (const other of await Promise.all(others)) if (Array.isArray(other)) expect(other).toEqual([]);
      const check = await store.verifyRollups();
      expect(check.mismatches).toEqual([]);
      expect(check.ok).toBe(true);
      await expectCompanyMonthsOfRecords(store);
      await store.refreshRollups();
      await store.withTenantSql("default", async (sql) => {
        expect((await sql.query("SELECT count(*)::int AS n FROM company_month_pending")).rows[0]!.n).toBe(0);
        const [cached, raw] = [
          (await sql.query("SELECT sum(hours)::text AS hours FROM company_month_rollups")).rows[0]!.hours,
          (await sql.query("SELECT sum(hours)::text AS hours FROM project_month_rollups")).rows[0]!.hours,
        ];
        expect(cached).toBe(raw);
      });
      expect((await store.verifyRollups()).ok).toBe(true);
    }, 120_000);

    it("a refresh waits for a transaction that marked a project and has not committed, then leaves it for the next run; that write is refreshed after it commits", async () => {
      const own = await openPostgres({ poolSize: 4, rollupRefresh: false });
      const { store } = own;
      try {
      await store.transaction("default", (s) => storeDataset(s, generateDataset({ seed: 35, departments: 1, employees: 3, projects: 2, timesheets: 50 })));
      const [employee, project, other] = await store.transaction("default", async (s) => [
        (await s.employees.list({}, { skip: 0, limit: 1 })).items[0]!,
        ...(await s.projects.list({}, { skip: 0, limit: 2 })).items,
      ]);
      // A committed mark to refresh (another project), and a writer that marked and holds its transaction open.
      await store.transaction("default", (s) => s.projects.update(other!.id, { revenue: 77_000 }));
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let marked!: () => void;
      const hasMarked = new Promise<void>((resolve) => (marked = resolve));
      const writer = store.transaction("default", async (s) => {
        await s.timesheets.insert({ employee_id: employee!.id, project_id: project!.id, hours_worked: 2, date: "2024-03-11", description: null, status: "approved", reviewed_by: null, reviewed_at: null, review_note: null });
        marked();
        await held;
      });
      await hasMarked;
      const started = performance.now();
      const busy = await store.refreshRollups();
      const waited = performance.now() - started;
      expect(busy.busy).toEqual(["default"]);
      expect(busy.projects).toBe(0);
      expect(waited).toBeGreaterThanOrEqual(900);
      // Meanwhile the reads are exact, the held write aside (not committed).
      expect((await store.verifyRollups()).ok).toBe(true);
      await expectCompanyMonthsOfRecords(store);
      release();
      await writer;
      expect(await store.refreshRollups()).toEqual({ tenants: 1, projects: 2, busy: [] });
      expect(await store.withTenantSql("default", async (sql) => (await sql.query("SELECT count(*)::int AS n FROM company_month_pending")).rows[0]!.n)).toBe(0);
      expect((await store.verifyRollups()).ok).toBe(true);
      await expectCompanyMonthsOfRecords(store);
      } finally {
        await own.close();
      }
    }, 60_000);
  });
});
