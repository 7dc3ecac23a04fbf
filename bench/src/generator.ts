/**
 * Deterministic EPCA data for benchmarks: departments, employees and projects as small arrays,
 * timesheets as a stream (a generator), so that a million rows are never held at once.
 */
import { seededRandom } from "@epca/core/testing";

/** Sizes of a generated company. */
export interface CompanyScale {
  departments: number;
  employees: number;
  projects: number;
  timesheets: number;
}

/** The reference scale (×1): 50 departments, 10,000 employees, 2,000 projects, 1,000,000 timesheets. */
export function scaleOf(factor: number): CompanyScale {
  const at = (n: number, min: number) => Math.max(min, Math.round(n * factor));
  return { departments: at(50, 2), employees: at(10_000, 10), projects: at(2_000, 4), timesheets: at(1_000_000, 100) };
}

export interface GeneratedDepartment {
  name: string;
  budget: number;
}
export interface GeneratedEmployee {
  name: string;
  email: string;
  /** Index into the departments. */
  department: number;
  salary: number;
  revenue_generated: number;
  hire_date: string;
}
export interface GeneratedProject {
  name: string;
  department: number;
  cost: number;
  revenue: number;
  status: "planned" | "in_progress" | "completed" | "on_hold" | "cancelled";
  completion_percentage: number;
  start_date: string;
}
/** A timesheet row with indexes into the employees and projects. */
export interface GeneratedTimesheet {
  employee: number;
  project: number;
  hours_worked: number;
  date: string;
  status: "draft" | "submitted" | "approved" | "rejected";
}

const FIRST_DAY = Date.UTC(2023, 0, 1);
/** 2023-01-01 … 2024-12-31. */
export const DAYS = Array.from({ length: 731 }, (_, i) => new Date(FIRST_DAY + i * 86_400_000).toISOString().slice(0, 10));

const STATUSES = ["approved", "approved", "approved", "approved", "approved", "approved", "approved", "submitted", "submitted", "draft", "rejected"] as const;
const PROJECT_STATUSES = ["planned", "in_progress", "in_progress", "in_progress", "completed", "on_hold"] as const;

/** The company's master data (small enough to hold). */
export function generateCompany(scale: CompanyScale, seed = 20_240_101) {
  const random = seededRandom(seed);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const departments: GeneratedDepartment[] = Array.from({ length: scale.departments }, (_, i) => ({
    name: `Department ${String(i + 1).padStart(3, "0")}`,
    budget: int(500, 5_000) * 1_000,
  }));
  const employees: GeneratedEmployee[] = Array.from({ length: scale.employees }, (_, i) => ({
    name: `Employee ${i + 1}`,
    email: `employee${i + 1}@bench.example`,
    department: i % scale.departments,
    salary: int(40, 200) * 1_000,
    revenue_generated: int(0, 600) * 1_000,
    hire_date: DAYS[int(0, DAYS.length - 1)]!,
  }));
  const projects: GeneratedProject[] = Array.from({ length: scale.projects }, (_, i) => ({
    name: `Project ${i + 1}`,
    department: int(0, scale.departments - 1),
    cost: int(10, 500) * 1_000,
    revenue: int(0, 2_000) * 1_000,
    status: PROJECT_STATUSES[int(0, PROJECT_STATUSES.length - 1)]!,
    completion_percentage: int(0, 100),
    start_date: "2022-12-01",
  }));
  return { departments, employees, projects };
}

/** The timesheets, one at a time, always the same for the same scale and seed. */
export function* generateTimesheets(scale: CompanyScale, seed = 19_700_101): Generator<GeneratedTimesheet> {
  const random = seededRandom(seed);
  for (let i = 0; i < scale.timesheets; i++) {
    yield {
      employee: Math.floor(random() * scale.employees),
      project: Math.floor(random() * scale.projects),
      // 0.5 … 10 hours in quarter hours.
      hours_worked: (2 + Math.floor(random() * 39)) / 4,
      date: DAYS[Math.floor(random() * DAYS.length)]!,
      status: STATUSES[Math.floor(random() * STATUSES.length)]!,
    };
  }
}

/** Groups a stream into arrays of `size`. */
export function* batches<T>(items: Iterable<T>, size: number): Generator<T[]> {
  let batch: T[] = [];
  for (const item of items) {
    batch.push(item);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}
