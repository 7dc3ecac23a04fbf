import { Writable } from "node:stream";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { excelNumberFormat, renderXlsx } from "../src/index.js";
import { demoReportModel } from "./demo-model.js";

describe("renderXlsx into a slow destination", () => {
  it("waits for a full destination to drain and still writes the whole workbook", async () => {
    const chunks: Buffer[] = [];
    let waits = 0;
    // A destination that takes its time with each chunk and is full after 64 bytes.
    const slow = new Writable({
      highWaterMark: 64,
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        setTimeout(done, 1);
      },
    });
    slow.on("drain", () => (waits += 1));
    await renderXlsx(demoReportModel(), slow);
    expect(waits).toBeGreaterThan(0);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
    expect(workbook.getWorksheet("Employees")?.rowCount).toBe(41);
  });
});

describe("excelNumberFormat", () => {
  it("has a format for every numeric and calendar kind and none for text", () => {
    expect((["integer", "number", "money", "ratio", "percent", "date", "month", "text"] as const).map((k) => excelNumberFormat(k, "EUR"))).toEqual([
      "#,##0",
      "#,##0.00",
      '#,##0.00 "EUR";-#,##0.00 "EUR"',
      "0.00",
      "0.0%",
      "yyyy-mm-dd",
      "yyyy-mm",
      undefined,
    ]);
  });
});
