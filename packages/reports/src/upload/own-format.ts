import {
  allocationCreateSchema,
  departmentCreateSchema,
  employeeCreateSchema,
  projectCreateSchema,
  timesheetCreateSchema,
} from "@epca/core";
import type { z } from "zod";
import type { RowError } from "./tracker-formats.js";
import type { UploadRow } from "./upload-row.js";
import { parseDecimal } from "./values.js";

/** The entities an upload may create. */
export const UPLOAD_ENTITIES = ["departments", "employees", "projects", "timesheets", "allocations"] as const;
export type UploadEntity = (typeof UPLOAD_ENTITIES)[number];

/** A validated row of our own format, as core's create schema outputs it. */
export type EntityValues = {
  departments: z.output<typeof departmentCreateSchema>;
  employees: z.output<typeof employeeCreateSchema>;
  projects: z.output<typeof projectCreateSchema>;
  timesheets: z.output<typeof timesheetCreateSchema>;
  allocations: z.output<typeof allocationCreateSchema>;
};

/** What a by-name column refers to. */
export type ReferenceKind = "department" | "employee" | "project";

/**
 * A reference by name still to resolve: `field` (e.g. `department_id`) holds `0` until
 * `resolveReferences` sets it from `key` (the name or email in `column`).
 */
export interface EntityReference {
  readonly field: string;
  readonly column: string;
  readonly kind: ReferenceKind;
  readonly key: string;
}

type Kind = "text" | "number" | "integer" | "boolean" | "list";
interface FieldSpec {
  kind: Kind;
  /** A column that may stand for this id field, and what it names. */
  byName?: { column: string; kind: ReferenceKind };
}

const ref = (column: string, kind: ReferenceKind): FieldSpec => ({ kind: "integer", byName: { column, kind } });
const t: FieldSpec = { kind: "text" };
const n: FieldSpec = { kind: "number" };

/** The create fields of each entity, how their text is read, and their by-name stand-ins. */
export const ENTITY_FIELDS: Record<UploadEntity, { schema: z.ZodType; fields: Record<string, FieldSpec> }> = {
  departments: { schema: departmentCreateSchema, fields: { name: t, budget: n, description: t } },
  employees: {
    schema: employeeCreateSchema,
    fields: {
      name: t,
      email: t,
      department_id: ref("department_name", "department"),
      salary: n,
      revenue_generated: n,
      hire_date: t,
      skills: { kind: "list" },
      is_active: { kind: "boolean" },
    },
  },
  projects: {
    schema: projectCreateSchema,
    fields: {
      name: t,
      department_id: ref("department_name", "department"),
      cost: n,
      revenue: n,
      status: t,
      completion_percentage: n,
      start_date: t,
      end_date: t,
      estimated_end_date: t,
      description: t,
    },
  },
  timesheets: {
    schema: timesheetCreateSchema,
    fields: { employee_id: ref("employee_email", "employee"), project_id: ref("project_name", "project"), hours_worked: n, date: t, description: t },
  },
  allocations: {
    schema: allocationCreateSchema,
    fields: {
      employee_id: ref("employee_email", "employee"),
      project_id: ref("project_name", "project"),
      allocation_percentage: n,
      allocated_hours: n,
      start_date: t,
      end_date: t,
    },
  },
};

const TRUE = new Set(["true", "yes", "y", "1", "ja", "oui"]);
const FALSE = new Set(["false", "no", "n", "0", "nein", "non"]);

/** Why a cell's text is not its field's kind (one shared instance per message: no object per cell). */
class CoerceError {
  constructor(readonly message: string) {}
}
const NOT_A_NUMBER = new CoerceError("must be a number");
const NOT_WHOLE = new CoerceError("must be a whole number");
const NOT_A_BOOLEAN = new CoerceError("must be true or false");
/** Plain digits with an optional decimal point, which `parseDecimal` reads as `Number` does. */
const PLAIN_NUMBER = /^\d{1,15}(?:\.\d{1,15})?$/;

/** A cell's value for its field's kind, or the `CoerceError` saying why not. */
function coerce(kind: Kind, text: string): unknown {
  switch (kind) {
    case "text":
      return text;
    case "number":
    case "integer": {
      const v = PLAIN_NUMBER.test(text) ? Number(text) : parseDecimal(text);
      if (v === null) return NOT_A_NUMBER;
      if (kind === "integer" && !Number.isInteger(v)) return NOT_WHOLE;
      return v;
    }
    case "boolean": {
      const lower = text.toLowerCase();
      if (TRUE.has(lower)) return true;
      if (FALSE.has(lower)) return false;
      return NOT_A_BOOLEAN;
    }
    case "list":
      return text.split(/[;,]/).map((s) => s.trim()).filter((s) => s !== "");
  }
}

/** The header's problems for our own format: required columns missing (by-name stand-ins count). */
export function missingColumns(entity: UploadEntity, keys: ReadonlySet<string>): string[] {
  const { schema, fields } = ENTITY_FIELDS[entity];
  const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {};
  return Object.entries(fields)
    .filter(([field, spec]) => {
      if (keys.has(field) || (spec.byName && keys.has(spec.byName.column))) return false;
      const member = shape[field];
      return member ? !member.safeParse(undefined).success : false;
    })
    .map(([field, spec]) => (spec.byName ? `${field} (or ${spec.byName.column})` : field));
}

/** Whether a header is our own format for `entity` (it names a create field beyond the common ones). */
export function isOwnFormat(entity: UploadEntity, keys: ReadonlySet<string>): boolean {
  return missingColumns(entity, keys).length === 0;
}

/**
 * Reads one row of our own format: empty cells are absent (defaults apply), numbers accept a
 * decimal comma, by-name columns become references, and core's create schema checks the rest;
 * every error names its column. (`ownRowReader` reads many rows of one header.)
 */
export function readOwnRow<E extends UploadEntity>(
  entity: E,
  header: readonly string[],
  cells: readonly string[],
  row: number,
): { values: EntityValues[E] | null; references: readonly EntityReference[]; errors: readonly RowError[] } {
  return ownRowReader(entity, header)(cells, row);
}

/** What a column of the header is: the field it fills and how, worked out once per file. */
interface ColumnPlan {
  readonly index: number;
  /** The column's name as the file spells it (trimmed), for errors and references. */
  readonly name: string;
  readonly field: string;
  readonly spec: FieldSpec;
  /** The column is the by-name stand-in of `field` (e.g. `department_name`). */
  readonly byName: boolean;
}

/** The references and errors of a row that has none (most rows of a large file): shared, never changed. */
const NONE: readonly never[] = Object.freeze([]);

/**
 * `readOwnRow` for every row of one header: which column fills which field is decided once, not
 * per cell (a million-row upload read each cell's field by searching the fields). A valid row
 * without references costs the schema's parse and the answer's object, nothing else: its errors
 * and references are a shared empty list, and the columns of fields are looked up only for errors.
 */
export function ownRowReader<E extends UploadEntity>(
  entity: E,
  header: readonly string[],
): (cells: readonly string[], row: number) => UploadRow<EntityValues[E]> {
  const { schema, fields } = ENTITY_FIELDS[entity];
  const entries = Object.entries(fields);
  const plan: ColumnPlan[] = [];
  header.forEach((raw, index) => {
    const key = raw.trim().toLowerCase();
    const entry = entries.find(([field, spec]) => field === key || spec.byName?.column === key);
    if (!entry) return; // columns we do not know are ignored
    const [field, spec] = entry;
    plan.push({ index, name: raw.trim(), field, spec, byName: spec.byName !== undefined && key === spec.byName.column });
  });
  /** The column of `field` in this row, as the loop below meets it (asked only for a row with errors). */
  const columnOf = (cells: readonly string[], field: string): string | null => {
    let name: string | null = null;
    let filled = false;
    for (const column of plan) {
      if (column.field !== field) continue;
      const text = (cells[column.index] ?? "").trim();
      if (text === "") continue;
      if (column.byName) {
        if (filled) continue; // the id column wins over the name
        filled = true;
      } else if (!(coerce(column.spec.kind, text) instanceof CoerceError)) filled = true;
      name = column.name;
    }
    return name;
  };
  return (cells, row) => {
    const input: Record<string, unknown> = {};
    let errors: RowError[] | null = null;
    let references: EntityReference[] | null = null;
    let failed: Set<string> | null = null;
    for (const column of plan) {
      const text = (cells[column.index] ?? "").trim();
      if (text === "") continue;
      const { field, spec, name } = column;
      if (column.byName) {
        if (input[field] !== undefined) continue; // the id column wins over the name
        (references ??= []).push({ field, column: name, kind: spec.byName!.kind, key: text });
        input[field] = 1; // placeholder for the schema check; 0 in the output until resolved
        continue;
      }
      const coerced = coerce(spec.kind, text);
      if (coerced instanceof CoerceError) {
        (errors ??= []).push({ row, column: name, message: coerced.message });
        (failed ??= new Set()).add(field);
      } else {
        // an id column given alongside its name column replaces the reference
        if (references) {
          const i = references.findIndex((r) => r.field === field);
          if (i >= 0) references.splice(i, 1);
        }
        input[field] = coerced;
      }
    }
    const refs: readonly EntityReference[] = references ?? NONE;
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0] ?? "");
        if (failed?.has(field)) continue;
        (errors ??= []).push({ row, column: (field ? columnOf(cells, field) : null) ?? (field || null), message: issue.message });
      }
    }
    if (errors !== null || !parsed.success) return { row, values: null, references: refs, errors: errors ?? NONE };
    if (refs.length === 0) return { row, values: parsed.data as EntityValues[E], references: refs, errors: NONE };
    const values = { ...(parsed.data as Record<string, unknown>) };
    for (const r of refs) values[r.field] = 0;
    return { row, values: values as EntityValues[E], references: refs, errors: NONE };
  };
}
