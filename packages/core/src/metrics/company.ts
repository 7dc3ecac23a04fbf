import type { CompanyAnalytics } from "../schemas/analytics.js";
import type { CompanyAggregate } from "../ports/analytics-store.js";
import { ratio } from "./ratio.js";

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
