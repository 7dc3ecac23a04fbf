export { aggregateCompany, aggregateDepartment, aggregateEmployee, aggregateProject } from "./aggregate.js";
export { buildAnalyticsIndex, type AnalyticsIndex, type AnalyticsRecords } from "./analytics-index.js";
export { companyAnalytics, type CompanyAnalytics } from "./company.js";
export { isCountedTimesheet } from "./counted-hours.js";
export { departmentAnalytics, type DepartmentAnalytics } from "./department.js";
export { employeeAnalytics, type EmployeeAnalytics } from "./employee.js";
export { projectAnalytics, projectLabourCost, type ProjectAnalytics } from "./project.js";
export {
  compareRanked,
  employeeMetricValue,
  projectMetricValue,
  rankEmployees,
  rankProjects,
  topValues,
  type EmployeeRanking,
  type ProjectRanking,
} from "./rankings.js";
export { DEFAULT_STANDARD_ANNUAL_HOURS, hourlyCost, ratio, type MetricOptions } from "./ratio.js";
