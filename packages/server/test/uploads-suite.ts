/**
 * POST /upload/{entity} over real HTTP, shared by the memory and PostgreSQL runs: every entity,
 * the modes, row errors with spreadsheet rows and columns, idempotency, the peer trackers'
 * exports with exact hours, XLSX, limits (413 while streaming, 415), formula-looking text, jobs.
 */
import ExcelJS from "exceljs";
import pg from "pg";
import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { createMemoryJobStorage } from "@epca/adapter-memory";
import { createInProcessJobQueue, type EpcaStore } from "@epca/core";
import { builtInModules, createServerEpca, startModuleWorker, testConfig } from "@epca/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { daysAgo, PASSWORD, startServer, testHasher, TEST_SECRET, type TestServer } from "./support/harness.js";

const PEERS = "/work/shared/fixtures/peer-exports";

/**
 * A store with the `uploads` part, and how to release it; `databaseUrl` (PostgreSQL) lets the
 * suite watch the import's locks from a second connection; `slowJobs` (PGlite, one connection in
 * the test's process) skips the 1,500-record job, which takes minutes there on a loaded machine.
 */
export type UploadStoreFactory = () => Promise<{ store: EpcaStore; close(): Promise<void>; databaseUrl?: string; slowJobs?: boolean }>;

type Body = Record<string, any>;

export function uploadSuite(name: string, factory: UploadStoreFactory): void {
  describe(`uploads on ${name}`, () => {
    let t: TestServer;
    let token: string;
    let headToken: string;
    let deptId: number;
    let databaseUrl: string | undefined;
    let slowJobs = false;
    const queue = createInProcessJobQueue({ storage: createMemoryJobStorage(), durable: false });

    const upload = async (path: string, content: string | Uint8Array, filename = "file.csv", tk = token): Promise<{ status: number; body: Body; headers: Headers }> => {
      const form = new FormData();
      form.append("file", new Blob([content as BlobPart]), filename);
      const response = await fetch(`${t.base}/api/v1${path}`, { method: "POST", headers: { authorization: `Bearer ${tk}` }, body: form });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : {}, headers: response.headers };
    };
    const get = async (path: string) => (await t.request("GET", `/api/v1${path}`, { token })).body;
    const all = async (path: string): Promise<Body[]> => get(`${path}${path.includes("?") ? "&" : "?"}limit=1000`);
    const hours = async (filter: string) => (await all(`/timesheets/?${filter}`)).reduce((sum, ts) => sum + ts.hours_worked, 0);

    beforeAll(async () => {
      const opened = await factory();
      databaseUrl = opened.databaseUrl;
      slowJobs = opened.slowJobs ?? false;
      t = await startServer(opened.store, { UPLOAD_MAX_ROWS: 50_000 }, { closeStore: opened.close, jobs: queue });
      const dept = await t.epca.departments.create(t.system, { name: "Imports", budget: 1000 });
      deptId = dept.id;
      await t.epca.users.create(t.system, { email: "admin@up.example", password: PASSWORD, full_name: "Admin", role: "admin" });
      await t.epca.users.create(t.system, { email: "reader@up.example", password: PASSWORD, full_name: "Reader", role: "read_only" });
      token = (await t.login("admin@up.example")).access_token;
      headToken = (await t.login("reader@up.example")).access_token;
    });
    afterAll(async () => t?.close());

    it("departments: created from our columns, decimal commas read, empty optional cells absent", async () => {
      const csv = "name,budget,description\r\nEngineering,1000,Builds\r\nSales,\"2.500,5\",\r\n";
      const { status, body } = await upload("/upload/departments", csv);
      expect(status).toBe(200);
      expect(body).toMatchObject({ entity: "departments", format: "epca", file_type: "csv", total_rows: 2, created: 2, updated: 0, failed: 0, errors: [], dry_run: false, duplicate: false });
      const departments = await all("/departments/");
      expect(departments.filter((d) => ["Engineering", "Sales"].includes(d.name)).map((d) => [d.name, d.budget, d.description])).toEqual([
        ["Engineering", 1000, "Builds"],
        ["Sales", 2500.5, null],
      ]);
    });

    it("the same file twice creates nothing twice (its SHA-256 is the key)", async () => {
      const csv = "name,budget\nOnce Only,10\n";
      const first = await upload("/upload/departments", csv);
      expect(first.body).toMatchObject({ created: 1, duplicate: false });
      const again = await upload("/upload/departments", csv, "renamed.csv");
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ created: 0, failed: 0, errors: [], duplicate: true, total_rows: 1, sha256: first.body.sha256 });
      expect((await all("/departments/")).filter((d) => d.name === "Once Only")).toHaveLength(1);
    });

    it("atomic (default): one bad row is a 422 with every error by spreadsheet row and column, and nothing is stored", async () => {
      const csv = "name,email,department_name,salary,hire_date\nAda,ada@x.example,Engineering,100,2020-01-01\nBad,not-an-email,Engineering,abc,2020-01-01\nNobody,nobody@x.example,No Such Dept,5,2020-01-01\n";
      const { status, body } = await upload("/upload/employees", csv);
      expect(status).toBe(422);
      expect(body).toMatchObject({ entity: "employees", total_rows: 3, created: 0, failed: 2, dry_run: false });
      expect(body.errors).toEqual([
        { row: 3, column: "salary", message: "must be a number" },
        { row: 3, column: "email", message: expect.stringMatching(/email/i) },
        { row: 4, column: "department_name", message: 'no department "No Such Dept"' },
      ]);
      expect(body.detail[0]).toEqual({ loc: ["file", 3, "salary"], msg: "must be a number", type: "invalid_row" });
      expect((await all("/employees/")).filter((e) => e.email === "ada@x.example")).toEqual([]);
    });

    it("partial: the valid rows are stored, the others reported", async () => {
      const csv = "name,email,department_name,salary,hire_date\nAda,ada@x.example,Engineering,100,2020-01-01\nBad,bad@x.example,Engineering,-5,2020-01-01\nPeter Tester,peter.test@email.test,Imports,50,2020-01-01\nAnna,anna.schmidt@example.test,Imports,50,\nJo,jo@example.test,Imports,50,\n";
      const { status, body } = await upload("/upload/employees?mode=partial", csv);
      expect(status).toBe(200);
      expect(body).toMatchObject({ total_rows: 5, created: 4, failed: 1, mode: "partial" });
      expect(body.errors.map((e: Body) => [e.row, e.column])).toEqual([[3, "salary"]]);
      const ada = (await all("/employees/")).find((e) => e.email === "ada@x.example");
      expect(ada).toMatchObject({ name: "Ada", salary: 100, hire_date: "2020-01-01" });
    });

    it("dry_run checks every row and writes nothing", async () => {
      const csv = "name,department_name,status,start_date\nDry Project,Engineering,in_progress,2024-01-01\n";
      const { status, body } = await upload("/upload/projects?dry_run=true", csv);
      expect(status).toBe(200);
      expect(body).toMatchObject({ total_rows: 1, created: 1, failed: 0, dry_run: true });
      expect((await all("/projects/")).filter((p) => p.name === "Dry Project")).toEqual([]);
      const bad = await upload("/upload/projects?dry_run=true", "name,department_name,status\nXylophone,Engineering,paused\n");
      expect(bad.status).toBe(200);
      expect(bad.body.errors).toEqual([{ row: 2, column: "status", message: expect.any(String) }]);
    });

    it("projects and allocations by name; timesheets with the API's rules (24 h day, hire date, project status)", async () => {
      const projects = "name,department_name,status,start_date,cost,revenue\nApollo,Engineering,in_progress,2020-01-01,100,200\nHalted,Engineering,on_hold,2020-01-01,0,0\n";
      expect((await upload("/upload/projects", projects)).body).toMatchObject({ created: 2, failed: 0 });
      const allocations = "employee_email,project_name,allocation_percentage,start_date,end_date\nada@x.example,Apollo,60,2024-01-01,2024-06-30\nada@x.example,Apollo,50,2024-03-01,2024-03-31\n";
      const alloc = await upload("/upload/allocations?mode=partial", allocations);
      expect(alloc.body).toMatchObject({ created: 1, failed: 1 });
      expect(alloc.body.errors).toEqual([{ row: 3, column: "allocation_percentage", message: expect.stringContaining("110%") }]);

      const day = daysAgo(3);
      const timesheets = [
        "employee_email,project_name,hours_worked,date,description",
        `ada@x.example,Apollo,13,${day},first`,
        `ada@x.example,Apollo,12,${day},over the day`,
        `ada@x.example,Apollo,1,2019-12-31,before hire`,
        `ada@x.example,Halted,1,${day},on hold`,
        `ada@x.example,Apollo,"7,25",${daysAgo(4)},comma`,
        `ghost@x.example,Apollo,1,${day},nobody`,
      ].join("\n");
      const atomic = await upload("/upload/timesheets", timesheets);
      expect(atomic.status).toBe(422);
      expect(atomic.body.errors.map((e: Body) => [e.row, e.column])).toEqual([
        [3, "hours_worked"],
        [4, "date"],
        [5, "project_name"],
        [7, "employee_email"],
      ]);
      expect(atomic.body.errors[0].message).toContain("24");
      const ada = (await all("/employees/")).find((e) => e.email === "ada@x.example")!;
      expect(await hours(`employee_id=${ada.id}`)).toBe(0);
      const partial = await upload("/upload/timesheets?mode=partial", timesheets);
      expect(partial.body).toMatchObject({ total_rows: 6, created: 2, failed: 4 });
      expect(await hours(`employee_id=${ada.id}`)).toBe(20.25);
    });

    /** `days` rows of 0.5 h for Ada, one a day from `first`, as our own CSV. */
    const dailyRows = (days: number, first: string) => {
      const day0 = Date.parse(`${first}T00:00:00Z`);
      const lines = ["employee_email,project_name,hours_worked,date"];
      for (let i = 0; i < days; i++) lines.push(`ada@x.example,Apollo,0.5,${new Date(day0 + i * 86_400_000).toISOString().slice(0, 10)}`);
      return lines.join("\n");
    };

    it("1,500 timesheet rows on 1,500 days in one import", async () => {
      const ada = (await all("/employees/")).find((e) => e.email === "ada@x.example")!;
      const count = async () => Number((await t.request("GET", `/api/v1/timesheets/?employee_id=${ada.id}&from=2020-01-02&to=2024-02-09&limit=1`, { token })).headers.get("x-total-count"));
      const before = await count();
      const { status, body } = await upload("/upload/timesheets", dailyRows(1500, "2020-01-02"));
      expect(status).toBe(200);
      expect(body).toMatchObject({ total_rows: 1500, created: 1500, failed: 0 });
      expect((await count()) - before).toBe(1500);
      // Half an hour on each day: the last day as well as the first.
      expect(await hours(`employee_id=${ada.id}&from=2024-02-09&to=2024-02-09`)).toBe(0.5);
      expect(await hours(`employee_id=${ada.id}&from=2020-01-02&to=2020-01-02`)).toBe(0.5);
    });

    /**
     * A second connection holds ROW EXCLUSIVE on timesheets (what any single timesheet write
     * holds) while an import runs; answers the import's answer, whether it waited for that
     * writer, and the lock requests of the import seen in pg_locks meanwhile.
     */
    async function importBesideAWriter(csv: string): Promise<{ status: number; body: Body; waited: boolean; locks: string[] }> {
      const writer = new pg.Client({ connectionString: databaseUrl });
      await writer.connect();
      try {
        await writer.query("BEGIN");
        await writer.query("LOCK TABLE timesheets IN ROW EXCLUSIVE MODE");
        let answered = false;
        const answer = upload("/upload/timesheets", csv).finally(() => (answered = true));
        let locks: string[] = [];
        const deadline = Date.now() + 20_000;
        while (!answered && Date.now() < deadline) {
          const { rows } = await writer.query<{ mode: string; granted: boolean }>(
            "SELECT mode, granted FROM pg_locks WHERE relation = 'timesheets'::regclass AND pid <> pg_backend_pid() AND NOT granted",
          );
          locks = rows.map((r) => `${r.mode}${r.granted ? "" : " (waiting)"}`);
          if (locks.length > 0) break;
          await new Promise((r) => setTimeout(r, 25));
        }
        const waited = !answered;
        await writer.query("ROLLBACK");
        const { status, body } = await answer;
        return { status, body, waited, locks };
      } finally {
        await writer.end();
      }
    }

    it("PostgreSQL: past 1,000 days an import locks the timesheets table (it waits for a writer holding it, shown in pg_locks)", async (ctx) => {
      if (!databaseUrl) ctx.skip();
      const result = await importBesideAWriter(dailyRows(1200, "2020-06-01"));
      expect(result.locks).toEqual(["ShareRowExclusiveLock (waiting)"]);
      expect(result.waited).toBe(true);
      expect([result.status, result.body.created, result.body.failed]).toEqual([200, 1200, 0]);
    });

    it("PostgreSQL: under 1,000 days an import locks only its days: a writer of other timesheets does not block it", async (ctx) => {
      if (!databaseUrl) ctx.skip();
      const result = await importBesideAWriter(dailyRows(600, "2021-01-01"));
      expect(result.locks).toEqual([]);
      expect(result.waited).toBe(false);
      expect([result.status, result.body.created, result.body.failed]).toEqual([200, 600, 0]);
    });

    it("an import is audited, with its file hash", async () => {
      const { body } = await upload("/upload/departments", "name\nAudited\n");
      const entries = await t.epca.audit.list(t.system, { action: "import", resource_type: "departments" }, { limit: 100 });
      expect(entries.items.map((e) => (e.changes.after as Body).sha256)).toContain(body.sha256);
    });

    it("XLSX: the first sheet, dates as date cells, formula-looking text stored as text", async () => {
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet("Departments");
      sheet.addRow(["name", "budget", "description"]);
      sheet.addRow(["=HYPERLINK(\"http://evil.example\")", 5, "+1+1"]);
      sheet.addRow(["@SUM(A1:A2)", 6, "-2"]);
      workbook.addWorksheet("Ignored").addRow(["name"]);
      const bytes = new Uint8Array(await workbook.xlsx.writeBuffer());
      const { status, body } = await upload("/upload/departments", bytes, "d.xlsx");
      expect(status).toBe(200);
      expect(body).toMatchObject({ file_type: "xlsx", created: 2 });
      const csv = await upload("/upload/departments", 'name,description\n"=cmd|\'/C calc\'!A0",=1+1\n');
      expect(csv.body.created).toBe(1);
      const names = (await all("/departments/")).map((d) => [d.name, d.description]);
      expect(names).toEqual(expect.arrayContaining([["=HYPERLINK(\"http://evil.example\")", "+1+1"], ["@SUM(A1:A2)", "-2"], ["=cmd|'/C calc'!A0", "=1+1"]]));
    });

    describe("other trackers' exports (exact hours per employee and project)", () => {
      const H = (filter: string) => hours(filter);
      const idsOf = async () => {
        const employees = await all("/employees/");
        const projects = await all("/projects/");
        return { e: (email: string) => employees.find((x) => x.email === email)!.id as number, p: (n: string) => projects.find((x) => x.name === n)?.id as number | undefined };
      };
      const peer = (file: string) => readFileSync(join(PEERS, file));
      /** Hours per (employee, project) before and after an import: the import's own. */
      async function imported(path: string, content: Uint8Array | string, pairs: Array<[string, string]>, filename = "export.csv") {
        const before = await Promise.all(pairs.map(async ([email, project]) => {
          const ids = await idsOf();
          const p = ids.p(project);
          return p === undefined ? 0 : H(`employee_id=${ids.e(email)}&project_id=${p}`);
        }));
        const answer = await upload(path, content, filename);
        const ids = await idsOf();
        const after = await Promise.all(pairs.map(async ([email, project]) => {
          const p = ids.p(project);
          return p === undefined ? 0 : H(`employee_id=${ids.e(email)}&project_id=${p}`);
        }));
        return { answer, delta: after.map((a, i) => Math.round((a - before[i]!) * 100) / 100) };
      }
      const peter = "peter.test@email.test";

      it("Toggl (detected from the header): 01:00:01 → 1.00 h; a zero-duration entry is a row error, never stored", async () => {
        const { answer, delta } = await imported(`/upload/timesheets?mode=partial&create_missing=true&department_id=${deptId}`, peer("toggl_time_entries.csv"), [
          [peter, "Project for Big Company"],
          [peter, "Project without Client"],
        ]);
        expect(answer.status).toBe(200);
        expect(answer.body).toMatchObject({ format: "toggl", total_rows: 2, created: 1, failed: 1, created_projects: 2 });
        expect(answer.body.errors).toEqual([{ row: 2, column: "hours_worked", message: "Hours worked must be more than 0." }]);
        expect(delta).toEqual([1, 0]);
      });

      it("Toggl with quoted multi-line cells and a BOM: a 2-second entry rounds to 0 h and is reported", async () => {
        const { answer } = await imported(`/upload/timesheets?mode=partial&create_missing=true&department_id=${deptId}`, peer("toggl_time_entries_quoted.csv"), []);
        expect(answer.body).toMatchObject({ format: "toggl", total_rows: 1, created: 0, failed: 1 });
      });

      it("Clockify (US dates, AM/PM): 00:30:00 → 0.5 h on Real World Project", async () => {
        const { answer, delta } = await imported(`/upload/timesheets?format=clockify&create_missing=true&department_id=${deptId}`, peer("clockify_time_entries.csv"), [[peter, "Real World Project"]]);
        expect(answer.body).toMatchObject({ format: "clockify", created: 1, failed: 0 });
        expect(delta).toEqual([0.5]);
      });

      it("Clockify basic: Duration (h) 01:00:01 wins over a 0.00 decimal twin", async () => {
        const { answer, delta } = await imported(`/upload/timesheets?mode=partial`, peer("clockify_time_entries_basic.csv"), [[peter, "Project for Big Company"]]);
        expect(answer.body).toMatchObject({ format: "clockify", created: 1, failed: 1 });
        expect(delta).toEqual([1]);
      });

      it("Harvest: people by first + last name, decimal-comma hours (20,0 and 0,01)", async () => {
        const { answer, delta } = await imported(`/upload/timesheets`, peer("harvest_time_entries.csv"), [
          [peter, "Project without Client"],
          [peter, "Project for Big Company"],
        ]);
        expect(answer.status).toBe(200);
        expect(answer.body).toMatchObject({ format: "harvest", created: 2, failed: 0 });
        expect(delta).toEqual([20, 0.01]);
      });

      it("solidtime: ISO instants, 1 h 0 min 1 s → 1.00 h", async () => {
        const { answer, delta } = await imported(`/upload/timesheets?mode=partial`, peer("solidtime_generic_time_entries.csv"), [[peter, "Project for Big Company"]]);
        expect(answer.body).toMatchObject({ format: "solidtime", created: 1, failed: 1 });
        expect(delta).toEqual([1]);
      });

      it("Clockify's and Harvest's project exports become projects of department_id (statuses and notes kept)", async () => {
        const noDept = await upload("/upload/projects", peer("clockify_projects.csv"));
        expect(noDept.status).toBe(422);
        const clockify = await upload(`/upload/projects?department_id=${deptId}`, peer("clockify_projects.csv"));
        expect(clockify.status).toBe(200);
        expect(clockify.body).toMatchObject({ format: "clockify", total_rows: 2, created: 2, failed: 0 });
        const harvest = await upload(`/upload/projects?department_id=${deptId}`, peer("harvest_projects.csv"));
        expect(harvest.body).toMatchObject({ format: "harvest", total_rows: 2, created: 2, failed: 0 });
        const projects = await all(`/projects/?department_id=${deptId}`);
        const byName = (n: string) => projects.find((p) => p.name === n);
        expect([byName("Active Project")?.status, byName("Archived Project")?.status]).toEqual(["in_progress", "completed"]);
        expect(byName("Example Project")?.description).toMatch(/^This is an example project to help you trial Harvest/);
        expect(projects.some((p) => String(p.name).includes("🔥 Special characters project"))).toBe(true);
      });

      it("unmatched people and projects are reported by row, never guessed or created without create_missing", async () => {
        const csv = "Date,Email,Project,Hours\n2024-03-04,stranger@x.example,Apollo,1\n2024-03-04,ada@x.example,Unknown Project,1\n";
        const { status, body } = await upload("/upload/timesheets", csv);
        expect(status).toBe(422);
        expect(body).toMatchObject({ format: "generic", failed: 2 });
        expect(body.errors).toEqual([
          { row: 2, column: "Email", message: 'no employee "stranger@x.example"' },
          { row: 3, column: "Project", message: 'no project "Unknown Project"' },
        ]);
      });

      const KIMAI_HEADER = ["Date", "From", "To", "Duration", "Currency", "Price", "Internal price", "Hourly price", "Fixed price", "Name", "User", "E-mail", "Staff number", "Customer", "Project", "Activity", "Description", "Billable", "Tags", "Type", "Category"];
      const KIMAI_ROWS = [
        ["2024-03-04", "09:00", "10:30", "1.50", "EUR", "150.00", "100.00", "100.00", "", "Anna", "anna", "Anna.Schmidt@example.test", "42", "Big Company", "Website relaunch", "Design", "Mock-ups 🎨", "1", "", "timesheet", "work"],
        ["2024-03-05", "13:00", "13:15", "0,25", "EUR", "25,00", "", "", "", "Anna", "anna", "anna.schmidt@example.test", "42", "Big Company", "Website relaunch", "Meeting", "Kick-off\nwith the client", "1", "", "timesheet", "work"],
        ["2024-03-05", "08:00", "09:15", "1:15", "EUR", "0", "", "", "", "Jo", "jo", "jo@example.test", "", "Internal", "Support", "Helpdesk", "", "0", "", "timesheet", "work"],
      ];
      const kimaiPairs: Array<[string, string]> = [
        ["anna.schmidt@example.test", "Website relaunch"],
        ["jo@example.test", "Support"],
      ];

      it("Kimai CSV: 1.50 + 0,25 and 1:15", async () => {
        const csv = [KIMAI_HEADER, ...KIMAI_ROWS].map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(",")).join("\r\n");
        const { answer, delta } = await imported(`/upload/timesheets?create_missing=true&department_id=${deptId}`, csv, kimaiPairs);
        expect(answer.body).toMatchObject({ format: "kimai", created: 3, failed: 0, created_projects: 2 });
        expect(delta).toEqual([1.75, 1.25]);
      });

      it("Kimai XLSX (dates and times as date cells, durations as numbers)", async () => {
        const workbook = new ExcelJS.Workbook();
        const sheet = workbook.addWorksheet("Timesheet");
        sheet.addRow(KIMAI_HEADER);
        for (const r of KIMAI_ROWS) {
          const [date, from, to, duration, ...rest] = r as [string, string, string, string, ...string[]];
          const time = (x: string) => new Date(`1899-12-30T${x.padStart(5, "0")}:00Z`);
          // Kimai's XLSX rows are a day later here, so that the CSV's import above is not this file's twin.
          const next = new Date(`${date}T00:00:00Z`);
          next.setUTCDate(next.getUTCDate() + 7);
          const row = sheet.addRow([next, time(from), time(to), duration.includes(":") ? duration : Number(duration.replace(",", ".")), ...rest]);
          row.getCell(1).numFmt = "yyyy-mm-dd";
        }
        const bytes = new Uint8Array(await workbook.xlsx.writeBuffer());
        const { answer, delta } = await imported(`/upload/timesheets`, bytes, kimaiPairs, "kimai.xlsx");
        expect(answer.body).toMatchObject({ format: "kimai", file_type: "xlsx", created: 3, failed: 0 });
        expect(delta).toEqual([1.75, 1.25]);
      });
    });

    it("415: not multipart, or a file that is neither CSV nor XLSX", async () => {
      const json = await t.request("POST", "/api/v1/upload/departments", { token, body: { name: "x" } });
      expect(json.status).toBe(415);
      const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);
      const { status, body } = await upload("/upload/departments", png, "x.png");
      expect(status).toBe(415);
      expect(body.detail).toMatch(/neither CSV/);
    });

    it("a missing file field is a 422; a header without the required columns is a 422; an unknown entity 422", async () => {
      const form = new FormData();
      form.append("other", "x");
      const response = await fetch(`${t.base}/api/v1/upload/departments`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: form });
      expect(response.status).toBe(422);
      expect((await upload("/upload/employees", "name\nx\n")).status).toBe(422);
      expect((await upload("/upload/widgets", "name\nx\n")).status).toBe(422);
    });

    it("403 for a role that may not create the records", async () => {
      expect((await upload("/upload/departments", "name\nNope\n", "f.csv", headToken)).status).toBe(403);
    });

    it("large files run as a job (202 + Location) with row progress", async (ctx) => {
      if (slowJobs) ctx.skip();
      const rows = ["name,budget", ...Array.from({ length: 1500 }, (_, i) => `Queued ${i},${i}`)].join("\n");
      const queued = await upload("/upload/departments?async=true", rows);
      expect(queued.status).toBe(202);
      const location = queued.headers.get("location")!;
      expect(location).toMatch(/^\/api\/v1\/jobs\/.+/);
      const epcaForWorker = createServerEpca({ store: t.store, config: testConfig({ SECRET_KEY: TEST_SECRET }), passwordHasher: testHasher, jobs: queue });
      const worker = startModuleWorker({ queue, modules: builtInModules(), epca: epcaForWorker, pollMs: 10 });
      try {
        let job: Body = {};
        for (let i = 0; i < 1200; i++) {
          job = (await t.request("GET", location, { token })).body;
          if (["succeeded", "failed"].includes(job.status)) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        expect([job.status, job.error]).toEqual(["succeeded", null]);
        expect(job.progress.done).toBe(1500);
        expect(job.result).toMatchObject({ status: 200, total_rows: 1500, created: 1500, failed: 0 });
        for (const n of ["Queued 0", "Queued 1499"]) expect((await t.epca.departments.list(t.system, { name: n })).total).toBe(1);
      } finally {
        await worker.stop({ graceMs: 0 });
      }
    }, 90_000);

    it("a client that goes away mid-file: the import fails and rolls back (nothing kept, no transaction left open)", async () => {
      const port = Number(new URL(t.base).port);
      const boundary = "----epcacut";
      await new Promise<void>((resolve) => {
        const req = httpRequest({ port, host: "127.0.0.1", method: "POST", path: "/api/v1/upload/departments?mode=partial", headers: { authorization: `Bearer ${token}`, "content-type": `multipart/form-data; boundary=${boundary}`, "transfer-encoding": "chunked" } });
        req.on("error", () => resolve());
        req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cut.csv"\r\n\r\nname,budget\nCut Short 1,1\nCut Short 2,2\n`);
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 300);
      });
      // The next request gets through (on memory, transactions run one at a time: a hung one would block it).
      const deadline = Date.now() + 5_000;
      let listed: Body[] = [];
      while (Date.now() < deadline) {
        listed = (await all("/departments/")).filter((d) => String(d.name).startsWith("Cut Short"));
        if (listed.length === 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(listed).toEqual([]);
      expect((await upload("/upload/departments", "name\nAfter The Cut\n")).status).toBe(200);
    });

    it("413 too_many_rows over UPLOAD_MAX_ROWS", async () => {
      const small = await startServer(t.store, { UPLOAD_MAX_ROWS: 2 }, { jobs: queue });
      try {
        const form = new FormData();
        form.append("file", new Blob(["name\na\nb\nc\n"]), "f.csv");
        const r = await fetch(`${small.base}/api/v1/upload/departments`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: form });
        expect(r.status).toBe(413);
        expect(((await r.json()) as Body).detail).toMatch(/more than 2 data rows/);
      } finally {
        await small.close();
      }
    });

    it("413 for a 32 MB streamed body over a 256 KiB limit, answered before the client finished sending", async () => {
      const limit = 256 * 1024;
      const small = await startServer(t.store, { UPLOAD_MAX_BYTES: limit }, { jobs: queue });
      try {
        const port = Number(new URL(small.base).port);
        const boundary = "----epcaboundary";
        const total = 32 * 1024 * 1024;
        // Rows that fail their check without touching the store: the time goes to reading, not to creates.
        const line = Buffer.from("a-department-name,not-a-number\n".repeat(2100)); // ~64 KiB
        const result = await new Promise<{ status: number; sentAtResponse: number; body: string }>((resolve, reject) => {
          let sent = 0;
          let finished = false;
          const t0 = Date.now();
          const req = httpRequest({ port, host: "127.0.0.1", method: "POST", path: "/api/v1/upload/departments", headers: { authorization: `Bearer ${token}`, "content-type": `multipart/form-data; boundary=${boundary}`, "transfer-encoding": "chunked" } }, (res) => {
            const sentAtResponse = sent;
            
            let body = "";
            res.on("data", (c) => (body += c));
            res.on("end", () => {
              
              finished = true;
              resolve({ status: res.statusCode ?? 0, sentAtResponse, body });
            });
          });
          req.on("error", (error) => {
            if (!finished) reject(error);
          });
          req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\nname,budget\n`);
          const pump = () => {
            if (finished || req.destroyed) return;
            if (sent >= total) {
              req.end(`\r\n--${boundary}--\r\n`);
              return;
            }
            sent += line.byteLength;
            if (req.write(line)) setImmediate(pump);
            else req.once("drain", pump);
          };
          pump();
        });
        expect(result.status).toBe(413);
        expect(JSON.parse(result.body)).toEqual({ detail: `The file is larger than ${limit} bytes` });
        // The server stopped reading a little past the limit; the client had sent far less than the file.
        expect(result.sentAtResponse).toBeLessThan(total / 2);
      } finally {
        await small.close();
      }
    });
  });
}

