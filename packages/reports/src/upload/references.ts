import type { EntityValues, UploadEntity } from "./own-format.js";
import type { RowError, TrackerColumns, TrackerTimesheet } from "./tracker-formats.js";
import type { UploadRow } from "./upload-row.js";

/** Looks records up for an upload; the server answers from the database, for the caller's tenant. */
export interface ReferenceResolver {
  /** The id of the department with this exact name, or `null`. */
  departmentByName(name: string): Promise<number | null>;
  /** The id of the employee with this email (case-insensitive), or `null`. */
  employeeByEmail(email: string): Promise<number | null>;
  /** The id of the only employee with this first and last name (Harvest), or `null` when none or several. */
  employeeByName(firstName: string, lastName: string): Promise<number | null>;
  /** The id of the project with this exact name, or `null`. */
  projectByName(name: string): Promise<number | null>;
}

const LABEL = { department: "department", employee: "employee", project: "project" } as const;

/**
 * Fills the id fields of a row's references through `resolver`; a reference it cannot resolve
 * becomes a row error on its column (never guessed) and the row's `values` become `null`.
 */
export async function resolveReferences<V extends EntityValues[UploadEntity]>(row: UploadRow<V>, resolver: ReferenceResolver): Promise<UploadRow<V>> {
  if (row.references.length === 0) return row;
  const errors: RowError[] = [...row.errors];
  const values: Record<string, unknown> | null = row.values ? { ...row.values } : null;
  for (const r of row.references) {
    const id =
      r.kind === "department"
        ? await resolver.departmentByName(r.key)
        : r.kind === "employee"
          ? await resolver.employeeByEmail(r.key)
          : await resolver.projectByName(r.key);
    if (id === null) errors.push({ row: row.row, column: r.column, message: `no ${LABEL[r.kind]} "${r.key}"` });
    else if (values) values[r.field] = id;
  }
  const ok = errors.length === 0 && values !== null;
  return { row: row.row, values: ok ? (values as V) : null, references: [], errors };
}

/**
 * Turns a tracker row into our timesheet create input: the person by email (Harvest: first and
 * last name), the project by name; what cannot be matched is a row error on the file's column.
 */
export async function resolveTrackerTimesheet(
  row: UploadRow<TrackerTimesheet>,
  resolver: ReferenceResolver,
  columns: TrackerColumns,
): Promise<UploadRow<EntityValues["timesheets"]>> {
  const errors: RowError[] = [...row.errors];
  const v = row.values;
  if (!v) return { row: row.row, values: null, references: [], errors };
  const employee = v.employee_email
    ? await resolver.employeeByEmail(v.employee_email)
    : v.employee_first_name && v.employee_last_name
      ? await resolver.employeeByName(v.employee_first_name, v.employee_last_name)
      : null;
  const who = v.employee_email ?? `${v.employee_first_name ?? ""} ${v.employee_last_name ?? ""}`.trim();
  if (employee === null) errors.push({ row: row.row, column: columns.employee.join(" + "), message: `no employee "${who}"` });
  const project = await resolver.projectByName(v.project_name);
  if (project === null) errors.push({ row: row.row, column: columns.project, message: `no project "${v.project_name}"` });
  if (employee === null || project === null) return { row: row.row, values: null, references: [], errors };
  return {
    row: row.row,
    values: { employee_id: employee, project_id: project, hours_worked: v.hours_worked, date: v.date, description: v.description },
    references: [],
    errors,
  };
}
