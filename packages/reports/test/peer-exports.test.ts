import ExcelJS from "exceljs";
import { createReadStream, readdirSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  parseUpload,
  resolveTrackerTimesheet,
  type ReferenceResolver,
  type TrackerFormat,
  type TrackerProject,
  type TrackerTimesheet,
  type UploadRow,
} from "@epca/reports";

const DIR = "/work/shared/fixtures/peer-exports";
/** The fixtures' special-characters text, e.g. `special("project")`; two spaces where the word is empty. */
const special = (word: string) => `\\\\ 🔥 Special characters ${word} """\`!@#$%^&*()_+\\-=\\[\\]{};':"\\\\|,.''<>\\/?~ \\\\\\`;
const H = (h: number, m = 0, s = 0) => h + m / 60 + s / 3600;

async function timesheets(input: AsyncIterable<Uint8Array | string>, format?: TrackerFormat) {
  const upload = await parseUpload(input, { entity: "timesheets", ...(format ? { format } : {}) });
  if (upload.format === "epca") throw new Error("read as our own format");
  const rows: UploadRow<TrackerTimesheet>[] = [];
  for await (const r of upload.rows) rows.push(r);
  return { upload, rows };
}

/** Hours per person (email, or first + last name) and project. */
function hoursByPersonAndProject(rows: readonly UploadRow<TrackerTimesheet>[]) {
  const out: Record<string, number> = {};
  for (const r of rows) {
    expect(r.errors).toEqual([]);
    const v = r.values!;
    const person = v.employee_email ?? `${v.employee_first_name} ${v.employee_last_name}`;
    const key = `${person} | ${v.project_name}`;
    out[key] = (out[key] ?? 0) + v.hours_worked;
  }
  return out;
}

describe("peer exports in /work/shared/fixtures/peer-exports (every file)", () => {
  const expected: Record<string, { format: TrackerFormat; entity: "timesheets" | "projects"; hours: Record<string, number>; dates?: string[] }> = {
    "toggl_time_entries.csv": {
      format: "toggl",
      entity: "timesheets",
      hours: { "peter.test@email.test | Project without Client": 0, "peter.test@email.test | Project for Big Company": H(1, 0, 1) },
      dates: ["2024-03-04", "2024-03-04"],
    },
    "toggl_time_entries_quoted.csv": {
      format: "toggl",
      entity: "timesheets",
      hours: { "peter.test@email.test | Real World Project": H(0, 0, 2) },
      dates: ["2024-10-15"],
    },
    "clockify_time_entries.csv": {
      format: "clockify",
      entity: "timesheets",
      hours: { "peter.test@email.test | Real World Project": 0.5 },
      dates: ["2024-10-15"],
    },
    "clockify_time_entries_basic.csv": {
      format: "clockify",
      entity: "timesheets",
      // Duration (h) says 01:00:01 where Duration (decimal) says 0.00; the start and end times agree with the former.
      hours: { "peter.test@email.test | Project without Client": 0, "peter.test@email.test | Project for Big Company": H(1, 0, 1) },
      dates: ["2024-03-04", "2024-03-04"],
    },
    "harvest_time_entries.csv": {
      format: "harvest",
      entity: "timesheets",
      hours: { "Peter Tester | Project without Client": 20, "Peter Tester | Project for Big Company": 0.01 },
      dates: ["2024-03-04", "2024-03-04"],
    },
    "solidtime_generic_time_entries.csv": {
      format: "solidtime",
      entity: "timesheets",
      hours: { "peter.test@email.test | Project without Client": 0, "peter.test@email.test | Project for Big Company": H(1, 0, 1) },
      dates: ["2024-03-04", "2024-03-04"],
    },
    "clockify_projects.csv": { format: "clockify", entity: "projects", hours: { "Active Project": 0, "Archived Project": 0 } },
    "harvest_projects.csv": {
      format: "harvest",
      entity: "projects",
      hours: { "Example Project": 20.01, [special("project")]: 0 },
    },
  };

  it("has an expectation for every file in the folder", () => {
    const files = readdirSync(DIR).filter((f) => f !== "SOURCES.txt").sort();
    expect(files).toEqual(Object.keys(expected).sort());
  });

  for (const [file, want] of Object.entries(expected)) {
    it(`${file}: detected as ${want.format}, exact hours per ${want.entity === "projects" ? "project" : "person and project"}`, async () => {
      if (want.entity === "timesheets") {
        const { upload, rows } = await timesheets(createReadStream(join(DIR, file)));
        expect(upload.format).toBe(want.format);
        expect(upload.fileType).toBe("csv");
        expect(hoursByPersonAndProject(rows)).toEqual(want.hours);
        expect(rows.map((r) => r.values?.date)).toEqual(want.dates);
        expect(rows.map((r) => r.row)).toEqual(rows.map((_, i) => i + 2));
        // The same file with its format given explicitly reads the same.
        const again = await timesheets(createReadStream(join(DIR, file)), want.format);
        expect(again.rows).toEqual(rows);
      } else {
        const upload = await parseUpload(createReadStream(join(DIR, file)), { entity: "projects" });
        expect(upload.format).toBe(want.format);
        if (upload.format === "epca") throw new Error("read as our own format");
        const got: Record<string, number | null> = {};
        for await (const r of upload.rows) {
          expect(r.errors).toEqual([]);
          const v = r.values as TrackerProject;
          got[v.project_name] = v.tracked_hours;
        }
        expect(got).toEqual(want.hours);
      }
    });
  }

  it("keeps emoji, quotes and backslashes of the special-characters rows", async () => {
    const { rows } = await timesheets(createReadStream(join(DIR, "toggl_time_entries_quoted.csv")));
    expect(rows[0]!.values!.description).toBe(special(""));
  });

  it("reads Clockify's project statuses", async () => {
    const upload = await parseUpload(createReadStream(join(DIR, "clockify_projects.csv")), { entity: "projects" });
    const statuses: Array<string | undefined> = [];
    if (upload.format !== "epca") for await (const r of upload.rows) statuses.push((r.values as TrackerProject).status);
    expect(statuses).toEqual(["in_progress", "completed"]);
  });

  it("resolves people by email (Harvest: first and last name) and projects by name; unmatched ones are row errors", async () => {
    const resolver: ReferenceResolver = {
      departmentByName: async () => null,
      employeeByEmail: async (email) => (email === "peter.test@email.test" ? 7 : null),
      employeeByName: async (first, last) => (first === "Peter" && last === "Tester" ? 7 : null),
      projectByName: async (name) => (name === "Project for Big Company" ? 11 : null),
    };
    for (const file of ["toggl_time_entries.csv", "harvest_time_entries.csv"]) {
      const { upload, rows } = await timesheets(createReadStream(join(DIR, file)));
      const resolved = await Promise.all(rows.map((r) => resolveTrackerTimesheet(r, resolver, upload.columns)));
      expect(resolved[0]!.values).toBeNull();
      expect(resolved[0]!.errors).toEqual([{ row: 2, column: "Project", message: 'no project "Project without Client"' }]);
      expect(resolved[1]!.values).toMatchObject({ employee_id: 7, project_id: 11, date: "2024-03-04", description: "Working hard" });
    }
    const { upload, rows } = await timesheets(createReadStream(join(DIR, "harvest_time_entries.csv")));
    const nobody = { ...resolver, employeeByName: async () => null };
    const [r] = await Promise.all(rows.slice(1).map((row) => resolveTrackerTimesheet(row, nobody, upload.columns)));
    expect(r!.errors).toEqual([{ row: 3, column: "First Name + Last Name", message: 'no employee "Peter Tester"' }]);
  });
});

// No Kimai fixture exists in the shared folder: these are built from the columns of Kimai's
// DefaultTemplate export (src/Export/DefaultTemplate.php) with their English labels.
const KIMAI_HEADER = ["Date", "From", "To", "Duration", "Currency", "Price", "Internal price", "Hourly price", "Fixed price", "Name", "User", "E-mail", "Staff number", "Customer", "Project", "Activity", "Description", "Billable", "Tags", "Type", "Category"];
const KIMAI_ROWS = [
  ["2024-03-04", "09:00", "10:30", "1.50", "EUR", "150.00", "100.00", "100.00", "", "Anna", "anna", "Anna.Schmidt@example.test", "42", "Big Company", "Website relaunch", "Design", "Mock-ups 🎨", "1", "", "timesheet", "work"],
  ["2024-03-05", "13:00", "13:15", "0,25", "EUR", "25,00", "", "", "", "Anna", "anna", "anna.schmidt@example.test", "42", "Big Company", "Website relaunch", "Meeting", "Kick-off\nwith the client", "1", "", "timesheet", "work"],
  ["2024-03-05", "08:00", "09:15", "1:15", "EUR", "0", "", "", "", "Jo", "jo", "jo@example.test", "", "Internal", "Support", "Helpdesk", "", "0", "", "timesheet", "work"],
];

describe("Kimai exports (CSV and XLSX built from Kimai's documented columns)", () => {
  const expectedHours = { "anna.schmidt@example.test | Website relaunch": 1.75, "jo@example.test | Support": 1.25 };

  it("reads Kimai's CSV: decimal and comma durations, h:mm, a multi-line description, row numbers as a spreadsheet shows them", async () => {
    const csv = [KIMAI_HEADER, ...KIMAI_ROWS].map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(",")).join("\r\n");
    const { upload, rows } = await timesheets(Readable.from([Buffer.from(csv)]));
    expect(upload.format).toBe("kimai");
    expect(hoursByPersonAndProject(rows)).toEqual(expectedHours);
    expect(rows.map((r) => r.row)).toEqual([2, 3, 4]);
    expect(rows[1]!.values!.description).toBe("Kick-off\nwith the client");
  });

  it("accepts Kimai's header with Begin/End and Duration (decimal) instead of From/To and Duration", async () => {
    const header = KIMAI_HEADER.map((h) => ({ From: "Begin", To: "End", Duration: "Duration (decimal)" })[h] ?? h);
    const csv = [header, ...KIMAI_ROWS].map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(",")).join("\n");
    const { upload, rows } = await timesheets(Readable.from([csv]));
    expect(upload.format).toBe("kimai");
    expect(hoursByPersonAndProject(rows)).toEqual(expectedHours);
  });

  it("reads Kimai's XLSX export (dates and times as date cells, durations as numbers)", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("Timesheet");
    sheet.addRow(KIMAI_HEADER);
    for (const r of KIMAI_ROWS) {
      const [date, from, to, duration, ...rest] = r as [string, string, string, string, ...string[]];
      const time = (t: string) => new Date(`1899-12-30T${t.padStart(5, "0")}:00Z`);
      const row = sheet.addRow([new Date(`${date}T00:00:00Z`), time(from), time(to), duration.includes(":") ? duration : Number(duration.replace(",", ".")), ...rest]);
      row.getCell(1).numFmt = "yyyy-mm-dd";
      row.getCell(2).numFmt = "hh:mm";
      row.getCell(3).numFmt = "hh:mm";
    }
    workbook.addWorksheet("Second sheet").addRow(["ignored"]);
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    const { upload, rows } = await timesheets(Readable.from([bytes]));
    expect(upload.fileType).toBe("xlsx");
    expect(upload.format).toBe("kimai");
    expect(hoursByPersonAndProject(rows)).toEqual(expectedHours);
    expect(rows.map((r) => r.values?.date)).toEqual(["2024-03-04", "2024-03-05", "2024-03-05"]);
  });
});
