import { aggregateCompany, aggregateDepartment, aggregateEmployee, aggregateProject } from "../../metrics/aggregate.js";
import { employeeMetricValue, projectMetricValue } from "../../metrics/rankings.js";
import type { EmployeeAggregate, EmployeeRankingMetric, ProjectAggregate, ProjectRankingMetric } from "../../ports/analytics-store.js";
import { check, checkCloseRecord, checkEqual } from "../assertions.js";
import { generateDataset, storeDataset, type StoredDataset } from "../dataset.js";
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
  });
}
