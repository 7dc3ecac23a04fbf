import type { ProjectAnalytics } from "../schemas/analytics.js";
import type { ProjectAggregate } from "../ports/analytics-store.js";
import { ratio, type MetricOptions } from "./ratio.js";

/**
 * Labour cost of a project: `salary_hours / standardAnnualHours` (= Σ hours × hourly cost).
 * @throws RangeError when `standardAnnualHours` is not a positive finite number (a configuration bug).
 */
export function projectLabourCost(agg: Pick<ProjectAggregate, "salary_hours">, options: MetricOptions): number {
  const hours = options.standardAnnualHours;
  if (!Number.isFinite(hours) || hours <= 0) {
    throw new RangeError(`standardAnnualHours must be a positive number, got ${hours}`);
  }
  return agg.salary_hours / hours;
}

/** Computes a project's figures from its aggregate. */
export function projectAnalytics(agg: ProjectAggregate, options: MetricOptions): ProjectAnalytics {
  const labourCost = projectLabourCost(agg, options);
  const totalCost = agg.cost + labourCost;
  const profit = agg.revenue - totalCost;
  return {
    project_id: agg.project_id,
    name: agg.name,
    department_id: agg.department_id,
    status: agg.status,
    completion_percentage: agg.completion_percentage,
    revenue: agg.revenue,
    direct_cost: agg.cost,
    labour_cost: labourCost,
    total_cost: totalCost,
    profit,
    roi: ratio(profit, totalCost),
    total_hours: agg.total_hours,
    productivity_index: ratio(agg.revenue, agg.total_hours),
  };
}
