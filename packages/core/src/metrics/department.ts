import type { DepartmentAggregate } from "../ports/analytics-store.js";
import { ratio } from "./ratio.js";

/** The figures of one department (docs/metrics.md, "Department"). */
export interface DepartmentAnalytics {
  department_id: number;
  name: string;
  /** Budget, currency. */
  budget: number;
  /** Employees whose `department_id` is this department (active or not). */
  employee_count: number;
  /** Projects whose `department_id` is this department. */
  project_count: number;
  /** Σ revenue of the department's projects, currency. */
  total_revenue: number;
  /** Σ member salaries + Σ project direct cost, currency. */
  total_cost: number;
  /** `total_revenue − total_cost`, currency. */
  profit: number;
  /** `profit / total_cost`; `null` when total cost is 0. */
  roi: number | null;
  /** Σ hours of non-rejected timesheets logged by members, on any project. */
  total_hours: number;
  /** `total_revenue / total_hours`, currency per hour; `null` without hours. */
  productivity_index: number | null;
  /** `total_cost / budget`, a fraction (1 = the whole budget); `null` when the budget is 0. */
  budget_utilization: number | null;
}

/** Computes a department's figures from its aggregate. */
export function departmentAnalytics(agg: DepartmentAggregate): DepartmentAnalytics {
  const totalRevenue = agg.project_revenue_total;
  const totalCost = agg.salary_total + agg.project_cost_total;
  const profit = totalRevenue - totalCost;
  return {
    department_id: agg.department_id,
    name: agg.name,
    budget: agg.budget,
    employee_count: agg.employee_count,
    project_count: agg.project_count,
    total_revenue: totalRevenue,
    total_cost: totalCost,
    profit,
    roi: ratio(profit, totalCost),
    total_hours: agg.total_hours,
    productivity_index: ratio(totalRevenue, agg.total_hours),
    budget_utilization: ratio(totalCost, agg.budget),
  };
}
