import { z } from "zod";
import { isoDateSchema } from "./common.js";
import { datesInOrder } from "./dates.js";
import { projectStatusSchema } from "./project.js";
import { employeeRankingMetricSchema, projectRankingMetricSchema } from "./ranking.js";

// The answers of the analytics use cases, declared once: the server documents them, reports and
// the web app read them, and the types below are inferred from them.

/** A ratio or a per-hour figure; `null` when its denominator is 0. */
const ratio = z.number().nullable();

/** An inclusive period of ISO dates; `from` after `to` is refused. Either end may be left out. */
export const analyticsPeriodSchema = z
  .object({
    from: isoDateSchema.optional().describe("First day counted (inclusive, `YYYY-MM-DD`)."),
    to: isoDateSchema.optional().describe("Last day counted (inclusive, `YYYY-MM-DD`)."),
  })
  .refine((p) => datesInOrder(p.from, p.to), { message: "from must not be after to", path: ["from"] });
export type AnalyticsPeriodQuery = z.input<typeof analyticsPeriodSchema>;

/** The period an answer covers (present when the request named one). */
const periodEcho = z
  .object({ from: z.string(), to: z.string() })
  .optional()
  .describe("The inclusive period the figures cover; absent for all-time figures.");

/** One point of a series: a month (`YYYY-MM`), or a quarter named by its first month (docs/metrics.md, "Series"). */
export const seriesPointSchema = z.object({
  month: z.string().describe("`YYYY-MM`; for quarters the first month of the quarter."),
  hours: z.number().describe("Counted hours in the month."),
  labour_cost: z.number().optional().describe("Σ hours × hourly cost, currency."),
  salary_cost: z.number().optional().describe("Salaries prorated to the employed days of the month, currency."),
  direct_cost: z.number().describe("Project direct cost recognised in the month (effort-based), currency."),
  revenue: z.number().describe("Revenue recognised in the month (effort-based), currency."),
  cost: z.number().optional().describe("The subject's cost in the month (docs/metrics.md), currency."),
  profit: z.number().optional().describe("`revenue − cost`, currency."),
  roi: ratio.optional().describe("`profit / cost`; `null` when cost is 0."),
  productivity_index: ratio.describe("`revenue / hours`; `null` without hours."),
});
export type SeriesPointAnswer = z.infer<typeof seriesPointSchema>;

/** A series answer: the points of a period and their total. */
export const analyticsSeriesSchema = z.object({
  from: z.string(),
  to: z.string(),
  interval: z.enum(["month", "quarter"]),
  points: z.array(seriesPointSchema),
  total: seriesPointSchema.describe("The points added up (`month` is `total`): the period's figures."),
});
export type AnalyticsSeries = z.infer<typeof analyticsSeriesSchema>;

/** A figure against the previous period of the same length. */
export const trendSchema = z
  .object({
    previous: z.number().nullable().describe("The figure over the previous period."),
    change: z.number().nullable().describe("`current − previous`; `null` when either is null."),
    change_ratio: z.number().nullable().describe("`change / |previous|`; `null` when previous is 0 or null."),
  })
  .nullable();

/** One department's bar of the dashboard chart. */
export const departmentMetricSchema = z.object({
  department_id: z.number().int(),
  name: z.string(),
  revenue: z.number(),
  cost: z.number(),
  profit: z.number(),
  roi: ratio,
  productivity_index: ratio,
  budget_utilization: ratio,
});
export type DepartmentMetric = z.infer<typeof departmentMetricSchema>;

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
  period: periodEcho,
  department_metrics: z.array(departmentMetricSchema).optional().describe("Per department, over the same period."),
  monthly_revenue: z.array(seriesPointSchema).optional().describe("The company series of the last 12 months ending with `to` (or today)."),
  revenue_trend: trendSchema.optional().describe("`total_revenue` against the previous period of the same length (without a period: the trailing 12 months against the 12 before)."),
  roi_trend: trendSchema.optional().describe("`roi` against the previous period of the same length (without a period: the trailing 12 months against the 12 before)."),
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
  period: periodEcho,
});
export type DepartmentAnalytics = z.infer<typeof departmentAnalyticsSchema>;

/** The figures of one employee (docs/metrics.md, "Employee"). */
export const employeeAnalyticsSchema = z.object({
  employee_id: z.number().int(),
  name: z.string(),
  department_id: z.number().int(),
  revenue: z.number().describe("`revenue_generated`, currency."),
  cost: z.number().optional().describe("Annual salary (over a period: prorated), currency. Pay: left out for who may not see it (docs/privacy.md)."),
  profit: z.number().optional().describe("`revenue − cost`, currency. Pay-derived: may be left out."),
  roi: ratio.optional().describe("`(revenue − cost) / cost`; `null` when cost is 0. Pay-derived: may be left out."),
  total_hours: z.number().describe("Σ hours of the employee's non-rejected timesheets."),
  productivity_index: ratio.describe("`revenue / total_hours`, currency per hour; `null` without hours."),
  hourly_cost: ratio.optional().describe("`salary / standardAnnualHours`, currency per hour. Pay-derived: may be left out."),
  labour_cost: z.number().optional().describe("Over a period: Σ hours × hourly cost. Pay-derived: may be left out."),
  period: periodEcho,
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
  period: periodEcho,
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
