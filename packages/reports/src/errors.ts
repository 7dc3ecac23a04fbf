import { EpcaError } from "@epca/core";

/** Stable codes of every error `@epca/reports` throws; the server maps each to one HTTP status. */
export type ReportsErrorCode =
  | "unsupported_file_type"
  | "too_many_rows"
  | "file_too_large"
  | "unknown_format"
  | "invalid_header"
  | "report_not_found"
  | "report_expired"
  | "report_files_unavailable";

/** Base class of every error (an `EpcaError` of core, so the server maps its code like any other) this package throws; `code` is stable across versions. */
export abstract class ReportsError extends EpcaError {
  declare readonly code: ReportsErrorCode;

  constructor(message: string, options?: { cause?: unknown }) {
    // Each subclass names its own code (a class field, set right after this constructor).
    super("reports_error", message, options);
  }
}

/** The upload is neither CSV text nor an XLSX (zip) file (the server answers 415). */
export class UnsupportedFileTypeError extends ReportsError {
  override readonly code = "unsupported_file_type" as const;
}

/** The upload has more data rows than `maxRows` allows. */
export class TooManyRowsError extends ReportsError {
  override readonly code = "too_many_rows" as const;

  constructor(
    readonly maxRows: number,
    options?: { cause?: unknown },
  ) {
    super(`The file has more than ${maxRows} data rows`, options);
  }
}

/** The upload is larger than `maxBytes` (the server answers 413); counted while streaming. */
export class FileTooLargeError extends ReportsError {
  override readonly code = "file_too_large" as const;

  constructor(
    readonly maxBytes: number,
    options?: { cause?: unknown },
  ) {
    super(`The file is larger than ${maxBytes} bytes`, options);
  }
}

/** `format` was not given and the header matches no known tracker export nor our own columns. */
export class UnknownFormatError extends ReportsError {
  override readonly code = "unknown_format" as const;
}

/** The header row is missing, empty, or lacks a column the format requires. */
export class InvalidHeaderError extends ReportsError {
  override readonly code = "invalid_header" as const;

  constructor(
    message: string,
    readonly missing: readonly string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** No report file with this id in the tenant, or not one the caller may see (the server answers 404). */
export class ReportNotFoundError extends ReportsError {
  override readonly code = "report_not_found" as const;

  constructor(options?: { cause?: unknown }) {
    super("Report file not found", options);
  }
}

/** The report file existed but its retention period is over (the server answers 410). */
export class ReportExpiredError extends ReportsError {
  override readonly code = "report_expired" as const;

  constructor(
    readonly expiredAt: string,
    options?: { cause?: unknown },
  ) {
    super(`Report file expired at ${expiredAt}`, options);
  }
}

/** The store was created without the `reportFiles` part (the server answers 503). */
export class ReportFilesUnavailableError extends ReportsError {
  override readonly code = "report_files_unavailable" as const;

  constructor(options?: { cause?: unknown }) {
    super("Report files are not kept by this server's store (no reportFiles part)", options);
  }
}

/** Whether `value` is an error this package threw. */
export function isReportsError(value: unknown): value is ReportsError {
  return value instanceof ReportsError;
}
