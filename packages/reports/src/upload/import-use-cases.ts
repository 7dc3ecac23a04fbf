import {
  authorize,
  authorizeSomewhere,
  isEpcaError,
  isoDay,
  NotFoundError,
  ValidationError,
  validateTimesheetEntry,
  type Actor,
  type Employee,
  type Epca,
  type Project,
  type TimesheetInsert,
  type UseCaseFactory,
} from "@epca/core";
import type { UploadInput } from "./byte-source.js";
import { UploadsUnavailableError, type TimesheetDraftColumns, type UploadScope } from "./import-store.js";
import type { EntityValues, UploadEntity } from "./own-format.js";
import { parseUpload, type UploadFormat } from "./parse-upload.js";
import { resolveReferences, resolveTrackerTimesheet, type ReferenceResolver } from "./references.js";
import type { RowError } from "./tracker-formats.js";
import type { UploadRow } from "./upload-row.js";

/** How an import treats its rows. */
export interface ImportOptions {
  readonly entity: UploadEntity;
  /** The file's format; detected from the header when absent. */
  readonly format?: UploadFormat;
  /** `atomic` (default): every row or none; `partial`: the valid rows. */
  readonly mode?: "atomic" | "partial";
  /** Check every row (the writes are made and rolled back), keep nothing. */
  readonly dryRun?: boolean;
  /** Tracker imports: create projects no record names, in `departmentId`. */
  readonly createMissing?: boolean;
  readonly departmentId?: number;
  readonly maxRows?: number;
  readonly maxBytes?: number;
  /**
   * Timesheets: the most (employee, day) hour sums kept in memory (default `DAY_SUMS_KEPT`);
   * a day dropped is read again from the store. Lower it to bound memory further, or in tests.
   */
  readonly daySumsKept?: number;
  /** Called every `PROGRESS_EVERY` rows and at the end with the rows read so far. */
  readonly onProgress?: (done: number) => Promise<void> | void;
}

/** What an import answers (contract section 8), plus what it decided. */
export interface ImportResult {
  readonly entity: UploadEntity;
  /** `epca` for our own columns, else the tracker whose export was read. */
  readonly format: UploadFormat;
  readonly file_type: "csv" | "xlsx";
  readonly total_rows: number;
  readonly created: number;
  readonly updated: number;
  readonly failed: number;
  /** Every row problem, by row (the first `MAX_REPORTED_ERRORS`; `failed` counts the rows). */
  readonly errors: RowError[];
  readonly dry_run: boolean;
  readonly mode: "atomic" | "partial";
  /** Projects created for a tracker import (`create_missing=true`). */
  readonly created_projects: number;
  /** SHA-256 of the file: the idempotency key. */
  readonly sha256: string;
  /** `true` when this file was imported before: nothing was created this time. */
  readonly duplicate: boolean;
  /**
   * `false` when the caller MUST roll the unit of work back: a dry run, an atomic import with
   * errors, or a duplicate. The writes were made in it so that every rule ran as for a real write.
   */
  readonly committed: boolean;
}

/** Imports of CSV/XLSX files into records, joined to the caller's unit of work. */
export interface ImportUseCases {
  /** Reads `input` and creates its rows as `actor` (see `ImportOptions`); `committed: false` asks for a rollback. */
  importFile(actor: Actor, input: UploadInput, options: ImportOptions): Promise<ImportResult>;
}

/** Rows between two progress calls and per bulk timesheet batch. */
export const PROGRESS_EVERY = 1_000;
/** The most row errors an answer lists. */
export const MAX_REPORTED_ERRORS = 1_000;
const BATCH = 5_000;
/** Timesheet batches read ahead while earlier ones are checked and stored. */
const BATCHES_AHEAD = 4;
/**
 * The most (employee, day) hour sums a timesheet import keeps in memory between batches; the
 * others are read again from the store when a later row names their day.
 */
export const DAY_SUMS_KEPT = 20_000;

/** Column of a field in a row of our own format: the by-name stand-in when the row used it. */
function columnFor(field: string, row: UploadRow<unknown>, byName: Record<string, string>): string | null {
  if (!field) return null;
  return byName[field] ?? field;
}

/** A use-case error as row errors on the file's columns. */
function rowErrorsOf(error: unknown, row: number, byName: Record<string, string>, fieldOfResource: Record<string, string>, conflictColumn: string | null): RowError[] {
  if (error instanceof ValidationError) {
    return error.issues.map((i) => ({ row, column: columnFor(String(i.path[0] ?? ""), { row } as UploadRow<unknown>, byName), message: i.message }));
  }
  if (error instanceof NotFoundError) {
    const field = fieldOfResource[error.resource] ?? null;
    return [{ row, column: field ? (byName[field] ?? field) : null, message: `${error.resource} ${error.id} not found` }];
  }
  if (isEpcaError(error) && error.code === "conflict") return [{ row, column: conflictColumn, message: error.message }];
  if (isEpcaError(error) && ["forbidden", "limit_exceeded"].includes(error.code)) return [{ row, column: null, message: error.message }];
  throw error;
}

/** The by-name columns of a row that used none (most rows of a large file). */
const NO_REFERENCES: Readonly<Record<string, string>> = Object.freeze({});
const FIELD_OF_RESOURCE: Record<string, string> = { department: "department_id", employee: "employee_id", project: "project_id" };
/** The column a create's conflict is about: the unique name or email, the 100% allocation rule. */
const CONFLICT_COLUMN: Partial<Record<UploadEntity, string>> = { departments: "name", employees: "email", allocations: "allocation_percentage" };
const normalName = (s: string) => s.normalize("NFC").trim().replace(/\s+/g, " ").toLowerCase();
/** Tracker durations in whole hundredths of an hour (36 s), the resolution EPCA stores. */
const toHundredthHours = (hours: number) => Math.round(hours * 100) / 100;

/** Hex SHA-256 of the bytes passing through, ready once the stream ended. */
function hashing(input: UploadInput): { input: AsyncIterable<Uint8Array>; digest(): Promise<string> } {
  let hash: { update(b: Uint8Array): void; digest(enc: "hex"): string } | null = null;
  async function* pass(): AsyncGenerator<Uint8Array> {
    const { createHash } = await import("node:crypto");
    hash = createHash("sha256");
    for await (const chunk of input) {
      const bytes = typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk;
      hash.update(bytes);
      yield bytes;
    }
  }
  return {
    input: pass(),
    async digest() {
      if (hash === null) throw new Error("the upload was not read");
      return hash.digest("hex");
    },
  };
}

/**
 * The import use cases (`epca.extend(importUseCases)`): the store must have the `uploads` part.
 * Departments, employees, projects and allocations go through core's create use cases row by row
 * (every rule, permission and audit entry of the API); timesheets are checked with core's rules
 * (`validateTimesheetEntry`, the policy) in batches of 5,000 rows and stored with
 * `timesheets.insertMany`, or, where the store stages them (PostgreSQL: a temporary table filled
 * by `INSERT … SELECT FROM unnest(…)`), moved into timesheets by one statement at the end; one
 * audit entry per import. The file's SHA-256 is the idempotency key: a file imported before creates nothing.
 */
export const importUseCases: UseCaseFactory<ImportUseCases, UploadScope> = (host) => ({
  async importFile(actor, raw, options) {
    authorizeSomewhere(actor, "create", options.entity);
    return host.run(actor.tenantId, async (scope) => {
      if (!scope.uploads) throw new UploadsUnavailableError();
      const epca: Epca = host.epca;
      const mode = options.mode ?? "atomic";
      const dryRun = options.dryRun ?? false;
      const entity = options.entity;
      const hashed = hashing(raw);
      const upload = await parseUpload(hashed.input, {
        entity,
        ...(options.format ? { format: options.format } : {}),
        ...(options.maxRows !== undefined ? { maxRows: options.maxRows } : {}),
        ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}),
      });
      const errors: RowError[] = [];
      let failed = 0;
      let total = 0;
      let created = 0;
      let createdProjects = 0;
      const fail = (list: readonly RowError[]) => {
        if (list.length === 0) return;
        failed += 1;
        errors.push(...list);
        // The first rows' errors are kept: a batch's errors may arrive after the next one's parse errors.
        if (errors.length >= 2 * MAX_REPORTED_ERRORS) keepFirstErrors();
      };
      const keepFirstErrors = () => {
        errors.sort((a, b) => a.row - b.row);
        errors.length = Math.min(errors.length, MAX_REPORTED_ERRORS);
      };
      const progress = async () => {
        if (options.onProgress && total % PROGRESS_EVERY === 0) await options.onProgress(total);
      };

      // Look-ups by name, each read once per import.
      const employeesByEmail = new Map<string, number | null>();
      let employeesByName: Map<string, number[]> | null = null;
      let projectsByName: Map<string, number> | null = null;
      const loadAll = async <T>(list: (page: { skip: number; limit: number }) => Promise<{ items: T[]; total: number }>) => {
        const all: T[] = [];
        for (let skip = 0; ; skip += 1000) {
          const page = await list({ skip, limit: 1000 });
          all.push(...page.items);
          if (page.items.length < 1000 || all.length >= page.total) return all;
        }
      };
      const projects = async () => {
        if (projectsByName === null) {
          projectsByName = new Map();
          for (const p of await loadAll<Project>((page) => scope.projects.list({}, page))) {
            const key = p.name.normalize("NFC").trim();
            if (!projectsByName.has(key)) projectsByName.set(key, p.id);
          }
        }
        return projectsByName;
      };
      const resolver: ReferenceResolver = {
        async departmentByName(name) {
          return (await scope.departments.findByName(name.trim()))?.id ?? null;
        },
        async employeeByEmail(email) {
          const key = email.trim().toLowerCase();
          if (!employeesByEmail.has(key)) employeesByEmail.set(key, (await scope.employees.findByEmail(key))?.id ?? null);
          return employeesByEmail.get(key) ?? null;
        },
        async employeeByName(first, last) {
          if (employeesByName === null) {
            employeesByName = new Map();
            for (const e of await loadAll<Employee>((page) => scope.employees.list({}, page))) {
              const key = normalName(e.name);
              employeesByName.set(key, [...(employeesByName.get(key) ?? []), e.id]);
            }
          }
          const ids = employeesByName.get(normalName(`${first} ${last}`)) ?? [];
          return ids.length === 1 ? ids[0]! : null;
        },
        async projectByName(name) {
          const map = await projects();
          const key = name.normalize("NFC").trim();
          const id = map.get(key);
          if (id !== undefined) return id;
          if (!options.createMissing || options.departmentId === undefined) return null;
          const project = await epca.projects.create(actor, { name: key, department_id: options.departmentId, status: "in_progress" });
          createdProjects += 1;
          map.set(key, project.id);
          return project.id;
        },
      };

      if (entity === "timesheets") {
        const bulk = timesheetBatcher(scope, actor, isoDay(host.clock.now()), options.daySumsKept ?? DAY_SUMS_KEPT);
        // Batches are checked and stored while the next ones are read (at most `BATCHES_AHEAD`
        // wait): the parse's CPU overlaps the database's work (a batch's day sums, then its
        // rows). Batches are checked one after the other, and each is stored before the next
        // one's day sums are read, so that the store holds every valid row read so far: a day the
        // bounded map dropped is read again from there, the file's earlier rows included. An
        // atomic import that already failed still stores its valid rows (its unit of work is
        // rolled back), so that the later rows' 24-hour errors are reported as exactly as in a
        // dry run.
        // PostgreSQL stages the rows and moves them into timesheets in one statement at the end
        // (see UploadImportStore): moving them in parts made the rollup triggers update the same
        // rollup rows once per part (measured: 62 % of the upload's time in those moves at
        // 50,000 rows per part, against about 45 % for one move).
        const staged = scope.uploads.batchesDailyHours && scope.uploads.stageTimesheets !== undefined && scope.uploads.storeStagedTimesheets !== undefined;
        let last: Promise<void> = Promise.resolve();
        const ahead: Promise<void>[] = [];
        const store = async (batch: PendingRows) => {
          const { drafts, rowErrors } = await bulk.check(batch);
          for (const list of rowErrors) fail(list);
          if (drafts.length > 0) created += await (staged ? scope.uploads.stageTimesheets!(drafts) : scope.timesheets.insertMany(insertsOf(drafts)));
        };
        /** Queues the rows taken so far as a batch (checked and stored after the previous one). */
        const enqueue = () => {
          const batch = bulk.take();
          if (batch.size > 0) {
            // After the previous batch; when one fails, the later ones do not run and the failure surfaces here.
            const next = last.then(() => store(batch));
            next.catch(() => undefined); // awaited below; no unhandled rejection meanwhile
            last = next;
            ahead.push(next);
          }
        };
        /** Waits while more than `BATCHES_AHEAD` batches wait. */
        const drain = async () => {
          while (ahead.length > BATCHES_AHEAD) await ahead.shift();
        };
        const flush = async () => {
          enqueue();
          await drain();
        };
        /** Takes a row (a full batch is queued); answers a promise only when a progress call is due. */
        const take = (r: UploadRow<EntityValues["timesheets"]>, byName: Readonly<Record<string, string>>): Promise<void> | undefined => {
          total += 1;
          if (r.values === null) fail(r.errors);
          else bulk.add(r.row, r.values, byName);
          if (bulk.size >= BATCH) enqueue();
          if (options.onProgress === undefined || total % PROGRESS_EVERY !== 0) return undefined;
          return Promise.resolve(options.onProgress(total));
        };
        const add = async (r: UploadRow<EntityValues["timesheets"]>, byName: Readonly<Record<string, string>>) => {
          await take(r, byName);
          await drain();
        };
        if (upload.format === "epca") {
          // A batch of parsed rows at a time: a row without references is taken without an await,
          // and the wait for earlier batches comes between parsed batches, once each is taken: a
          // wait in the middle of one kept its rows' objects alive long enough to be promoted.
          for await (const batch of upload.batches as AsyncIterable<ReadonlyArray<UploadRow<EntityValues["timesheets"]>>>) {
            for (const row of batch) {
              if (row.references.length === 0) {
                const wait = take(row, NO_REFERENCES);
                if (wait !== undefined) await wait;
              } else {
                const byName = Object.fromEntries(row.references.map((ref) => [ref.field, ref.column]));
                await take(await resolveReferences(row, resolver), byName);
              }
            }
            if (ahead.length > BATCHES_AHEAD) await drain();
          }
        } else if (upload.entity === "timesheets") {
          const byName = { employee_id: upload.columns.employee.join(" + "), project_id: upload.columns.project };
          for await (const row of upload.rows) {
            const rounded = row.values ? { ...row, values: { ...row.values, hours_worked: toHundredthHours(row.values.hours_worked) } } : row;
            await add(await resolveTrackerTimesheet(rounded, resolver, upload.columns), byName);
          }
        }
        await flush();
        await last;
        // A failed atomic import is rolled back: its staged rows need not move.
        if (staged && (mode === "partial" || failed === 0)) await scope.uploads.storeStagedTimesheets!();
      } else {
        if (upload.format !== "epca" && upload.entity === "projects") {
          // Clockify's and Harvest's project exports: each project into `departmentId`.
          if (options.departmentId === undefined) {
            throw new ValidationError([{ path: ["department_id"], code: "required", message: `A ${upload.format} project export needs department_id: the department the projects go to` }]);
          }
          for await (const row of upload.rows) {
            total += 1;
            const v = row.values;
            if (v === null) fail(row.errors);
            else {
              try {
                await epca.projects.create(actor, {
                  name: v.project_name,
                  department_id: options.departmentId,
                  ...(v.status ? { status: v.status } : {}),
                  ...(v.start_date ? { start_date: v.start_date } : {}),
                  ...(v.end_date ? { end_date: v.end_date } : {}),
                  description: v.description,
                });
                created += 1;
              } catch (error) {
                fail(rowErrorsOf(error, row.row, { name: "Project", department_id: "department_id" }, FIELD_OF_RESOURCE, "Project"));
              }
            }
            await progress();
          }
        } else if (upload.format !== "epca") {
          throw new ValidationError([{ path: ["format"], code: "unsupported_format", message: `${upload.format} exports are imported as timesheets or projects only` }]);
        } else {
          const create = (values: EntityValues[UploadEntity]): Promise<unknown> => {
            switch (entity) {
              case "departments":
                return epca.departments.create(actor, values as EntityValues["departments"]);
              case "employees":
                return epca.employees.create(actor, values as EntityValues["employees"]);
              case "projects":
                return epca.projects.create(actor, values as EntityValues["projects"]);
              default:
                return epca.allocations.create(actor, values as EntityValues["allocations"]);
            }
          };
          for await (const parsed of upload.rows as AsyncIterable<UploadRow<EntityValues[UploadEntity]>>) {
            total += 1;
            const byName = Object.fromEntries(parsed.references.map((ref) => [ref.field, ref.column]));
            const row = await resolveReferences(parsed, resolver);
            if (row.values === null) fail(row.errors);
            else {
              try {
                await create(row.values);
                created += 1;
              } catch (error) {
                fail(rowErrorsOf(error, row.row, byName, FIELD_OF_RESOURCE, CONFLICT_COLUMN[entity] ?? null));
              }
            }
            await progress();
          }
        }
      }
      await options.onProgress?.(total);
      keepFirstErrors();

      const sha256 = await hashed.digest();
      const base = { entity, format: upload.format, file_type: upload.fileType, total_rows: total, updated: 0, dry_run: dryRun, mode, sha256 };
      const keep = !dryRun && (mode === "partial" || failed === 0);
      const result: ImportResult = {
        ...base,
        // A dry run tells what would be created; an atomic import with errors created nothing.
        created: keep || dryRun ? created : 0,
        failed,
        errors,
        created_projects: keep || dryRun ? createdProjects : 0,
        duplicate: false,
        committed: keep,
      };
      if (!dryRun) {
        const before = await scope.uploads.findReceipt(entity, sha256);
        if (before !== null || (keep && !(await scope.uploads.saveReceipt({ entity, sha256, result: receiptOf(result), created_at: host.clock.now().toISOString() })))) {
          const earlier = before?.result ?? {};
          return { ...result, created: 0, created_projects: 0, failed: 0, errors: [], duplicate: true, committed: false, ...pick(earlier) };
        }
      }
      if (keep) {
        await scope.audit.append({
          user_id: actor.userId,
          action: "import",
          resource_type: entity,
          resource_id: null,
          changes: { before: null, after: { sha256, format: upload.format, total_rows: total, created, failed, mode } },
          ip_address: actor.request?.ip ?? null,
          user_agent: actor.request?.userAgent ?? null,
          request_id: actor.request?.id ?? null,
        });
      }
      return result;
    });
  },
});

const receiptOf = (r: ImportResult) => ({ total_rows: r.total_rows, created: r.created, failed: r.failed, format: r.format, mode: r.mode, created_projects: r.created_projects });
/** What an earlier import's receipt tells a duplicate's answer. */
function pick(earlier: Readonly<Record<string, unknown>>): { total_rows?: number } {
  return typeof earlier.total_rows === "number" ? { total_rows: earlier.total_rows } : {};
}

/**
 * The day sums of a timesheet import: an open-addressing table of numbers in two generations
 * (typed arrays allocated once). A Map of them reallocated its table every few thousand new days
 * (a million-row file names a million pairs): large objects that only a full collection frees.
 * `forget` (before each batch) turns the current generation into the previous one once it holds
 * half of `kept`, dropping the previous one; when even that holds more than `kept`, every day
 * is dropped.
 */
class DaySums {
  private current: SumTable;
  private previous: SumTable;
  constructor(
    private readonly kept: number,
    batch: number,
  ) {
    // Each generation holds at most kept / 2 days plus one batch's new ones, at most half full.
    let capacity = 1024;
    while (capacity < 2 * (Math.ceil(kept / 2) + batch)) capacity *= 2;
    this.current = new SumTable(capacity);
    this.previous = new SumTable(capacity);
  }
  get(key: number): number | undefined {
    return this.current.get(key) ?? this.previous.get(key);
  }
  has(key: number): boolean {
    return this.get(key) !== undefined;
  }
  set(key: number, hours: number): void {
    this.current.set(key, hours);
  }
  forget(): void {
    if (this.current.count < Math.ceil(this.kept / 2)) return;
    const dropped = this.previous;
    dropped.clear();
    this.previous = this.current;
    this.current = dropped;
    if (this.previous.count > this.kept) this.previous.clear();
  }
}

/** A fixed-size open-addressing (linear probing) table of numeric keys to numbers; NaN marks a free slot. */
class SumTable {
  private readonly keys: Float64Array;
  private readonly values: Float64Array;
  private readonly mask: number;
  count = 0;
  constructor(capacity: number) {
    this.keys = new Float64Array(capacity).fill(Number.NaN);
    this.values = new Float64Array(capacity);
    this.mask = capacity - 1;
  }
  private slot(key: number): number {
    // The key's low and high 26 bits mixed (keys are employee id × 2^20 + days: both parts matter).
    let i = (Math.imul((key % 67_108_864) | 0, 0x9e3779b1) ^ Math.imul(Math.floor(key / 67_108_864) | 0, 0x85ebca6b)) & this.mask;
    for (;;) {
      const k = this.keys[i]!;
      if (k === key || k !== k) return i;
      i = (i + 1) & this.mask;
    }
  }
  get(key: number): number | undefined {
    const i = this.slot(key);
    return this.keys[i] === key ? this.values[i] : undefined;
  }
  set(key: number, value: number): void {
    const i = this.slot(key);
    if (this.keys[i] !== key) {
      if (2 * (this.count + 1) > this.keys.length) throw new Error("day sums table full"); // sized so that it never is
      this.keys[i] = key;
      this.count += 1;
    }
    this.values[i] = value;
  }
  clear(): void {
    if (this.count === 0) return;
    this.keys.fill(Number.NaN);
    this.count = 0;
  }
}

/**
 * Timesheet rows waiting to be checked and stored, in columns: a row is a position, not objects.
 * Rows wait from their parse until their batch is staged (up to `BATCHES_AHEAD` batches): as
 * objects (the schema's output, a pending record, the entry) they lived long enough for V8 to move
 * them to the old generation, whose growth between full collections made the server's peak RSS;
 * numbers in typed arrays and shared date strings leave little there.
 */
class PendingRows {
  row: Float64Array;
  employee: Float64Array;
  project: Float64Array;
  hours: Float64Array;
  date: string[];
  description: Array<string | null>;
  /** The by-name columns of the rows that used some, by position. */
  readonly byName = new Map<number, Readonly<Record<string, string>>>();
  size = 0;
  constructor(capacity: number) {
    this.row = new Float64Array(capacity);
    this.employee = new Float64Array(capacity);
    this.project = new Float64Array(capacity);
    this.hours = new Float64Array(capacity);
    // Allocated at their size (pushed one by one they grew by copies, each a larger array to promote).
    this.date = new Array<string>(capacity);
    this.description = new Array<string | null>(capacity);
  }
  push(row: number, v: EntityValues["timesheets"], date: string, byName: Readonly<Record<string, string>>) {
    const n = this.size;
    if (n === this.row.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.row = grow(this.row);
      this.employee = grow(this.employee);
      this.project = grow(this.project);
      this.hours = grow(this.hours);
    }
    this.row[n] = row;
    this.employee[n] = v.employee_id;
    this.project[n] = v.project_id;
    this.hours[n] = v.hours_worked;
    this.date[n] = date;
    this.description[n] = v.description ?? null;
    if (byName !== NO_REFERENCES) this.byName.set(n, byName);
    this.size = n + 1;
  }
  /** The file's column of a field in row `n` (its by-name stand-in when the row used one). */
  column(n: number, field: string): string {
    return this.byName.get(n)?.[field] ?? field;
  }
}

/** New draft entries of a checked batch, in columns (see `TimesheetDraftColumns`). */
function draftsOf(batch: PendingRows, valid: Int32Array, count: number): TimesheetDraftColumns {
  const drafts = {
    length: count,
    employee_id: new Float64Array(count),
    project_id: new Float64Array(count),
    hours_worked: new Float64Array(count),
    date: new Array<string>(count),
    description: new Array<string | null>(count),
  };
  for (let i = 0; i < count; i++) {
    const n = valid[i]!;
    drafts.employee_id[i] = batch.employee[n]!;
    drafts.project_id[i] = batch.project[n]!;
    drafts.hours_worked[i] = batch.hours[n]!;
    drafts.date[i] = batch.date[n]!;
    drafts.description[i] = batch.description[n]!;
  }
  return drafts;
}

/** The drafts as entries, for a store without a staging table (`timesheets.insertMany`). */
function insertsOf(drafts: TimesheetDraftColumns): TimesheetInsert[] {
  const out = new Array<TimesheetInsert>(drafts.length);
  for (let i = 0; i < drafts.length; i++) {
    out[i] = {
      employee_id: drafts.employee_id[i]!,
      project_id: drafts.project_id[i]!,
      hours_worked: drafts.hours_worked[i]!,
      date: drafts.date[i]!,
      description: drafts.description[i] ?? null,
      status: "draft",
      reviewed_by: null,
      reviewed_at: null,
      review_note: null,
    };
  }
  return out;
}

/**
 * Collects timesheet rows and checks a batch at once with core's rules: the employee and project
 * exist (read once per import), the actor may create entries for the employee, and
 * `validateTimesheetEntry` with the day's stored hours (locked like a single create) plus the
 * hours this file already adds on that day.
 */
function timesheetBatcher(scope: UploadScope, actor: Actor, today: string, kept: number) {
  const employees = new Map<number, Employee | null>();
  const projects = new Map<number, Project | null>();
  /**
   * Hours per (employee, day): stored plus what earlier rows of the file added, keyed by a number
   * (employee id × 2^20 + days since 1970). About `kept` days (plus a batch) are kept: past that
   * the days read first are dropped, and read again from the store when a later row names them
   * (the store then holds the file's earlier rows of that day, see `flush`).
   */
  const day = new DaySums(kept, BATCH);
  const forgetOldDays = () => day.forget();
  /**
   * The dates seen (a file names few distinct dates; cleared past 50,000): one string per date
   * for every row that names it, and its days since 1970.
   */
  const dates = new Map<string, { text: string; days: number }>();
  const dateOf = (text: string) => {
    let known = dates.get(text);
    if (known === undefined) {
      if (dates.size >= 50_000) dates.clear();
      known = { text, days: Math.floor(Date.parse(`${text}T00:00:00Z`) / 86_400_000) };
      dates.set(text, known);
    }
    return known;
  };
  const dayKey = (employeeId: number, date: string) => employeeId * 1_048_576 + dateOf(date).days;
  /** Whether the actor may log hours for an employee (it depends on the employee only: asked once per employee). */
  const mayLog = new Map<number, boolean>();
  const mayLogFor = (employee: Employee) => {
    let allowed = mayLog.get(employee.id);
    if (allowed === undefined) {
      try {
        authorize(actor, "create", "timesheets", { departmentIds: [employee.department_id], employeeId: employee.id });
        allowed = true;
      } catch {
        allowed = false;
      }
      mayLog.set(employee.id, allowed);
    }
    return allowed;
  };
  let loadedAll = false;
  let pending = new PendingRows(BATCH);
  /** Reads the records the batch names: one by one when few are new, else every one of the tenant by pages. */
  async function load(batch: PendingRows) {
    const newEmployees = new Set<number>();
    const newProjects = new Set<number>();
    for (let n = 0; n < batch.size; n++) {
      if (!employees.has(batch.employee[n]!)) newEmployees.add(batch.employee[n]!);
      if (!projects.has(batch.project[n]!)) newProjects.add(batch.project[n]!);
    }
    if (!loadedAll && newEmployees.size + newProjects.size > 200) {
      loadedAll = true;
      for (let skip = 0; ; skip += 1000) {
        const page = await scope.employees.list({}, { skip, limit: 1000 });
        for (const e of page.items) employees.set(e.id, e);
        if (page.items.length < 1000) break;
      }
      for (let skip = 0; ; skip += 1000) {
        const page = await scope.projects.list({}, { skip, limit: 1000 });
        for (const p of page.items) projects.set(p.id, p);
        if (page.items.length < 1000) break;
      }
    }
    for (const id of newEmployees) if (!employees.has(id)) employees.set(id, await scope.employees.findById(id));
    for (const id of newProjects) if (!projects.has(id)) projects.set(id, await scope.projects.findById(id));
  }
  return {
    get size() {
      return pending.size;
    },
    add(row: number, values: EntityValues["timesheets"], byName: Readonly<Record<string, string>>) {
      pending.push(row, values, dateOf(values.date).text, byName);
    },
    /** The rows added since the last call, for `check`. */
    take(): PendingRows {
      const batch = pending;
      pending = new PendingRows(BATCH);
      return batch;
    },
    /** Checks a batch `take` answered; batches are checked one at a time, in the file's order. */
    async check(batch: PendingRows): Promise<{ drafts: TimesheetDraftColumns; rowErrors: RowError[][] }> {
      forgetOldDays();
      await load(batch);
      // The rows that first name a (employee, day) not in the map, by position (no object per pair:
      // they would wait through the read below and be promoted to the old generation).
      const first = new Int32Array(batch.size);
      let asked = 0;
      // Each row's day key, computed once (unboxed: the keys pass 2^31).
      const keys = new Float64Array(batch.size);
      for (let n = 0; n < batch.size; n++) {
        const employeeId = batch.employee[n]!;
        const key = (keys[n] = dayKey(employeeId, batch.date[n]!));
        if (!day.has(key) && employees.get(employeeId)) {
          day.set(key, 0); // asked once per batch; its sum is set below, before any row reads it
          first[asked++] = n;
        }
      }
      // Pairs in a stable order, so that two imports take their locks in the same order.
      const order = first.subarray(0, asked).sort((a, b) => {
        const byEmployee = batch.employee[a]! - batch.employee[b]!;
        if (byEmployee !== 0) return byEmployee;
        const da = batch.date[a]!;
        const db = batch.date[b]!;
        return da < db ? -1 : da > db ? 1 : 0;
      });
      const pairs = (): Array<{ employee_id: number; date: string }> => Array.from(order, (n) => ({ employee_id: batch.employee[n]!, date: batch.date[n]! }));
      const sums = scope.uploads.batchesDailyHours
        ? await scope.uploads.dailyHoursForUpdate(pairs())
        : await (async () => {
            const out: number[] = [];
            for (const n of order) out.push(await scope.timesheets.sumHoursOnDateForUpdate(batch.employee[n]!, batch.date[n]!));
            return out;
          })();
      for (let i = 0; i < order.length; i++) day.set(keys[order[i]!]!, sums[i] ?? 0);

      const valid = new Int32Array(batch.size);
      let count = 0;
      const rowErrors: RowError[][] = [];
      for (let n = 0; n < batch.size; n++) {
        const row = batch.row[n]!;
        const employeeId = batch.employee[n]!;
        const projectId = batch.project[n]!;
        const employee = employees.get(employeeId) ?? null;
        const project = projects.get(projectId) ?? null;
        const errs: RowError[] = [];
        if (!employee) errs.push({ row, column: batch.column(n, "employee_id"), message: `employee ${employeeId} not found` });
        if (!project) errs.push({ row, column: batch.column(n, "project_id"), message: `project ${projectId} not found` });
        if (employee && project) {
          if (!mayLogFor(employee)) errs.push({ row, column: batch.column(n, "employee_id"), message: `Insufficient privileges to log hours for employee ${employee.id}` });
          const key = keys[n]!;
          const hours = batch.hours[n]!;
          const issues = validateTimesheetEntry({ hours_worked: hours, date: batch.date[n]! }, { today, employee, project, hoursAlreadyOnDate: day.get(key) ?? 0 });
          for (const i of issues) errs.push({ row, column: batch.column(n, String(i.path[0] ?? "")), message: i.message });
          if (errs.length === 0) {
            day.set(key, (day.get(key) ?? 0) + hours);
            valid[count++] = n;
          }
        }
        if (errs.length > 0) rowErrors.push(errs);
      }
      return { drafts: draftsOf(batch, valid, count), rowErrors };
    },
  };
}
