import type { EmployeeAnalytics } from "../schemas/analytics.js";
import type { EmployeeAggregate } from "../ports/analytics-store.js";
import { hourlyCost, ratio, type MetricOptions } from "./ratio.js";

/** Computes an employee's figures from their aggregate. */
export function employeeAnalytics(agg: EmployeeAggregate, options: MetricOptions): EmployeeAnalytics {
  const revenue = agg.revenue_generated;
  const cost = agg.salary;
  const profit = revenue - cost;
  return {
    employee_id: agg.employee_id,
    name: agg.name,
    department_id: agg.department_id,
    revenue,
    cost,
    profit,
    roi: ratio(profit, cost),
    total_hours: agg.total_hours,
    productivity_index: ratio(revenue, agg.total_hours),
    hourly_cost: hourlyCost(agg.salary, options.standardAnnualHours),
  };
}
