import type { EmployeeInsert, ProjectInsert, TimesheetInsert } from "../../ports/records.js";
import type { TenantScope } from "../../ports/store.js";
import type { Department } from "../../schemas/department.js";
import type { Employee } from "../../schemas/employee.js";
import type { Project } from "../../schemas/project.js";

/** The records the contract suite builds, exported so that an adapter's own tests reuse them. */
export const contractFixtures = {
  /** Stores a department (Engineering, budget 100,000 by default). */
  department(scope: TenantScope, name = "Engineering", budget = 100_000): Promise<Department> {
    return scope.departments.insert({ name, budget, description: null });
  },
  /** An employee of `departmentId` as a repository stores it. */
  employeeValues(departmentId: number, overrides: Partial<EmployeeInsert> = {}): EmployeeInsert {
    return {
      name: "Ada Lovelace",
      email: null,
      department_id: departmentId,
      salary: 104_000,
      revenue_generated: 250_000,
      hire_date: "2020-02-03",
      skills: ["math", "engines"],
      is_active: true,
      ...overrides,
    };
  },
  /** A project of `departmentId` as a repository stores it. */
  projectValues(departmentId: number, overrides: Partial<ProjectInsert> = {}): ProjectInsert {
    return {
      name: "Analytical Engine",
      department_id: departmentId,
      cost: 50_000,
      revenue: 120_000,
      status: "in_progress",
      completion_percentage: 40,
      start_date: "2024-01-01",
      end_date: null,
      estimated_end_date: "2024-12-31",
      description: null,
      ...overrides,
    };
  },
  /** A draft timesheet entry as a repository stores it. */
  timesheetValues(employeeId: number, projectId: number, overrides: Partial<TimesheetInsert> = {}): TimesheetInsert {
    return {
      employee_id: employeeId,
      project_id: projectId,
      hours_worked: 8,
      date: "2024-03-04",
      description: null,
      status: "draft",
      reviewed_by: null,
      reviewed_at: null,
      review_note: null,
      ...overrides,
    };
  },
  /** A department, an employee and a project to hang timesheets and allocations on. */
  async basics(scope: TenantScope): Promise<{ dept: Department; employee: Employee; project: Project }> {
    const dept = await contractFixtures.department(scope);
    const employee = await scope.employees.insert(contractFixtures.employeeValues(dept.id));
    const project = await scope.projects.insert(contractFixtures.projectValues(dept.id));
    return { dept, employee, project };
  },
};
