import type {
  AnalyticsStore,
  CompanyAggregate,
  DepartmentAggregate,
  EmployeeAggregate,
  EmployeeRankingMetric,
  ProjectAggregate,
  ProjectRankingMetric,
} from "@epca/core";
import type { SqlExecutor } from "../sql-executor.js";
import { toNumber } from "../values.js";

type Row = Record<string, unknown>;

// Every statement below is one aggregate query; row-level security adds the tenant filter.
// Hours of rejected timesheets never count.

const EMPLOYEE_HOURS = `
  SELECT employee_id, sum(hours_worked) AS total_hours
    FROM timesheets WHERE status <> 'rejected' GROUP BY employee_id`;

const PROJECT_HOURS = `
  SELECT t.project_id, sum(t.hours_worked) AS total_hours, sum(t.hours_worked * e.salary) AS salary_hours
    FROM timesheets t JOIN employees e ON e.id = t.employee_id
   WHERE t.status <> 'rejected' GROUP BY t.project_id`;

/** The SQL value of each employee ranking metric (NULL when its denominator is 0). */
const EMPLOYEE_METRICS: Record<EmployeeRankingMetric, string> = {
  productivity_index: "e.revenue_generated / NULLIF(COALESCE(h.total_hours, 0), 0)",
  roi: "(e.revenue_generated - e.salary) / NULLIF(e.salary, 0)",
  revenue_generated: "e.revenue_generated",
};

/** The SQL value of each project ranking metric; `$2` is the standard annual hours. Same operation order as core's formulas. */
const PROJECT_METRICS: Record<ProjectRankingMetric, string> = {
  profit: "p.revenue - (p.cost + COALESCE(a.salary_hours, 0) / $2::float8)",
  roi: "(p.revenue - (p.cost + COALESCE(a.salary_hours, 0) / $2::float8)) / NULLIF(p.cost + COALESCE(a.salary_hours, 0) / $2::float8, 0)",
  productivity_index: "p.revenue / NULLIF(COALESCE(a.total_hours, 0), 0)",
};

function employeeAggregate(r: Row): EmployeeAggregate {
  return {
    employee_id: toNumber(r.id),
    name: String(r.name),
    department_id: toNumber(r.department_id),
    salary: toNumber(r.salary),
    revenue_generated: toNumber(r.revenue_generated),
    is_active: Boolean(r.is_active),
    total_hours: toNumber(r.total_hours ?? 0),
  };
}

function projectAggregate(r: Row): ProjectAggregate {
  return {
    project_id: toNumber(r.id),
    name: String(r.name),
    department_id: toNumber(r.department_id),
    status: r.status as ProjectAggregate["status"],
    cost: toNumber(r.cost),
    revenue: toNumber(r.revenue),
    completion_percentage: toNumber(r.completion_percentage),
    total_hours: toNumber(r.total_hours ?? 0),
    salary_hours: toNumber(r.salary_hours ?? 0),
  };
}

/** A limit as SQL accepts it: a non-negative integer. */
function sqlLimit(limit: number): number {
  return Number.isFinite(limit) ? Math.max(0, Math.floor(limit)) : 0;
}

/** The company analytics statement (also what the benchmark compares against). */
export const COMPANY_AGGREGATE_SQL = `
SELECT (SELECT count(*) FROM departments) AS department_count,
       e.employee_count, e.salary_total,
       p.project_count, p.project_cost_total, p.project_revenue_total,
       t.total_hours
  FROM (SELECT count(*) AS employee_count, COALESCE(sum(salary), 0)::float8 AS salary_total FROM employees) e,
       (SELECT count(*) AS project_count, COALESCE(sum(cost), 0)::float8 AS project_cost_total,
               COALESCE(sum(revenue), 0)::float8 AS project_revenue_total FROM projects) p,
       (SELECT COALESCE(sum(hours_worked), 0)::float8 AS total_hours FROM timesheets WHERE status <> 'rejected') t`;

/** Analytics aggregates of the transaction's tenant, computed by PostgreSQL. */
/** The sums a department and the company share, from one aggregate row. */
function totalsOf(r: Record<string, unknown>) {
  return {
    employee_count: toNumber(r.employee_count),
    project_count: toNumber(r.project_count),
    salary_total: toNumber(r.salary_total),
    project_cost_total: toNumber(r.project_cost_total),
    project_revenue_total: toNumber(r.project_revenue_total),
    total_hours: toNumber(r.total_hours),
  };
}

export function analyticsStore(sql: SqlExecutor): AnalyticsStore {
  return {
    async employee(employeeId) {
      const result = await sql.query(
        `SELECT e.id, e.name, e.department_id, e.salary, e.revenue_generated, e.is_active,
                (SELECT COALESCE(sum(t.hours_worked), 0)::float8 FROM timesheets t
                  WHERE t.employee_id = e.id AND t.status <> 'rejected') AS total_hours
           FROM employees e WHERE e.id = $1`,
        [employeeId],
      );
      return result.rows[0] ? employeeAggregate(result.rows[0]) : null;
    },

    async project(projectId) {
      const result = await sql.query(
        `SELECT p.id, p.name, p.department_id, p.status, p.cost, p.revenue, p.completion_percentage,
                a.total_hours, a.salary_hours
           FROM projects p,
                LATERAL (SELECT COALESCE(sum(t.hours_worked), 0)::float8 AS total_hours,
                                COALESCE(sum(t.hours_worked * e.salary), 0)::float8 AS salary_hours
                           FROM timesheets t JOIN employees e ON e.id = t.employee_id
                          WHERE t.project_id = p.id AND t.status <> 'rejected') a
          WHERE p.id = $1`,
        [projectId],
      );
      return result.rows[0] ? projectAggregate(result.rows[0]) : null;
    },

    async department(departmentId) {
      const result = await sql.query(
        `SELECT d.id, d.name, d.budget, m.employee_count, m.salary_total,
                p.project_count, p.project_cost_total, p.project_revenue_total, h.total_hours
           FROM departments d,
                LATERAL (SELECT count(*) AS employee_count, COALESCE(sum(salary), 0)::float8 AS salary_total
                           FROM employees WHERE department_id = d.id) m,
                LATERAL (SELECT count(*) AS project_count, COALESCE(sum(cost), 0)::float8 AS project_cost_total,
                                COALESCE(sum(revenue), 0)::float8 AS project_revenue_total
                           FROM projects WHERE department_id = d.id) p,
                LATERAL (SELECT COALESCE(sum(t.hours_worked), 0)::float8 AS total_hours
                           FROM timesheets t JOIN employees e ON e.id = t.employee_id
                          WHERE e.department_id = d.id AND t.status <> 'rejected') h
          WHERE d.id = $1`,
        [departmentId],
      );
      const r = result.rows[0];
      if (!r) return null;
      const aggregate: DepartmentAggregate = {
        department_id: toNumber(r.id),
        name: String(r.name),
        budget: toNumber(r.budget),
        ...totalsOf(r),
      };
      return aggregate;
    },

    async company() {
      const result = await sql.query(COMPANY_AGGREGATE_SQL);
      const r = result.rows[0]!;
      const aggregate: CompanyAggregate = { department_count: toNumber(r.department_count), ...totalsOf(r) };
      return aggregate;
    },

    async rankEmployees(metric, limit) {
      const value = EMPLOYEE_METRICS[metric];
      if (!value) throw new RangeError(`Unknown employee ranking metric: ${String(metric)}`);
      const result = await sql.query(
        `SELECT e.id, e.name, e.department_id, e.salary, e.revenue_generated, e.is_active,
                COALESCE(h.total_hours, 0)::float8 AS total_hours
           FROM employees e LEFT JOIN (${EMPLOYEE_HOURS}) h ON h.employee_id = e.id
          WHERE ${value} IS NOT NULL
          ORDER BY ${value} DESC, e.id ASC
          LIMIT $1`,
        [sqlLimit(limit)],
      );
      return result.rows.map(employeeAggregate);
    },

    async rankProjects(metric, limit, standardAnnualHours) {
      const value = PROJECT_METRICS[metric];
      if (!value) throw new RangeError(`Unknown project ranking metric: ${String(metric)}`);
      if (!Number.isFinite(standardAnnualHours) || standardAnnualHours <= 0) {
        throw new RangeError(`standardAnnualHours must be a positive number, got ${standardAnnualHours}`);
      }
      const result = await sql.query(
        `SELECT p.id, p.name, p.department_id, p.status, p.cost, p.revenue, p.completion_percentage,
                COALESCE(a.total_hours, 0)::float8 AS total_hours, COALESCE(a.salary_hours, 0)::float8 AS salary_hours
           FROM projects p LEFT JOIN (${PROJECT_HOURS}) a ON a.project_id = p.id
          WHERE ${value} IS NOT NULL
          ORDER BY ${value} DESC, p.id ASC
          LIMIT $1`,
        value.includes("$2") ? [sqlLimit(limit), standardAnnualHours] : [sqlLimit(limit)],
      );
      return result.rows.map(projectAggregate);
    },
  };
}
