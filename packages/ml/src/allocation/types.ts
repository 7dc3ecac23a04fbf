/** An id as the store gives it (integers in EPCA, strings elsewhere). */
export type RecordId = number | string;

/** The employee fields the allocation model reads. */
export interface AllocationEmployee {
  readonly id: RecordId;
  readonly skills: readonly string[];
  /** Annual salary. */
  readonly salary: number;
  /** ISO date, or null when unknown. */
  readonly hire_date: string | null;
}

/** Project statuses, as in `@epca/core`. */
export type AllocationProjectStatus = "planned" | "in_progress" | "completed" | "on_hold" | "cancelled";

/** The project fields the allocation model reads. */
export interface AllocationProject {
  readonly id: RecordId;
  readonly status: AllocationProjectStatus;
  /** Budgeted cost. */
  readonly cost: number;
  readonly revenue: number;
  /** Read only to tell a finished project's outcome, never as a feature (it would leak it). */
  readonly completion_percentage: number;
  /** ISO dates; null when unknown. */
  readonly start_date: string | null;
  readonly end_date: string | null;
  readonly estimated_end_date: string | null;
  /** Skills the project asks for, when recorded; the skills of its earlier members are used besides. */
  readonly skills?: readonly string[];
}

/** One allocation of an employee to a project. */
export interface AllocationRecord {
  readonly employee_id: RecordId;
  readonly project_id: RecordId;
  readonly allocation_percentage: number;
  readonly allocated_hours: number;
  /** ISO dates; `end_date` null while open-ended. */
  readonly start_date: string;
  readonly end_date: string | null;
}

/** Timesheet hours aggregated per employee, project and month (`YYYY-MM`). */
export interface MonthlyHours {
  readonly employee_id: RecordId;
  readonly project_id: RecordId;
  readonly month: string;
  readonly hours: number;
}

/** The history features are computed from. */
export interface AllocationHistory {
  readonly employees: readonly AllocationEmployee[];
  readonly projects: readonly AllocationProject[];
  readonly allocations: readonly AllocationRecord[];
  readonly timesheets: readonly MonthlyHours[];
}

/** The three figures predicted for an (employee, project) pair. */
export interface AllocationPrediction {
  /** Percentage of the employee's time, 0–100. */
  readonly recommended_allocation: number;
  /** Hours the employee is expected to book on the project over the planned allocation. */
  readonly estimated_hours: number;
  /** Probability that the project finishes by its estimated end date. */
  readonly success_probability: number;
}
