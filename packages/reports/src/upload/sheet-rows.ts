import type ExcelJS from "exceljs";
import { loadExcelJs } from "../excel.js";
import Papa from "papaparse";

/** One record of a sheet: its spreadsheet row number (1-based) and its cells as text. */
export interface SheetRow {
  readonly row: number;
  readonly cells: readonly string[];
}

/**
 * CSV records through papaparse's streaming parser (its `chunk` callback over a Node stream),
 * a batch at a time: every record parsed since the last pull (one step of the async iteration per
 * batch, not per row: a million-row upload spent more on the steps than on the parse). UTF-8 is
 * decoded across chunk borders with the BOM dropped. The input is paused while more than a few
 * thousand records wait, so a large file is never held in memory.
 */
export async function* csvRows(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<SheetRow[]> {
  const decoder = new TextDecoder("utf-8");
  async function* text(): AsyncGenerator<string> {
    for await (const chunk of chunks) {
      const s = decoder.decode(chunk, { stream: true });
      if (s) yield s;
    }
    const rest = decoder.decode();
    if (rest) yield rest;
  }
  // Node's stream module is loaded here, on first use, not when the package is imported.
  const { Readable } = await import("node:stream");
  const input = Readable.from(text(), { objectMode: true });
  let waiting: unknown[][] = [];
  const HIGH = 2_000;
  let finished = false;
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  let handle: Papa.Parser | null = null;
  Papa.parse<unknown[]>(input, {
    header: false,
    skipEmptyLines: false,
    chunk(results, parser) {
      handle = parser;
      for (const record of results.data) waiting.push(record);
      if (waiting.length >= HIGH) input.pause();
      notify();
    },
    complete() {
      finished = true;
      notify();
    },
    error(error: Error) {
      failure = error;
      notify();
    },
  });
  let row = 0;
  try {
    for (;;) {
      if (waiting.length > 0) {
        const records = waiting;
        waiting = [];
        if (input.isPaused() && !finished) input.resume();
        const batch = new Array<SheetRow>(records.length);
        const isText = (c: unknown) => typeof c === "string";
        for (let i = 0; i < records.length; i++) {
          const record = records[i]!;
          row += 1;
          // papaparse answers strings (no dynamic typing): the record is the cells, copied only if not.
          batch[i] = { row, cells: record.every(isText) ? (record as string[]) : record.map((c) => String(c ?? "")) };
        }
        yield batch;
        continue;
      }
      if (failure) throw failure;
      if (finished) return;
      if (input.isPaused()) input.resume();
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    if (!finished) (handle as Papa.Parser | null)?.abort();
    // Wait until the source is closed, so that a stopped upload has released its input.
    if (!input.closed) {
      const closed = new Promise<void>((resolve) => input.once("close", () => resolve()));
      input.destroy();
      await closed;
    }
  }
}

function dateText(d: Date): string {
  const iso = d.toISOString();
  const time = iso.slice(11, 19);
  return time === "00:00:00" ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${time}`;
}

/** The text of an exceljs cell value: numbers in JS notation, dates as `YYYY-MM-DD[ HH:MM:SS]`. */
export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value instanceof Date) return dateText(value);
  if (typeof value === "object") {
    if ("richText" in value) return value.richText.map((t) => t.text).join("");
    if ("result" in value && value.result !== undefined) return cellText(value.result as ExcelJS.CellValue);
    if ("text" in value && typeof value.text === "string") return value.text;
    if ("error" in value) return String(value.error);
  }
  return String(value);
}

/**
 * The first worksheet's rows through exceljs's streaming reader, pumped into a small queue (the
 * reader pauses while it is full) and answered a batch at a time (what the queue holds). `failed` settling stops the rows with its error: exceljs waits
 * forever on a zip cut short, so a file over the size limit must not wait for it.
 */
export async function* xlsxRows(chunks: AsyncIterable<Uint8Array>, failed?: Promise<unknown>): AsyncGenerator<SheetRow[]> {
  const { Readable } = await import("node:stream");
  const source = Readable.from(chunks);
  const workbook = new (await loadExcelJs()).stream.xlsx.WorkbookReader(source, {
    worksheets: "emit",
    sharedStrings: "cache",
    styles: "cache",
    hyperlinks: "ignore",
    entries: "ignore",
  });
  const HIGH = 2_000;
  let waiting: SheetRow[] = [];
  let finished = false;
  let stopped = false;
  let failure: unknown = null;
  // Held in an object: TypeScript does not see closures assign plain `let`s.
  const wake: { consumer: (() => void) | null; reader: (() => void) | null } = { consumer: null, reader: null };
  const notify = () => {
    wake.consumer?.();
    wake.consumer = null;
  };
  void failed?.then((error) => {
    failure ??= error;
    notify();
  });
  void (async () => {
    try {
      for await (const sheet of workbook) {
        for await (const row of sheet) {
          if (stopped) return;
          const values = Array.isArray(row.values) ? row.values : [];
          const cells: string[] = [];
          for (let c = 1; c < values.length; c += 1) cells.push(cellText(values[c] as ExcelJS.CellValue));
          waiting.push({ row: row.number, cells });
          notify();
          if (waiting.length >= HIGH) await new Promise<void>((resolve) => (wake.reader = resolve));
        }
        return; // the first sheet only
      }
    } catch (error) {
      failure ??= error;
    } finally {
      finished = true;
      notify();
    }
  })();
  try {
    for (;;) {
      if (failure) throw failure;
      if (waiting.length > 0) {
        const batch = waiting;
        waiting = [];
        wake.reader?.();
        wake.reader = null;
        yield batch;
        continue;
      }
      if (finished) return;
      await new Promise<void>((resolve) => (wake.consumer = resolve));
    }
  } finally {
    stopped = true;
    wake.reader?.();
    source.destroy();
  }
}
