import type { ColumnKind, ReportCell } from "../model/report-model.js";
import { neutralizeCell } from "./neutralize.js";

/** What a missing value (e.g. a ratio with a zero denominator) shows; never 0. */
export const MISSING_VALUE = "—";

const grouped = (digits: number) =>
  new Intl.NumberFormat("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: true });
const INTEGER = grouped(0);
const TWO = grouped(2);
const ONE = grouped(1);

/**
 * The display text of a cell for people (PDF, TXT): money with two decimals, percent ×100 with
 * one decimal and "%", `null` as "—", text neutralised against formula injection.
 */
export function formatCell(value: ReportCell | undefined, kind: ColumnKind): string {
  if (value === null || value === undefined) return MISSING_VALUE;
  if (typeof value === "string") return neutralizeCell(value);
  if (!Number.isFinite(value)) return MISSING_VALUE;
  switch (kind) {
    case "integer":
      return INTEGER.format(value);
    case "percent":
      return `${ONE.format(value * 100)} %`;
    case "money":
    case "number":
    case "ratio":
      return TWO.format(value);
    default:
      return neutralizeCell(String(value));
  }
}

/** Whether a column is right-aligned (numbers are). */
export function isNumericKind(kind: ColumnKind): boolean {
  return kind !== "text" && kind !== "date" && kind !== "month";
}
