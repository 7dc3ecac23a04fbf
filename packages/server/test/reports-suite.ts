/**
 * The reports routes over real HTTP, written once and run on every store: each format read back
 * (PDF through `pdftotext`, XLSX through exceljs, CSV through papaparse, TXT as text) and compared
 * with what `/analytics/...` answers for the same scope and period; formula-injection names
 * neutralised; department heads held to their department; the async path through the job queue;
 * schedules; retention.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Clock, JobWorker } from "@epca/core";
import { formatCell } from "@epca/reports";
import { createServerEpca, startModuleWorker, startScheduler, testConfig, type Scheduler, type ServerConfig } from "@epca/server";
import { createFixture, daysAgo, startServer, TEST_SECRET, testHasher, type Fixture, type TestServer } from "./support/harness.js";
import type { StoreFactory } from "./support/stores.js";

const API = "/api/v1";
/** Names a spreadsheet would run as formulas; each must come out with a leading `'`. */
const HOSTILE = ['=HYPERLINK("http://evil.example","x")', "+1 Plus", "-1 Minus", "@x At"];

const NON_LATIN = ["Σοφία Παπαδοπούλου", "Дмитрий Орлов"];

/** A CSV cell as a figure: "—" is a missing ratio (`null`), never 0. */
const figure = (cell: string | undefined) => (cell === "—" ? null : Number(cell));

/** A clock the test moves forward (retention). */
function movableClock(): Clock & { offsetMs: number } {
  const clock = { offsetMs: 0, now: () => new Date(Date.now() + clock.offsetMs) };
  return clock;
}

/** Raw bytes of a response (reports are binary). */
async function download(t: TestServer, path: string, token: string): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const response = await fetch(t.base + path, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

/** The CSV's blocks by title: header and rows. */
function csvBlocks(text: string): Map<string, { header: string[]; rows: string[][] }> {
  const rows = Papa.parse<string[]>(text.replace(/\r\n$/, ""), { skipEmptyLines: false }).data;
  const blocks = new Map<string, { header: string[]; rows: string[][] }>();
  let current: string[][] = [];
  const flush = () => {
    if (current.length >= 2) blocks.set(current[0]![0]!, { header: current[1]!, rows: current.slice(2) });
    current = [];
  };
  for (const row of rows) {
    if (row.length === 1 && row[0] === "") flush();
    else current.push(row);
  }
  flush();
  return blocks;
}

function pdfText(bytes: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), "epca-report-test-"));
  writeFileSync(join(dir, "r.pdf"), bytes);
  return execFileSync("pdftotext", ["-layout", join(dir, "r.pdf"), "-"], { encoding: "utf8" });
}

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The suite on stores of `factory` (with the reportFiles part). */
export function reportsSuite(factory: StoreFactory): void {
  let t: TestServer;
  let fx: Fixture;
  let worker: JobWorker;
  let config: ServerConfig;
  const clock = movableClock();
  const from = `${daysAgo(150).slice(0, 7)}-01`;
  const to = daysAgo(0);
  const period = `from=${from}&to=${to}`;
  let hostile: number[] = [];

  beforeAll(async () => {
    const opened = await factory();
    const overrides = { REPORT_ASYNC_ROWS: 50, REPORT_RETENTION_DAYS: 2, REPORT_CURRENCY: "EUR" } satisfies Partial<ServerConfig>;
    config = testConfig({ SECRET_KEY: TEST_SECRET, ...overrides });
    t = await startServer(opened.store, overrides, { closeStore: opened.close, clock });
    fx = await createFixture(t);
    const { epca, system } = t;
    // Employees with formula-like names and revenue, hours over several months, projects with money.
    hostile = [];
    for (const [i, name] of HOSTILE.entries()) {
      const e = await epca.employees.create(system, { name, department_id: i % 2 === 0 ? fx.deptA : fx.deptB, salary: 60_000 + i * 10_000, revenue_generated: 90_000 + i * 25_000 });
      hostile.push(e.id);
    }
    // Names in Greek and Cyrillic: the PDF's embedded font must carry them.
    for (const name of NON_LATIN) await epca.employees.create(system, { name, department_id: fx.deptB, salary: 70_000, revenue_generated: 80_000 });
    await epca.projects.update(system, fx.projA, { revenue: 250_000, cost: 40_000 });
    await epca.projects.update(system, fx.projB, { revenue: 90_000, cost: 15_000 });
    await epca.projects.create(system, { name: "@SUM(A1:A9)", department_id: fx.deptA, status: "in_progress", revenue: 10_000, cost: 2_500, start_date: daysAgo(900) });
    for (let m = 0; m < 5; m += 1) {
      await epca.timesheets.create(system, { employee_id: hostile[0]!, project_id: fx.projA, hours_worked: 6 + m, date: daysAgo(10 + m * 30) });
      await epca.timesheets.create(system, { employee_id: hostile[1]!, project_id: fx.projB, hours_worked: 3 + m, date: daysAgo(12 + m * 30) });
      await epca.timesheets.create(system, { employee_id: fx.empA, project_id: fx.projA, hours_worked: 4, date: daysAgo(14 + m * 30) });
    }
    worker = startModuleWorker({
      queue: t.jobs,
      modules: t.app.api.modules,
      epca: createServerEpca({ store: t.store, config, passwordHasher: testHasher, jobs: t.jobs, clock }),
      pollMs: 50,
    });
  });

  afterAll(async () => {
    await worker?.stop({ graceMs: 1000 });
    await t?.close();
  });

  const get = (path: string, token: string) => t.request("GET", `${API}${path}`, { token });

  describe("formats, read back and compared with the analytics", () => {
    it("CSV: every section's figures are the analytics' for the same period, names neutralised", async () => {
      const r = await download(t, `${API}/reports/generate?report_type=csv&${period}`, fx.tokens.admin);
      expect(r.status).toBe(200);
      expect(r.headers.get("content-type")).toBe("text/csv; charset=utf-8");
      expect(r.headers.get("content-disposition")).toBe(`attachment; filename="epca-report-company-${from}-${to}.csv"; filename*=UTF-8''epca-report-company-${from}-${to}.csv`);
      const blocks = csvBlocks(r.bytes.toString("utf8"));
      expect([...blocks.keys()]).toEqual(["Key figures", "Departments", "Employees", "Top performers", "Project profitability", "Monthly trend"]);

      const company = (await get(`/analytics/company?${period}`, fx.tokens.admin)).body;
      const figures = Object.fromEntries(blocks.get("Key figures")!.rows.map(([k, v]) => [k, figure(v)]));
      expect(figures).toEqual({
        Revenue: company.total_revenue,
        Cost: company.total_cost,
        Profit: company.profit,
        ROI: company.roi,
        "Revenue per hour": company.productivity_index,
        Hours: company.total_hours,
        Departments: company.department_count,
        Employees: company.employee_count,
        Projects: company.project_count,
      });
      // The fixture's 2 hours, and what beforeAll logged.
      expect(company.total_hours).toBe(2 + 5 * 4 + (6 + 7 + 8 + 9 + 10) + (3 + 4 + 5 + 6 + 7));

      const departments = blocks.get("Departments")!;
      expect(departments.header).toEqual(["Department", "Revenue", "Cost", "Profit", "ROI", "Revenue / hour", "Budget used"]);
      expect(departments.rows).toEqual(
        company.department_metrics.map((d: Record<string, number | string | null>) =>
          [d.name, d.revenue, d.cost, d.profit, d.roi, d.productivity_index, d.budget_utilization].map((v) => (v === null ? "—" : String(v))),
        ),
      );

      const employees = blocks.get("Employees")!;
      expect(employees.rows.length).toBe(2 + HOSTILE.length + NON_LATIN.length);
      expect(employees.rows.map((r) => r[0])).toEqual(expect.arrayContaining(NON_LATIN));
      for (const id of [fx.empA, fx.empB, ...hostile]) {
        const e = (await get(`/analytics/employees/${id}?${period}`, fx.tokens.admin)).body;
        const shown = e.name.replace(/^([=+\-@])/, "'$1");
        const row = employees.rows.find((r) => r[0] === shown);
        expect(row, e.name).toBeDefined();
        expect(row!.slice(2).map(figure)).toEqual([e.revenue, e.cost, e.profit, e.roi, e.total_hours, e.productivity_index]);
      }
      expect(employees.rows.map((r) => r[0])).toEqual(expect.arrayContaining(["'=HYPERLINK(\"http://evil.example\",\"x\")", "'+1 Plus", "'-1 Minus", "'@x At"]));

      const top = (await get(`/analytics/top-performers?metric=revenue_generated&limit=100&${period}`, fx.tokens.admin)).body as Array<{ name: string; profit: number }>;
      const byProfit = [...top].sort((a, b) => b.profit - a.profit).map((e) => e.name.replace(/^([=+\-@])/, "'$1"));
      expect(blocks.get("Top performers")!.rows.map((r) => r[0])).toEqual(byProfit.slice(0, 10));

      const projects = blocks.get("Project profitability")!;
      for (const row of projects.rows) {
        const list = (await get(`/projects/?limit=100`, fx.tokens.admin)).body as Array<{ id: number; name: string }>;
        const p = list.find((x) => x.name.replace(/^([=+\-@])/, "'$1") === row[0])!;
        const a = (await get(`/analytics/projects/${p.id}?${period}`, fx.tokens.admin)).body;
        expect(row.slice(1).map(figure)).toEqual([a.revenue, a.direct_cost, a.labour_cost, a.total_cost, a.profit, a.roi, a.total_hours]);
      }
      expect(projects.rows.map((r) => r[0])).toContain("'@SUM(A1:A9)");

      const series = (await get(`/analytics/company/series?${period}`, fx.tokens.admin)).body;
      const trend = blocks.get("Monthly trend")!;
      expect(trend.rows.map((r) => r[0])).toEqual(series.points.map((p: { month: string }) => p.month));
      expect(trend.rows.map((r) => [Number(r[1]), Number(r[2]), Number(r[6])])).toEqual(series.points.map((p: { hours: number; revenue: number; profit: number }) => [p.hours, p.revenue, p.profit]));
    });

    it("XLSX: a sheet per section with numbers, formats, frozen header and filter; figures equal the analytics'", async () => {
      const r = await download(t, `${API}/reports/generate?report_type=excel&${period}`, fx.tokens.analyst);
      expect(r.status).toBe(200);
      expect(r.headers.get("content-type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
      expect(r.headers.get("content-disposition")).toMatch(/^attachment; filename="epca-report-company-.*\.xlsx"/);
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(r.bytes as unknown as ArrayBuffer);
      expect(book.worksheets.map((s) => s.name)).toEqual(["Key figures", "Departments", "Employees", "Top performers", "Project profitability", "Monthly trend"]);
      const company = (await get(`/analytics/company?${period}`, fx.tokens.analyst)).body;
      const key = book.getWorksheet("Key figures")!;
      expect(key.getRow(2).values).toEqual([undefined, "Revenue", company.total_revenue]);
      expect(key.getRow(4).values).toEqual([undefined, "Profit", company.profit]);
      const departments = book.getWorksheet("Departments")!;
      expect(departments.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
      expect(departments.getCell("B2").numFmt).toBe('#,##0.00 "EUR";-#,##0.00 "EUR"');
      expect(departments.getCell("E2").numFmt).toBe("0.0%");
      const rows = company.department_metrics.map((d: Record<string, unknown>) => [d.name, d.revenue, d.cost, d.profit, d.roi]);
      for (const [i, expected] of rows.entries()) expect((departments.getRow(i + 2).values as unknown[]).slice(1, 6)).toEqual(expected);
      const names = (book.getWorksheet("Employees")!.getColumn(1).values as unknown[]).slice(2);
      expect(names).toEqual(expect.arrayContaining(["'=HYPERLINK(\"http://evil.example\",\"x\")", "'+1 Plus", "'-1 Minus", "'@x At"]));
      // No cell of any sheet is a formula, and no text cell starts like one.
      book.eachSheet((sheet) =>
        sheet.eachRow((row) =>
          row.eachCell((cell) => {
            expect(cell.type).not.toBe(ExcelJS.ValueType.Formula);
            if (typeof cell.value === "string") expect(cell.value).not.toMatch(/^[=+\-@\t\r\n]/);
          }),
        ),
      );
    });

    it("PDF: title, period, scope, formatted figures, neutralised names and page numbers in the text", async () => {
      const r = await download(t, `${API}/reports/generate?report_type=pdf&${period}`, fx.tokens.admin);
      expect(r.status).toBe(200);
      expect(r.headers.get("content-type")).toBe("application/pdf");
      expect(r.bytes.subarray(0, 5).toString()).toBe("%PDF-");
      const text = pdfText(r.bytes);
      const company = (await get(`/analytics/company?${period}`, fx.tokens.admin)).body;
      expect(text).toContain("Productivity & cost report");
      expect(text).toContain(`Period: ${from} to ${to}`);
      expect(text).toContain(formatCell(company.total_revenue, "money"));
      expect(text).toContain(formatCell(company.profit, "money"));
      expect(text).toContain(formatCell(company.total_hours, "number"));
      for (const d of company.department_metrics) expect(text).toContain(formatCell(d.revenue, "money"));
      expect(text).toContain("'+1 Plus");
      expect(text).toContain("'@x At");
      for (const name of NON_LATIN) expect(text).toContain(name);
      expect(text).toContain("ROI by department");
      expect(text).toContain("Monthly revenue, cost and hours");
      const pages = Number(/Page 1 of (\d+)/.exec(text)?.[1]);
      expect(pages).toBeGreaterThanOrEqual(3);
      expect(text).toContain(`Page ${pages} of ${pages}`);
      expect(text).not.toMatch(/^\s*[=+@]/m);
    });

    it("TXT: aligned tables with the formatted figures, names neutralised", async () => {
      const r = await download(t, `${API}/reports/generate?report_type=txt&${period}&sections=company_summary,employees`, fx.tokens.admin);
      expect(r.status).toBe(200);
      expect(r.headers.get("content-type")).toBe("text/plain; charset=utf-8");
      const text = r.bytes.toString("utf8");
      const company = (await get(`/analytics/company?${period}`, fx.tokens.admin)).body;
      expect(text.split("\n").slice(0, 3)).toEqual(["Productivity & cost report", "Company: Default", `Period: ${from} to ${to}`]);
      expect(text).toMatch(new RegExp(`Revenue\\s+${formatCell(company.total_revenue, "money").replace(/[.]/g, "\\.")}`));
      expect(text).not.toContain("Departments\n");
      for (const name of ["'+1 Plus", "'-1 Minus", "'@x At"]) expect(text).toContain(name);
      expect(text.split("\n").every((line) => !/^[=+\-@\t\r]/.test(line))).toBe(true);
    });

    it("names that start with tab, CR or LF never reach a report: the API refuses them", async () => {
      for (const name of ["\tTab", "\rCR", "\nLF"]) {
        const r = await t.request("POST", `${API}/employees/`, { token: fx.tokens.admin, body: { name: `${name} x`, department_id: fx.deptA, salary: 1 } });
        // Trimmed (a leading tab/CR/LF goes) or refused: either way no stored name starts with one.
        if (r.status === 201) expect(r.body.name).not.toMatch(/^[\t\r\n]/);
        else expect(r.status).toBe(422);
        if (r.status === 201) await t.request("DELETE", `${API}/employees/${r.body.id}`, { token: fx.tokens.admin });
      }
    });

    it("sections= chooses the sections; an unknown one or report type is a 422 naming the parameter", async () => {
      const r = await download(t, `${API}/reports/generate?report_type=csv&sections=monthly_trend,company_summary&${period}`, fx.tokens.admin);
      expect([...csvBlocks(r.bytes.toString()).keys()]).toEqual(["Key figures", "Monthly trend"]);
      const forecasts = await download(t, `${API}/reports/generate?report_type=csv&sections=forecasts,departments&${period}`, fx.tokens.admin);
      expect([...csvBlocks(forecasts.bytes.toString()).keys()]).toEqual(["Departments"]); // no model: skipped silently
      const badType = await get(`/reports/generate?report_type=docx`, fx.tokens.admin);
      expect(badType.status).toBe(422);
      expect(badType.body.detail[0].loc).toEqual(["query", "report_type"]);
      const badSection = await get(`/reports/generate?report_type=csv&sections=salaries`, fx.tokens.admin);
      expect(badSection.status).toBe(422);
      expect(badSection.body.detail[0].loc[0]).toBe("query");
      expect(badSection.body.detail[0].loc[1]).toBe("sections");
      const backwards = await get(`/reports/generate?report_type=csv&from=${to}&to=${from}`, fx.tokens.admin);
      expect(backwards.status).toBe(422);
    });
  });

  describe("who may ask", () => {
    it("a department head gets their own department's report, with the department's analytics; another department is 403", async () => {
      const r = await download(t, `${API}/reports/generate?report_type=csv&${period}`, fx.tokens.department_head);
      expect(r.status).toBe(200);
      expect(r.headers.get("content-disposition")).toContain(`epca-report-department-${fx.deptA}-`);
      const blocks = csvBlocks(r.bytes.toString());
      const dept = (await get(`/analytics/departments/${fx.deptA}?${period}`, fx.tokens.department_head)).body;
      const figures = Object.fromEntries(blocks.get("Key figures")!.rows.map(([k, v]) => [k, Number(v)]));
      expect([figures.Revenue, figures.Cost, figures.Profit, figures.Hours, figures.Employees, figures.Departments]).toEqual([
        dept.total_revenue,
        dept.total_cost,
        dept.profit,
        dept.total_hours,
        dept.employee_count,
        1,
      ]);
      expect(blocks.get("Departments")!.rows.map((row) => row[0])).toEqual(["Dept A"]);
      const names = blocks.get("Employees")!.rows.map((row) => row[0]);
      expect(names.sort()).toEqual(["'-1 Minus", "'=HYPERLINK(\"http://evil.example\",\"x\")", "Alice A"].sort());
      // Every pay figure of the own department is shown (a head sees their department's pay).
      expect(blocks.get("Employees")!.rows.every((row) => row[3] !== "—")).toBe(true);
      const series = (await get(`/analytics/departments/${fx.deptA}/series?${period}`, fx.tokens.department_head)).body;
      expect(blocks.get("Monthly trend")!.rows.map((row) => Number(row[1]))).toEqual(series.points.map((p: { hours: number }) => p.hours));

      const explicit = await download(t, `${API}/reports/generate?report_type=csv&department_id=${fx.deptA}&${period}`, fx.tokens.department_head);
      expect(explicit.bytes.toString()).toBe(r.bytes.toString());
      expect((await get(`/reports/generate?report_type=csv&department_id=${fx.deptB}`, fx.tokens.department_head)).status).toBe(403);
    });

    it("read-only users are refused; an unknown department is a 404; no token is a 401", async () => {
      expect((await get(`/reports/generate?report_type=pdf`, fx.tokens.read_only)).status).toBe(403);
      expect((await get(`/reports/generate?report_type=pdf&department_id=987654`, fx.tokens.admin)).status).toBe(404);
      expect((await t.request("GET", `${API}/reports/generate?report_type=pdf`)).status).toBe(401);
    });

    it("an analyst's department report equals the department analytics too", async () => {
      const r = await download(t, `${API}/reports/generate?report_type=csv&department_id=${fx.deptB}&sections=company_summary&${period}`, fx.tokens.analyst);
      const dept = (await get(`/analytics/departments/${fx.deptB}?${period}`, fx.tokens.analyst)).body;
      const figures = Object.fromEntries(csvBlocks(r.bytes.toString()).get("Key figures")!.rows.map(([k, v]) => [k, Number(v)]));
      expect([figures.Revenue, figures.Cost, figures.Hours]).toEqual([dept.total_revenue, dept.total_cost, dept.total_hours]);
    });
  });

  describe("background reports, kept files and retention", () => {
    it("async=true answers 202 with the job; the job succeeds; the file downloads and equals the direct answer", async () => {
      const direct = await download(t, `${API}/reports/generate?report_type=csv&${period}`, fx.tokens.analyst);
      const r = await get(`/reports/generate?report_type=csv&async=true&${period}`, fx.tokens.analyst);
      expect(r.status).toBe(202);
      expect(r.headers.get("location")).toBe(`${API}/jobs/${r.body.id}`);
      expect(r.body).toMatchObject({ type: "reports.generate", status: "queued" });
      const job = await waitFor("the report job", async () => {
        const j = (await t.request("GET", r.headers.get("location")!, { token: fx.tokens.analyst })).body;
        return j.status === "succeeded" ? j : j.status === "failed" ? Promise.reject(new Error(JSON.stringify(j.error))) : null;
      });
      expect(job.result).toMatchObject({ name: `epca-report-company-${from}-${to}.csv`, content_type: "text/csv; charset=utf-8", url: `${API}/reports/files/${job.result.file_id}` });
      expect(job.progress).toEqual({ done: 2, total: 2, message: "done" });
      const listed = (await get(`/reports/files`, fx.tokens.analyst)).body;
      expect(listed.map((f: { id: string }) => f.id)).toContain(job.result.file_id);
      const file = listed.find((f: { id: string }) => f.id === job.result.file_id);
      expect(file).toMatchObject({ size: direct.bytes.byteLength, created_by: fx.users.analyst });
      expect(Date.parse(file.expires_at) - Date.parse(file.created_at)).toBe(2 * 86_400_000);
      const kept = await download(t, `${API}${job.result.url.slice(API.length)}`, fx.tokens.analyst);
      expect(kept.status).toBe(200);
      expect(kept.headers.get("content-disposition")).toContain(`filename="epca-report-company-${from}-${to}.csv"`);
      expect(kept.bytes.toString()).toBe(direct.bytes.toString());
      // Another non-admin user does not see it; an admin does.
      expect((await get(`/reports/files`, fx.tokens.department_head)).body.map((f: { id: string }) => f.id)).not.toContain(job.result.file_id);
      expect((await download(t, `${API}/reports/files/${job.result.file_id}`, fx.tokens.department_head)).status).toBe(404);
      expect((await download(t, `${API}/reports/files/${job.result.file_id}`, fx.tokens.admin)).status).toBe(200);
    });

    it("over REPORT_ASYNC_ROWS employees + projects the report goes to a job without asking", async () => {
      for (let i = 0; i < 50; i += 1) await t.epca.employees.create(t.system, { name: `Bulk ${i}`, department_id: fx.deptB, salary: 50_000 });
      try {
        const r = await get(`/reports/generate?report_type=pdf&${period}`, fx.tokens.admin);
        expect(r.status).toBe(202);
        const job = await waitFor("the big report", async () => {
          const j = (await t.request("GET", r.headers.get("location")!, { token: fx.tokens.admin })).body;
          return j.status === "succeeded" ? j : j.status === "failed" ? Promise.reject(new Error(JSON.stringify(j.error))) : null;
        }, 60_000);
        const pdf = await download(t, `${API}/reports/files/${job.result.file_id}`, fx.tokens.admin);
        expect(pdf.headers.get("content-type")).toBe("application/pdf");
        expect(pdfText(pdf.bytes)).toContain("Bulk 49");
        // A department head's own department stays small: answered at once.
        expect((await download(t, `${API}/reports/generate?report_type=csv`, fx.tokens.department_head)).status).toBe(200);
      } finally {
        const bulk = (await t.epca.employees.list(t.system, { department_id: fx.deptB }, { limit: 1000 })).items.filter((e) => e.name.startsWith("Bulk "));
        for (const e of bulk) await t.epca.employees.delete(t.system, e.id);
      }
    }, 90_000);

    it("an expired file answers 410, is purged when files are listed, then answers 404", async () => {
      const r = await get(`/reports/generate?report_type=txt&async=true`, fx.tokens.admin);
      const job = await waitFor("the txt job", async () => {
        const j = (await t.request("GET", r.headers.get("location")!, { token: fx.tokens.admin })).body;
        return j.status === "succeeded" ? j : null;
      });
      const id = job.result.file_id as string;
      clock.offsetMs = 2 * 86_400_000 + 60_000;
      try {
        const gone = await get(`/reports/files/${id}`, fx.tokens.admin);
        expect(gone.status).toBe(410);
        expect(gone.body.detail).toBe(`Report file expired at ${job.result.expires_at}`);
        expect((await get(`/reports/files`, fx.tokens.admin)).body).toEqual([]);
        const purged = await get(`/reports/files/${id}`, fx.tokens.admin);
        expect(purged.status).toBe(404);
        expect(purged.body.detail).toBe("Report file not found");
      } finally {
        clock.offsetMs = 0;
      }
    });
  });

  describe("scheduled reports", () => {
    let scheduler: Scheduler;
    afterAll(async () => {
      await scheduler?.stop();
    });

    it("validates the cron expression and time zone, and the scope, when the schedule is made", async () => {
      const bad = await t.request("POST", `${API}/reports/schedules`, { token: fx.tokens.admin, body: { cron: "every monday", report_type: "pdf" } });
      expect(bad.status).toBe(422);
      expect(bad.body.detail[0].loc).toEqual(["body", "cron"]);
      const zone = await t.request("POST", `${API}/reports/schedules`, { token: fx.tokens.admin, body: { cron: "0 8 * * 1", timezone: "Mars/Olympus", report_type: "pdf" } });
      expect(zone.status).toBe(422);
      expect(zone.body.detail[0].loc).toEqual(["body", "timezone"]);
      const other = await t.request("POST", `${API}/reports/schedules`, { token: fx.tokens.department_head, body: { cron: "0 8 * * 1", report_type: "pdf", department_id: fx.deptB } });
      expect(other.status).toBe(403);
      expect((await t.request("POST", `${API}/reports/schedules`, { token: fx.tokens.read_only, body: { cron: "0 8 * * 1", report_type: "pdf" } })).status).toBe(403);
    });

    it("a schedule every second runs through the queue; its file is listed and downloads; deleting it stops it", async () => {
      const made = await t.request("POST", `${API}/reports/schedules`, {
        token: fx.tokens.department_head,
        body: { name: "Weekly A", cron: "* * * * * *", timezone: "Europe/Berlin", report_type: "csv", sections: ["company_summary"] },
      });
      expect(made.status).toBe(201);
      expect(made.headers.get("location")).toBe(`${API}/reports/schedules/${made.body.id}`);
      expect(made.body).toMatchObject({ name: "Weekly A", cron: "* * * * * *", timezone: "Europe/Berlin", report_type: "csv", department_id: fx.deptA, sections: ["company_summary"], enabled: true, created_by: fx.users.department_head });
      expect((await get(`/reports/schedules`, fx.tokens.department_head)).body.map((s: { id: string }) => s.id)).toEqual([made.body.id]);
      expect((await get(`/reports/schedules`, fx.tokens.analyst)).body).toEqual([]);
      expect((await get(`/reports/schedules`, fx.tokens.admin)).body.map((s: { id: string }) => s.id)).toEqual([made.body.id]);

      scheduler = startScheduler({ storage: t.schedules, queue: t.jobs, tickMs: 200 });
      const files = await waitFor("a scheduled report file", async () => {
        const listed = (await get(`/reports/files`, fx.tokens.department_head)).body as Array<{ id: string; name: string; created_by: number }>;
        return listed.length > 0 ? listed : null;
      });
      expect(files[0]!.name).toMatch(new RegExp(`^epca-report-department-${fx.deptA}-\\d{4}-\\d{2}-01-\\d{4}-\\d{2}-\\d{2}\\.csv$`));
      expect(files[0]!.created_by).toBe(fx.users.department_head);
      const csv = await download(t, `${API}/reports/files/${files[0]!.id}`, fx.tokens.department_head);
      const blocks = csvBlocks(csv.bytes.toString());
      expect([...blocks.keys()]).toEqual(["Key figures"]);
      const window = /department-\d+-(\d{4}-\d{2}-\d{2})-(\d{4}-\d{2}-\d{2})\.csv/.exec(files[0]!.name)!;
      const dept = (await get(`/analytics/departments/${fx.deptA}?from=${window[1]}&to=${window[2]}`, fx.tokens.department_head)).body;
      expect(Number(blocks.get("Key figures")!.rows.find((row) => row[0] === "Revenue")![1])).toBe(dept.total_revenue);

      expect((await t.request("DELETE", `${API}/reports/schedules/${made.body.id}`, { token: fx.tokens.analyst })).status).toBe(404);
      const deleted = await t.request("DELETE", `${API}/reports/schedules/${made.body.id}`, { token: fx.tokens.department_head });
      expect(deleted.status).toBe(200);
      expect(deleted.body.id).toBe(made.body.id);
      expect((await get(`/reports/schedules`, fx.tokens.department_head)).body).toEqual([]);
      expect((await t.request("DELETE", `${API}/reports/schedules/${made.body.id}`, { token: fx.tokens.department_head })).status).toBe(404);
    }, 60_000);
  });
}
