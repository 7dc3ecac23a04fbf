import type {
  AllocationFilter,
  AllocationInsert,
  AllocationRepository,
  Department,
  DepartmentFilter,
  DepartmentInsert,
  DepartmentRepository,
  EmployeeFilter,
  EmployeeInsert,
  EmployeeRepository,
  ProjectFilter,
  ProjectInsert,
  ProjectRepository,
  Employee,
  Project,
  Allocation,
} from "@epca/core";
import { guardedRead } from "../database-errors.js";
import type { SqlExecutor } from "../sql-executor.js";
import { createEntityRepository } from "./entity-repository.js";
import { mapRow } from "./rows.js";

/** How many rows of each of `tables` refer to `id` through `column`, in one statement. */
async function countReferences<const T extends string>(
  sql: SqlExecutor,
  tables: readonly T[],
  column: "department_id" | "employee_id" | "project_id",
  id: number,
): Promise<Record<T, number>> {
  const counts = tables.map((table) => `(SELECT count(*) FROM ${table} WHERE ${column} = $1) AS ${table}`).join(", ");
  const row = (await sql.query<Record<T, string | number>>(`SELECT ${counts}`, [id])).rows[0]!;
  return Object.fromEntries(tables.map((table) => [table, Number(row[table])])) as Record<T, number>;
}

/** Departments of the transaction's tenant. */
export function departmentRepository(sql: SqlExecutor): DepartmentRepository {
  const base = createEntityRepository<Department, DepartmentInsert, DepartmentFilter>(sql, {
    table: "departments",
    columns: { name: "text", budget: "float8", description: "text" },
    hasUpdatedAt: true,
    map: mapRow.department,
    filter: (f, c) => {
      c.when(f.name, "name = ?");
    },
  });
  return {
    ...base,
    async findByName(name) {
      // Case-insensitive, as the unique index of migration 0003 (tenant_id, lower(name)) is.
      const result = await sql.query("SELECT * FROM departments WHERE lower(name) = lower($1)", [name]);
      return result.rows[0] ? mapRow.department(result.rows[0]) : null;
    },
    countDependents: (id) => countReferences(sql, ["employees", "projects"] as const, "department_id", id),
  };
}

/** Employees of the transaction's tenant. */
export function employeeRepository(sql: SqlExecutor): EmployeeRepository {
  const base = createEntityRepository<Employee, EmployeeInsert, EmployeeFilter>(sql, {
    table: "employees",
    columns: {
      name: "text",
      email: "text",
      department_id: "int8",
      salary: "float8",
      revenue_generated: "float8",
      hire_date: "date",
      skills: "text[]",
      is_active: "bool",
    },
    hasUpdatedAt: true,
    map: mapRow.employee,
    filter: (f, c) => {
      c.when(f.department_id, "department_id = ?").when(f.is_active, "is_active = ?");
    },
  });
  return {
    ...base,
    async findByEmail(email) {
      const result = await sql.query("SELECT * FROM employees WHERE lower(email) = lower($1)", [email]);
      return result.rows[0] ? mapRow.employee(result.rows[0]) : null;
    },
    countDependents: (id) => countReferences(sql, ["timesheets", "allocations"] as const, "employee_id", id),
  };
}

/** Projects of the transaction's tenant. */
export function projectRepository(sql: SqlExecutor): ProjectRepository {
  const base = createEntityRepository<Project, ProjectInsert, ProjectFilter>(sql, {
    table: "projects",
    columns: {
      name: "text",
      department_id: "int8",
      cost: "float8",
      revenue: "float8",
      status: "text",
      completion_percentage: "float8",
      start_date: "date",
      end_date: "date",
      estimated_end_date: "date",
      description: "text",
    },
    hasUpdatedAt: true,
    map: mapRow.project,
    filter: (f, c) => {
      c.when(f.department_id, "department_id = ?").when(f.status, "status = ?");
    },
  });
  return {
    ...base,
    countDependents: (id) => countReferences(sql, ["timesheets", "allocations"] as const, "project_id", id),
  };
}

/** Allocations of the transaction's tenant. */
export function allocationRepository(sql: SqlExecutor): AllocationRepository {
  const base = createEntityRepository<Allocation, AllocationInsert, AllocationFilter>(sql, {
    table: "allocations",
    columns: {
      employee_id: "int8",
      project_id: "int8",
      allocation_percentage: "float8",
      allocated_hours: "float8",
      start_date: "date",
      end_date: "date",
    },
    hasUpdatedAt: true,
    map: mapRow.allocation,
    filter: (f, c) => {
      c.when(f.employee_id, "employee_id = ?")
        .when(f.project_id, "project_id = ?")
        .when(f.from, "end_date >= ?::date")
        .when(f.to, "start_date <= ?::date");
    },
  });
  return {
    ...base,
    async findOverlappingForUpdate(employeeId, start, end, excludeId) {
      // One lock per (tenant, employee) for the rest of the transaction: a second writer for the
      // same employee waits here, then reads what the first one committed. In a savepoint, so that
      // a malformed date leaves the transaction usable (the lock is kept on release).
      return guardedRead(sql, async () => {
        await sql.query(
          "SELECT pg_advisory_xact_lock(hashtextextended('epca:allocations:' || current_setting('app.tenant_id', true) || ':' || $1::text, 0))",
          [String(employeeId)],
        );
        const result = await sql.query(
          `SELECT * FROM allocations
            WHERE employee_id = $1 AND start_date <= $3::date AND end_date >= $2::date
              AND ($4::bigint IS NULL OR id <> $4::bigint)
            ORDER BY id`,
          [employeeId, start, end, excludeId ?? null],
        );
        return result.rows.map(mapRow.allocation);
      });
    },
  };
}
