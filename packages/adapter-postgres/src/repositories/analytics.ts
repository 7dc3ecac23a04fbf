import { addMonths, dateOfDay, DAYS_PER_YEAR, dayNumber, monthBounds, monthOf, monthsOf } from "@epca/core";
import type {
  AnalyticsSubject,
  CompanyMonth,
  EmployeeFact,
  MonthlyBucket,
  PeriodFacts,
  ProjectFact,
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

// All-time sums read the monthly rollups (migrations/0004), which hold exactly the counted hours.
const EMPLOYEE_HOURS = `
  SELECT employee_id, sum(hours)::float8 AS total_hours
    FROM timesheet_rollups GROUP BY employee_id`;

const PROJECT_HOURS = `
  SELECT r.project_id, sum(r.hours)::float8 AS total_hours, sum(r.hours::float8 * e.salary) AS salary_hours
    FROM timesheet_rollups r JOIN employees e ON e.id = r.employee_id
   GROUP BY r.project_id`;

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

/** The company analytics statement over raw timesheets: what the benchmark compares the rollups against. */
export const COMPANY_AGGREGATE_SQL = `
SELECT (SELECT count(*) FROM departments) AS department_count,
       e.employee_count, e.salary_total,
       p.project_count, p.project_cost_total, p.project_revenue_total,
       t.total_hours
  FROM (SELECT count(*) AS employee_count, COALESCE(sum(salary), 0)::float8 AS salary_total FROM employees) e,
       (SELECT count(*) AS project_count, COALESCE(sum(cost), 0)::float8 AS project_cost_total,
               COALESCE(sum(revenue), 0)::float8 AS project_revenue_total FROM projects) p,
       (SELECT COALESCE(sum(hours_worked), 0)::float8 AS total_hours FROM timesheets WHERE status <> 'rejected') t`;

/** The company analytics statement the adapter runs: the same, with hours from the rollups. */
export const COMPANY_ROLLUP_AGGREGATE_SQL = COMPANY_AGGREGATE_SQL.replace(
  "(SELECT COALESCE(sum(hours_worked), 0)::float8 AS total_hours FROM timesheets WHERE status <> 'rejected') t",
  "(SELECT COALESCE(sum(hours), 0)::float8 AS total_hours FROM project_month_rollups) t",
);

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
                (SELECT COALESCE(sum(r.hours), 0)::float8 FROM timesheet_rollups r
                  WHERE r.employee_id = e.id) AS total_hours
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
                LATERAL (SELECT COALESCE(sum(r.hours), 0)::float8 AS total_hours,
                                COALESCE(sum(r.hours::float8 * e.salary), 0)::float8 AS salary_hours
                           FROM timesheet_rollups r JOIN employees e ON e.id = r.employee_id
                          WHERE r.project_id = p.id) a
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
                LATERAL (SELECT COALESCE(sum(r.hours), 0)::float8 AS total_hours
                           FROM timesheet_rollups r JOIN employees e ON e.id = r.employee_id
                          WHERE e.department_id = d.id) h
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
      const result = await sql.query(COMPANY_ROLLUP_AGGREGATE_SQL);
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

    async periodFacts(subject, period, options) {
      return periodFacts(sql, subject, period, subject.kind !== "company" || options?.byEmployee === true);
    },

    async companyMonths(period) {
      return companyMonths(sql, period);
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

/** The ISO date after `date`. */
function dayAfter(date: string): string {
  return dateOfDay(dayNumber(date) + 1);
}

/**
 * The whole months of a period (read from the rollups) as `[fullFrom, fullToExclusive)`; the days
 * of the period outside them (partial months at its edges) are read from timesheets by date.
 */
export function fullMonths(period: { from: string; to: string }): { fullFrom: string; fullToExclusive: string } {
  const fromMonth = monthOf(period.from);
  const toMonth = monthOf(period.to);
  const fullFrom = period.from === `${fromMonth}-01` ? period.from : `${addMonths(fromMonth, 1)}-01`;
  const fullToExclusive = period.to === monthBounds(toMonth).to ? `${addMonths(toMonth, 1)}-01` : `${toMonth}-01`;
  return { fullFrom, fullToExclusive };
}

/** SQL conditions of a subject's buckets, on rollups/timesheets (`b`) joined with employees `e` and projects `p`. */
function subjectCondition(subject: AnalyticsSubject): { where: string; params: unknown[] } {
  switch (subject.kind) {
    case "company":
      return { where: "TRUE", params: [] };
    case "employee":
      return { where: "b.employee_id = $5", params: [subject.id] };
    case "project":
      return { where: "b.project_id = $5", params: [subject.id] };
    case "department":
      return { where: "(e.department_id = $5 OR p.department_id = $5)", params: [subject.id] };
  }
}

/**
 * The company's series sums per month: whole months from the company's monthly rollups
 * (migration 0012: hours, salary-weighted hours and each project's share of revenue and cost,
 * kept by triggers; corrected at read time by the projects written since the background refresh
 * last ran, migration 0013), the edge days of a period that does not start or end on a month's bounds
 * from timesheets (with each project's all-time hours); prorated salaries from the salaries by
 * hire date (also 0012). Reads a row per month and per hire date, not one per project × month or
 * per employee.
 */
async function companyMonths(sql: SqlExecutor, period: { from: string; to: string }): Promise<CompanyMonth[]> {
  const { fullFrom, fullToExclusive } = fullMonths(period);
  // The cached months corrected by the projects written since their last refresh (migration 0013),
  // this transaction's own writes included.
  const whole = await sql.query(
    `SELECT to_char(month, 'YYYY-MM') AS month, hours::float8 AS hours, salary_hours::float8 AS salary_hours,
            revenue_share::float8 AS revenue, cost_share::float8 AS direct_cost
       FROM company_months_current($1::date, $2::date)`,
    [fullFrom, fullToExclusive],
  );
  const edgeRows =
    fullFrom === period.from && fullToExclusive === dayAfter(period.to)
      ? []
      : (
          await sql.query(
            `WITH edge AS (
               SELECT t.project_id, date_trunc('month', t.date)::date AS month, sum(t.hours_worked::numeric) AS hours,
                      sum(t.hours_worked::numeric * e.salary::numeric) AS salary_hours
                 FROM timesheets t JOIN employees e ON e.id = t.employee_id
                WHERE t.status <> 'rejected' AND t.date >= $1::date AND t.date <= $2::date
                  AND (t.date < $3::date OR t.date >= $4::date)
                GROUP BY 1, 2
             ), totals AS (
               SELECT project_id, sum(hours)::float8 AS total_hours FROM project_month_rollups
                WHERE project_id IN (SELECT project_id FROM edge) GROUP BY project_id
             )
             SELECT to_char(edge.month, 'YYYY-MM') AS month, sum(edge.hours)::float8 AS hours, sum(edge.salary_hours)::float8 AS salary_hours,
                    COALESCE(sum(p.revenue * edge.hours::float8 / t.total_hours) FILTER (WHERE edge.hours <> 0 AND t.total_hours <> 0), 0) AS revenue,
                    COALESCE(sum(p.cost * edge.hours::float8 / t.total_hours) FILTER (WHERE edge.hours <> 0 AND t.total_hours <> 0), 0) AS direct_cost
               FROM edge JOIN projects p ON p.id = edge.project_id LEFT JOIN totals t ON t.project_id = edge.project_id
              GROUP BY edge.month`,
            [period.from, period.to, fullFrom, fullToExclusive],
          )
        ).rows;
  const salaries = await sql.query(
    `SELECT CASE WHEN hire_date = '-infinity' THEN NULL ELSE to_char(hire_date, 'YYYY-MM-DD') END AS hire_date, salary::float8 AS salary
       FROM employee_hire_rollups`,
  );
  const byMonth = new Map([...whole.rows, ...edgeRows].map((r) => [String(r.month), r]));
  // core's `prorated` (salary × days employed in the window / 365) with the days counted once per hire date.
  const hires = salaries.rows.map((r) => ({
    day: r.hire_date === null || r.hire_date === undefined ? -Infinity : dayNumber(String(r.hire_date)),
    salary: toNumber(r.salary),
  }));
  return monthsOf(period).map(({ month, window }) => {
    const r = byMonth.get(month);
    const from = dayNumber(window.from);
    const to = dayNumber(window.to);
    let salaryCost = 0;
    for (const h of hires) {
      const start = h.day > from ? h.day : from;
      if (start <= to) salaryCost += (h.salary * (to - start + 1)) / DAYS_PER_YEAR;
    }
    return {
      month,
      hours: r ? toNumber(r.hours) : 0,
      salary_hours: r ? toNumber(r.salary_hours) : 0,
      salary_cost: salaryCost,
      revenue: r ? toNumber(r.revenue) : 0,
      direct_cost: r ? toNumber(r.direct_cost) : 0,
    };
  });
}

/** The period facts of a subject: whole months from the rollups, edge days from timesheets, one statement each. */
async function periodFacts(
  sql: SqlExecutor,
  subject: AnalyticsSubject,
  period: { from: string; to: string },
  perEmployee: boolean,
): Promise<PeriodFacts> {
  const { fullFrom, fullToExclusive } = fullMonths(period);
  const cond = subjectCondition(subject);
  // Narrow both halves early for one employee or project (the rollup indexes lead with them).
  const narrow =
    subject.kind === "employee" ? " AND employee_id = $5" : subject.kind === "project" ? " AND project_id = $5" : "";
  const params = [period.from, period.to, fullFrom, fullToExclusive, ...cond.params];
  // Whole months only: no edge days to read from timesheets (the planner cannot see that itself).
  const edges = fullFrom === period.from && fullToExclusive === dayAfter(period.to) ? " AND FALSE" : "";
  const buckets = perEmployee
    ? await sql.query(
        `WITH b AS (
           SELECT employee_id, project_id, month, hours FROM timesheet_rollups
            WHERE month >= $3::date AND month < $4::date${narrow}
           UNION ALL
           SELECT employee_id, project_id, date_trunc('month', date)::date, hours_worked::numeric FROM timesheets
            WHERE status <> 'rejected' AND date >= $1::date AND date <= $2::date
              AND (date < $3::date OR date >= $4::date)${narrow}${edges}
         )
         SELECT to_char(b.month, 'YYYY-MM') AS month, b.employee_id, b.project_id,
                sum(b.hours)::float8 AS hours, sum(b.hours)::float8 * COALESCE(e.salary, 0)::float8 AS salary_hours
           FROM b LEFT JOIN employees e ON e.id = b.employee_id LEFT JOIN projects p ON p.id = b.project_id
          WHERE ${cond.where}
          GROUP BY b.month, b.employee_id, b.project_id, e.salary
         HAVING sum(b.hours) <> 0
          ORDER BY b.month, b.employee_id, b.project_id`,
        params,
      )
    : // The company's grain: whole months from the per-project rollups, edge days from timesheets.
      await sql.query(
        `WITH b AS (
           SELECT project_id, month, hours, salary_hours FROM project_month_rollups
            WHERE month >= $3::date AND month < $4::date
           UNION ALL
           SELECT t.project_id, date_trunc('month', t.date)::date, t.hours_worked::numeric,
                  t.hours_worked::numeric * e.salary::numeric
             FROM timesheets t JOIN employees e ON e.id = t.employee_id
            WHERE t.status <> 'rejected' AND t.date >= $1::date AND t.date <= $2::date
              AND (t.date < $3::date OR t.date >= $4::date)${edges}
         )
         SELECT to_char(month, 'YYYY-MM') AS month, NULL::bigint AS employee_id, project_id,
                sum(hours)::float8 AS hours, sum(salary_hours)::float8 AS salary_hours
           FROM b GROUP BY month, project_id
         HAVING sum(hours) <> 0
          ORDER BY month, project_id`,
        params,
      );
  const employeeWhere =
    subject.kind === "company" ? "TRUE" : subject.kind === "department" ? "department_id = $1" : subject.kind === "employee" ? "id = $1" : "FALSE";
  const projectWhere =
    subject.kind === "company" ? "TRUE" : subject.kind === "department" ? "p.department_id = $1" : subject.kind === "project" ? "p.id = $1" : "FALSE";
  const id = subject.kind === "company" ? null : subject.id;
  const employees = await sql.query(
    `SELECT id, name, department_id, salary, revenue_generated, to_char(hire_date, 'YYYY-MM-DD') AS hire_date
       FROM employees WHERE ${employeeWhere} AND ($1::bigint IS NULL OR TRUE) ORDER BY id`,
    [id],
  );
  const projects = await sql.query(
    `SELECT p.id, p.name, p.department_id, p.status, p.completion_percentage, p.revenue, p.cost,
            COALESCE(h.total_hours, 0)::float8 AS total_hours
       FROM projects p
       LEFT JOIN (SELECT project_id, sum(hours) AS total_hours FROM project_month_rollups
                   WHERE ($1::bigint IS NULL OR ${subject.kind === "project" ? "project_id = $1" : "TRUE"}) GROUP BY project_id) h
         ON h.project_id = p.id
      WHERE ${projectWhere} ORDER BY p.id`,
    [id],
  );
  return {
    buckets: buckets.rows.map(
      (r): MonthlyBucket => ({
        employee_id: r.employee_id === null ? null : toNumber(r.employee_id),
        project_id: toNumber(r.project_id),
        month: String(r.month),
        hours: toNumber(r.hours),
        salary_hours: toNumber(r.salary_hours),
      }),
    ),
    employees: employees.rows.map(
      (r): EmployeeFact => ({
        employee_id: toNumber(r.id),
        name: String(r.name),
        department_id: toNumber(r.department_id),
        salary: toNumber(r.salary),
        revenue_generated: toNumber(r.revenue_generated),
        hire_date: r.hire_date === null || r.hire_date === undefined ? null : String(r.hire_date),
      }),
    ),
    projects: projects.rows.map(
      (r): ProjectFact => ({
        project_id: toNumber(r.id),
        name: String(r.name),
        department_id: toNumber(r.department_id),
        status: r.status as ProjectFact["status"],
        completion_percentage: toNumber(r.completion_percentage),
        revenue: toNumber(r.revenue),
        cost: toNumber(r.cost),
        total_hours: toNumber(r.total_hours),
      }),
    ),
  };
}
