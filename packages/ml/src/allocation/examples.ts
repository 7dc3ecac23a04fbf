import { allocationFeatures, indexHistory } from "./features.js";
import type { AllocationHistory, AllocationProject, RecordId } from "./types.js";

/** One training example: features at the allocation's start and the outcomes that followed. */
export interface AllocationExample {
  readonly employee_id: RecordId;
  readonly project_id: RecordId;
  readonly start_date: string;
  readonly features: number[];
  /** Targets: allocation percentage, hours booked on the pair during the allocation, on-time outcome (null while unknown). */
  readonly allocation_percentage: number;
  readonly hours: number;
  readonly on_time: boolean | null;
}

/**
 * Whether a project finished by its estimated end: true when completed on time, false when
 * completed late or still open after its estimated end; null while the outcome is unknown
 * (no estimated end, cancelled, or still within schedule).
 */
export function projectOnTime(project: AllocationProject, now: string): boolean | null {
  if (!project.estimated_end_date || project.status === "cancelled") return null;
  if (project.status === "completed" && project.end_date) return project.end_date <= project.estimated_end_date;
  return project.estimated_end_date < now ? false : null;
}

/**
 * Examples for every allocation that ended before `now` (so its hours are known). Hours are the
 * timesheet hours of the pair in the allocation's months, or its planned `allocated_hours` when
 * the pair has no timesheets at all.
 */
export function allocationExamples(history: AllocationHistory, now: string): AllocationExample[] {
  const index = indexHistory(history);
  const employees = new Map(history.employees.map((e) => [String(e.id), e]));
  const projects = new Map(history.projects.map((p) => [String(p.id), p]));
  const hours = new Map<string, Array<{ month: string; hours: number }>>();
  for (const t of history.timesheets) {
    const k = `${t.employee_id}|${t.project_id}`;
    const list = hours.get(k) ?? [];
    list.push({ month: t.month, hours: t.hours });
    hours.set(k, list);
  }
  const out: AllocationExample[] = [];
  for (const a of history.allocations) {
    if (a.end_date === null || a.end_date >= now) continue;
    const employee = employees.get(String(a.employee_id));
    const project = projects.get(String(a.project_id));
    if (!employee || !project) continue;
    const pair = hours.get(`${a.employee_id}|${a.project_id}`);
    const booked = pair
      ? pair.filter((h) => h.month >= a.start_date.slice(0, 7) && h.month <= a.end_date!.slice(0, 7)).reduce((s, h) => s + h.hours, 0)
      : a.allocated_hours;
    out.push({
      employee_id: a.employee_id,
      project_id: a.project_id,
      start_date: a.start_date,
      features: allocationFeatures(employee, project, { start_date: a.start_date, end_date: a.end_date }, index),
      allocation_percentage: a.allocation_percentage,
      hours: booked,
      on_time: projectOnTime(project, now),
    });
  }
  return out.sort((x, y) => (x.start_date < y.start_date ? -1 : x.start_date > y.start_date ? 1 : 0));
}
