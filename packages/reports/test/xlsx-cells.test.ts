import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { parseUpload, type UploadRow } from "../src/index.js";

async function rowsOf(workbook: ExcelJS.Workbook) {
  const bytes = new Uint8Array(await workbook.xlsx.writeBuffer());
  const upload = await parseUpload((async function* () { yield bytes; })(), { entity: "departments" });
  const rows: UploadRow<unknown>[] = [];
  for await (const r of upload.rows) rows.push(r as UploadRow<unknown>);
  return rows;
}

describe("parseUpload of XLSX cells that are not plain text or numbers", () => {
  it("reads a hyperlink's text, a boolean, a date (as YYYY-MM-DD) and a formula's cached text", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("Departments");
    sheet.addRow(["name", "budget", "description"]);
    sheet.addRow([{ text: "Operations", hyperlink: "https://example.test/ops" }, 1000, true]);
    sheet.addRow(["Dated", 2000, new Date(Date.UTC(2024, 4, 17))]);
    sheet.addRow(["Formula", 3000, { formula: 'CONCAT("a","b")', result: "ab" }]);
    const rows = await rowsOf(workbook);
    expect(rows.map((r) => r.values)).toEqual([
      { name: "Operations", budget: 1000, description: "true" },
      { name: "Dated", budget: 2000, description: "2024-05-17" },
      { name: "Formula", budget: 3000, description: "ab" },
    ]);
  });
});
