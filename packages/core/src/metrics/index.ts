export { aggregateCompany, aggregateDepartment, aggregateEmployee, aggregateProject } from "./aggregate.js";
export { buildAnalyticsIndex, type AnalyticsIndex, type AnalyticsRecords } from "./analytics-index.js";
export { companyAnalytics } from "./company.js";
export { isCountedTimesheet } from "./counted-hours.js";
export { departmentAnalytics } from "./department.js";
export { employeeAnalytics } from "./employee.js";
export { projectAnalytics, projectLabourCost } from "./project.js";
export {
  compareRanked,
  employeeMetricValue,
  projectMetricValue,
  rankEmployees,
  rankProjects,
  topValues,
} from "./rankings.js";
export { DEFAULT_STANDARD_ANNUAL_HOURS, hourlyCost, ratio, type MetricOptions } from "./ratio.js";
export {
  addMonths,
  addSums,
  analyticsSeries,
  compareBuckets,
  companyMonthsFromFacts,
  companySeriesFromMonths,
  DAYS_PER_YEAR,
  dayNumber,
  dateOfDay,
  employedDays,
  employeeFact,
  lastTwelveMonths,
  monthBounds,
  monthOf,
  monthsOf,
  periodDays,
  periodFactsFromRecords,
  previousPeriod,
  projectFact,
  prorated,
  quarterly,
  seriesPoint,
  seriesTotal,
  trend,
  type Period,
  type PeriodFactsOptions,
  type SeriesPoint,
  type SeriesSums,
  type Trend,
} from "./period.js";
