import ExcelJS from "exceljs";
import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import {
  buildReportModel,
  excelNumberFormat,
  formatCell,
  REPORT_FORMATS,
  renderCsv,
  renderPdf,
  renderReport,
  renderTxt,
  renderXlsx,
  reportCharts,
  type ReportModel,
} from "@epca/reports";
import { displayWidth } from "../src/render/txt.js";
import { demoReportInput, demoReportModel } from "./demo-model.js";
import { collect, hasPdftotext, HOSTILE_NAMES, pages, pdfText } from "./helpers.js";

const model = demoReportModel();
const input = demoReportInput();
const company = input.company!;
const FORMULA = /^[=+\-@\t\r\n]/;

function hostileModel(): ReportModel {
  const base = demoReportInput();
  const employees = base.employees!.slice(0, HOSTILE_NAMES.length).map((e, i) => ({ ...e, name: HOSTILE_NAMES[i]! }));
  return buildReportModel({
    ...base,
    departments: base.departments!.map((d, i) => (i === 0 ? { ...d, name: "=cmd|' /C calc'!A0" } : d)),
    employees,
    projects: base.projects!.map((p, i) => (i === 0 ? { ...p, name: "@SUM(1)" } : p)),
  });
}

describe("buildReportModel", () => {
  it("prints every section in order, with null ratios kept null (never 0)", () => {
    expect(model.sections.map((s) => s.kind)).toEqual([
      "company_summary",
      "departments",
      "employees",
      "top_performers",
      "project_profitability",
      "monthly_trend",
      "forecasts",
    ]);
    const employees = model.sections.find((s) => s.kind === "employees");
    if (employees?.kind !== "employees") throw new Error("no employees section");
    const last = employees.table.rows[39]!;
    expect(last.productivity_index).toBeNull();
    expect(formatCell(last.productivity_index!, "money")).toBe("—");
  });

  it("keeps only the sections asked for; top performers are the highest profits", () => {
    const m = buildReportModel({ ...input, sections: ["top_performers"], topPerformers: 3 });
    expect(m.sections.map((s) => s.kind)).toEqual(["top_performers"]);
    const top = m.sections[0]!;
    if (top.kind !== "top_performers") throw new Error("wrong section");
    const best = [...input.employees!].sort((a, b) => b.profit! - a.profit!).slice(0, 3);
    expect(top.table.rows.map((r) => r.name)).toEqual(best.map((e) => e.name));
  });

  it("describes the two charts for a web app: ROI bars in percent and revenue/cost/hours lines", () => {
    const [bars, lines] = reportCharts(model);
    expect(bars?.kind).toBe("bar");
    expect(bars?.x).toEqual(input.departments!.map((d) => d.name));
    expect(bars?.series[0]?.values[2]).toBeCloseTo(input.departments![2]!.roi! * 100, 10);
    expect(lines?.kind).toBe("line");
    expect(lines?.series.map((s) => [s.name, s.axis])).toEqual([
      ["Revenue", "left"],
      ["Cost", "left"],
      ["Hours", "right"],
    ]);
    expect(lines?.series[1]?.values[0]).toBe(input.series![0]!.revenue - input.series![0]!.profit);
  });
});

describe.skipIf(!hasPdftotext)("renderPdf (read back with pdftotext)", () => {
  it("prints the title page, key figures, every department's ROI and every employee, with Page n of m", async () => {
    const pdf = await collect((out) => renderPdf(model, out));
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    const text = pdfText(pdf);
    const all = pages(text);
    expect(all[0]).toContain("Productivity & cost report");
    expect(all[0]).toContain("Company: Demo Organisation");
    expect(all[0]).toContain("Period: 2024-01-01 to 2024-12-31");
    all.forEach((p, i) => expect(p).toContain(`Page ${i + 1} of ${all.length}`));
    expect(text).toContain(formatCell(company.total_revenue, "money"));
    expect(text).toContain(formatCell(company.profit, "money"));
    expect(text).toContain(formatCell(company.roi, "percent"));
    for (const d of input.departments!) {
      const line = text.split("\n").find((l) => l.trimStart().startsWith(d.name) && l.includes(formatCell(d.profit, "money")));
      expect(line, d.name).toBeDefined();
      expect(line).toContain(formatCell(d.roi, "percent"));
    }
    // Non-Latin names come out as text, not as missing glyphs.
    for (const name of ["Дмитрий Øster", "Ελένη Smirnova", "Ярослава Иванова", "Łukasz Nguyen"]) expect(text).toContain(name);
  });

  it("draws the charts as vector graphics: bars (rectangles) with a zero line and the negative ROI", async () => {
    const pdf = await collect((out) => renderPdf(model, out));
    const text = pdfText(pdf, false);
    expect(text).toContain("ROI by department");
    expect(text).toContain("Monthly revenue, cost and hours");
    expect(text).toContain(`${(input.departments![2]!.roi! * 100).toFixed(1)} %`);
    expect(input.departments![2]!.roi!).toBeLessThan(0);
    expect(text).toContain("Hours (h, right axis)");
  });

  it("breaks a long table across pages and repeats its header row on each page", async () => {
    const base = demoReportInput();
    const employees = Array.from({ length: 130 }, (_, i) => ({ ...base.employees![i % 40]!, employee_id: i + 1, name: `Person ${String(i + 1).padStart(3, "0")}` }));
    const m = buildReportModel({ ...base, employees, sections: ["employees"] });
    const all = pages(pdfText(await collect((out) => renderPdf(m, out)))).slice(1);
    expect(all.length).toBeGreaterThanOrEqual(3);
    for (const p of all) expect(p).toMatch(/Employee\s+Department\s+Revenue\s+Salary\s+Profit\s+ROI\s+Hours/);
    const seen = all.join("\n").match(/Person \d{3}/g) ?? [];
    expect(new Set(seen).size).toBe(130);
  });

  it("names a department scope on the title page", async () => {
    const m = buildReportModel({ ...input, scope: { kind: "department", department_id: 3, name: "Operations" }, sections: ["company_summary"] });
    const first = pages(pdfText(await collect((out) => renderPdf(m, out))))[0]!;
    expect(first).toContain("Department: Operations");
    expect(first).toContain("Key figures");
  });

  it("neutralises hostile names", async () => {
    const text = pdfText(await collect((out) => renderPdf(hostileModel(), out)), false);
    expect(text).toContain(`'=HYPERLINK("http://x")`);
    expect(text).toContain("'@SUM(1)");
    expect(text).toContain("'-2+3");
  });
});

describe("renderXlsx (read back with exceljs)", () => {
  async function read(m: ReportModel) {
    const bytes = await collect((out) => renderXlsx(m, out));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    return workbook;
  }

  it("writes one sheet per table with figures, number formats, a frozen header and an autofilter", async () => {
    const wb = await read(model);
    expect(wb.worksheets.map((s) => s.name)).toEqual([
      "Key figures",
      "Departments",
      "Employees",
      "Top performers",
      "Project profitability",
      "Monthly trend",
      "Forecasts",
    ]);
    const departments = wb.getWorksheet("Departments")!;
    expect(departments.getRow(1).values).toEqual([undefined, "Department", "Revenue", "Cost", "Profit", "ROI", "Revenue / hour", "Budget used"]);
    input.departments!.forEach((d, i) => {
      const row = departments.getRow(i + 2);
      expect(row.getCell(1).value).toBe(d.name);
      expect(row.getCell(2).value).toBe("revenue" in d ? d.revenue : null);
      expect(row.getCell(5).value).toBe(d.roi);
      expect(row.getCell(2).numFmt).toBe(excelNumberFormat("money", "EUR"));
      expect(row.getCell(5).numFmt).toBe("0.0%");
    });
    expect(departments.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
    expect(departments.autoFilter).toBe("A1:G6");
    expect(departments.getColumn(1).width).toBeGreaterThanOrEqual("Customer Success".length);
    const summary = wb.getWorksheet("Key figures")!;
    expect(summary.getRow(2).values).toEqual([undefined, "Revenue", company.total_revenue]);
    expect(summary.getRow(5).getCell(2).numFmt).toBe("0.0%");
    expect(summary.getRow(8).getCell(2).numFmt).toBe("#,##0");
    const trend = wb.getWorksheet("Monthly trend")!;
    expect(trend.getRow(2).getCell(1).value).toEqual(new Date("2024-01-01T00:00:00Z"));
    expect(trend.getRow(2).getCell(1).numFmt).toBe("yyyy-mm");
  });

  it("writes a null ratio as — and never as 0", async () => {
    const wb = await read(model);
    const row = wb.getWorksheet("Employees")!.getRow(41);
    expect(row.getCell(8).value).toBe("—");
  });

  it("neutralises hostile names and keeps numbers as numbers", async () => {
    const wb = await read(hostileModel());
    const names = wb.getWorksheet("Employees")!.getColumn(1).values.slice(2);
    // XML turns a bare CR into LF on reading; the leading ' is what counts.
    expect(names).toEqual(HOSTILE_NAMES.map((n) => `'${n.replace(/\r/g, "\n")}`));
    expect(wb.getWorksheet("Departments")!.getCell("A2").value).toBe("'=cmd|' /C calc'!A0");
    expect(wb.getWorksheet("Project profitability")!.getCell("A2").value).toBe("'@SUM(1)");
    const profit = wb.getWorksheet("Employees")!.getCell("E3").value;
    expect(typeof profit).toBe("number");
    for (const sheet of wb.worksheets) {
      sheet.eachRow((row) => row.eachCell((cell) => {
        if (typeof cell.value === "string") expect(cell.value).not.toMatch(FORMULA);
        expect(cell.formula).toBeUndefined();
      }));
    }
  });
});

describe("renderCsv (read back with papaparse)", () => {
  function blocks(csv: string) {
    const records = Papa.parse<string[]>(csv.trimEnd(), { header: false }).data;
    const out: string[][][] = [[]];
    for (const r of records) {
      if (r.length === 1 && r[0] === "") out.push([]);
      else out[out.length - 1]!.push(r);
    }
    return out;
  }

  it("writes one block per section (title line, header, rows), separated by a blank line", () => {
    const b = blocks(renderCsv(model));
    expect(b.map((x) => x[0]?.[0])).toEqual(model.sections.map((s) => s.title));
    const departments = b[1]!;
    expect(departments[1]).toEqual(["Department", "Revenue", "Cost", "Profit", "ROI", "Revenue / hour", "Budget used"]);
    input.departments!.forEach((d, i) => {
      const row = departments[i + 2]!;
      expect(row[0]).toBe(d.name);
      expect(Number(row[3])).toBe(d.profit);
      expect(Number(row[4])).toBe(d.roi);
    });
    const employees = b[2]!;
    expect(employees[41]![7]).toBe("—");
  });

  it("neutralises hostile names in every block and leaves negative numbers numeric", () => {
    const csv = renderCsv(hostileModel());
    const b = blocks(csv);
    expect(b[2]!.slice(2).map((r) => r[0])).toEqual(HOSTILE_NAMES.map((n) => `'${n}`));
    for (const block of b) for (const row of block) for (const cell of row) {
      if (Number.isNaN(Number(cell))) expect(cell).not.toMatch(FORMULA);
    }
    const negative = b[2]!.slice(2).map((r) => Number(r[4])).find((v) => v < 0);
    expect(negative).toBeLessThan(0);
  });
});

describe("renderTxt", () => {
  it("aligns columns: every row of a table has the header's width and numbers end in the same column", () => {
    const txt = renderTxt(model);
    const lines = txt.split("\n");
    expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(120);
    const start = lines.indexOf("Departments") + 2;
    const header = lines[start]!;
    const rule = lines[start + 1]!;
    expect(header).toMatch(/^Department\s+Revenue\s+Cost/);
    const rows = lines.slice(start + 2, start + 2 + 5);
    const profitEnd = header.indexOf("Profit") + "Profit".length;
    input.departments!.forEach((d, i) => {
      const row = rows[i]!;
      expect(row.startsWith(d.name)).toBe(true);
      const profit = formatCell(d.profit, "money");
      expect(row.indexOf(profit) + profit.length).toBe(profitEnd);
      expect([...row].length).toBe([...rule].length);
    });
    expect(txt).toContain(formatCell(company.total_revenue, "money"));
  });

  it("fits 80 columns when asked: text cut with …, wide tables printed in column groups", () => {
    const txt = renderTxt(model, { width: 80 });
    for (const line of txt.split("\n")) if (!line.startsWith("Currency:")) expect([...line].length).toBeLessThanOrEqual(80);
    expect(txt).toMatch(/^Søren Παπαδόπου… /m);
    const trend = txt.slice(txt.indexOf("Monthly trend"));
    expect(trend).toMatch(/^Month\s+Hours\s+Revenue/m);
    expect(trend).toMatch(/^Month\s+.*Revenue \/ hour$/m);
    expect(trend.match(/^2024-01 /gm)?.length).toBe(2);
  });

  it("counts wide characters (CJK, emoji) as two terminal columns", () => {
    const base = demoReportInput();
    const names = ["李小龍", "Zoë 🎨", "Ann"];
    const employees = base.employees!.slice(0, 3).map((e, i) => ({ ...e, name: names[i]! }));
    const lines = renderTxt(buildReportModel({ ...base, employees, sections: ["employees"] })).split("\n");
    const column = (line: string, word: string) => displayWidth(line.slice(0, line.indexOf(word)));
    const header = lines.find((l) => l.startsWith("Employee "))!;
    ["Engineering", "Sales & Marketing", "Operations"].forEach((department, i) => {
      const line = lines.find((l) => l.startsWith(names[i]!))!;
      expect(column(line, department)).toBe(column(header, "Department"));
    });
    expect(displayWidth("李小龍")).toBe(6);
    expect(displayWidth("Zoë 🎨")).toBe(6);
  });

  it("neutralises hostile names", () => {
    const txt = renderTxt(hostileModel(), { width: 200 });
    for (const name of HOSTILE_NAMES.slice(0, 3)) expect(txt).toContain(`'${name}`);
    for (const line of txt.split("\n")) expect(line).not.toMatch(FORMULA);
  });
});

describe("renderReport", () => {
  it("writes each report type's bytes, matching its MIME type", async () => {
    const starts: Record<keyof typeof REPORT_FORMATS, string> = { pdf: "%PDF-", excel: "PK\u0003\u0004", csv: "Key figures\r\n", txt: "Productivity & cost report\n" };
    for (const format of Object.keys(REPORT_FORMATS) as Array<keyof typeof REPORT_FORMATS>) {
      const bytes = await collect((out) => renderReport(model, format, out));
      expect(bytes.subarray(0, starts[format].length).toString("latin1"), format).toBe(starts[format]);
    }
    expect(REPORT_FORMATS.excel.extension).toBe("xlsx");
  });
});
