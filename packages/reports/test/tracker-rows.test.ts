/**
 * Rows of other trackers' exports that are wrong in one way each: the row error names the row
 * (header = 1) and the column as the file spells it; good rows around them still read.
 */
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { parseUpload, type TrackerFormat, type TrackerProject, type TrackerTimesheet, type UploadRow } from "@epca/reports";

const csv = (rows: readonly (readonly string[])[]) => Readable.from([rows.map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(",")).join("\n")]);

async function timesheetRows(rows: readonly (readonly string[])[], format?: TrackerFormat) {
  const upload = await parseUpload(csv(rows), { entity: "timesheets", ...(format ? { format } : {}) });
  if (upload.format === "epca") throw new Error("read as our own format");
  const out: UploadRow<TrackerTimesheet>[] = [];
  for await (const r of upload.rows) out.push(r);
  return { format: upload.format, columns: upload.columns, rows: out };
}

async function projectRows(rows: readonly (readonly string[])[]) {
  const upload = await parseUpload(csv(rows), { entity: "projects" });
  if (upload.format === "epca") throw new Error("read as our own format");
  const out: UploadRow<TrackerProject>[] = [];
  for await (const r of upload.rows) out.push(r);
  return { format: upload.format, rows: out };
}

describe("timesheet rows with errors, per tracker", () => {
  it("Toggl: empty project, bad date, bad duration, negative duration, no email; times stand in for an empty duration", async () => {
    const header = ["User", "Email", "Client", "Project", "Description", "Start date", "Start time", "End date", "End time", "Duration"];
    const { format, columns, rows } = await timesheetRows([
      header,
      ["Ann", "Ann@Example.test", "Big Co", "Web", "Design", "2024-03-04", "09:00:00", "2024-03-04", "10:30:00", ""],
      ["Ann", "ann@example.test", "", "", "", "2024-03-04", "09:00:00", "2024-03-04", "10:00:00", "01:00:00"],
      ["Ann", "ann@example.test", "", "Web", "", "04/31/2024", "09:00:00", "2024-03-04", "10:00:00", "01:00:00"],
      ["Ann", "ann@example.test", "", "Web", "", "2024-03-04", "", "", "", "soon"],
      ["Ann", "ann@example.test", "", "Web", "", "2024-03-04", "", "", "", "-00:30:00"],
      ["", "", "", "Web", "", "2024-03-04", "", "", "", "00:30:00"],
    ]);
    expect(format).toBe("toggl");
    expect(columns).toEqual({ employee: ["Email"], project: "Project" });
    expect(rows[0]).toEqual({
      row: 2,
      references: [],
      errors: [],
      values: { project_name: "Web", client_name: "Big Co", employee_email: "ann@example.test", employee_name: "Ann", date: "2024-03-04", hours_worked: 1.5, description: "Design" },
    });
    expect(rows.slice(1).map((r) => [r.row, r.values, r.errors])).toEqual([
      [3, null, [{ row: 3, column: "Project", message: "project is empty" }]],
      [4, null, [{ row: 4, column: "Start date", message: "not a date (YYYY-MM-DD, MM/DD/YYYY or DD.MM.YYYY)" }]],
      [5, null, [{ row: 5, column: "Duration", message: "not a duration (hh:mm:ss or decimal hours)" }]],
      [6, null, [{ row: 6, column: "Duration", message: "duration is negative" }]],
      [7, null, [{ row: 7, column: "Email", message: "no person to match (email, or first and last name)" }]],
    ]);
  });

  it("Clockify: Duration (decimal) when Duration (h) is absent, start and end times when both are empty", async () => {
    const header = ["Project", "Client", "Description", "User", "Email", "Start Date", "Start Time", "End Date", "End Time", "Duration (decimal)"];
    const { format, rows } = await timesheetRows([
      header,
      ["Web", "", "", "Ann", "ann@example.test", "03/04/2024", "09:00 AM", "03/04/2024", "10:15 AM", "0,75"],
      ["Web", "", "", "Ann", "ann@example.test", "03/04/2024", "11:00 PM", "03/05/2024", "01:00 AM", ""],
      ["Web", "", "", "Ann", "ann@example.test", "03/04/2024", "", "", "", "x"],
    ]);
    expect(format).toBe("clockify");
    expect(rows.map((r) => r.values?.hours_worked ?? null)).toEqual([0.75, 2, null]);
    expect(rows[2]!.errors).toEqual([{ row: 4, column: "Duration (decimal)", message: "not a duration (hh:mm:ss or decimal hours)" }]);
  });

  it("Harvest: a person needs both first and last name", async () => {
    const header = ["Date", "Client", "Project", "Project Code", "Task", "Notes", "Hours", "First Name", "Last Name"];
    const { rows } = await timesheetRows([
      header,
      ["2024-03-04", "Big Co", "Web", "W1", "Design", "", "1,5", "Ann", "Lee"],
      ["2024-03-04", "Big Co", "Web", "W1", "Design", "", "1", "Ann", ""],
    ]);
    expect(rows[0]!.values).toEqual({ project_name: "Web", client_name: "Big Co", employee_first_name: "Ann", employee_last_name: "Lee", date: "2024-03-04", hours_worked: 1.5, description: null });
    expect(rows[1]!.errors).toEqual([{ row: 3, column: "First Name", message: "no person to match (email, or first and last name)" }]);
  });

  it("Kimai: Begin and End stand in for an empty duration", async () => {
    const header = ["Date", "Begin", "End", "Duration (decimal)", "User", "Email", "Customer", "Project", "Activity", "Description"];
    const { format, columns, rows } = await timesheetRows([
      header,
      ["05.03.2024", "08:00", "09:45", "", "jo", "jo@example.test", "Internal", "Support", "Helpdesk", ""],
      ["05.03.2024", "08:00", "", "", "jo", "jo@example.test", "Internal", "Support", "Helpdesk", ""],
    ]);
    expect(format).toBe("kimai");
    expect(columns).toEqual({ employee: ["Email"], project: "Project" });
    expect(rows[0]!.values).toMatchObject({ date: "2024-03-05", hours_worked: 1.75, employee_email: "jo@example.test", employee_name: "jo", client_name: "Internal" });
    expect(rows[1]!.errors).toEqual([{ row: 3, column: "Duration (decimal)", message: "not a duration (hh:mm:ss or decimal hours)" }]);
  });

  it("Kimai without an E-mail column: every row lacks a person, named as E-mail; a short row's missing cells are empty", async () => {
    const header = ["Date", "From", "To", "Duration", "User", "Customer", "Project", "Activity", "Description"];
    const { format, columns, rows } = await timesheetRows([header, ["2024-03-05", "08:00", "09:00", "1", "jo", "Internal", "Support", "Helpdesk", ""], ["2024-03-05", "08:00"]]);
    expect(format).toBe("kimai");
    expect(columns).toEqual({ employee: ["E-mail"], project: "Project" });
    expect(rows.map((r) => r.errors)).toEqual([
      [{ row: 2, column: "E-mail", message: "no person to match (email, or first and last name)" }],
      [
        { row: 3, column: "Project", message: "project is empty" },
        { row: 3, column: "Duration", message: "not a duration (hh:mm:ss or decimal hours)" },
        { row: 3, column: "E-mail", message: "no person to match (email, or first and last name)" },
      ],
    ]);
  });

  it("solidtime: an end that is not an instant is a bad duration, named by its end column", async () => {
    const header = ["user_email", "user_name", "client", "project", "start", "end", "description"];
    const { rows } = await timesheetRows([
      header,
      ["ann@example.test", "Ann", "", "Web", "2024-03-04T09:00:00Z", "2024-03-04T09:45:00Z", "Review"],
      ["ann@example.test", "Ann", "", "Web", "2024-03-04T09:00:00Z", "later", ""],
    ]);
    expect(rows[0]!.values).toMatchObject({ hours_worked: 0.75, date: "2024-03-04", employee_name: "Ann", description: "Review" });
    expect(rows[1]!.errors).toEqual([{ row: 3, column: "end", message: "not a duration (hh:mm:ss or decimal hours)" }]);
  });

  it("generic: E-mail and Duration columns, Notes as the description, errors named as the file spells them", async () => {
    const header = ["date", "E-mail", "project", "Duration", "Notes"];
    const { format, columns, rows } = await timesheetRows([
      header,
      ["2024-03-04", "Ann@example.test", "Web", "2:30", "Call"],
      ["2024-02-30", "ann@example.test", "Web", "", ""],
    ]);
    expect(format).toBe("generic");
    expect(columns).toEqual({ employee: ["E-mail"], project: "project" });
    expect(rows[0]!.values).toEqual({ project_name: "Web", employee_email: "ann@example.test", date: "2024-03-04", hours_worked: 2.5, description: "Call" });
    expect(rows[1]!.errors).toEqual([
      { row: 3, column: "date", message: "not a date (YYYY-MM-DD, MM/DD/YYYY or DD.MM.YYYY)" },
      { row: 3, column: "Duration", message: "not a duration (hh:mm:ss or decimal hours)" },
    ]);
  });

  it("a format named explicitly must match the header, and only Clockify and Harvest have project exports", async () => {
    await expect(timesheetRows([["Date", "Email", "Project", "Hours"]], "toggl")).rejects.toMatchObject({
      code: "invalid_header",
      message: "The header is not a toggl timesheet export: Date, Email, Project, Hours",
    });
    await expect(parseUpload(csv([["Project", "Client"]]), { entity: "projects", format: "toggl" })).rejects.toMatchObject({
      code: "unknown_format",
      message: "toggl exports are not read as projects",
    });
    await expect(parseUpload(csv([["Project", "Client"]]), { entity: "projects", format: "harvest" })).rejects.toMatchObject({
      code: "invalid_header",
      message: "The header is not a harvest project export: Project, Client",
    });
  });
});

describe("project exports with errors", () => {
  it("Clockify: a status neither active nor archived is left out; hours that are not a duration are a row error", async () => {
    const { format, rows } = await projectRows([
      ["Project", "Client", "Status", "Tracked (h)", "Note"],
      ["Web", "Big Co", "Paused", "", "Our site"],
      ["Shop", "", "Active", "lots", ""],
      ["", "", "Archived", "01:00:00", ""],
    ]);
    expect(format).toBe("clockify");
    expect(rows.map((r) => [r.values, r.errors])).toEqual([
      [{ project_name: "Web", client_name: "Big Co", description: "Our site", tracked_hours: null }, []],
      [null, [{ row: 3, column: "Tracked (h)", message: "not a number of hours" }]],
      [null, [{ row: 4, column: "Project", message: "project is empty" }]],
    ]);
  });

  it("Harvest: start and end dates when they are dates, notes as the description", async () => {
    const { format, rows } = await projectRows([
      ["Client", "Project", "Project Code", "Start Date", "End Date", "Project Notes", "Total Hours"],
      ["Big Co", "Web", "W1", "03/01/2024", "someday", "Relaunch", "1.234,5"],
      ["Big Co", "Shop", "S1", "", "", "", "12 hours"],
    ]);
    expect(format).toBe("harvest");
    expect(rows[0]!.values).toEqual({ project_name: "Web", client_name: "Big Co", start_date: "2024-03-01", description: "Relaunch", tracked_hours: 1234.5 });
    expect(rows[1]!.errors).toEqual([{ row: 3, column: "Total Hours", message: "not a number of hours" }]);
  });
});
