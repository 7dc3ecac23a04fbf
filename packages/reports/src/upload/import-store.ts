import { EpcaError, type TenantScope } from "@epca/core";
import type { UploadEntity } from "./own-format.js";

/** What an import that committed left behind: its answer, kept under the file's content hash. */
export interface UploadReceipt {
  readonly entity: UploadEntity;
  /** SHA-256 of the file's bytes, hex. */
  readonly sha256: string;
  /** The answer the import gave (`{entity, total_rows, created, …}`). */
  readonly result: Readonly<Record<string, unknown>>;
  readonly created_at: string;
}

/**
 * The storage of imports, a scope part (`scope.uploads`): receipts per tenant (the idempotency
 * key of an upload is its content hash), and the batched reads a bulk timesheet import needs.
 */
export interface UploadImportStore {
  /** The receipt of a committed import of this file as `entity`, or `null`. */
  findReceipt(entity: UploadEntity, sha256: string): Promise<UploadReceipt | null>;
  /**
   * Keeps the receipt in the unit of work (it rolls back with it). Answers `false`, keeping
   * nothing, when a receipt for the same file and entity exists (a concurrent twin committed).
   */
  saveReceipt(receipt: UploadReceipt): Promise<boolean>;
  /**
   * Whether `dailyHoursForUpdate` answers in one statement per call (PostgreSQL); else the import
   * asks `timesheets.sumHoursOnDateForUpdate` pair by pair (memory, where that is a map lookup).
   */
  readonly batchesDailyHours: boolean;
  /**
   * For each (employee, date) pair, the hours of the employee's entries on that date (every status
   * but `rejected`), holding the same per-pair lock as `sumHoursOnDateForUpdate` until the unit of
   * work ends.
   */
  dailyHoursForUpdate(pairs: ReadonlyArray<{ employee_id: number; date: string }>): Promise<number[]>;
  /**
   * Optional bulk path of a timesheet import (PostgreSQL: a temporary staging table): keeps
   * checked new drafts aside in the unit of work, counted by `dailyHoursForUpdate` from then on,
   * until `storeStagedTimesheets` stores them all in one statement (timesheets' statement
   * triggers then run once per import). Answers how many were staged. Without it the import
   * stores each batch with `timesheets.insertMany`.
   */
  stageTimesheets?(drafts: TimesheetDraftColumns): Promise<number>;
  /** Stores every staged entry in timesheets (constraints and triggers as for any insert); answers how many. */
  storeStagedTimesheets?(): Promise<number>;
}

/**
 * New timesheet entries (status `draft`, not reviewed) in columns: entry `i` is element `i` of
 * each, `length` of them. A batch of an import travels this way, not as an object per entry.
 */
export interface TimesheetDraftColumns {
  readonly length: number;
  readonly employee_id: Float64Array;
  readonly project_id: Float64Array;
  readonly hours_worked: Float64Array;
  readonly date: readonly string[];
  readonly description: ReadonlyArray<string | null>;
}

/** The scope an import runs on: core's ports plus `uploads`. */
export interface UploadScope extends TenantScope {
  readonly uploads: UploadImportStore;
}

/** The store was created without the `uploads` part (the server answers 503). */
export class UploadsUnavailableError extends EpcaError {
  constructor() {
    super("uploads_unavailable", "Uploads are not available: the store has no `uploads` part");
  }
}
