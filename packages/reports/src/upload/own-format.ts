import {
  allocationCreateSchema,
  departmentCreateSchema,
  employeeCreateSchema,
  projectCreateSchema,
  timesheetCreateSchema,
} from "@epca/core";
import type { z } from "zod";
import type { RowError } from "./tracker-formats.js";
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

function coerce(kind: Kind, text: string): { value: unknown } | { error: string } {
  switch (kind) {
    case "text":
      return { value: text };
    case "number":
    case "integer": {
      const v = parseDecimal(text);
      if (v === null) return { error: "must be a number" };
      if (kind === "integer" && !Number.isInteger(v)) return { error: "must be a whole number" };
      return { value: v };
    }
    case "boolean": {
      const lower = text.toLowerCase();
      if (TRUE.has(lower)) return { value: true };
      if (FALSE.has(lower)) return { value: false };
      return { error: "must be true or false" };
    }
    case "list":
      return { value: text.split(/[;,]/).map((s) => s.trim()).filter((s) => s !== "") };
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
 * every error names its column.
 */
export function readOwnRow<E extends UploadEntity>(
  entity: E,
  header: readonly string[],
  cells: readonly string[],
  row: number,
): { values: EntityValues[E] | null; references: EntityReference[]; errors: RowError[] } {
  const { schema, fields } = ENTITY_FIELDS[entity];
  const input: Record<string, unknown> = {};
  const errors: RowError[] = [];
  const references: EntityReference[] = [];
  const columnOf: Record<string, string> = {};
  const failed = new Set<string>();
  header.forEach((name, i) => {
    const key = name.trim().toLowerCase();
    const text = (cells[i] ?? "").trim();
    const entry = Object.entries(fields).find(([field, spec]) => field === key || spec.byName?.column === key);
    if (!entry) return; // columns we do not know are ignored
    const [field, spec] = entry;
    if (text === "") return;
    if (spec.byName && key === spec.byName.column) {
      if (input[field] !== undefined) return; // the id column wins over the name
      references.push({ field, column: name.trim(), kind: spec.byName.kind, key: text });
      input[field] = 1; // placeholder for the schema check; 0 in the output until resolved
      columnOf[field] = name.trim();
      return;
    }
    const coerced = coerce(spec.kind, text);
    columnOf[field] = name.trim();
    if ("error" in coerced) {
      errors.push({ row, column: name.trim(), message: coerced.error });
      failed.add(field);
    } else {
      // an id column given alongside its name column replaces the reference
      const i = references.findIndex((r) => r.field === field);
      if (i >= 0) references.splice(i, 1);
      input[field] = coerced.value;
    }
  });
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? "");
      if (failed.has(field)) continue;
      errors.push({ row, column: columnOf[field] ?? (field || null), message: issue.message });
    }
  }
  if (errors.length > 0 || !parsed.success) return { values: null, references, errors };
  const values = { ...(parsed.data as Record<string, unknown>) };
  for (const r of references) values[r.field] = 0;
  return { values: values as EntityValues[E], references, errors };
}
