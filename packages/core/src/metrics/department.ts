import type { DepartmentAnalytics } from "../schemas/analytics.js";
import type { DepartmentAggregate } from "../ports/analytics-store.js";
import { ratio } from "./ratio.js";

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
