import { InvalidHeaderError, TooManyRowsError, UnknownFormatError, UnsupportedFileTypeError } from "../errors.js";
import { isZip, looksLikeText, openByteSource, type UploadInput } from "./byte-source.js";
import { isOwnFormat, missingColumns, ownRowReader, type EntityValues, type UploadEntity } from "./own-format.js";
import { csvRows, xlsxRows, type SheetRow } from "./sheet-rows.js";
import {
  HeaderRecord,
  headerKey,
  PROJECT_FORMATS,
  TIMESHEET_FORMATS,
  TRACKER_FORMATS,
  type RowError,
  type TrackerColumns,
  type TrackerFormat,
  type TrackerProject,
  type TrackerTimesheet,
} from "./tracker-formats.js";
import type { UploadRow } from "./upload-row.js";

/** The format of an upload: `epca` is our own (create fields as columns), the rest other trackers'. */
export type UploadFormat = "epca" | TrackerFormat;

/** Options of `parseUpload`. */
export interface ParseUploadOptions<E extends UploadEntity> {
  entity: E;
  /** The file's format; detected from the header when absent. */
  format?: UploadFormat;
  /** More data rows than this fail the iteration with `TooManyRowsError`. */
  maxRows?: number;
  /** More bytes than this fail the read with `FileTooLargeError` (counted as they stream). */
  maxBytes?: number;
}

interface UploadBase {
  /** What the magic bytes said: `xlsx` for a zip (`PK\x03\x04`), else `csv`. */
  readonly fileType: "csv" | "xlsx";
  /** The header row as the file spells it. */
  readonly header: readonly string[];
}

/** An upload in our own format: rows checked by core's create schema. */
export interface OwnFormatUpload<E extends UploadEntity> extends UploadBase {
  readonly format: "epca";
  readonly entity: E;
  readonly rows: AsyncIterable<UploadRow<EntityValues[E]>>;
  /**
   * The same rows a batch at a time (what the parser read since the last pull: one step of the
   * iteration per batch, for large files). Read either `rows` or `batches`, not both.
   */
  readonly batches: AsyncIterable<ReadonlyArray<UploadRow<EntityValues[E]>>>;
}

/** A tracker's timesheet export: rows normalised to `TrackerTimesheet`. */
export interface TrackerTimesheetUpload extends UploadBase {
  readonly format: TrackerFormat;
  readonly entity: "timesheets";
  /** The columns people and projects were read from (for `resolveTrackerTimesheet`'s errors). */
  readonly columns: TrackerColumns;
  readonly rows: AsyncIterable<UploadRow<TrackerTimesheet>>;
}

/** A tracker's project export (Clockify, Harvest): rows normalised to `TrackerProject`. */
export interface TrackerProjectUpload extends UploadBase {
  readonly format: TrackerFormat;
  readonly entity: "projects";
  readonly rows: AsyncIterable<UploadRow<TrackerProject>>;
}

/** What `parseUpload` answers for an entity; tell the cases apart by `format`. */
export type ParsedUpload<E extends UploadEntity> =
  | OwnFormatUpload<E>
  | (E extends "timesheets" ? TrackerTimesheetUpload : never)
  | (E extends "projects" ? TrackerProjectUpload : never);

const blank = (cells: readonly string[]) => cells.every((c) => c.trim() === "");

function detect(entity: UploadEntity, keys: ReadonlySet<string>, header: readonly string[]): UploadFormat {
  if (isOwnFormat(entity, keys)) return "epca";
  const candidates = entity === "timesheets" ? TIMESHEET_FORMATS : entity === "projects" ? PROJECT_FORMATS : {};
  for (const format of TRACKER_FORMATS) if (candidates[format]?.matches(keys)) return format;
  const missing = missingColumns(entity, keys);
  if (entity === "timesheets" || entity === "projects") {
    throw new UnknownFormatError(
      `The header (${header.join(", ")}) is neither our ${entity} columns (missing ${missing.join(", ")}) nor a known tracker export`,
    );
  }
  throw new InvalidHeaderError(`The ${entity} file lacks the column(s) ${missing.join(", ")}`, missing);
}

/**
 * Parses an uploaded CSV or XLSX file (told apart by its magic bytes) as a stream of validated rows.
 * CSV goes through papaparse's streaming parser (UTF-8 BOM dropped, quoted multi-line cells),
 * XLSX's first sheet through exceljs's streaming reader. Our own format is checked row by row
 * against core's create schemas; other trackers' exports are normalised to hours and ISO dates.
 * Throws `UnsupportedFileTypeError`, `InvalidHeaderError`, `UnknownFormatError`; the iteration of
 * `rows` throws `TooManyRowsError` and `FileTooLargeError`.
 *
 * @example
 * const upload = await parseUpload(createReadStream("toggl.csv"), { entity: "timesheets" });
 * if (upload.format !== "epca") for await (const r of upload.rows) console.log(r.row, r.values?.hours_worked, r.errors);
 */
export async function parseUpload<E extends UploadEntity>(input: UploadInput, options: ParseUploadOptions<E>): Promise<ParsedUpload<E>> {
  const source = await openByteSource(input, options.maxBytes);
  const fileType = isZip(source.head) ? "xlsx" : looksLikeText(source.head) ? "csv" : null;
  if (fileType === null) throw new UnsupportedFileTypeError("The file is neither CSV text nor an XLSX workbook");
  const sheet = fileType === "xlsx" ? xlsxRows(source.chunks, source.failed) : csvRows(source.chunks);
  const iterator = sheet[Symbol.asyncIterator]();
  let headerRow: SheetRow | null = null;
  // A reader fed a cut-off file may fail on its own terms (a zip error); the size is the cause.
  const read = () =>
    iterator.next().catch((error: unknown) => {
      throw source.failure() ?? error;
    });
  /** The rows of the batch that held the header, after it. */
  let rest: SheetRow[] = [];
  find: for (;;) {
    const next = await read();
    if (source.failure()) throw source.failure();
    if (next.done) break;
    for (let i = 0; i < next.value.length; i++) {
      if (!blank(next.value[i]!.cells)) {
        headerRow = next.value[i]!;
        rest = next.value.slice(i + 1);
        break find;
      }
    }
  }
  if (!headerRow) throw new InvalidHeaderError("The file has no header row");
  const header = headerRow.cells.map((c, i) => (i === 0 ? c.replace(/^\uFEFF/, "") : c).trim());
  const keys = new Set(header.map(headerKey));
  const index = new Map<string, number>();
  header.forEach((h, i) => {
    if (!index.has(headerKey(h))) index.set(headerKey(h), i);
  });
  const entity = options.entity;
  const format = options.format ?? detect(entity, keys, header);
  if (format === "epca") {
    const missing = missingColumns(entity, keys);
    if (missing.length > 0) throw new InvalidHeaderError(`The ${entity} file lacks the column(s) ${missing.join(", ")}`, missing);
  }

  /** The data rows a batch at a time, blank ones skipped; past `maxRows` the rows up to it, then `TooManyRowsError`. */
  async function* dataBatches(): AsyncGenerator<SheetRow[]> {
    let count = 0;
    let tooMany = false;
    const kept = (batch: readonly SheetRow[]): SheetRow[] => {
      const out: SheetRow[] = [];
      for (const r of batch) {
        if (blank(r.cells)) continue;
        count += 1;
        if (options.maxRows !== undefined && count > options.maxRows) {
          tooMany = true;
          break;
        }
        out.push(r);
      }
      return out;
    };
    try {
      let batch = kept(rest);
      rest = [];
      for (;;) {
        if (batch.length > 0) yield batch;
        if (tooMany) throw new TooManyRowsError(options.maxRows!);
        const next = await read();
        const tooLarge = source.failure();
        if (tooLarge) throw tooLarge;
        if (next.done) return;
        batch = kept(next.value);
      }
    } finally {
      await iterator.return?.(undefined);
    }
  }
  async function* dataRows(): AsyncGenerator<SheetRow> {
    for await (const batch of dataBatches()) yield* batch;
  }
  const base = { fileType, header } as const;

  if (format === "epca") {
    const readRow = ownRowReader(entity, header);
    async function* batches(): AsyncGenerator<Array<UploadRow<EntityValues[E]>>> {
      for await (const batch of dataBatches()) {
        const out = new Array<UploadRow<EntityValues[E]>>(batch.length);
        for (let i = 0; i < batch.length; i++) out[i] = readRow(batch[i]!.cells, batch[i]!.row);
        yield out;
      }
    }
    const batched = batches();
    async function* rows(): AsyncGenerator<UploadRow<EntityValues[E]>> {
      for await (const batch of batched) yield* batch;
    }
    const upload: OwnFormatUpload<E> = { ...base, format, entity, rows: rows(), batches: batched };
    return upload;
  }
  if (entity === "timesheets") {
    const reader = TIMESHEET_FORMATS[format];
    if (!reader.matches(keys)) throw new InvalidHeaderError(`The header is not a ${format} timesheet export: ${header.join(", ")}`);
    const columns = reader.columns(new HeaderRecord(index, header, []));
    async function* rows(): AsyncGenerator<UploadRow<TrackerTimesheet>> {
      for await (const r of dataRows()) yield { row: r.row, references: [], ...reader.read(new HeaderRecord(index, header, r.cells), r.row) };
    }
    const upload: TrackerTimesheetUpload = { ...base, format, entity, columns, rows: rows() };
    return upload as ParsedUpload<E>;
  }
  const projectReader = entity === "projects" ? PROJECT_FORMATS[format] : undefined;
  if (!projectReader) throw new UnknownFormatError(`${format} exports are not read as ${entity}`);
  if (!projectReader.matches(keys)) throw new InvalidHeaderError(`The header is not a ${format} project export: ${header.join(", ")}`);
  async function* rows(): AsyncGenerator<UploadRow<TrackerProject>> {
    for await (const r of dataRows()) {
      const read: { values: TrackerProject | null; errors: RowError[] } = projectReader!.read(new HeaderRecord(index, header, r.cells), r.row);
      yield { row: r.row, references: [], ...read };
    }
  }
  const upload: TrackerProjectUpload = { ...base, format, entity: "projects", rows: rows() };
  return upload as ParsedUpload<E>;
}
