import type ExcelJS from "exceljs";

/**
 * exceljs, loaded on the first workbook read or written: a server that never renders an Excel
 * report nor reads an XLSX upload does not hold it (about 25 MB of a process's memory).
 */
export async function loadExcelJs(): Promise<typeof ExcelJS> {
  return (await import("exceljs")).default;
}
