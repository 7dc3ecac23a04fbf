import {
  aggregateCompany,
  aggregateDepartment,
  aggregateEmployee,
  aggregateProject,
  buildAnalyticsIndex,
  periodFactsFromRecords,
  companyMonthsFromFacts,
  DEFAULT_STANDARD_ANNUAL_HOURS,
  employeeMetricValue,
  projectMetricValue,
  topValues,
  type AnalyticsStore,
  type Employee,
} from "@epca/core";
import type { MemoryDatabase } from "./database.js";
import type { TransactionContext } from "./table.js";

/** Employee ranking metrics do not depend on the working year; the default only fills the options. */
const EMPLOYEE_RANKING_OPTIONS = { standardAnnualHours: DEFAULT_STANDARD_ANNUAL_HOURS };

/** The `limit` best items by core's one ranking rule. */
function topByValue<T>(items: readonly T[], id: (item: T) => number, value: (item: T) => number | null, limit: number): T[] {
  return topValues(items, id, value, limit).map((s) => s.item);
}

/**
 * Analytics of the transaction's tenant, answered with core's reference aggregation over the rows
 * in memory (records passed in id order, so sums match the reference bit for bit).
 */
export function memoryAnalyticsStore(tx: TransactionContext, db: MemoryDatabase): AnalyticsStore {
  const tenant = tx.tenantId;
  const records = () => ({
    departments: db.departments.select(tenant),
    employees: db.employees.select(tenant),
    projects: db.projects.select(tenant),
    timesheets: db.timesheets.select(tenant),
  });

  return {
    async employee(employeeId) {
      tx.assertOpen();
      const employee = db.employees.get(tenant, employeeId);
      if (employee === undefined) return null;
      return aggregateEmployee(employee, db.timesheets.select(tenant, (t) => t.employee_id === employeeId));
    },
    async project(projectId) {
      tx.assertOpen();
      const project = db.projects.get(tenant, projectId);
      if (project === undefined) return null;
      const timesheets = db.timesheets.select(tenant, (t) => t.project_id === projectId);
      const employeesById = new Map<number, Employee>();
      for (const t of timesheets) {
        const employee = db.employees.get(tenant, t.employee_id);
        if (employee !== undefined) employeesById.set(employee.id, employee);
      }
      return aggregateProject(project, timesheets, employeesById);
    },
    async department(departmentId) {
      tx.assertOpen();
      const department = db.departments.get(tenant, departmentId);
      if (department === undefined) return null;
      const members = db.employees.select(tenant, (e) => e.department_id === departmentId);
      const memberIds = new Set(members.map((e) => e.id));
      return aggregateDepartment(
        department,
        members,
        db.projects.select(tenant, (p) => p.department_id === departmentId),
        db.timesheets.select(tenant, (t) => memberIds.has(t.employee_id)),
      );
    },
    async company() {
      tx.assertOpen();
      const { departments, employees, projects, timesheets } = records();
      return aggregateCompany(departments, employees, projects, timesheets);
    },
    async rankEmployees(metric, limit) {
      tx.assertOpen();
      return topByValue(
        buildAnalyticsIndex(records()).employees(),
        (a) => a.employee_id,
        (a) => employeeMetricValue(a, metric, EMPLOYEE_RANKING_OPTIONS),
        limit,
      );
    },
    async periodFacts(subject, period, options) {
      tx.assertOpen();
      // Core's reference over the rows in memory; an employee's or a project's facts need only their own timesheets.
      const timesheets =
        subject.kind === "employee"
          ? db.timesheets.select(tenant, (t) => t.employee_id === subject.id)
          : subject.kind === "project"
            ? db.timesheets.select(tenant, (t) => t.project_id === subject.id)
            : db.timesheets.select(tenant);
      return periodFactsFromRecords(
        { employees: db.employees.select(tenant), projects: db.projects.select(tenant), timesheets },
        subject,
        { from: period.from, to: period.to },
        options,
      );
    },
    async companyMonths(period) {
      tx.assertOpen();
      const window = { from: period.from, to: period.to };
      const records = { employees: db.employees.select(tenant), projects: db.projects.select(tenant), timesheets: db.timesheets.select(tenant) };
      return companyMonthsFromFacts(periodFactsFromRecords(records, { kind: "company" }, window), window);
    },
    async rankProjects(metric, limit, standardAnnualHours) {
      tx.assertOpen();
      return topByValue(
        buildAnalyticsIndex(records()).projects(),
        (a) => a.project_id,
        (a) => projectMetricValue(a, metric, { standardAnnualHours }),
        limit,
      );
    },
  };
}
