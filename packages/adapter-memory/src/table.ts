import type { Page, PageResult, TenantId } from "@epca/core";

/**
 * The writes of one transaction, newest last, each as the function that undoes it. Rolling back
 * costs one call per write, whatever the size of the store.
 */
export class UndoLog {
  private readonly entries: Array<() => void> = [];

  /** Remembers how to undo a write that was just made. */
  record(undo: () => void): void {
    this.entries.push(undo);
  }

  /** A savepoint: the number of writes made so far. */
  mark(): number {
    return this.entries.length;
  }

  /** Undoes every write made after `mark` (all of them by default), newest first. */
  rollbackTo(mark = 0): void {
    while (this.entries.length > mark) {
      const undo = this.entries.pop();
      undo?.();
    }
  }

  /** Forgets the writes: they are committed. */
  clear(): void {
    this.entries.length = 0;
  }
}

/** What every repository call of one transaction runs with (what a scope part is built from). */
export interface TransactionContext {
  /** The tenant whose rows the repositories see. */
  readonly tenantId: TenantId;
  /** Where every write records its undo. */
  readonly log: UndoLog;
  /** The current instant from the store's clock, as an ISO string. */
  now(): string;
  /** Throws `ScopeExpiredError` when the transaction has settled. */
  assertOpen(): void;
  /**
   * The store's table called `name`, created on first use and shared by every transaction of the
   * store: where a scope part of another package keeps its rows.
   */
  table<T extends Row>(name: string): TenantTable<T>;
}

/** A stored row: every table is keyed by an integer id. */
export interface Row {
  readonly id: number;
}

/**
 * The rows of one entity for every tenant, with a global id sequence (ids never repeat across
 * tenants, and like a database sequence a rolled-back insert does not give its id back).
 * Rows are replaced, never mutated, so that an undo only restores a reference.
 */
export class TenantTable<T extends Row> {
  private readonly byTenant = new Map<TenantId, Map<number, T>>();
  private sequence = 0;

  /** The next id of the sequence. */
  nextId(): number {
    this.sequence += 1;
    return this.sequence;
  }

  /** The row with this id in the tenant, or `undefined`. */
  get(tenantId: TenantId, id: number): T | undefined {
    return this.byTenant.get(tenantId)?.get(id);
  }

  /** The tenant's rows, in no particular order. */
  rows(tenantId: TenantId): IterableIterator<T> {
    return (this.byTenant.get(tenantId) ?? new Map<number, T>()).values();
  }

  /** The tenant's rows that match, ordered by id ascending. */
  select(tenantId: TenantId, matches: (row: T) => boolean = () => true): T[] {
    const selected: T[] = [];
    for (const row of this.rows(tenantId)) if (matches(row)) selected.push(row);
    // Map order is insertion order, which an undone delete breaks: sort what was selected.
    return selected.sort((a, b) => a.id - b.id);
  }

  /** The first row of the tenant that matches, or `undefined`. */
  find(tenantId: TenantId, matches: (row: T) => boolean): T | undefined {
    for (const row of this.rows(tenantId)) if (matches(row)) return row;
    return undefined;
  }

  /** How many rows of the tenant match. */
  count(tenantId: TenantId, matches: (row: T) => boolean = () => true): number {
    let count = 0;
    for (const row of this.rows(tenantId)) if (matches(row)) count += 1;
    return count;
  }

  /** Stores a new row in the transaction's tenant. */
  insert(tx: TransactionContext, row: T): void {
    const rows = this.tenantRows(tx.tenantId);
    rows.set(row.id, row);
    tx.log.record(() => rows.delete(row.id));
  }

  /** Replaces the row with the same id in the transaction's tenant. */
  replace(tx: TransactionContext, row: T): void {
    const rows = this.tenantRows(tx.tenantId);
    const previous = rows.get(row.id);
    if (previous === undefined) throw new Error(`replace: no row ${row.id} in tenant ${tx.tenantId}`);
    rows.set(row.id, row);
    tx.log.record(() => rows.set(row.id, previous));
  }

  /** Removes the row with this id from the transaction's tenant and returns it, or `undefined`. */
  remove(tx: TransactionContext, id: number): T | undefined {
    const rows = this.byTenant.get(tx.tenantId);
    const previous = rows?.get(id);
    if (rows === undefined || previous === undefined) return undefined;
    rows.delete(id);
    tx.log.record(() => rows.set(id, previous));
    return previous;
  }

  private tenantRows(tenantId: TenantId): Map<number, T> {
    let rows = this.byTenant.get(tenantId);
    if (rows === undefined) {
      rows = new Map();
      this.byTenant.set(tenantId, rows);
    }
    return rows;
  }
}

/**
 * A deep copy, so that callers never share an object with storage. Rows are plain data (objects,
 * arrays, primitives), copied directly: `structuredClone` is several times slower on them, and
 * stays the fallback for anything else (a `Date`, a typed array…).
 */
export function copy<T>(value: T): T {
  return copyValue(value) as T;
}

function copyValue(value: unknown): unknown {
  if (value === null) return value;
  // Functions and symbols: `structuredClone` throws its `DataCloneError`, as it always did.
  if (typeof value === "function" || typeof value === "symbol") return structuredClone(value);
  if (typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(copyValue);
  if (Object.getPrototypeOf(value) !== Object.prototype) return structuredClone(value);
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const field = copyValue((value as Record<string, unknown>)[key]);
    if (key === "__proto__") Object.defineProperty(result, key, { value: field, enumerable: true, writable: true, configurable: true });
    else result[key] = field;
  }
  return result;
}

/** One page of `rows` (already filtered and ordered) as copies, with the total before paging. */
export function pageOf<T>(rows: readonly T[], page: Partial<Page>): PageResult<T> {
  const skip = Math.max(0, Math.floor(page.skip ?? 0));
  const limit = Math.max(0, Math.floor(page.limit ?? 100));
  return { items: rows.slice(skip, skip + limit).map(copy), total: rows.length };
}


/** The fields of a patch that are set (a patch names only what changes; `undefined` is "unchanged"). */
export function definedFields<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A copy of the tenant's first row that matches, or `null`: every `findBy…` of the repositories. */
export function findCopy<T extends Row>(tx: TransactionContext, table: TenantTable<T>, matches: (row: T) => boolean): T | null {
  tx.assertOpen();
  const row = table.find(tx.tenantId, matches);
  return row === undefined ? null : copy(row);
}
