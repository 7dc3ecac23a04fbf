import type { AllocationEmployee, AllocationHistory, AllocationProject, AllocationRecord, MonthlyHours } from "../allocation/types.js";
import { normalFrom, seededUniform } from "./synthetic-series.js";

/** Size of a generated allocation history. */
export interface AllocationHistoryOptions {
  readonly seed?: number;
  readonly employees?: number;
  readonly projects?: number;
  /** "Today" of the history; projects start in the 30 months before it. Default 2026-01-01. */
  readonly now?: string;
}

const SKILLS = ["typescript", "sql", "react", "python", "ml", "devops", "design", "finance", "go", "testing", "data", "security"];
const DAY_MS = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * A seeded history with a known structure: the allocation percentage grows with the employee's
 * skill coverage of the project and their usual share, hours follow percentage × months × their
 * work rate, and projects whose team covers their skills finish on time more often.
 */
export function generateAllocationHistory(options: AllocationHistoryOptions = {}): AllocationHistory {
  const uniform = seededUniform(options.seed ?? 7);
  const normal = normalFrom(uniform);
  const now = Date.parse(options.now ?? "2026-01-01");
  const pick = <T>(items: readonly T[], count: number): T[] => {
    const pool = [...items];
    const out: T[] = [];
    while (out.length < count && pool.length > 0) out.push(pool.splice(Math.floor(uniform() * pool.length), 1)[0]!);
    return out;
  };
  const propensity = new Map<number, number>();
  const workRate = new Map<number, number>();
  const employees: AllocationEmployee[] = Array.from({ length: options.employees ?? 40 }, (_, i) => {
    propensity.set(i + 1, uniform());
    workRate.set(i + 1, 0.7 + 0.6 * uniform());
    return {
      id: i + 1,
      skills: pick(SKILLS, 2 + Math.floor(uniform() * 4)),
      salary: 40_000 + Math.floor(uniform() * 80_000),
      hire_date: iso(now - (400 + uniform() * 3000) * DAY_MS),
    };
  });
  const projects: AllocationProject[] = [];
  const allocations: AllocationRecord[] = [];
  const timesheets: MonthlyHours[] = [];
  for (let p = 1; p <= (options.projects ?? 120); p += 1) {
    const start = now - (60 + uniform() * 850) * DAY_MS;
    const planned = (60 + uniform() * 300) * DAY_MS;
    const skills = pick(SKILLS, 3);
    const team = pick(employees, 2 + Math.floor(uniform() * 4));
    const coverage = (e: AllocationEmployee) => e.skills.filter((s) => skills.includes(s)).length / skills.length;
    const teamCoverage = team.reduce((s, e) => s + coverage(e), 0) / team.length;
    const onTime = uniform() < 1 / (1 + Math.exp(-(-1.2 + 4 * teamCoverage - (planned / DAY_MS) / 300)));
    const actualEnd = start + planned * (onTime ? 0.8 + 0.2 * uniform() : 1.1 + 0.5 * uniform());
    const completed = actualEnd < now;
    const cost = 20_000 + uniform() * 200_000;
    projects.push({
      id: p,
      status: completed ? "completed" : "in_progress",
      cost,
      revenue: cost * (0.8 + uniform() * 0.8),
      completion_percentage: completed ? 100 : Math.min(99, Math.round(((now - start) / planned) * 100)),
      start_date: iso(start),
      end_date: completed ? iso(actualEnd) : null,
      estimated_end_date: iso(start + planned),
      skills,
    });
    for (const [k, e] of team.entries()) {
      const id = Number(e.id);
      const allocStart = start + k * 10 * DAY_MS;
      const allocEnd = Math.min(actualEnd, now - DAY_MS);
      if (allocEnd <= allocStart + 20 * DAY_MS) continue;
      const share = Math.min(100, Math.max(5, Math.round(15 + 45 * coverage(e) + 35 * propensity.get(id)! + 6 * normal())));
      const months = (allocEnd - allocStart) / (30.44 * DAY_MS);
      allocations.push({
        employee_id: id,
        project_id: p,
        allocation_percentage: share,
        allocated_hours: Math.round((share / 100) * months * 160),
        start_date: iso(allocStart),
        end_date: iso(allocEnd),
      });
      for (let m = allocStart; m < allocEnd; m += 30.44 * DAY_MS) {
        const days = Math.min(30.44, (allocEnd - m) / DAY_MS);
        const hours = Math.max(0, (share / 100) * 160 * (days / 30.44) * workRate.get(id)! * (1 + 0.1 * normal()));
        timesheets.push({ employee_id: id, project_id: p, month: iso(m).slice(0, 7), hours });
      }
    }
  }
  return { employees, projects, allocations, timesheets };
}
