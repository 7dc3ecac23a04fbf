import type {
  AnalyticsSubject,
  CompanyMonth,
  EmployeeFact,
  MonthlyBucket,
  PeriodFacts,
  ProjectFact,
} from "../ports/analytics-store.js";
import type { Department } from "../schemas/department.js";
import type { Employee } from "../schemas/employee.js";
import type { Project } from "../schemas/project.js";
import type { Timesheet } from "../schemas/timesheet.js";
import { isCountedTimesheet } from "./counted-hours.js";
import { ratio, type MetricOptions } from "./ratio.js";

// Analytics over a period (docs/metrics.md, "Periods and series"): the pure reference. A store
// answers `PeriodFacts` (monthly buckets of hours and salary-weighted hours, plus the employee and
// project facts the formulas need); everything else is computed here, from those facts alone.

/** An inclusive range of ISO dates (`YYYY-MM-DD`), `from ≤ to`. */
export interface Period {
  readonly from: string;
  readonly to: string;
}

/** Days of a year in the day-count rule of salary proration (Actual/365 Fixed). */
export const DAYS_PER_YEAR = 365;

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of an ISO date. */
export function dayNumber(isoDate: string): number {
  const [y, m, d] = isoDate.split("-").map(Number) as [number, number, number];
  return Math.round(Date.UTC(y, m - 1, d) / DAY_MS);
}

/** The ISO date of a day number. */
export function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Days of an inclusive period (`to − from + 1`). */
export function periodDays(period: Period): number {
  return dayNumber(period.to) - dayNumber(period.from) + 1;
}

/** The previous period of the same length: it ends the day before `from`. */
export function previousPeriod(period: Period): Period {
  const days = periodDays(period);
  const from = dayNumber(period.from);
  return { from: dateOfDay(from - days), to: dateOfDay(from - 1) };
}

/** `YYYY-MM` of an ISO date. */
export function monthOf(isoDate: string): string {
  return isoDate.slice(0, 7);
}

/** First and last ISO date of a month `YYYY-MM`. */
export function monthBounds(month: string): Period {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, "0")}` };
}

/** The month `n` months after `month` (n may be negative). */
export function addMonths(month: string, n: number): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const index = y * 12 + (m - 1) + n;
  return `${String(Math.floor(index / 12)).padStart(4, "0")}-${String((index % 12) + 1).padStart(2, "0")}`;
}

/** Every month a period touches, in order, with the part of the period inside it. */
export function monthsOf(period: Period): { month: string; window: Period }[] {
  const out: { month: string; window: Period }[] = [];
  const last = monthOf(period.to);
  for (let month = monthOf(period.from); month <= last; month = addMonths(month, 1)) {
    const bounds = monthBounds(month);
    out.push({
      month,
      window: { from: bounds.from < period.from ? period.from : bounds.from, to: bounds.to > period.to ? period.to : bounds.to },
    });
  }
  return out;
}

/** The last 12 months ending with the month of `end`: from the first of the month 11 months earlier to `end`. */
export function lastTwelveMonths(end: string): Period {
  return { from: `${addMonths(monthOf(end), -11)}-01`, to: end };
}

/**
 * Days of `window` on which the employee was employed: days on or after `hire_date` (no hire
 * date: employed throughout). The day of hire counts.
 */
export function employedDays(hireDate: string | null, window: Period): number {
  const start = hireDate && hireDate > window.from ? hireDate : window.from;
  if (start > window.to) return 0;
  return dayNumber(window.to) - dayNumber(start) + 1;
}

/** An annual amount (salary, revenue_generated) prorated to the days employed in `window`: `amount × days / 365`. */
export function prorated(annual: number, hireDate: string | null, window: Period): number {
  return (annual * employedDays(hireDate, window)) / DAYS_PER_YEAR;
}

/** One point of a series (a month, or a quarter named by its first month). */
export interface SeriesPoint {
  readonly month: string;
  readonly hours: number;
  readonly labour_cost: number;
  readonly salary_cost: number;
  readonly direct_cost: number;
  readonly revenue: number;
  readonly cost: number;
  readonly profit: number;
  readonly roi: number | null;
  readonly productivity_index: number | null;
}

/** The sums of a point; the ratios follow from them. */
export interface SeriesSums {
  readonly hours: number;
  readonly labour_cost: number;
  readonly salary_cost: number;
  readonly direct_cost: number;
  readonly revenue: number;
  readonly cost: number;
}

/** A point from its sums: `profit = revenue − cost`, `roi = profit / cost`, `productivity_index = revenue / hours`. */
export function seriesPoint(month: string, sums: SeriesSums): SeriesPoint {
  const profit = sums.revenue - sums.cost;
  return { month, ...sums, profit, roi: ratio(profit, sums.cost), productivity_index: ratio(sums.revenue, sums.hours) };
}

const ZERO: SeriesSums = { hours: 0, labour_cost: 0, salary_cost: 0, direct_cost: 0, revenue: 0, cost: 0 };

/** Adds sums field by field, in order. */
export function addSums(points: readonly SeriesSums[]): SeriesSums {
  const acc = { ...ZERO };
  for (const p of points) {
    acc.hours += p.hours;
    acc.labour_cost += p.labour_cost;
    acc.salary_cost += p.salary_cost;
    acc.direct_cost += p.direct_cost;
    acc.revenue += p.revenue;
    acc.cost += p.cost;
  }
  return acc;
}

/** Whether a timesheet (or bucket) of `employeeId` on `projectId` belongs to the subject's facts. */
function bucketBelongs(
  subject: AnalyticsSubject,
  employeeDepartment: number | undefined,
  projectDepartment: number | undefined,
  employeeId: number,
  projectId: number,
): boolean {
  switch (subject.kind) {
    case "company":
      return true;
    case "employee":
      return employeeId === subject.id;
    case "project":
      return projectId === subject.id;
    case "department":
      return employeeDepartment === subject.id || projectDepartment === subject.id;
  }
}

/**
 * The reference `PeriodFacts` of a subject, from plain records (what every store must answer):
 * - buckets: per employee × project × month (for the company, unless `byEmployee`: per project
 *   × month, `employee_id` null), Σ hours and Σ hours × the employee's salary of the
 *   counted timesheets dated inside `period` (day precision) that belong to the subject (company:
 *   all; employee / project: theirs; department: logged by a member or on one of its projects);
 *   ordered by month, employee, project;
 * - employees: the subject's members (company: all; department: its employees; employee: itself);
 * - projects: the subject's projects with their all-time counted hours (company: all; department:
 *   its projects; project: itself).
 */
export function periodFactsFromRecords(
  records: {
    readonly employees: readonly Employee[];
    readonly projects: readonly Project[];
    readonly timesheets: readonly Timesheet[];
  },
  subject: AnalyticsSubject,
  period: Period,
  options: PeriodFactsOptions = {},
): PeriodFacts {
  const perEmployee = subject.kind !== "company" || options.byEmployee === true;
  const employees = new Map(records.employees.map((e) => [e.id, e]));
  const projects = new Map(records.projects.map((p) => [p.id, p]));
  const buckets = new Map<string, { employee_id: number | null; project_id: number; month: string; hours: number; salary_hours: number }>();
  const projectHours = new Map<number, number>();
  for (const t of records.timesheets) {
    if (!isCountedTimesheet(t)) continue;
    projectHours.set(t.project_id, (projectHours.get(t.project_id) ?? 0) + t.hours_worked);
    if (t.date < period.from || t.date > period.to) continue;
    const employee = employees.get(t.employee_id);
    if (!bucketBelongs(subject, employee?.department_id, projects.get(t.project_id)?.department_id, t.employee_id, t.project_id)) continue;
    const month = monthOf(t.date);
    const employeeId = perEmployee ? t.employee_id : null;
    const key = `${month}|${employeeId}|${t.project_id}`;
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = { employee_id: employeeId, project_id: t.project_id, month, hours: 0, salary_hours: 0 };
      buckets.set(key, bucket);
    }
    bucket.hours += t.hours_worked;
    bucket.salary_hours += t.hours_worked * (employee?.salary ?? 0);
  }
  const memberOf = (e: Employee): boolean =>
    subject.kind === "company" ||
    (subject.kind === "department" && e.department_id === subject.id) ||
    (subject.kind === "employee" && e.id === subject.id);
  const projectOf = (p: Project): boolean =>
    subject.kind === "company" ||
    (subject.kind === "department" && p.department_id === subject.id) ||
    (subject.kind === "project" && p.id === subject.id);
  return {
    buckets: [...buckets.values()].sort(compareBuckets),
    employees: records.employees.filter(memberOf).map(employeeFact).sort((a, b) => a.employee_id - b.employee_id),
    projects: records.projects
      .filter(projectOf)
      .map((p) => projectFact(p, projectHours.get(p.id) ?? 0))
      .sort((a, b) => a.project_id - b.project_id),
  };
}

/** The order of buckets every store answers: month, then employee id, then project id. */
export function compareBuckets(a: MonthlyBucket, b: MonthlyBucket): number {
  return a.month < b.month ? -1 : a.month > b.month ? 1 : (a.employee_id ?? 0) - (b.employee_id ?? 0) || a.project_id - b.project_id;
}

/** How fine the buckets of `periodFacts` are. */
export interface PeriodFactsOptions {
  /**
   * For the company: one bucket per employee × project × month (what per-employee rankings need)
   * instead of the default one per project × month with `employee_id: null` (all the company's
   * figures need). Other subjects are always per employee.
   */
  readonly byEmployee?: boolean;
}

/** An employee's facts. */
export function employeeFact(e: Employee): EmployeeFact {
  return { employee_id: e.id, name: e.name, department_id: e.department_id, salary: e.salary, revenue_generated: e.revenue_generated, hire_date: e.hire_date };
}

/** A project's facts with its all-time counted hours. */
export function projectFact(p: Project, totalHours: number): ProjectFact {
  return {
    project_id: p.id,
    name: p.name,
    status: p.status,
    completion_percentage: p.completion_percentage,
    department_id: p.department_id, revenue: p.revenue, cost: p.cost, total_hours: totalHours };
}

/** The buckets of each month, by month (`YYYY-MM-01`). */
function bucketsByMonth(buckets: readonly MonthlyBucket[]): Map<string, MonthlyBucket[]> {
  const byMonth = new Map<string, MonthlyBucket[]>();
  for (const b of buckets) {
    const list = byMonth.get(b.month);
    if (list) list.push(b);
    else byMonth.set(b.month, [b]);
  }
  return byMonth;
}

/**
 * The monthly series of a subject over `period` (docs/metrics.md, "Periods and series"); one point
 * per month the period touches, months without anything included (all zeros).
 * - hours: the subject's counted hours (company: all; department: its members'; employee: theirs;
 *   project: on it); labour_cost = Σ hours × salary / standardAnnualHours over the same hours.
 * - salary_cost: Σ members' salaries prorated to the days of the month inside the period they were
 *   employed (`salary × days / 365`); 0 for a project.
 * - revenue and direct_cost: each of the subject's projects recognises `revenue × h / H` and
 *   `cost × h / H`, h its hours in the month (by anyone), H its all-time hours (effort-based;
 *   nothing without hours). An employee's revenue is `revenue_generated` prorated like salary.
 * - cost: company/department `salary_cost + direct_cost`; employee `salary_cost`; project
 *   `direct_cost + labour_cost`.
 * @throws RangeError when `standardAnnualHours` is not positive (a configuration bug).
 */
export function analyticsSeries(facts: PeriodFacts, subject: AnalyticsSubject, period: Period, options: MetricOptions): SeriesPoint[] {
  const S = options.standardAnnualHours;
  if (!Number.isFinite(S) || S <= 0) throw new RangeError(`standardAnnualHours must be a positive number, got ${S}`);
  const members = new Set(facts.employees.map((e) => e.employee_id));
  const projects = new Map(facts.projects.map((p) => [p.project_id, p]));
  const byMonth = bucketsByMonth(facts.buckets);
  const countsHours = (b: MonthlyBucket): boolean =>
    subject.kind === "project"
      ? b.project_id === subject.id
      : subject.kind === "company" || (b.employee_id !== null && members.has(b.employee_id));

  return monthsOf(period).map(({ month, window }) => {
    let hours = 0;
    let salaryHours = 0;
    const projectMonthHours = new Map<number, number>();
    for (const b of byMonth.get(month) ?? []) {
      if (countsHours(b)) {
        hours += b.hours;
        salaryHours += b.salary_hours;
      }
      if (projects.has(b.project_id)) projectMonthHours.set(b.project_id, (projectMonthHours.get(b.project_id) ?? 0) + b.hours);
    }
    let salaryCost = 0;
    let revenue = 0;
    let directCost = 0;
    if (subject.kind !== "project") {
      for (const e of facts.employees) salaryCost += prorated(e.salary, e.hire_date, window);
    }
    if (subject.kind === "employee") {
      for (const e of facts.employees) revenue += prorated(e.revenue_generated, e.hire_date, window);
    } else {
      for (const p of facts.projects) {
        const h = projectMonthHours.get(p.project_id) ?? 0;
        if (h === 0 || p.total_hours === 0) continue;
        revenue += (p.revenue * h) / p.total_hours;
        directCost += (p.cost * h) / p.total_hours;
      }
    }
    const labourCost = salaryHours / S;
    const cost =
      subject.kind === "employee" ? salaryCost : subject.kind === "project" ? directCost + labourCost : salaryCost + directCost;
    return seriesPoint(month, { hours, labour_cost: labourCost, salary_cost: salaryCost, direct_cost: directCost, revenue, cost });
  });
}

/**
 * The company's series sums per month from its facts (the reference of
 * `AnalyticsStore.companyMonths`): the same sums `analyticsSeries` adds for the company.
 */
export function companyMonthsFromFacts(facts: PeriodFacts, period: Period): CompanyMonth[] {
  const projects = new Map(facts.projects.map((p) => [p.project_id, p]));
  const byMonth = bucketsByMonth(facts.buckets);
  return monthsOf(period).map(({ month, window }) => {
    let hours = 0;
    let salaryHours = 0;
    const projectMonthHours = new Map<number, number>();
    for (const b of byMonth.get(month) ?? []) {
      hours += b.hours;
      salaryHours += b.salary_hours;
      if (projects.has(b.project_id)) projectMonthHours.set(b.project_id, (projectMonthHours.get(b.project_id) ?? 0) + b.hours);
    }
    let salaryCost = 0;
    for (const e of facts.employees) salaryCost += prorated(e.salary, e.hire_date, window);
    let revenue = 0;
    let directCost = 0;
    for (const p of facts.projects) {
      const h = projectMonthHours.get(p.project_id) ?? 0;
      if (h === 0 || p.total_hours === 0) continue;
      revenue += (p.revenue * h) / p.total_hours;
      directCost += (p.cost * h) / p.total_hours;
    }
    return { month, hours, salary_hours: salaryHours, salary_cost: salaryCost, revenue, direct_cost: directCost };
  });
}

/**
 * The company's series from its monthly sums (`AnalyticsStore.companyMonths`): the points
 * `analyticsSeries` answers for the company — labour cost = salary_hours / standard annual
 * hours, cost = salary cost + direct cost.
 */
export function companySeriesFromMonths(months: readonly CompanyMonth[], options: MetricOptions): SeriesPoint[] {
  const S = options.standardAnnualHours;
  if (!Number.isFinite(S) || S <= 0) throw new RangeError(`standardAnnualHours must be a positive number, got ${S}`);
  return months.map((m) =>
    seriesPoint(m.month, {
      hours: m.hours,
      labour_cost: m.salary_hours / S,
      salary_cost: m.salary_cost,
      direct_cost: m.direct_cost,
      revenue: m.revenue,
      cost: m.salary_cost + m.direct_cost,
    }),
  );
}

/** The series grouped by quarter: each point named by the quarter's first month, sums added, ratios recomputed. */
export function quarterly(points: readonly SeriesPoint[]): SeriesPoint[] {
  const groups = new Map<string, SeriesPoint[]>();
  for (const p of points) {
    const [y, m] = p.month.split("-").map(Number) as [number, number];
    const key = `${String(y).padStart(4, "0")}-${String(Math.floor((m - 1) / 3) * 3 + 1).padStart(2, "0")}`;
    const list = groups.get(key);
    if (list) list.push(p);
    else groups.set(key, [p]);
  }
  return [...groups].map(([month, list]) => seriesPoint(month, addSums(list)));
}

/** The total of a series: its sums added, ratios recomputed (what the period's figures are). */
export function seriesTotal(points: readonly SeriesPoint[], label = "total"): SeriesPoint {
  return seriesPoint(label, addSums(points));
}

/** `{previous, change, change_ratio}` of a figure against the previous period; `change` null when either is null. */
export interface Trend {
  readonly previous: number | null;
  readonly change: number | null;
  readonly change_ratio: number | null;
}

/** A trend: `change = current − previous`, `change_ratio = change / |previous|` (null when previous is 0 or null). */
export function trend(current: number | null, previous: number | null): Trend {
  if (current === null || previous === null) return { previous, change: null, change_ratio: null };
  const change = current - previous;
  return { previous, change, change_ratio: ratio(change, Math.abs(previous)) };
}
