import type { EmployeeAggregate } from "../ports/analytics-store.js";
import { hourlyCost, ratio, type MetricOptions } from "./ratio.js";

/** The figures of one employee (docs/metrics.md, "Employee"). */
export interface EmployeeAnalytics {
  employee_id: number;
  name: string;
  department_id: number;
  /** `revenue_generated`, currency. */
  revenue: number;
  /** Annual salary, currency. */
  cost: number;
  /** `revenue − cost`, currency. */
  profit: number;
  /** `(revenue − cost) / cost`; `null` when cost is 0. */
  roi: number | null;
  /** Σ hours of the employee's non-rejected timesheets. */
  total_hours: number;
  /** `revenue / total_hours`, currency per hour; `null` without hours. */
  productivity_index: number | null;
  /** `salary / standardAnnualHours`, currency per hour. */
  hourly_cost: number | null;
}

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
