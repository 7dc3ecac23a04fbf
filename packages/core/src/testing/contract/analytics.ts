import { aggregateCompany, aggregateDepartment, aggregateEmployee, aggregateProject } from "../../metrics/aggregate.js";
import { employeeMetricValue, projectMetricValue } from "../../metrics/rankings.js";
import { companyMonthsFromFacts, dateOfDay, dayNumber, periodFactsFromRecords, type Period } from "../../metrics/period.js";
import type { AnalyticsSubject, CompanyMonth, PeriodFacts } from "../../ports/analytics-store.js";
import type { TenantScope } from "../../ports/store.js";
import type { Employee } from "../../schemas/employee.js";
import type { Project } from "../../schemas/project.js";
import type { Timesheet } from "../../schemas/timesheet.js";
import type { EmployeeAggregate, EmployeeRankingMetric, ProjectAggregate, ProjectRankingMetric } from "../../ports/analytics-store.js";
import { check, checkCloseRecord, checkEqual } from "../assertions.js";
import { generateDataset, seededRandom, storeDataset, type StoredDataset } from "../dataset.js";
import { type ContractContext } from "./kit.js";

/** The contract part "analytics". */
export function analyticsContract(ctx: ContractContext): void {
  const { describe, it, beforeAll, run, newTenant, department, options } = ctx;
  describe("analytics", () => {
    let tenant: string;
    let data: StoredDataset;
    const S = 2080;
    beforeAll(async () => {
      tenant = await newTenant();
      const timesheets = options.analyticsTimesheets ?? 3_000;
      const dataset = generateDataset({ seed: 7, departments: 6, employees: 120, projects: 30, timesheets });
      data = await run(tenant, (s) => storeDataset(s, dataset));
    }, 120_000);

    it("answers the company totals of the reference formulas", async () => {
      const expected = aggregateCompany(data.departments, data.employees, data.projects, data.timesheets);
      checkCloseRecord(await run(tenant, (s) => s.analytics.company()), expected, "company aggregate");
    });

    it("answers every department's aggregate, the empty one included", async () => {
      const actual = await run(tenant, (s) => Promise.all(data.departments.map((d) => s.analytics.department(d.id))));
      data.departments.forEach((d, i) => {
        const got = actual[i];
        check(got, `department ${d.id} has an aggregate`);
        checkCloseRecord(got, aggregateDepartment(d, data.employees, data.projects, data.timesheets), `department ${d.name}`);
      });
    });

    it("answers employee and project aggregates", async () => {
      const byId = new Map(data.employees.map((e) => [e.id, e]));
      const employees = await run(tenant, (s) => Promise.all(data.employees.map((e) => s.analytics.employee(e.id))));
      data.employees.forEach((e, i) => checkCloseRecord(employees[i] ?? {}, aggregateEmployee(e, data.timesheets), `employee ${e.id}`));
      const projects = await run(tenant, (s) => Promise.all(data.projects.map((p) => s.analytics.project(p.id))));
      data.projects.forEach((p, i) => checkCloseRecord(projects[i] ?? {}, aggregateProject(p, data.timesheets, byId), `project ${p.id}`));
      checkEqual(await run(tenant, (s) => s.analytics.employee(999_999_999)), null, "unknown employee");
      checkEqual(await run(tenant, (s) => s.analytics.project(999_999_999)), null, "unknown project");
    });

    it("ranks employees and projects like the reference, nulls left out, ties by id", async () => {
      const employeeAggs = data.employees.map((e) => aggregateEmployee(e, data.timesheets));
      const byId = new Map(data.employees.map((e) => [e.id, e]));
      const projectAggs = data.projects.map((p) => aggregateProject(p, data.timesheets, byId));
      const reference = <A>(aggs: A[], value: (a: A) => number | null, id: (a: A) => number, limit: number) =>
        aggs
          .map((a) => ({ a, v: value(a) }))
          .filter((x): x is { a: A; v: number } => x.v !== null)
          .sort((x, y) => y.v - x.v || id(x.a) - id(y.a))
          .slice(0, limit)
          .map((x) => id(x.a));
      for (const metric of ["productivity_index", "roi", "revenue_generated"] as EmployeeRankingMetric[]) {
        const ranked = await run(tenant, (s) => s.analytics.rankEmployees(metric, 25));
        const expected = reference(employeeAggs, (a: EmployeeAggregate) => employeeMetricValue(a, metric, { standardAnnualHours: S }), (a) => a.employee_id, 25);
        checkEqual(ranked.map((r) => r.employee_id), expected, `employees by ${metric}`);
        ranked.forEach((row) => {
          const reference = employeeAggs.find((a) => a.employee_id === row.employee_id);
          checkCloseRecord(row, reference ?? {}, `ranked employee ${row.employee_id}`);
        });
      }
      const withoutHours = employeeAggs.filter((a) => a.total_hours === 0).length;
      check(withoutHours > 0, "the dataset has employees without hours");
      const all = await run(tenant, (s) => s.analytics.rankEmployees("productivity_index", 1_000));
      checkEqual(all.length, employeeAggs.length - withoutHours, "employees without hours are left out of productivity");
      for (const metric of ["roi", "profit", "productivity_index"] as ProjectRankingMetric[]) {
        const ranked = await run(tenant, (s) => s.analytics.rankProjects(metric, 10, S));
        const expected = reference(projectAggs, (a: ProjectAggregate) => projectMetricValue(a, metric, { standardAnnualHours: S }), (a) => a.project_id, 10);
        checkEqual(ranked.map((r) => r.project_id), expected, `projects by ${metric}`);
        ranked.forEach((row) => {
          const reference = projectAggs.find((a) => a.project_id === row.project_id);
          checkCloseRecord(row, reference ?? {}, `ranked project ${row.project_id}`);
        });
      }
    });

    it("answers period facts like the reference, for random subjects and periods", async () => {
      const random = seededRandom(11);
      const periods = randomPeriods(random, 8);
      const subjects: AnalyticsSubject[] = [
        { kind: "company" },
        ...data.departments.slice(0, 3).map((d) => ({ kind: "department", id: d.id }) as const),
        ...data.employees.filter((_, i) => i % 40 === 0).map((e) => ({ kind: "employee", id: e.id }) as const),
        ...data.projects.filter((_, i) => i % 10 === 0 || i === 1).map((p) => ({ kind: "project", id: p.id }) as const),
      ];
      for (const period of periods) {
        for (const subject of subjects) {
          const got = await run(tenant, (s) => s.analytics.periodFacts(subject, period));
          checkFacts(got, periodFactsFromRecords(data, subject, period), `${subject.kind} ${"id" in subject ? subject.id : ""} ${period.from}…${period.to}`);
        }
        const byEmployee = await run(tenant, (s) => s.analytics.periodFacts({ kind: "company" }, period, { byEmployee: true }));
        checkFacts(byEmployee, periodFactsFromRecords(data, { kind: "company" }, period, { byEmployee: true }), `company by employee ${period.from}…${period.to}`);
      }
    });

    it("answers the company's monthly sums like the reference computed from its facts (whole months and edge days)", async () => {
      const random = seededRandom(13);
      const periods: Period[] = [{ from: "2024-01-01", to: "2024-12-31" }, ...randomPeriods(random, 8)];
      for (const period of periods) {
        const got = await run(tenant, (s) => s.analytics.companyMonths(period));
        checkMonths(got, companyMonthsFromFacts(periodFactsFromRecords(data, { kind: "company" }, period), period), `company months ${period.from}…${period.to}`);
      }
    });

    it("keeps period facts right through timesheet, employee and project writes", async () => {
      const own = await newTenant();
      const dataset = generateDataset({ seed: 5, departments: 2, employees: 6, projects: 4, timesheets: 0, startDate: "2024-01-01", days: 120 });
      await run(own, (s) => storeDataset(s, dataset));
      const random = seededRandom(3);
      const statuses = ["draft", "submitted", "approved", "rejected"] as const;
      await run(own, async (s) => {
        const employees = (await s.employees.list({}, { skip: 0, limit: 1000 })).items;
        const projects = (await s.projects.list({}, { skip: 0, limit: 1000 })).items;
        const ids: number[] = [];
        for (let i = 0; i < 60; i += 1) {
          const t = await s.timesheets.insert({
            employee_id: employees[Math.floor(random() * employees.length)]!.id,
            project_id: projects[Math.floor(random() * projects.length)]!.id,
            hours_worked: 1 + Math.floor(random() * 6),
            date: dateOfDay(dayNumber("2024-01-01") + Math.floor(random() * 120)),
            description: null,
            status: statuses[i % 4]!,
            reviewed_by: null,
            reviewed_at: null,
            review_note: null,
          });
          ids.push(t.id);
        }
        // Move entries across months, employees and projects; change hours and status; delete some.
        for (let i = 0; i < ids.length; i += 3) {
          await s.timesheets.update(ids[i]!, {
            date: dateOfDay(dayNumber("2024-01-01") + Math.floor(random() * 120)),
            hours_worked: 0.5 + Math.floor(random() * 8),
            employee_id: employees[Math.floor(random() * employees.length)]!.id,
            project_id: projects[Math.floor(random() * projects.length)]!.id,
          });
        }
        for (let i = 1; i < ids.length; i += 5) await s.timesheets.update(ids[i]!, { status: statuses[(i + 1) % 4]! });
        for (let i = 2; i < ids.length; i += 7) await s.timesheets.delete(ids[i]!);
        await s.employees.update(employees[0]!.id, { salary: 123_456, hire_date: "2024-02-10" });
        await s.employees.update(employees[1]!.id, { department_id: employees[5]!.department_id });
        await s.projects.update(projects[1]!.id, { revenue: 77_000, cost: 5_000, department_id: projects[0]!.department_id });
      });
      const records = await run(own, readAll);
      const periods: Period[] = [{ from: "2024-01-01", to: "2024-04-30" }, { from: "2024-01-17", to: "2024-03-03" }, { from: "2024-02-29", to: "2024-02-29" }];
      const subjects: AnalyticsSubject[] = [
        { kind: "company" },
        ...records.employees.slice(0, 2).map((e) => ({ kind: "department", id: e.department_id }) as const),
        { kind: "employee", id: records.employees[0]!.id },
        { kind: "project", id: records.projects[1]!.id },
      ];
      for (const period of periods) {
        for (const subject of subjects) {
          const got = await run(own, (s) => s.analytics.periodFacts(subject, period));
          checkFacts(got, periodFactsFromRecords(records, subject, period), `after writes: ${subject.kind} ${period.from}…${period.to}`);
        }
        const byEmployee = await run(own, (s) => s.analytics.periodFacts({ kind: "company" }, period, { byEmployee: true }));
        checkFacts(byEmployee, periodFactsFromRecords(records, { kind: "company" }, period, { byEmployee: true }), `after writes: company by employee ${period.from}…${period.to}`);
        const months = await run(own, (s) => s.analytics.companyMonths(period));
        checkMonths(months, companyMonthsFromFacts(periodFactsFromRecords(records, { kind: "company" }, period), period), `after writes: company months ${period.from}…${period.to}`);
      }
    });
  });
}

/** Random inclusive periods over the dataset's year and around it (single days, month edges, empty spans included). */
function randomPeriods(random: () => number, n: number): Period[] {
  const base = dayNumber("2023-11-01");
  const out: Period[] = [
    { from: "2024-01-01", to: "2024-12-31" },
    { from: "2024-03-15", to: "2024-03-15" },
    { from: "2020-01-01", to: "2020-06-30" },
  ];
  for (let i = 0; i < n; i += 1) {
    const from = base + Math.floor(random() * 450);
    out.push({ from: dateOfDay(from), to: dateOfDay(from + Math.floor(random() * 200)) });
  }
  return out;
}

/** Compares facts: the same buckets, employees and projects in the same order, numbers close. */
function checkFacts(got: PeriodFacts, expected: PeriodFacts, message: string): void {
  checkEqual(got.buckets.map((b) => `${b.month}|${b.employee_id}|${b.project_id}`), expected.buckets.map((b) => `${b.month}|${b.employee_id}|${b.project_id}`), `${message}: buckets`);
  got.buckets.forEach((b, i) => checkCloseRecord(b, expected.buckets[i]!, `${message}: bucket ${b.month}|${b.employee_id}|${b.project_id}`));
  checkEqual(got.employees.map((e) => e.employee_id), expected.employees.map((e) => e.employee_id), `${message}: employees`);
  got.employees.forEach((e, i) => checkCloseRecord(e, expected.employees[i]!, `${message}: employee ${e.employee_id}`));
  checkEqual(got.projects.map((p) => p.project_id), expected.projects.map((p) => p.project_id), `${message}: projects`);
  got.projects.forEach((p, i) => checkCloseRecord(p, expected.projects[i]!, `${message}: project ${p.project_id}`));
}

function checkMonths(got: readonly CompanyMonth[], expected: readonly CompanyMonth[], message: string): void {
  checkEqual(got.map((m) => m.month), expected.map((m) => m.month), `${message}: months`);
  got.forEach((m, i) => checkCloseRecord(m, expected[i]!, `${message}: ${m.month}`));
}

/** Every employee, project and timesheet of the unit of work's tenant, through the ports. */
async function readAll(s: TenantScope): Promise<{ employees: Employee[]; projects: Project[]; timesheets: Timesheet[] }> {
  const all = async <T>(list: (page: { skip: number; limit: number }) => Promise<{ items: T[] }>): Promise<T[]> => {
    const out: T[] = [];
    for (let skip = 0; ; skip += 1000) {
      const page = await list({ skip, limit: 1000 });
      out.push(...page.items);
      if (page.items.length < 1000) return out;
    }
  };
  return {
    employees: await all((p) => s.employees.list({}, p)),
    projects: await all((p) => s.projects.list({}, p)),
    timesheets: await all((p) => s.timesheets.list({}, p)),
  };
}
