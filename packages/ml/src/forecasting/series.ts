import { InvalidSeriesError } from "../errors.js";
import { monthIndex } from "./month.js";

/** One month of a monthly series. */
export interface SeriesPoint {
  /** `YYYY-MM`. */
  readonly month: string;
  readonly value: number;
}

/** A validated run of consecutive months: values oldest first and the index of the first month. */
export interface MonthlyValues {
  readonly firstMonth: number;
  readonly values: number[];
}

/**
 * Checks and unpacks points already cut to the history (months strictly ascending, no gap,
 * finite values). Reads only the points it is given.
 */
export function toMonthlyValues(points: readonly SeriesPoint[]): MonthlyValues {
  const values: number[] = [];
  let firstMonth = 0;
  let previous: number | null = null;
  for (const [i, point] of points.entries()) {
    const index = monthIndex(point.month);
    if (previous === null) firstMonth = index;
    else if (index <= previous) throw new InvalidSeriesError(`months must be strictly ascending: "${point.month}" at position ${i}`);
    else if (index !== previous + 1) throw new InvalidSeriesError(`months must be consecutive: gap before "${point.month}" at position ${i}`);
    const value = point.value;
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new InvalidSeriesError(`value of "${point.month}" is not a finite number`);
    }
    values.push(value);
    previous = index;
  }
  return { firstMonth, values };
}
