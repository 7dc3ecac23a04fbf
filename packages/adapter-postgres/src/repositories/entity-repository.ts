import type { EntityRepository, Page, PageResult } from "@epca/core";
import { guardedRead, guardedWrite } from "../database-errors.js";
import type { SqlExecutor } from "../sql-executor.js";
import { jsonParam, orNull } from "../values.js";

/** How a column's parameter is cast in SQL. */
export type ColumnCast = "text" | "float8" | "bool" | "date" | "int8" | "text[]" | "jsonb" | "timestamptz";

/** `$n::cast`, with jsonb sent as text so that no driver re-encodes it. */
export function castParam(index: number, cast: ColumnCast): string {
  return cast === "jsonb" ? `$${index}::text::jsonb` : `$${index}::${cast}`;
}

/** A parameter value for a column of this cast. */
export function paramValue(value: unknown, cast: ColumnCast): unknown {
  if (cast === "jsonb") return value === undefined ? null : jsonParam(value);
  return orNull(value);
}

/**
 * SET clauses for the defined keys of a patch, with their parameters numbered after the
 * `reserved` leading ones (`$1` = id by default). Keys missing or `undefined` are left out.
 */
export function assignments(
  columns: Readonly<Record<string, ColumnCast>>,
  patch: Record<string, unknown>,
  reserved = 1,
): { sets: string[]; params: unknown[] } {
  const params: unknown[] = [];
  const sets: string[] = [];
  for (const [name, cast] of Object.entries(columns)) {
    if (patch[name] === undefined) continue;
    params.push(paramValue(patch[name], cast));
    sets.push(`${name} = ${castParam(params.length + reserved, cast)}`);
  }
  return { sets, params };
}

/** Casts of caller strings that PostgreSQL may refuse (`2024-02-30`, `yesterday-ish`). */
const FALLIBLE_CAST = /::(date|timestamptz|timestamp)\b/;

/** Collects WHERE conditions and their parameters. */
export class Conditions {
  readonly parts: string[] = [];
  readonly params: unknown[];
  /** Whether a condition casts a parameter in a way that can fail on bad input. */
  fallible = false;

  constructor(params: unknown[] = []) {
    this.params = params;
  }

  /** Adds a condition; `?` in `sql` stands for the next parameter. */
  add(sql: string, value: unknown): this {
    this.params.push(value);
    if (FALLIBLE_CAST.test(sql)) this.fallible = true;
    this.parts.push(sql.replace("?", `$${this.params.length}`));
    return this;
  }

  /** Adds a condition when `value` is defined. */
  when(value: unknown, sql: string): this {
    return value === undefined ? this : this.add(sql, value);
  }

  get where(): string {
    return this.parts.length ? `WHERE ${this.parts.join(" AND ")}` : "";
  }
}

/**
 * Counts the matching rows and reads one page ordered by id; in a savepoint when a condition may
 * fail on its input, so that a caught error leaves the transaction usable.
 */
export async function listPage<T>(
  sql: SqlExecutor,
  from: string,
  select: string,
  conditions: Conditions,
  page: Page,
  map: (row: Record<string, unknown>) => T,
): Promise<PageResult<T>> {
  const read = async (): Promise<PageResult<T>> => {
    const count = await sql.query<{ total: number }>(`SELECT count(*) AS total FROM ${from} ${conditions.where}`, conditions.params);
    const total = Number(count.rows[0]?.total ?? 0);
    if (total === 0) return { items: [], total };
    const params = [...conditions.params, page.limit, page.skip];
    const rows = await sql.query(
      `SELECT ${select} FROM ${from} ${conditions.where} ORDER BY id LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    return { items: rows.rows.map(map), total };
  };
  return conditions.fallible ? guardedRead(sql, read) : read();
}

/** What a table-backed repository needs to know about its table. */
export interface TableDefinition<T, Insert, Filter> {
  readonly table: string;
  /** Writable columns and their casts. */
  readonly columns: Readonly<Record<string, ColumnCast>>;
  /** Whether the table has `updated_at`. */
  readonly hasUpdatedAt: boolean;
  readonly map: (row: Record<string, unknown>) => T;
  readonly filter: (filter: Filter, conditions: Conditions) => void;
  /** Marker for the insert type (unused at run time). */
  readonly _insert?: Insert;
}

/** Insert, read, update, delete and list written once for every entity table. */
export function createEntityRepository<T, Insert extends object, Filter>(
  sql: SqlExecutor,
  definition: TableDefinition<T, Insert, Filter>,
): EntityRepository<T, Insert, Filter> {
  const { table, columns, map } = definition;
  const columnNames = Object.keys(columns);

  return {
    async insert(values) {
      const record = values as Record<string, unknown>;
      const params = columnNames.map((name) => paramValue(record[name], columns[name]!));
      const placeholders = columnNames.map((name, i) => castParam(i + 1, columns[name]!));
      // A column left undefined takes its database default (skills, status, …).
      const present = columnNames.map((name) => record[name] !== undefined);
      const names = columnNames.filter((_, i) => present[i]);
      const bound = placeholders.filter((_, i) => present[i]);
      const boundParams = params.filter((_, i) => present[i]);
      const renumbered = bound.map((p, i) => p.replace(/^\$\d+/, `$${i + 1}`));
      const result = await guardedWrite(
        sql,
        () => sql.query(`INSERT INTO ${table} (${names.join(", ")}) VALUES (${renumbered.join(", ")}) RETURNING *`, boundParams),
        record,
      );
      return map(result.rows[0]!);
    },

    async findById(id) {
      // A hot read (every GET of one record): prepared once per connection.
      const result = await sql.query(`SELECT * FROM ${table} WHERE id = $1`, [id], { name: `epca_${table}_by_id` });
      return result.rows[0] ? map(result.rows[0]) : null;
    },

    async update(id, patch) {
      const record = patch as Record<string, unknown>;
      const { sets, params: values } = assignments(columns, record);
      const params: unknown[] = [id, ...values];
      if (definition.hasUpdatedAt) sets.push("updated_at = clock_timestamp()");
      if (sets.length === 0) return this.findById(id);
      const result = await guardedWrite(
        sql,
        () => sql.query(`UPDATE ${table} SET ${sets.join(", ")} WHERE id = $1 RETURNING *`, params),
        record,
      );
      return result.rows[0] ? map(result.rows[0]) : null;
    },

    async delete(id) {
      const result = await guardedWrite(sql, () => sql.query(`DELETE FROM ${table} WHERE id = $1 RETURNING *`, [id]));
      return result.rows[0] ? map(result.rows[0]) : null;
    },

    async list(filter, page) {
      const conditions = new Conditions();
      definition.filter(filter ?? ({} as Filter), conditions);
      return listPage(sql, table, "*", conditions, page, map);
    },
  };
}
