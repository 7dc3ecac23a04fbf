import type { ColumnKind, ReportCell, ReportColumn, ReportModel, ReportSection } from "../model/report-model.js";

/** One table of a report as the tabular formats (XLSX, CSV, TXT) print it. */
export interface PrintedTable {
  section: ReportSection;
  title: string;
  columns: readonly ReportColumn[];
  rows: ReadonlyArray<Readonly<Record<string, ReportCell>>>;
  /** The kind of each cell, where it differs by row (the key figures' `value` column). */
  cellKind(row: number, column: ReportColumn): ColumnKind;
}

const byColumn = (_row: number, column: ReportColumn) => column.kind;

/** The tables of a report in print order; the key figures become a Figure / Value table. */
export function reportTables(model: ReportModel): PrintedTable[] {
  return model.sections.map((section): PrintedTable => {
    if (section.kind === "company_summary") {
      const figures = section.figures;
      return {
        section: section.kind,
        title: section.title,
        columns: [
          { key: "figure", label: "Figure", kind: "text" },
          { key: "value", label: "Value", kind: "number" },
        ],
        rows: figures.map((f) => ({ figure: f.label, value: f.value })),
        cellKind: (row, column) => (column.key === "value" ? (figures[row]?.kind ?? "number") : column.kind),
      };
    }
    return { section: section.kind, title: section.title, columns: section.table.columns, rows: section.table.rows, cellKind: byColumn };
  });
}
