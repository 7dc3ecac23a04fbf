import type { ValidationIssue } from "../errors.js";
import type { Allocation } from "../schemas/allocation.js";
import { datesInOrder } from "../schemas/dates.js";
import { fromHundredths, HUNDREDTHS, toHundredths } from "./exact-units.js";

/** Most an employee may be allocated at any one time, in percent. */
export const MAX_ALLOCATION_PERCENTAGE = 100;

// Sums of decimal percentages (33.3 + 33.3 + 33.4) land a hair above 100 in binary floating point,
// so the rule adds whole hundredths of a percent (see exact-units.ts), exactly.
const CAP_HUNDREDTHS = MAX_ALLOCATION_PERCENTAGE * HUNDREDTHS;

/** The part of an allocation the 100 % rule looks at. */
export type AllocationPeriod = Pick<Allocation, "allocation_percentage" | "start_date" | "end_date">;

/** Formats a percentage for a message, hiding floating-point noise. */
function formatPercent(value: number): string {
  return String(Number(value.toPrecision(12)));
}

/**
 * The highest total percentage over the days of `candidate`, in whole hundredths of a percent, and
 * the first date it is reached.
 * Dates are inclusive: an allocation ending on the day another starts overlaps it for that day.
 */
function peakAllocation(
  candidate: AllocationPeriod,
  others: readonly AllocationPeriod[],
): { peakHundredths: number; date: string } {
  // Only the days of the candidate matter: clip every other allocation to them.
  const events: { date: string; delta: number; start: boolean }[] = [];
  for (const a of [candidate, ...others]) {
    const start = a.start_date > candidate.start_date ? a.start_date : candidate.start_date;
    const end = a.end_date < candidate.end_date ? a.end_date : candidate.end_date;
    if (start > end) continue;
    const hundredths = toHundredths(a.allocation_percentage);
    events.push({ date: start, delta: hundredths, start: true });
    events.push({ date: end, delta: -hundredths, start: false });
  }
  // On one date, starts before ends: the ending allocation still holds on its end date.
  events.sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : Number(y.start) - Number(x.start)));

  let current = 0;
  let peak = toHundredths(candidate.allocation_percentage);
  let peakDate = candidate.start_date;
  for (const e of events) {
    current += e.delta;
    if (e.start && current > peak) {
      peak = current;
      peakDate = e.date;
    }
  }
  return { peakHundredths: peak, date: peakDate };
}

/**
 * Every rule an allocation breaks: percentage within 0–100, end not before start, and the
 * candidate plus the allocations of the same employee that overlap it (`overlapping`; others are
 * ignored) at most 100% on every day. Allocations that do not overlap each other never add up.
 */
export function validateAllocation(
  candidate: { allocation_percentage: number; start_date: string; end_date: string },
  overlapping: readonly AllocationPeriod[],
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const pct = candidate.allocation_percentage;
  const pctValid = pct >= 0 && pct <= MAX_ALLOCATION_PERCENTAGE;

  if (!(pct >= 0)) {
    issues.push({
      path: ["allocation_percentage"],
      code: "too_small",
      message: `Allocation percentage must be at least 0; got ${formatPercent(pct)}.`,
    });
  } else if (pct > MAX_ALLOCATION_PERCENTAGE) {
    issues.push({
      path: ["allocation_percentage"],
      code: "too_big",
      message: `Allocation percentage must be at most ${MAX_ALLOCATION_PERCENTAGE}; got ${formatPercent(pct)}.`,
    });
  }

  const rangeValid = datesInOrder(candidate.start_date, candidate.end_date);
  if (!rangeValid) {
    issues.push({
      path: ["end_date"],
      code: "invalid_range",
      message: `The end date ${candidate.end_date} is before the start date ${candidate.start_date}; choose an end date on or after it.`,
    });
  }

  // The peak only means something for a valid candidate; an invalid one is reported above.
  if (pctValid && rangeValid) {
    const { peakHundredths, date } = peakAllocation(candidate, overlapping);
    if (peakHundredths > CAP_HUNDREDTHS) {
      const peak = fromHundredths(peakHundredths);
      const room = fromHundredths(Math.max(0, CAP_HUNDREDTHS - (peakHundredths - toHundredths(pct))));
      issues.push({
        path: ["allocation_percentage"],
        code: "allocation_exceeded",
        message:
          `The employee would be allocated ${formatPercent(peak)}% on ${date}, above the ${MAX_ALLOCATION_PERCENTAGE}% limit; ` +
          `lower this allocation to at most ${formatPercent(room)}% or change its dates.`,
      });
    }
  }

  return issues;
}
