import { hoursBetween, hoursBetweenInstants, parseDate, parseDecimal, parseDurationHours } from "./values.js";

/** Other products whose exports `parseUpload` reads; `generic` is any CSV with date, email, project and hours columns. */
export const TRACKER_FORMATS = ["toggl", "clockify", "harvest", "kimai", "solidtime", "generic"] as const;
export type TrackerFormat = (typeof TRACKER_FORMATS)[number];

/** One problem of one row, with the spreadsheet row (header = 1) and the column as the file names it. */
export interface RowError {
  readonly row: number;
  readonly column: string | null;
  readonly message: string;
}

/** A timesheet entry read from a tracker's export, in our units; people and projects still by name. */
export interface TrackerTimesheet {
  /** Matches the employee (every format but Harvest). */
  employee_email?: string;
  /** Harvest matches people by first and last name. */
  employee_first_name?: string;
  employee_last_name?: string;
  /** The person's display name where the export has one (not used for matching). */
  employee_name?: string;
  project_name: string;
  client_name?: string;
  /** `YYYY-MM-DD`, the day the entry starts. */
  date: string;
  /** Hours as a decimal number, unrounded (`01:00:01` is 1.000277…). */
  hours_worked: number;
  description: string | null;
}

/** A project read from a tracker's project export. */
export interface TrackerProject {
  project_name: string;
  client_name?: string;
  /** Our project status where the export says one (`Active` → `in_progress`, `Archived` → `completed`). */
  status?: "in_progress" | "completed";
  start_date?: string;
  end_date?: string;
  description: string | null;
  /** Hours tracked on the project so far, as the export reports them. */
  tracked_hours: number | null;
}

/** Which source column holds each matched figure (for error reports after resolution). */
export interface TrackerColumns {
  employee: readonly string[];
  project: string;
}

/** A record keyed by lower-case trimmed header names, remembering the file's own spelling. */
export class HeaderRecord {
  constructor(
    private readonly index: ReadonlyMap<string, number>,
    private readonly names: readonly string[],
    private readonly cells: readonly string[],
  ) {}

  /** The first of `keys` the header has, as the file spells it. */
  column(...keys: string[]): string | null {
    for (const k of keys) {
      const i = this.index.get(k);
      if (i !== undefined) return this.names[i] ?? k;
    }
    return null;
  }

  /**
   * The file's spelling of the first of `keys` the header has, for a column the format requires
   * (it matched on it, so one of `keys` is there).
   */
  spelling(...keys: string[]): string {
    return this.column(...keys)!;
  }

  /** The trimmed text of the first of `keys` the header has ("" when none or empty). */
  get(...keys: string[]): string {
    for (const k of keys) {
      const i = this.index.get(k);
      if (i !== undefined) return (this.cells[i] ?? "").trim();
    }
    return "";
  }
}

/** Lower-case, trimmed header name (BOM and surrounding quotes dropped) used for matching. */
export const headerKey = (name: string) => name.replace(/^\uFEFF/, "").trim().toLowerCase();

interface TimesheetFormat {
  matches(keys: ReadonlySet<string>): boolean;
  columns(r: HeaderRecord): TrackerColumns;
  read(r: HeaderRecord, row: number): { values: TrackerTimesheet | null; errors: RowError[] };
}

type Fields = {
  email?: string;
  first?: string;
  last?: string;
  name?: string;
  project: string;
  client?: string;
  date: string | null;
  hours: number | null;
  description: string;
};

function entry(r: HeaderRecord, row: number, f: Fields, cols: { date: string; hours: string; project: string; person: string }) {
  const errors: RowError[] = [];
  if (!f.project) errors.push({ row, column: r.spelling(cols.project), message: "project is empty" });
  if (f.date === null) errors.push({ row, column: r.spelling(cols.date), message: "not a date (YYYY-MM-DD, MM/DD/YYYY or DD.MM.YYYY)" });
  if (f.hours === null) errors.push({ row, column: r.spelling(cols.hours), message: "not a duration (hh:mm:ss or decimal hours)" });
  else if (f.hours < 0) errors.push({ row, column: r.spelling(cols.hours), message: "duration is negative" });
  if (!f.email && !(f.first && f.last)) errors.push({ row, column: cols.person, message: "no person to match (email, or first and last name)" });
  if (errors.length > 0 || f.date === null || f.hours === null) return { values: null, errors };
  const values: TrackerTimesheet = {
    project_name: f.project,
    date: f.date,
    hours_worked: f.hours,
    description: f.description === "" ? null : f.description,
  };
  if (f.email) values.employee_email = f.email.toLowerCase();
  if (f.first) values.employee_first_name = f.first;
  if (f.last) values.employee_last_name = f.last;
  if (f.name) values.employee_name = f.name;
  if (f.client) values.client_name = f.client;
  return { values, errors };
}

const has = (keys: ReadonlySet<string>, ...names: string[]) => names.every((n) => keys.has(n));

/** The timesheet exports we read, in detection order. */
export const TIMESHEET_FORMATS: Record<TrackerFormat, TimesheetFormat> = {
  // Toggl Track "Detailed report" CSV: Start date / Start time / Duration (hh:mm:ss).
  toggl: {
    matches: (k) => has(k, "user", "email", "project", "start date", "start time", "duration") && !k.has("duration (h)"),
    columns: (r) => ({ employee: [r.spelling("email")], project: r.spelling("project") }),
    read: (r, row) =>
      entry(
        r,
        row,
        {
          email: r.get("email"),
          name: r.get("user"),
          project: r.get("project"),
          client: r.get("client"),
          date: parseDate(r.get("start date")),
          hours: parseDurationHours(r.get("duration")) ?? hoursBetween(r.get("start date"), r.get("start time"), r.get("end date"), r.get("end time")),
          description: r.get("description"),
        },
        { date: "start date", hours: "duration", project: "project", person: r.spelling("email") },
      ),
  },
  // Clockify "Detailed report" CSV: US dates, AM/PM times, Duration (h) as hh:mm:ss and Duration (decimal).
  clockify: {
    matches: (k) => has(k, "project", "email", "start date") && (k.has("duration (h)") || k.has("duration (decimal)")),
    columns: (r) => ({ employee: [r.spelling("email")], project: r.spelling("project") }),
    read: (r, row) => {
      // Duration (h) is what Clockify shows; its decimal twin is a rounded copy (and sometimes 0.00).
      const hours =
        parseDurationHours(r.get("duration (h)")) ??
        parseDecimal(r.get("duration (decimal)")) ??
        hoursBetween(r.get("start date"), r.get("start time"), r.get("end date"), r.get("end time"));
      return entry(
        r,
        row,
        {
          email: r.get("email"),
          name: r.get("user"),
          project: r.get("project"),
          client: r.get("client"),
          date: parseDate(r.get("start date")),
          hours,
          description: r.get("description"),
        },
        { date: "start date", hours: r.column("duration (h)") ? "duration (h)" : "duration (decimal)", project: "project", person: r.spelling("email") },
      );
    },
  },
  // Harvest "Detailed time" CSV: Hours as decimal (comma or dot), people by First Name + Last Name.
  harvest: {
    matches: (k) => has(k, "date", "project", "hours", "first name", "last name"),
    columns: (r) => ({ employee: [r.spelling("first name"), r.spelling("last name")], project: r.spelling("project") }),
    read: (r, row) =>
      entry(
        r,
        row,
        {
          first: r.get("first name"),
          last: r.get("last name"),
          project: r.get("project"),
          client: r.get("client"),
          date: parseDate(r.get("date")),
          hours: parseDurationHours(r.get("hours")),
          description: r.get("notes"),
        },
        { date: "date", hours: "hours", project: "project", person: r.spelling("first name") },
      ),
  },
  // Kimai's CSV/XLSX export (DefaultTemplate columns, English labels): Date, From, To, Duration, …, E-mail, Customer, Project, Activity, Description.
  kimai: {
    matches: (k) => has(k, "date", "project", "customer", "activity") && (k.has("duration") || k.has("duration (decimal)")) && (k.has("from") || k.has("begin")),
    columns: (r) => ({ employee: [r.column("e-mail", "email") ?? "E-mail"], project: r.spelling("project") }),
    read: (r, row) =>
      entry(
        r,
        row,
        {
          email: r.get("e-mail", "email"),
          name: r.get("user", "name"),
          project: r.get("project"),
          client: r.get("customer"),
          date: parseDate(r.get("date")),
          hours: parseDurationHours(r.get("duration", "duration (decimal)")) ?? hoursBetween(r.get("date"), r.get("from", "begin"), r.get("date"), r.get("to", "end")),
          description: r.get("description"),
        },
        { date: "date", hours: r.column("duration") ? "duration" : "duration (decimal)", project: "project", person: r.column("e-mail", "email") ?? "E-mail" },
      ),
  },
  // solidtime's generic time-entry CSV: ISO 8601 start and end, user_email.
  solidtime: {
    matches: (k) => has(k, "project", "start", "end", "user_email"),
    columns: (r) => ({ employee: [r.spelling("user_email")], project: r.spelling("project") }),
    read: (r, row) =>
      entry(
        r,
        row,
        {
          email: r.get("user_email"),
          name: r.get("user_name"),
          project: r.get("project"),
          client: r.get("client"),
          date: parseDate(r.get("start")),
          hours: hoursBetweenInstants(r.get("start"), r.get("end")),
          description: r.get("description"),
        },
        { date: "start", hours: "end", project: "project", person: r.spelling("user_email") },
      ),
  },
  // Any CSV with Date, Email, Project and Hours (or Duration) columns.
  generic: {
    matches: (k) => k.has("date") && k.has("project") && (k.has("hours") || k.has("duration")) && (k.has("email") || k.has("e-mail")),
    columns: (r) => ({ employee: [r.spelling("email", "e-mail")], project: r.spelling("project") }),
    read: (r, row) =>
      entry(
        r,
        row,
        {
          email: r.get("email", "e-mail"),
          project: r.get("project"),
          date: parseDate(r.get("date")),
          hours: parseDurationHours(r.get("hours", "duration")),
          description: r.get("description", "notes"),
        },
        { date: "date", hours: r.column("hours") ? "hours" : "duration", project: "project", person: r.spelling("email", "e-mail") },
      ),
  },
};

interface ProjectFormat {
  matches(keys: ReadonlySet<string>): boolean;
  read(r: HeaderRecord, row: number): { values: TrackerProject | null; errors: RowError[] };
}

function project(r: HeaderRecord, row: number, p: TrackerProject, hoursColumn: string) {
  const errors: RowError[] = [];
  if (!p.project_name) errors.push({ row, column: r.spelling("project"), message: "project is empty" });
  const rawHours = r.get(hoursColumn);
  if (rawHours !== "" && p.tracked_hours === null) errors.push({ row, column: r.column(hoursColumn), message: "not a number of hours" });
  return { values: errors.length ? null : p, errors };
}

const optionalDate = (text: string) => (text ? (parseDate(text) ?? undefined) : undefined);
const defined = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== "")) as T;

/** The project exports we read (Clockify and Harvest), in detection order. */
export const PROJECT_FORMATS: Partial<Record<TrackerFormat, ProjectFormat>> = {
  clockify: {
    matches: (k) => has(k, "project", "client", "status", "tracked (h)"),
    read: (r, row) => {
      const status = r.get("status").toLowerCase();
      return project(
        r,
        row,
        defined({
          project_name: r.get("project"),
          client_name: r.get("client"),
          status: status === "active" ? ("in_progress" as const) : status === "archived" ? ("completed" as const) : undefined,
          description: r.get("note") || null,
          tracked_hours: r.get("tracked (h)") === "" ? null : parseDurationHours(r.get("tracked (h)")),
        }),
        "tracked (h)",
      );
    },
  },
  harvest: {
    matches: (k) => has(k, "client", "project", "project code", "total hours"),
    read: (r, row) =>
      project(
        r,
        row,
        defined({
          project_name: r.get("project"),
          client_name: r.get("client"),
          start_date: optionalDate(r.get("start date")),
          end_date: optionalDate(r.get("end date")),
          description: r.get("project notes") || null,
          tracked_hours: r.get("total hours") === "" ? null : parseDecimal(r.get("total hours")),
        }),
        "total hours",
      ),
  },
};
