/**
 * Excel export benchmark: 100,000 employee rows through the report path (`buildReportModel` then
 * `renderXlsx` of @epca/reports) against exceljs's own streaming writer writing the same rows
 * (same columns, number formats, frozen header, autofilter, a commit per row) directly, in one run.
 * Each side runs in a child process of its own so that its peak RSS (`process.resourceUsage().maxRSS`)
 * is its own. Prints time, peak RSS and file size of both, and the time ratio (goal ≤ 1.5×; peak
 * RSS goal < 300 MB).
 *
 *   pnpm bench:reports           (from the repository root: builds the packages, then runs this)
 *   EPCA_BENCH_ROWS (default 100000), EPCA_BENCH_RUNS (default 3; the median time is reported)
 */
import { spawnSync } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { once } from "node:events";
import ExcelJS from "exceljs";
import { buildReportModel, excelNumberFormat, renderXlsx, type EmployeeRowInput } from "@epca/reports";
import { seededRandom } from "@epca/core/testing";

const rowsWanted = Number(process.env.EPCA_BENCH_ROWS ?? "100000");
const runs = Number(process.env.EPCA_BENCH_RUNS ?? "3");
const DEPARTMENTS = ["Engineering", "Sales & Marketing", "Operations", "Research", "Customer Success"];

/** Deterministic employee analytics rows, the shape the analytics API answers. */
function employees(count: number): EmployeeRowInput[] {
  const random = seededRandom(20_240_101);
  return Array.from({ length: count }, (_, i) => {
    const cost = Math.round(40_000 + random() * 80_000);
    const revenue = Math.round(cost * (0.5 + random() * 1.5));
    const total_hours = i % 97 === 0 ? 0 : Math.round(1_000 + random() * 900);
    return {
      employee_id: i + 1,
      name: `Employee ${i + 1} Ñandú-Øster`,
      department_id: (i % 5) + 1,
      department_name: DEPARTMENTS[i % 5]!,
      revenue,
      cost,
      profit: revenue - cost,
      roi: (revenue - cost) / cost,
      total_hours,
      productivity_index: total_hours === 0 ? null : revenue / total_hours,
    };
  });
}

async function viaReport(rows: EmployeeRowInput[], file: string): Promise<void> {
  const model = buildReportModel({
    generated_at: new Date(),
    period: { from: "2024-01-01", to: "2024-12-31" },
    currency: "EUR",
    employees: rows,
    sections: ["employees"],
  });
  const out = createWriteStream(file);
  await renderXlsx(model, out);
  if (!out.writableFinished) await once(out, "finish");
}

async function viaExcelJs(rows: EmployeeRowInput[], file: string): Promise<void> {
  const out = createWriteStream(file);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet("Employees", { views: [{ state: "frozen", ySplit: 1 }] });
  const money = excelNumberFormat("money", "EUR");
  sheet.columns = [
    { key: "name", width: 30 },
    { key: "department", width: 20 },
    { key: "revenue", width: 14, style: { numFmt: money } },
    { key: "cost", width: 14, style: { numFmt: money } },
    { key: "profit", width: 14, style: { numFmt: money } },
    { key: "roi", width: 10, style: { numFmt: "0.0%" } },
    { key: "total_hours", width: 10, style: { numFmt: "#,##0.00" } },
    { key: "productivity_index", width: 16, style: { numFmt: money } },
  ];
  const header = sheet.addRow(["Employee", "Department", "Revenue", "Salary", "Profit", "ROI", "Hours", "Revenue / hour"]);
  header.font = { bold: true };
  header.commit();
  for (const e of rows) {
    sheet
      .addRow([e.name, e.department_name, e.revenue, e.cost, e.profit, e.roi ?? "—", e.total_hours, e.productivity_index ?? "—"])
      .commit();
  }
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: rows.length + 1, column: 8 } };
  sheet.commit();
  await workbook.commit();
  if (!out.writableFinished) await once(out, "finish");
}

interface Measure {
  ms: number;
  maxRssMb: number;
  bytes: number;
}

/** Child: generate the rows, write one workbook, answer time (of the writing, rows included) and peak RSS. */
async function child(side: "report" | "exceljs"): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "epca-bench-xlsx-"));
  const file = join(dir, `${side}.xlsx`);
  const rows = employees(rowsWanted);
  const started = performance.now();
  await (side === "report" ? viaReport(rows, file) : viaExcelJs(rows, file));
  const ms = performance.now() - started;
  const result: Measure = { ms, maxRssMb: process.resourceUsage().maxRSS / 1024, bytes: statSync(file).size };
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function measure(side: "report" | "exceljs"): Measure {
  const script = fileURLToPath(import.meta.url);
  const result = spawnSync(process.execPath, ["--import", "tsx", script, "--child", side], { encoding: "utf8", env: process.env });
  if (result.status !== 0) throw new Error(`${side} child failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split("\n").pop()!) as Measure;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const childSide = process.argv[process.argv.indexOf("--child") + 1];
  if (process.argv.includes("--child")) return child(childSide === "report" ? "report" : "exceljs");
  const report: Measure[] = [];
  const raw: Measure[] = [];
  for (let i = 0; i < runs; i += 1) {
    // Alternate the sides so that a noisy neighbour on the machine hits both alike.
    raw.push(measure("exceljs"));
    report.push(measure("report"));
  }
  for (const [name, list] of [["report", report], ["exceljs", raw]] as const) {
    console.log(`  runs ${name.padEnd(8)} ${list.map((m) => `${m.ms.toFixed(0)} ms / ${m.maxRssMb.toFixed(0)} MB`).join(", ")}`);
  }
  // Time: the median run. Peak RSS: the highest run, so that a goal met is met by every run.
  const r = { ms: median(report.map((m) => m.ms)), rss: Math.max(...report.map((m) => m.maxRssMb)), bytes: report[0]!.bytes };
  const x = { ms: median(raw.map((m) => m.ms)), rss: Math.max(...raw.map((m) => m.maxRssMb)), bytes: raw[0]!.bytes };
  const row = (name: string, m: typeof r) =>
    `${name.padEnd(34)} ${m.ms.toFixed(0).padStart(7)} ms  ${m.rss.toFixed(0).padStart(5)} MB peak RSS  ${(m.bytes / 1e6).toFixed(1).padStart(6)} MB file`;
  console.log(`Excel export of ${rowsWanted.toLocaleString("en-US")} employee rows, median of ${runs} runs, one child process per run`);
  console.log(row("@epca/reports (build + renderXlsx)", r));
  console.log(row("exceljs streaming writer (direct)", x));
  const ratio = r.ms / x.ms;
  console.log(`time ratio ${ratio.toFixed(2)}× (goal ≤ 1.5×): ${ratio <= 1.5 ? "met" : "NOT met"}`);
  console.log(`peak RSS ${r.rss.toFixed(0)} MB (goal < 300 MB): ${r.rss < 300 ? "met" : "NOT met"}`);
}

await main();
