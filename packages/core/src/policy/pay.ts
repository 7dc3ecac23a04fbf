import type { SeriesPointAnswer } from "../schemas/analytics.js";
import type { Actor } from "./actor.js";

// Pay is personal data (docs/privacy.md): a person's salary, and what one derives it from (their
// cost, ROI, profit, labour cost, hourly cost), is shown only to admins, analysts, the head of that
// person's department and the person. Aggregates over departments and the company are not personal.

/** The employee a pay field is about: who they are and where they work. */
export interface PayOwner {
  readonly id: number;
  readonly department_id: number;
}

/**
 * Whether `actor` may see the pay of `employee`: admins (and platform admins), analysts, a
 * department head of the employee's department, and the employee themself (the user linked to
 * that employee record).
 */
export function canSeePay(actor: Actor, employee: PayOwner): boolean {
  if (actor.role === "admin" || actor.role === "analyst" || actor.isPlatformAdmin === true) return true;
  if (actor.role === "department_head" && actor.departmentId !== null && actor.departmentId === employee.department_id) return true;
  return actor.employeeId !== null && actor.employeeId === employee.id;
}

/** Fields of an employee record that are pay. */
export const EMPLOYEE_PAY_FIELDS = ["salary"] as const;
/** Fields of an employee's analytics (and rankings) that are pay or derived from it. */
export const EMPLOYEE_ANALYTICS_PAY_FIELDS = ["cost", "profit", "roi", "hourly_cost", "labour_cost"] as const;
/** Fields of a point of an employee's series that are pay or derived from it. */
export const SERIES_PAY_FIELDS = ["labour_cost", "salary_cost", "cost", "profit", "roi"] as const;

function omit<T extends object>(value: T, fields: readonly string[]): T {
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const f of fields) delete copy[f];
  return copy as T;
}

/** An employee record as `actor` may see it: `salary` left out unless `canSeePay`. */
export function employeeForViewer<E extends PayOwner & { readonly salary?: number }>(actor: Actor, employee: E): E {
  return canSeePay(actor, employee) ? employee : omit(employee, EMPLOYEE_PAY_FIELDS);
}

/**
 * An employee's analytics (or ranking row) as `actor` may see it: cost, profit, ROI, hourly and
 * labour cost left out unless `canSeePay`. (A ranking by `roi` leaves such rows out: see
 * `employeeRankingForViewer`.)
 */
export function employeeAnalyticsForViewer<A extends { readonly employee_id: number; readonly department_id: number }>(
  actor: Actor,
  analytics: A,
): A {
  if (canSeePay(actor, { id: analytics.employee_id, department_id: analytics.department_id })) return analytics;
  return omit(analytics, EMPLOYEE_ANALYTICS_PAY_FIELDS);
}

/**
 * A ranking as `actor` may see it: each row projected by `employeeAnalyticsForViewer`; in a
 * ranking by `roi` (whose value is pay-derived) the rows the actor may not see the pay of are
 * left out, and ranks stay those of the full ranking.
 */
export function employeeRankingForViewer<R extends { readonly employee_id: number; readonly department_id: number; readonly metric: string }>(
  actor: Actor,
  rows: readonly R[],
): R[] {
  return rows
    .filter((r) => r.metric !== "roi" || canSeePay(actor, { id: r.employee_id, department_id: r.department_id }))
    .map((r) => employeeAnalyticsForViewer(actor, r));
}

/** A point of an employee's series as `actor` may see it (pay-derived fields left out unless `canSeePay`). */
export function seriesPointForViewer<P extends SeriesPointAnswer>(actor: Actor, employee: PayOwner, point: P): P {
  return canSeePay(actor, employee) ? point : omit(point, SERIES_PAY_FIELDS);
}
