import { ConflictError, NotFoundError, type EntityRepository, type Page, type PageResult } from "@epca/core";
import { copy, definedFields, pageOf, type Row, type TenantTable, type TransactionContext } from "./table.js";

/** A stored entity: an id and its two timestamps. */
interface StoredEntity {
  readonly id: number;
  readonly created_at: string;
  readonly updated_at: string;
}

/** How one entity is stored: the columns of the `EntityRepository` operations shared by every entity. */
export interface EntitySpec<T extends StoredEntity, Insert, Filter> {
  /** The entity's name in messages, e.g. `department`. */
  readonly entity: string;
  readonly table: TenantTable<T>;
  /** The stored columns of `values`: known fields only, missing nullable ones as `null`. */
  columns(values: Insert): Insert;
  /** Throws `ConflictError` when `candidate` (new, or row `id` updated) breaks a uniqueness rule. */
  checkUnique?(candidate: Insert, id: number | null): void;
  /** The predicate of a list filter, built once per call. */
  matcher(filter: Filter): (row: T) => boolean;
  /** The records `values` refers to (a foreign key each); `null` ids refer to nothing. */
  references?(values: Insert): readonly Reference[];
  /**
   * How many rows of other tables refer to the row with this id, by table (`countDependents`);
   * the row cannot be deleted while any does (ON DELETE RESTRICT, `ConflictError`).
   */
  dependents?(id: number): Record<string, number>;
  /** Runs before the row with this id is deleted, once no dependent is left: unlinks the rows that merely point at it (ON DELETE SET NULL). */
  beforeDelete?(id: number): void;
}

/** The singular of each table that dependents are counted in: messages are built from words, never by cutting suffixes. */
const SINGULAR: Readonly<Record<string, string>> = { employees: "employee", projects: "project", timesheets: "timesheet", allocations: "allocation" };

/** Throws `ConflictError` while other rows refer to the `entity` row `id` (ON DELETE RESTRICT). */
function restrictDelete(entity: string, id: number, counts: Record<string, number>): void {
  const entries = Object.entries(counts);
  if (entries.every(([, n]) => n === 0)) return;
  const what = entries.map(([table, n]) => `${n} ${SINGULAR[table] ?? table}(s)`).join(" and ");
  throw new ConflictError(`${entity.charAt(0).toUpperCase()}${entity.slice(1)} ${id} still has ${what}`);
}

/** A foreign key: the referenced table, its entity name for `NotFoundError`, and the id. */
export interface Reference {
  readonly entity: string;
  readonly table: TenantTable<Row>;
  readonly id: number | null;
}

/**
 * Throws `NotFoundError` for the first reference whose record does not exist in the transaction's
 * tenant (another tenant's record counts as missing). With `previous`, only references whose id
 * changed are checked, as a database checks a foreign key only when its column changes.
 */
export function checkReferences(tx: TransactionContext, references: readonly Reference[], previous?: readonly Reference[]): void {
  references.forEach((ref, i) => {
    if (ref.id === null || previous?.[i]?.id === ref.id) return;
    if (ref.table.get(tx.tenantId, ref.id) === undefined) throw new NotFoundError(ref.entity, ref.id);
  });
}

/** Stores a new entity and returns the stored row (not a copy: callers copy what they hand out). */
export function insertEntity<T extends StoredEntity, Insert, Filter>(
  tx: TransactionContext,
  spec: EntitySpec<T, Insert, Filter>,
  values: Insert,
): T {
  const columns = copy(spec.columns(values));
  if (spec.references) checkReferences(tx, spec.references(columns));
  spec.checkUnique?.(columns, null);
  const now = tx.now();
  const row = { id: spec.table.nextId(), ...columns, created_at: now, updated_at: now } as unknown as T;
  spec.table.insert(tx, row);
  return row;
}

/** The insert, find, update, delete and list operations of one entity in one transaction. */
export function entityRepository<T extends StoredEntity, Insert, Filter>(
  tx: TransactionContext,
  spec: EntitySpec<T, Insert, Filter>,
): EntityRepository<T, Insert, Filter> {
  return {
    async insert(values: Insert): Promise<T> {
      tx.assertOpen();
      return copy(insertEntity(tx, spec, values));
    },
    async findById(id: number): Promise<T | null> {
      tx.assertOpen();
      const row = spec.table.get(tx.tenantId, id);
      return row === undefined ? null : copy(row);
    },
    async update(id: number, patch: Partial<Insert>): Promise<T | null> {
      tx.assertOpen();
      const current = spec.table.get(tx.tenantId, id);
      if (current === undefined) return null;
      const columns = copy(spec.columns({ ...current, ...definedFields(patch) } as unknown as Insert));
      if (spec.references) {
        checkReferences(tx, spec.references(columns), spec.references(current as unknown as Insert));
      }
      spec.checkUnique?.(columns, id);
      const row = { id, ...columns, created_at: current.created_at, updated_at: tx.now() } as unknown as T;
      spec.table.replace(tx, row);
      return copy(row);
    },
    async delete(id: number): Promise<T | null> {
      tx.assertOpen();
      if (spec.table.get(tx.tenantId, id) === undefined) return null;
      if (spec.dependents) restrictDelete(spec.entity, id, spec.dependents(id));
      spec.beforeDelete?.(id);
      const removed = spec.table.remove(tx, id);
      return removed === undefined ? null : copy(removed);
    },
    async list(filter: Filter, page: Page): Promise<PageResult<T>> {
      tx.assertOpen();
      return pageOf(spec.table.select(tx.tenantId, spec.matcher(filter ?? ({} as Filter))), page ?? {});
    },
  };
}
