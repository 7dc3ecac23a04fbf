/** A finished report file as it is kept for download. */
export interface StoredReportFile {
  readonly tenant_id: string;
  readonly id: string;
  /** File name offered for download, e.g. `report-2024.pdf`. */
  readonly name: string;
  /** MIME type, e.g. `application/pdf`. */
  readonly content_type: string;
  readonly bytes: Uint8Array;
  /** Size of `bytes`. */
  readonly size: number;
  /** ISO 8601 instants. */
  readonly created_at: string;
  readonly expires_at: string;
  /** The user who asked for it (directly or through a schedule); `null` for the system. */
  readonly created_by: number | null;
}

/** What `save` takes: `id` is generated when absent. */
export interface ReportFileInput {
  readonly tenant_id: string;
  readonly id?: string;
  readonly name: string;
  readonly content_type: string;
  readonly bytes: Uint8Array;
  readonly created_at: string;
  readonly expires_at: string;
  /** Default `null`. */
  readonly created_by?: number | null;
}

/** A stored file without its bytes, as lists show it. */
export type ReportFileSummary = Omit<StoredReportFile, "bytes">;

/**
 * Where the server keeps finished reports (generated in the background or by a schedule) until
 * they expire. Every method works inside one tenant.
 */
export interface ReportFileStore {
  /** Stores a file and answers it; MUST copy `bytes` (later changes to the caller's array MUST NOT show) and MUST replace a file with the same tenant and `id`. */
  save(file: ReportFileInput): Promise<StoredReportFile>;
  /** The file with this id in this tenant, or `null`; MUST NOT answer another tenant's file, nor an expired one (expiry compared with `now`, default the current time). */
  get(tenantId: string, id: string, now?: Date): Promise<StoredReportFile | null>;
  /** The tenant's unexpired files, newest `created_at` first (ties by id); MUST NOT list other tenants' files. */
  list(tenantId: string, now?: Date): Promise<ReportFileSummary[]>;
  /**
   * Deletes every file of every tenant it can reach whose `expires_at` is at or before `now` and
   * answers how many; MUST be safe to run concurrently with itself. A store that is a part of a
   * tenant's scope (`ReportFilesScope`) reaches that tenant's files.
   */
  deleteExpired(now: Date): Promise<number>;
}

/** The scope part that holds a tenant's report files (`createMemoryStore({ parts: { reportFiles } })`). */
export interface ReportFilesScope {
  readonly reportFiles: ReportFileStore;
}
