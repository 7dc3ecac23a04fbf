import type { AllocationEmployee, AllocationHistory, AllocationProject, AllocationRecord, RecordId } from "./types.js";

const DAY_MS = 86_400_000;
const days = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / DAY_MS;
const monthOf = (date: string) => date.slice(0, 7);
const key = (id: RecordId) => String(id);

/**
 * Features of an (employee, project) pair at a cutoff date, in this order. None is a target:
 * the allocation's own percentage, hours and outcome are never read, and history counts only
 * allocations that started and timesheet months that ended before the cutoff.
 */
export const ALLOCATION_FEATURES = [
  "employee_skill_count",
  "skill_coverage",
  "skill_jaccard",
  "project_skills_known",
  "past_allocations_log",
  "past_mean_allocation_share",
  "past_mean_monthly_hours",
  "past_total_hours_log",
  "concurrent_allocation_share",
  "tenure_years",
  "salary_log",
  "project_cost_log",
  "project_revenue_log",
  "project_hours_so_far_log",
  "project_peers_log",
  "planned_duration_years",
  "years_to_estimated_end",
  "elapsed_share",
  "project_started",
  "project_past_end",
  "planned_allocation_months",
] as const;

/** Name of one feature. */
export type AllocationFeatureName = (typeof ALLOCATION_FEATURES)[number];

/** The allocation window a prediction is for. */
export interface PlannedWindow {
  /** ISO date; also the cutoff of the history. */
  readonly start_date: string;
  /** ISO date; default the project's estimated end (or 3 months after the start). */
  readonly end_date?: string | null;
}

/** Indexes of a history by employee and project, built once per training or ranking run. */
export interface HistoryIndex {
  readonly employees: ReadonlyMap<string, AllocationEmployee>;
  readonly allocationsByEmployee: ReadonlyMap<string, readonly AllocationRecord[]>;
  readonly allocationsByProject: ReadonlyMap<string, readonly AllocationRecord[]>;
  readonly hoursByEmployee: ReadonlyMap<string, ReadonlyArray<{ month: string; hours: number; project: string }>>;
  readonly hoursByProject: ReadonlyMap<string, ReadonlyArray<{ month: string; hours: number }>>;
}

function group<T>(items: readonly T[], by: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = by(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** Indexes a history for {@link allocationFeatures}. */
export function indexHistory(history: Omit<AllocationHistory, "projects">): HistoryIndex {
  return {
    employees: new Map(history.employees.map((e) => [key(e.id), e])),
    allocationsByEmployee: group(history.allocations, (a) => key(a.employee_id)),
    allocationsByProject: group(history.allocations, (a) => key(a.project_id)),
    hoursByEmployee: new Map(
      [...group(history.timesheets, (t) => key(t.employee_id))].map(([k, rows]) => [k, rows.map((r) => ({ month: r.month, hours: r.hours, project: key(r.project_id) }))]),
    ),
    hoursByProject: new Map([...group(history.timesheets, (t) => key(t.project_id))].map(([k, rows]) => [k, rows.map((r) => ({ month: r.month, hours: r.hours }))])),
  };
}

/** The default end of a planned window. */
export function plannedEnd(project: AllocationProject, window: PlannedWindow): string {
  if (window.end_date) return window.end_date;
  if (project.estimated_end_date && project.estimated_end_date > window.start_date) return project.estimated_end_date;
  return new Date(Date.parse(window.start_date) + 91 * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Feature vector of an employee on a project for a planned window, from history strictly before
 * the window's start (allocations that started earlier, timesheet months before its month).
 */
export function allocationFeatures(employee: AllocationEmployee, project: AllocationProject, window: PlannedWindow, index: HistoryIndex): number[] {
  const cutoff = window.start_date;
  const cutoffMonth = monthOf(cutoff);
  const employeeKey = key(employee.id);
  const projectKey = key(project.id);

  const peers = (index.allocationsByProject.get(projectKey) ?? []).filter((a) => a.start_date < cutoff && key(a.employee_id) !== employeeKey);
  const projectSkills = new Set(project.skills ?? []);
  for (const peer of peers) for (const skill of index.employees.get(key(peer.employee_id))?.skills ?? []) projectSkills.add(skill);
  const own = new Set(employee.skills);
  let shared = 0;
  for (const skill of own) if (projectSkills.has(skill)) shared += 1;
  const union = new Set([...own, ...projectSkills]).size;

  const past = (index.allocationsByEmployee.get(employeeKey) ?? []).filter((a) => a.start_date < cutoff);
  const pastMean = past.length > 0 ? past.reduce((s, a) => s + a.allocation_percentage, 0) / past.length : 0;
  const concurrent = past.filter((a) => a.end_date === null || a.end_date > cutoff).reduce((s, a) => s + a.allocation_percentage, 0);
  const pastHours = (index.hoursByEmployee.get(employeeKey) ?? []).filter((h) => h.month < cutoffMonth);
  const pastTotal = pastHours.reduce((s, h) => s + h.hours, 0);
  const pastMonths = new Set(pastHours.map((h) => h.month)).size;
  const projectHours = (index.hoursByProject.get(projectKey) ?? []).filter((h) => h.month < cutoffMonth).reduce((s, h) => s + h.hours, 0);

  const start = project.start_date;
  const estimatedEnd = project.estimated_end_date;
  const duration = start && estimatedEnd ? Math.max(0, days(start, estimatedEnd)) : 0;
  const toEnd = estimatedEnd ? days(cutoff, estimatedEnd) : 0;
  const elapsed = start && duration > 0 ? Math.min(1.5, Math.max(0, days(start, cutoff) / duration)) : 0;
  const end = plannedEnd(project, window);

  return [
    employee.skills.length,
    projectSkills.size > 0 ? shared / projectSkills.size : 0,
    union > 0 ? shared / union : 0,
    projectSkills.size > 0 ? 1 : 0,
    Math.log1p(past.length),
    pastMean / 100,
    pastMonths > 0 ? pastTotal / pastMonths : 0,
    Math.log1p(pastTotal),
    concurrent / 100,
    employee.hire_date ? Math.max(0, days(employee.hire_date, cutoff) / 365.25) : 0,
    Math.log1p(Math.max(0, employee.salary)),
    Math.log1p(Math.max(0, project.cost)),
    Math.log1p(Math.max(0, project.revenue)),
    Math.log1p(projectHours),
    Math.log1p(peers.length),
    duration / 365.25,
    toEnd / 365.25,
    elapsed,
    start !== null && start <= cutoff ? 1 : 0,
    estimatedEnd !== null && estimatedEnd < cutoff ? 1 : 0,
    Math.max(0, days(cutoff, end)) / 30.44,
  ];
}
