import { InvalidOptionsError, InvalidSeriesError } from "../errors.js";

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** Months since year 0 for a `YYYY-MM` string; throws `InvalidSeriesError` on a bad string. */
export function monthIndex(month: string): number {
  const match = MONTH.exec(month);
  if (!match) throw new InvalidSeriesError(`"${month}" is not a month in YYYY-MM form`);
  return Number(match[1]) * 12 + Number(match[2]) - 1;
}

/** The `YYYY-MM` string of a month index. */
export function monthString(index: number): string {
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}`;
}

/** `month` shifted by `offset` months. */
export function addMonths(month: string, offset: number): string {
  return monthString(monthIndex(month) + offset);
}

/** Parses an `asOf` option, naming the option when it is malformed. */
export function parseAsOf(asOf: string): number {
  if (!MONTH.test(asOf)) throw new InvalidOptionsError(`asOf "${asOf}" is not a month in YYYY-MM form`);
  return monthIndex(asOf);
}
