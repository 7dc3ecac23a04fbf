import { z } from "zod";
import { projectStatusSchema } from "./project.js";
import { employeeRankingMetricSchema, projectRankingMetricSchema } from "./ranking.js";

// The answers of the analytics use cases, declared once: the server documents them, reports and
// the web app read them, and the types below are inferred from them.

/** A ratio or a per-hour figure; `null` when its denominator is 0. */
const ratio = z.number().nullable();

/** The tenant's figures: the department formulas over everything (docs/metrics.md, "Company"). */
export const companyAnalyticsSchema = z.object({
  department_count: z.number().int(),
  employee_count: z.number().int(),
  project_count: z.number().int(),
  total_revenue: z.number().describe("Σ revenue of all projects, currency."),
  total_cost: z.number().describe("Σ all salaries + Σ all project direct costs, currency."),
  profit: z.number().describe("`total_revenue − total_cost`, currency."),
  roi: ratio.describe("`profit / total_cost`; `null` when total cost is 0."),
  productivity_index: ratio.describe("`total_revenue / total_hours`, currency per hour; `null` without hours."),
  total_hours: z.number().describe("Σ hours of all non-rejected timesheets."),
});
export type CompanyAnalytics = z.infer<typeof companyAnalyticsSchema>;

/** The figures of one department (docs/metrics.md, "Department"). */
export const departmentAnalyticsSchema = z.object({
  department_id: z.number().int(),
  name: z.string(),
  budget: z.number().describe("Budget, currency."),
  employee_count: z.number().int().describe("Employees whose `department_id` is this department (active or not)."),
  project_count: z.number().int().describe("Projects whose `department_id` is this department."),
  total_revenue: z.number().describe("Σ revenue of the department's projects, currency."),
  total_cost: z.number().describe("Σ member salaries + Σ project direct cost, currency."),
  profit: z.number().describe("`total_revenue − total_cost`, currency."),
  roi: ratio.describe("`profit / total_cost`; `null` when total cost is 0."),
  total_hours: z.number().describe("Σ hours of non-rejected timesheets logged by members, on any project."),
  productivity_index: ratio.describe("`total_revenue / total_hours`, currency per hour; `null` without hours."),
  budget_utilization: ratio.describe("`total_cost / budget`, a fraction (1 = the whole budget); `null` when the budget is 0."),
});
export type DepartmentAnalytics = z.infer<typeof departmentAnalyticsSchema>;

/** The figures of one employee (docs/metrics.md, "Employee"). */
export const employeeAnalyticsSchema = z.object({
  employee_id: z.number().int(),
  name: z.string(),
  department_id: z.number().int(),
  revenue: z.number().describe("`revenue_generated`, currency."),
  cost: z.number().describe("Annual salary, currency."),
  profit: z.number().describe("`revenue − cost`, currency."),
  roi: ratio.describe("`(revenue − cost) / cost`; `null` when cost is 0."),
  total_hours: z.number().describe("Σ hours of the employee's non-rejected timesheets."),
  productivity_index: ratio.describe("`revenue / total_hours`, currency per hour; `null` without hours."),
  hourly_cost: ratio.describe("`salary / standardAnnualHours`, currency per hour."),
});
export type EmployeeAnalytics = z.infer<typeof employeeAnalyticsSchema>;

/** The figures of one project (docs/metrics.md, "Project"). */
export const projectAnalyticsSchema = z.object({
  project_id: z.number().int(),
  name: z.string(),
  department_id: z.number().int(),
  status: projectStatusSchema,
  completion_percentage: z.number().describe("0–100, as stored."),
  revenue: z.number().describe("Project revenue, currency."),
  direct_cost: z.number().describe("`project.cost`, currency."),
  labour_cost: z.number().describe("Σ hours × hourly cost of the employee who logged them, currency."),
  total_cost: z.number().describe("`direct_cost + labour_cost`, currency."),
  profit: z.number().describe("`revenue − total_cost`, currency."),
  roi: ratio.describe("`profit / total_cost`; `null` when total cost is 0."),
  total_hours: z.number().describe("Σ hours of non-rejected timesheets on the project."),
  productivity_index: ratio.describe("`revenue / total_hours`, currency per hour; `null` without hours."),
});
export type ProjectAnalytics = z.infer<typeof projectAnalyticsSchema>;

/** An employee's place in a ranking, with their figures and the value they were ranked by. */
export const employeeRankingSchema = employeeAnalyticsSchema.extend({
  rank: z.number().int().describe("1 for the highest value."),
  metric: employeeRankingMetricSchema,
  value: z.number(),
});
export type EmployeeRanking = z.infer<typeof employeeRankingSchema>;

/** A project's place in a ranking, with its figures and the value it was ranked by. */
export const projectRankingSchema = projectAnalyticsSchema.extend({
  rank: z.number().int().describe("1 for the highest value."),
  metric: projectRankingMetricSchema,
  value: z.number(),
});
export type ProjectRanking = z.infer<typeof projectRankingSchema>;
