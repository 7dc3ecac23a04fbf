import type ExcelJS from "exceljs";
import { loadExcelJs } from "../excel.js";
import type { Writable } from "node:stream";
import type { ColumnKind, ReportCell, ReportModel } from "../model/report-model.js";
import { formatCell, MISSING_VALUE } from "./format.js";
import { neutralizeCell } from "./neutralize.js";
import { reportTables, type PrintedTable } from "./report-tables.js";

/** Excel number format of a column kind; money carries the report's currency code. */
export function excelNumberFormat(kind: ColumnKind, currency: string): string | undefined {
  switch (kind) {
    case "integer":
      return "#,##0";
    case "number":
      return "#,##0.00";
    case "money":
      return `#,##0.00 "${currency}";-#,##0.00 "${currency}"`;
    case "ratio":
      return "0.00";
    case "percent":
      return "0.0%";
    case "date":
      return "yyyy-mm-dd";
    case "month":
      return "yyyy-mm";
    default:
      return undefined;
  }
}

/** A sheet name Excel accepts: ≤ 31 characters, none of `[]:*?/\`, unique in the workbook. */
function sheetName(title: string, used: Set<string>): string {
  const base = title.replace(/[[\]:*?/\\]/g, " ").slice(0, 28).trim() || "Sheet";
  let name = base;
  for (let i = 2; used.has(name.toLowerCase()); i += 1) name = `${base} ${i}`;
  used.add(name.toLowerCase());
  return name;
}

function excelValue(value: ReportCell | undefined, kind: ColumnKind): ExcelJS.CellValue {
  if (value === null || value === undefined) return MISSING_VALUE;
  if (typeof value === "number") return Number.isFinite(value) ? value : MISSING_VALUE;
  if (kind === "date" && /^\d{4}-\d{2}-\d{2}$/.test(value)) return new Date(`${value}T00:00:00Z`);
  if (kind === "month" && /^\d{4}-\d{2}$/.test(value)) return new Date(`${value}-01T00:00:00Z`);
  return neutralizeCell(value);
}

/** Widths from the header and the first rows' display text, 8–60 characters. */
function columnWidths(table: PrintedTable): number[] {
  const sample = table.rows.slice(0, 200);
  return table.columns.map((c) => {
    const longest = Math.max(c.label.length, ...sample.map((r, i) => formatCell(r[c.key], table.cellKind(i, c)).length));
    return Math.min(60, Math.max(8, longest + 2));
  });
}

const FLUSH_EVERY = 1_000;

/**
 * Lets the zip stream reach `out` and waits while `out` is full: exceljs writes synchronously, so
 * without this a large sheet would be compressed into memory before a byte left the process.
 */
async function flush(out: Writable): Promise<void> {
  if (!out.writableNeedDrain) return new Promise<void>((resolve) => setImmediate(resolve));
  return new Promise<void>((resolve, reject) => {
    const done = (error?: Error) => {
      out.off("drain", done);
      out.off("error", done);
      if (error) reject(error);
      else resolve();
    };
    out.on("drain", done);
    out.on("error", done);
  });
}

/** Options of `renderXlsx`. */
export interface XlsxOptions {
  /** Use a shared-strings table (smaller files with repeated text, more memory); default false. */
  useSharedStrings?: boolean;
}

/**
 * Writes the report as an XLSX workbook to `out` with exceljs's streaming writer: one sheet per
 * table, number formats by column kind, a frozen header row, an autofilter, fitted column widths;
 * each row is committed as soon as it is written. Resolves when the workbook is complete.
 */
export async function renderXlsx(model: ReportModel, out: Writable, options: XlsxOptions = {}): Promise<void> {
  const workbook = new (await loadExcelJs()).stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: options.useSharedStrings ?? false,
  });
  workbook.creator = "EPCA";
  workbook.created = new Date(model.generated_at);
  const used = new Set<string>();
  for (const table of reportTables(model)) {
    const sheet = workbook.addWorksheet(sheetName(table.title, used), {
      views: [{ state: "frozen", ySplit: 1 }],
    });
    const widths = columnWidths(table);
    sheet.columns = table.columns.map((c, j) => {
      const numFmt = excelNumberFormat(c.kind, model.currency);
      return { key: c.key, width: widths[j] ?? 12, ...(numFmt ? { style: { numFmt } } : {}) };
    });
    const header = sheet.addRow(table.columns.map((c) => neutralizeCell(c.label)));
    header.font = { bold: true };
    header.commit();
    for (let i = 0; i < table.rows.length; i += 1) {
      const r = table.rows[i] ?? {};
      const row = sheet.addRow(table.columns.map((c) => excelValue(r[c.key], table.cellKind(i, c))));
      table.columns.forEach((c, j) => {
        const kind = table.cellKind(i, c);
        if (kind !== c.kind) {
          const numFmt = excelNumberFormat(kind, model.currency);
          if (numFmt) row.getCell(j + 1).numFmt = numFmt;
        }
      });
      row.commit();
      if (i % FLUSH_EVERY === FLUSH_EVERY - 1) await flush(out);
    }
    sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: Math.max(1, table.rows.length + 1), column: table.columns.length } };
    sheet.commit();
  }
  await workbook.commit();
}
