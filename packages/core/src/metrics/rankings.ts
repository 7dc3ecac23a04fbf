import type {
  EmployeeAggregate,
  EmployeeRankingMetric,
  ProjectAggregate,
  ProjectRankingMetric,
} from "../ports/analytics-store.js";
import type { EmployeeRanking, ProjectRanking } from "../schemas/analytics.js";
import { employeeAnalytics } from "./employee.js";
import { projectAnalytics } from "./project.js";
import { ratio, type MetricOptions } from "./ratio.js";


/** The value an employee is ranked by; `null` (left out of the ranking) when the ratio has no denominator. */
export function employeeMetricValue(
  agg: EmployeeAggregate,
  metric: EmployeeRankingMetric,
  // Unused today: employee ranking metrics do not depend on hourly cost; kept so both rankings read alike.
  _options: MetricOptions,
): number | null {
  switch (metric) {
    case "productivity_index":
      return ratio(agg.revenue_generated, agg.total_hours);
    case "roi":
      return ratio(agg.revenue_generated - agg.salary, agg.salary);
    case "revenue_generated":
      return agg.revenue_generated;
  }
}

/** The value a project is ranked by; `null` (left out of the ranking) when the ratio has no denominator. */
export function projectMetricValue(
  agg: ProjectAggregate,
  metric: ProjectRankingMetric,
  options: MetricOptions,
): number | null {
  return projectAnalytics(agg, options)[metric];
}

/** Ranking order: higher value first, then lower id first. */
export function compareRanked(a: { value: number; id: number }, b: { value: number; id: number }): number {
  if (a.value !== b.value) return a.value > b.value ? -1 : 1;
  return a.id - b.id;
}

/** The `limit` best of `items` by value (nulls and NaN dropped), in ranking order: the one ranking rule. */
export function topValues<T>(
  items: readonly T[],
  id: (item: T) => number,
  value: (item: T) => number | null,
  limit: number,
): { item: T; id: number; value: number }[] {
  const scored: { item: T; id: number; value: number }[] = [];
  for (const item of items) {
    const v = value(item);
    if (v !== null && !Number.isNaN(v)) scored.push({ item, id: id(item), value: v });
  }
  scored.sort(compareRanked);
  return scored.slice(0, Math.max(0, Math.floor(limit)));
}

/**
 * Ranks employees by `metric`: highest first, ties by employee id ascending, employees whose
 * value is `null` (no hours, for productivity) left out, at most `limit`, ranks from 1.
 */
export function rankEmployees(
  aggs: readonly EmployeeAggregate[],
  metric: EmployeeRankingMetric,
  limit: number,
  options: MetricOptions,
): EmployeeRanking[] {
  return topValues(aggs, (a) => a.employee_id, (a) => employeeMetricValue(a, metric, options), limit).map(
    (entry, index) => ({ ...employeeAnalytics(entry.item, options), rank: index + 1, metric, value: entry.value }),
  );
}

/**
 * Ranks projects by `metric`: highest first, ties by project id ascending, projects whose value
 * is `null` left out, at most `limit`, ranks from 1.
 */
export function rankProjects(
  aggs: readonly ProjectAggregate[],
  metric: ProjectRankingMetric,
  limit: number,
  options: MetricOptions,
): ProjectRanking[] {
  return topValues(aggs, (a) => a.project_id, (a) => projectMetricValue(a, metric, options), limit).map(
    (entry, index) => ({ ...projectAnalytics(entry.item, options), rank: index + 1, metric, value: entry.value }),
  );
}
