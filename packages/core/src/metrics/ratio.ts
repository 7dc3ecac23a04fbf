/** Hours a full-time employee works in a year; the default of `STANDARD_ANNUAL_HOURS`. */
export const DEFAULT_STANDARD_ANNUAL_HOURS = 2080;

/** Settings the formulas depend on, read once from configuration. */
export interface MetricOptions {
  /** Hours of a working year, the divisor of hourly cost (`STANDARD_ANNUAL_HOURS`, default 2080). */
  readonly standardAnnualHours: number;
}

/**
 * `numerator / denominator`, or `null` when the denominator is 0 or not finite: a ratio with
 * nothing to divide by is unknown, not zero. The result is never rounded.
 * @example ratio(300, 150) // 2
 * @example ratio(300, 0) // null
 */
export function ratio(numerator: number, denominator: number): number | null {
  if (denominator === 0 || !Number.isFinite(denominator)) return null;
  return numerator / denominator;
}

/**
 * What one hour of an employee costs: annual `salary / standardAnnualHours`, or `null` when the
 * standard year has no hours.
 * @example hourlyCost(104_000, 2080) // 50
 */
export function hourlyCost(salary: number, standardAnnualHours: number): number | null {
  return ratio(salary, standardAnnualHours);
}
