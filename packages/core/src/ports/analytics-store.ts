import type { z } from "zod";
import type { ProjectStatus } from "../schemas/project.js";
import type { employeeRankingMetricSchema, projectRankingMetricSchema } from "../schemas/ranking.js";

/** An employee with the hours they logged (every status but `rejected`). */
export interface EmployeeAggregate {
  readonly employee_id: number;
  readonly name: string;
  readonly department_id: number;
  readonly salary: number;
  readonly revenue_generated: number;
  readonly is_active: boolean;
  /** Σ hours_worked of the employee. */
  readonly total_hours: number;
}

/** A project with the hours logged on it and their salary weight. */
export interface ProjectAggregate {
  readonly project_id: number;
  readonly name: string;
  readonly department_id: number;
  readonly status: ProjectStatus;
  readonly cost: number;
  readonly revenue: number;
  readonly completion_percentage: number;
  /** Σ hours_worked on the project. */
  readonly total_hours: number;
  /** Σ hours_worked × the annual salary of the employee who logged them (labour cost × standard annual hours). */
  readonly salary_hours: number;
}

/** Sums over one department: its members and its projects. */
export interface DepartmentAggregate {
  readonly department_id: number;
  readonly name: string;
  readonly budget: number;
  readonly employee_count: number;
  readonly project_count: number;
  /** Σ salary of the department's employees. */
  readonly salary_total: number;
  /** Σ cost of the department's projects. */
  readonly project_cost_total: number;
  /** Σ revenue of the department's projects. */
  readonly project_revenue_total: number;
  /** Σ hours logged by the department's employees. */
  readonly total_hours: number;
}

/** Sums over the whole tenant. */
export interface CompanyAggregate {
  readonly department_count: number;
  readonly employee_count: number;
  readonly project_count: number;
  readonly salary_total: number;
  readonly project_cost_total: number;
  readonly project_revenue_total: number;
  readonly total_hours: number;
}

/** What an analytics answer is about. */
export type AnalyticsSubject =
  | { readonly kind: "company" }
  | { readonly kind: "department"; readonly id: number }
  | { readonly kind: "employee"; readonly id: number }
  | { readonly kind: "project"; readonly id: number };

/** Counted hours of one employee (or, for the company's default grain, of everyone) on one project in one month (inside a period). */
export interface MonthlyBucket {
  /** `null` when the bucket sums every employee (the company's default grain). */
  readonly employee_id: number | null;
  readonly project_id: number;
  /** `YYYY-MM`. */
  readonly month: string;
  /** Σ hours_worked. */
  readonly hours: number;
  /** Σ hours_worked × the employee's (current) annual salary. */
  readonly salary_hours: number;
}

/** What the period formulas need of an employee. */
export interface EmployeeFact {
  readonly employee_id: number;
  readonly name: string;
  readonly department_id: number;
  readonly salary: number;
  readonly revenue_generated: number;
  readonly hire_date: string | null;
}

/** What the period formulas need of a project: its money and its all-time counted hours. */
export interface ProjectFact {
  readonly project_id: number;
  readonly name: string;
  readonly status: ProjectStatus;
  readonly completion_percentage: number;
  readonly department_id: number;
  readonly revenue: number;
  readonly cost: number;
  /** Σ counted hours on the project, all time (the denominator of effort-based recognition). */
  readonly total_hours: number;
}

/** Everything core's period formulas compute from (see core `metrics/period.ts`). */
export interface PeriodFacts {
  /** Ordered by month, employee id, project id; only buckets with hours. */
  readonly buckets: readonly MonthlyBucket[];
  /** Ordered by employee id. */
  readonly employees: readonly EmployeeFact[];
  /** Ordered by project id. */
  readonly projects: readonly ProjectFact[];
}

/**
 * The sums of the company's series in one month of a period (the part of the period inside it):
 * what core's `companyMonthsFromFacts` computes from the company's `PeriodFacts`.
 */
export interface CompanyMonth {
  /** `YYYY-MM`. */
  readonly month: string;
  /** Σ counted hours. */
  readonly hours: number;
  /** Σ hours × the employee's annual salary (labour cost = this / standard annual hours). */
  readonly salary_hours: number;
  /** Σ every employee's salary prorated to the days of the month's window they were employed. */
  readonly salary_cost: number;
  /** Σ over projects of revenue × the month's hours / the project's all-time hours. */
  readonly revenue: number;
  /** Σ over projects of cost × the month's hours / the project's all-time hours. */
  readonly direct_cost: number;
}

/** Metrics employees can be ranked by. */
export type EmployeeRankingMetric = z.infer<typeof employeeRankingMetricSchema>;
/** Metrics projects can be ranked by. */
export type ProjectRankingMetric = z.infer<typeof projectRankingMetricSchema>;

/**
 * Aggregates for the analytics formulas, computed where the data lives (SQL aggregates on
 * PostgreSQL): an adapter MUST NOT answer by loading every row of a table into the process.
 * Hours of `rejected` timesheets never count.
 */
export interface AnalyticsStore {
  /** The employee's aggregate, or `null` when the employee does not exist. */
  employee(employeeId: number): Promise<EmployeeAggregate | null>;
  /** The project's aggregate, or `null` when the project does not exist. */
  project(projectId: number): Promise<ProjectAggregate | null>;
  /** The department's aggregate, or `null` when the department does not exist. */
  department(departmentId: number): Promise<DepartmentAggregate | null>;
  /** The tenant's totals. */
  company(): Promise<CompanyAggregate>;
  /**
   * The top `limit` employees by `metric` (see core `metrics/`), highest first, ties by id
   * ascending; employees whose metric is `null` (no hours, for productivity) are left out.
   */
  rankEmployees(metric: EmployeeRankingMetric, limit: number): Promise<EmployeeAggregate[]>;
  /**
   * The top `limit` projects by `metric` with labour cost = salary_hours / `standardAnnualHours`,
   * highest first, ties by id ascending; projects whose metric is `null` are left out.
   */
  rankProjects(metric: ProjectRankingMetric, limit: number, standardAnnualHours: number): Promise<ProjectAggregate[]>;
  /**
   * The facts of `subject` over an inclusive `period` (ISO dates), exactly as core's
   * `periodFactsFromRecords` defines them (the same `options`): monthly buckets at day precision, the subject's
   * employees and projects. Computed where the data lives (rollups on PostgreSQL).
   */
  periodFacts(
    subject: AnalyticsSubject,
    period: { readonly from: string; readonly to: string },
    options?: { readonly byEmployee?: boolean },
  ): Promise<PeriodFacts>;
  /**
   * The company's series sums, one per month the inclusive `period` touches (in order, months
   * without hours included): equal (to floating-point rounding) to core's
   * `companyMonthsFromFacts(periodFacts({ kind: "company" }, period), period)`, but summed where
   * the data lives, so that a long series does not read one bucket per project and month.
   */
  companyMonths(period: { readonly from: string; readonly to: string }): Promise<CompanyMonth[]>;
}
