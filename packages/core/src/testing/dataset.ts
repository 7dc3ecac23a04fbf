import type {
  DepartmentInsert,
  EmployeeInsert,
  ProjectInsert,
  TimesheetInsert,
} from "../ports/records.js";
import type { TenantScope } from "../ports/store.js";
import type { Department } from "../schemas/department.js";
import type { Employee } from "../schemas/employee.js";
import type { Project, ProjectStatus } from "../schemas/project.js";
import type { Timesheet, TimesheetStatus } from "../schemas/timesheet.js";

/** A small, fast, seeded PRNG (mulberry32): the same seed gives the same dataset everywhere. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How big a generated organisation is. */
export interface DatasetOptions {
  readonly seed?: number;
  readonly departments: number;
  readonly employees: number;
  readonly projects: number;
  readonly timesheets: number;
  /** First day timesheets may fall on (`YYYY-MM-DD`). */
  readonly startDate?: string;
  /** How many days after `startDate` timesheets spread over. */
  readonly days?: number;
}

/** A generated organisation, its references given as indexes into the arrays before storage assigns ids. */
export interface GeneratedDataset {
  readonly departments: DepartmentInsert[];
  readonly employees: Array<Omit<EmployeeInsert, "department_id"> & { departmentIndex: number }>;
  readonly projects: Array<Omit<ProjectInsert, "department_id"> & { departmentIndex: number }>;
  readonly timesheets: Array<
    Omit<TimesheetInsert, "employee_id" | "project_id"> & { employeeIndex: number; projectIndex: number }
  >;
}

/** The organisation as stored, with the ids the store gave it. */
export interface StoredDataset {
  readonly departments: Department[];
  readonly employees: Employee[];
  readonly projects: Project[];
  /** The stored entries, rebuilt from the inserts (ids are not read back, they play no part in analytics). */
  readonly timesheets: Timesheet[];
}

const STATUSES: readonly ProjectStatus[] = ["planned", "in_progress", "in_progress", "completed", "on_hold", "cancelled"];
const TIMESHEET_STATUSES: readonly TimesheetStatus[] = ["draft", "submitted", "approved", "approved", "approved", "rejected"];

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * Generates an organisation with the edge cases analytics must handle: a department with a zero
 * budget and no members, employees without hours, a project with no cost and no hours, rejected
 * entries. Amounts are whole currency units and hours quarter-hours, so sums are exact.
 */
export function generateDataset(options: DatasetOptions): GeneratedDataset {
  const random = seededRandom(options.seed ?? 42);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const startDate = options.startDate ?? "2024-01-01";
  const days = options.days ?? 365;

  const departments: DepartmentInsert[] = Array.from({ length: options.departments }, (_, i) => ({
    name: `Department ${String(i + 1).padStart(3, "0")}`,
    budget: i === options.departments - 1 ? 0 : int(200, 5_000) * 1_000,
    description: i % 2 === 0 ? `Generated department ${i + 1}` : null,
  }));
  // The last department stays empty when there is more than one, so zero denominators show up.
  const populated = Math.max(1, options.departments > 1 ? options.departments - 1 : 1);

  const employees = Array.from({ length: options.employees }, (_, i) => ({
    name: `Employee ${i + 1}`,
    email: i % 5 === 4 ? null : `employee${i + 1}@example.com`,
    departmentIndex: i % populated,
    salary: int(30, 180) * 1_000,
    revenue_generated: i % 7 === 3 ? 0 : int(0, 400) * 1_000,
    hire_date: addDays("2015-01-01", int(0, 3_000)),
    skills: i % 3 === 0 ? ["typescript", "sql"] : i % 3 === 1 ? ["excel"] : [],
    is_active: i % 11 !== 10,
  }));

  const projects = Array.from({ length: options.projects }, (_, i) => {
    const start = addDays(startDate, int(0, Math.max(0, days - 30)));
    return {
      name: `Project ${i + 1}`,
      departmentIndex: i % populated,
      cost: i === 0 ? 0 : int(10, 900) * 1_000,
      revenue: i === 0 ? 0 : int(0, 2_000) * 1_000,
      status: STATUSES[i % STATUSES.length] as ProjectStatus,
      completion_percentage: int(0, 100),
      start_date: start,
      end_date: i % 4 === 0 ? null : addDays(start, int(30, 400)),
      estimated_end_date: null,
      description: null,
    };
  });

  // Employees in the last tenth of the list log no hours at all; project 0 gets none either.
  const loggingEmployees = Math.max(1, Math.floor(options.employees * 0.9));
  const timesheets = Array.from({ length: options.timesheets }, (_, i) => ({
    employeeIndex: int(0, loggingEmployees - 1),
    projectIndex: options.projects > 1 ? int(1, options.projects - 1) : 0,
    hours_worked: int(1, 32) / 4,
    date: addDays(startDate, int(0, days - 1)),
    description: i % 10 === 0 ? "Generated entry" : null,
    status: TIMESHEET_STATUSES[i % TIMESHEET_STATUSES.length] as TimesheetStatus,
    reviewed_by: null,
    reviewed_at: null,
    review_note: null,
  }));

  return { departments, employees, projects, timesheets };
}

function at<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new RangeError(`index ${index} out of range`);
  return item;
}

/** Stores a generated organisation through the ports (timesheets in bulk) and returns it with its ids. */
export async function storeDataset(scope: TenantScope, dataset: GeneratedDataset): Promise<StoredDataset> {
  const departments: Department[] = [];
  for (const values of dataset.departments) departments.push(await scope.departments.insert(values));
  const employees: Employee[] = [];
  for (const { departmentIndex, ...values } of dataset.employees) {
    employees.push(await scope.employees.insert({ ...values, department_id: at(departments, departmentIndex).id }));
  }
  const projects: Project[] = [];
  for (const { departmentIndex, ...values } of dataset.projects) {
    projects.push(await scope.projects.insert({ ...values, department_id: at(departments, departmentIndex).id }));
  }
  const inserts: TimesheetInsert[] = dataset.timesheets.map(({ employeeIndex, projectIndex, ...values }) => ({
    ...values,
    employee_id: at(employees, employeeIndex).id,
    project_id: at(projects, projectIndex).id,
  }));
  const stored = await scope.timesheets.insertMany(inserts);
  if (stored !== inserts.length) throw new Error(`insertMany stored ${stored} of ${inserts.length} entries`);
  const now = new Date(0).toISOString();
  const timesheets: Timesheet[] = inserts.map((values, i) => ({ ...values, id: -(i + 1), created_at: now, updated_at: now }));
  return { departments, employees, projects, timesheets };
}
