/** XLSX from a hand-built report model (the model is public): sheet names Excel accepts, and cells of every kind. */
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { buildReportModel, renderXlsx, type ReportModel } from "@epca/reports";
import { collect } from "./helpers.js";

async function read(model: ReportModel) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load((await collect((out) => renderXlsx(model, out, { useSharedStrings: true }))) as unknown as ArrayBuffer);
  return workbook;
}

const base = buildReportModel({ generated_at: "2026-01-31T12:00:00.000Z", period: { from: "2025-01-01", to: "2025-12-31" }, currency: "EUR", forecasts: [] });

describe("renderXlsx of a hand-built model", () => {
  it("names sheets without Excel's forbidden characters, at most 28 characters, unique regardless of case", async () => {
    const table = { columns: [{ key: "name", label: "Name", kind: "text" as const }], rows: [{ name: "x" }] };
    const titles = ["R&D: [2025]/plan?", "r&d  [2025] plan", "[]:*?/\\", "A title far longer than Excel's thirty-one characters"];
    const model: ReportModel = { ...base, sections: titles.map((title) => ({ kind: "departments" as const, title, table })) };
    expect((await read(model)).worksheets.map((s) => s.name)).toEqual(["R&D   2025  plan", "r&d   2025  plan 2", "Sheet", "A title far longer than Exce"]);
  });

  it("writes dates and months as dates, other text as neutralised text, non-finite numbers as —", async () => {
    const model: ReportModel = {
      ...base,
      sections: [
        {
          kind: "forecasts",
          title: "Cells",
          table: {
            columns: [
              { key: "day", label: "Day", kind: "date" },
              { key: "month", label: "Month", kind: "month" },
              { key: "value", label: "Value", kind: "ratio" },
            ],
            rows: [
              { day: "2025-03-04", month: "2025-03", value: Number.POSITIVE_INFINITY },
              { day: "=TODAY()", month: "March", value: 1.5 },
              { day: null, month: null, value: null },
            ],
          },
        },
      ],
    };
    const sheet = (await read(model)).getWorksheet("Cells")!;
    expect([2, 3, 4].map((r) => [1, 2, 3].map((c) => sheet.getRow(r).getCell(c).value))).toEqual([
      [new Date("2025-03-04T00:00:00Z"), new Date("2025-03-01T00:00:00Z"), "—"],
      ["'=TODAY()", "March", 1.5],
      ["—", "—", "—"],
    ]);
    expect([sheet.getRow(2).getCell(1).numFmt, sheet.getRow(2).getCell(2).numFmt, sheet.getRow(3).getCell(3).numFmt]).toEqual(["yyyy-mm-dd", "yyyy-mm", "0.00"]);
  });
});
