import type { Writable } from "node:stream";
import type { ReportModel } from "../model/report-model.js";
import { renderCsv } from "./csv.js";
import { renderPdf } from "./pdf.js";
import { renderTxt } from "./txt.js";
import { renderXlsx } from "./xlsx.js";

/** The report types of `GET /reports/generate?report_type=…`, with their MIME type and file extension. */
export const REPORT_FORMATS = {
  pdf: { content_type: "application/pdf", extension: "pdf" },
  excel: { content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", extension: "xlsx" },
  csv: { content_type: "text/csv; charset=utf-8", extension: "csv" },
  txt: { content_type: "text/plain; charset=utf-8", extension: "txt" },
} as const;
export type ReportFormat = keyof typeof REPORT_FORMATS;

function writeText(text: string, out: Writable): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    out.once("error", reject);
    out.end(text, "utf8", () => resolve());
  });
}

/** Writes the report in `format` to `out` and ends it; resolves when `out` has every byte. */
export async function renderReport(model: ReportModel, format: ReportFormat, out: Writable): Promise<void> {
  switch (format) {
    case "pdf":
      return renderPdf(model, out);
    case "excel":
      return renderXlsx(model, out);
    case "csv":
      return writeText(renderCsv(model), out);
    case "txt":
      return writeText(renderTxt(model), out);
  }
}
