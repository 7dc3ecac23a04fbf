import Papa from "papaparse";
import type { ReportCell, ReportModel } from "../model/report-model.js";
import { MISSING_VALUE } from "./format.js";
import { neutralizeCell } from "./neutralize.js";
import { reportTables } from "./report-tables.js";

function csvCell(value: ReportCell | undefined): string | number {
  if (value === null || value === undefined) return MISSING_VALUE;
  return typeof value === "number" ? value : neutralizeCell(value);
}

/**
 * Renders the report as one CSV (RFC 4180, CRLF line ends): each section is a block of its title
 * on a line of its own, its header row and its data rows; blocks are separated by one blank line.
 * Numbers are written unrounded, a missing value as "—", text neutralised against formulas.
 */
export function renderCsv(model: ReportModel): string {
  const blocks = reportTables(model).map((t) =>
    Papa.unparse(
      [[neutralizeCell(t.title)], t.columns.map((c) => neutralizeCell(c.label)), ...t.rows.map((r) => t.columns.map((c) => csvCell(r[c.key])))],
      { newline: "\r\n" },
    ),
  );
  return `${blocks.join("\r\n\r\n")}\r\n`;
}
