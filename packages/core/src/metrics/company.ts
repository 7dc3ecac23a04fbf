import type { CompanyAggregate } from "../ports/analytics-store.js";
import { ratio } from "./ratio.js";

/** The tenant's figures: the department formulas over everything (docs/metrics.md, "Company"). */
export interface CompanyAnalytics {
  department_count: number;
  employee_count: number;
  project_count: number;
  /** Σ revenue of all projects, currency. */
  total_revenue: number;
  /** Σ all salaries + Σ all project direct costs, currency. */
  total_cost: number;
  /** `total_revenue − total_cost`, currency. */
  profit: number;
  /** `profit / total_cost`; `null` when total cost is 0. */
  roi: number | null;
  /** `total_revenue / total_hours`, currency per hour; `null` without hours. */
  productivity_index: number | null;
  /** Σ hours of all non-rejected timesheets. */
  total_hours: number;
}

/** Computes the tenant's figures from its aggregate. */
export function companyAnalytics(agg: CompanyAggregate): CompanyAnalytics {
  const totalRevenue = agg.project_revenue_total;
  const totalCost = agg.salary_total + agg.project_cost_total;
  const profit = totalRevenue - totalCost;
  return {
    department_count: agg.department_count,
    employee_count: agg.employee_count,
    project_count: agg.project_count,
    total_revenue: totalRevenue,
    total_cost: totalCost,
    profit,
    roi: ratio(profit, totalCost),
    productivity_index: ratio(totalRevenue, agg.total_hours),
    total_hours: agg.total_hours,
  };
}
