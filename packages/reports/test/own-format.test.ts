import ExcelJS from "exceljs";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  FileTooLargeError,
  InvalidHeaderError,
  parseUpload,
  resolveReferences,
  TooManyRowsError,
  UnknownFormatError,
  UnsupportedFileTypeError,
  type EntityValues,
  type ReferenceResolver,
  type UploadEntity,
  type UploadRow,
} from "@epca/reports";

/** The bytes in chunks of `size` (1 splits every multi-byte character and the BOM). */
function chunked(bytes: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  return (async function* () {
    for (let i = 0; i < bytes.byteLength; i += size) yield bytes.subarray(i, i + size);
  })();
}
const utf8 = (s: string) => new TextEncoder().encode(s);

async function ownRows<E extends UploadEntity>(input: AsyncIterable<Uint8Array | string>, entity: E, options: { maxRows?: number; maxBytes?: number } = {}) {
  const upload = await parseUpload(input, { entity, ...options });
  if (upload.format !== "epca") throw new Error(`read as ${upload.format}`);
  const rows: UploadRow<EntityValues[E]>[] = [];
  for await (const r of upload.rows) rows.push(r as UploadRow<EntityValues[E]>);
  return { upload, rows };
}

const EMPLOYEES = "\uFEFFname,email,department_name,salary,revenue_generated,hire_date,skills,is_active\r\n" +
  'Zoë Ångström,ZOE@example.test,Engineering,"72000,50",100000,2021-04-01,"ts; sql",yes\r\n' +
  "Дмитрий Орлов,not-an-email,Engineering,abc,,2021-13-01,,maybe\r\n" +
  "\r\n" +
  "李雷,li@example.test,Nowhere,50000,,,,\r\n";

describe("parseUpload: our own format", () => {
  it("reads a CSV in 1-byte chunks: BOM dropped, UTF-8 intact, defaults applied, references kept by name", async () => {
    const { upload, rows } = await ownRows(chunked(utf8(EMPLOYEES), 1), "employees");
    expect(upload.fileType).toBe("csv");
    expect(upload.header[0]).toBe("name");
    expect(rows.map((r) => r.row)).toEqual([2, 3, 5]);
    expect(rows[0]!.errors).toEqual([]);
    expect(rows[0]!.values).toEqual({
      name: "Zoë Ångström",
      email: "zoe@example.test",
      department_id: 0,
      salary: 72000.5,
      revenue_generated: 100000,
      hire_date: "2021-04-01",
      skills: ["ts", "sql"],
      is_active: true,
    });
    expect(rows[0]!.references).toEqual([{ field: "department_id", column: "department_name", kind: "department", key: "Engineering" }]);
    expect(rows[2]!.values).toMatchObject({ name: "李雷", revenue_generated: 0, skills: [], is_active: true });
  });

  it("reports every problem of a row with its spreadsheet row and column", async () => {
    const { rows } = await ownRows(Readable.from([Buffer.from(EMPLOYEES)]), "employees");
    const bad = rows[1]!;
    expect(bad.values).toBeNull();
    expect(bad.errors.map((e) => [e.row, e.column])).toEqual([
      [3, "salary"],
      [3, "is_active"],
      [3, "email"],
      [3, "hire_date"],
    ]);
    expect(bad.errors[0]!.message).toBe("must be a number");
  });

  it("resolves by-name references through a ReferenceResolver; unknown names become errors on their column", async () => {
    const resolver: ReferenceResolver = {
      departmentByName: async (name) => (name === "Engineering" ? 3 : null),
      employeeByEmail: async () => null,
      employeeByName: async () => null,
      projectByName: async () => null,
    };
    const { rows } = await ownRows(Readable.from([Buffer.from(EMPLOYEES)]), "employees");
    const first = await resolveReferences(rows[0]!, resolver);
    expect(first.values?.department_id).toBe(3);
    expect(first.references).toEqual([]);
    const third = await resolveReferences(rows[2]!, resolver);
    expect(third.values).toBeNull();
    expect(third.errors).toEqual([{ row: 5, column: "department_name", message: 'no department "Nowhere"' }]);
  });

  it("checks core's rules: project dates in order, status enum; multi-line quoted cells keep the row numbers a spreadsheet shows", async () => {
    const csv = 'name,department_id,status,start_date,end_date,description\n' +
      'Atlas,1,in_progress,2024-01-01,2024-06-30,"first line\nsecond line"\n' +
      "Billing,1,planned,2024-05-01,2024-04-01,\n" +
      "Search,1,someday,,,\n";
    const { rows } = await ownRows(Readable.from([csv]), "projects");
    expect(rows[0]!.values).toMatchObject({ name: "Atlas", department_id: 1, description: "first line\nsecond line", cost: 0 });
    expect(rows[1]!.row).toBe(3);
    expect(rows[1]!.errors).toEqual([{ row: 3, column: "end_date", message: "end_date must not be before start_date" }]);
    expect(rows[2]!.errors.map((e) => [e.row, e.column])).toEqual([[4, "status"]]);
  });

  it("reads timesheets with employee_email and project_name, and allocations", async () => {
    const { upload, rows } = await ownRows(Readable.from(["employee_email,project_name,date,hours_worked,description\nA@x.test,Atlas,2024-03-04,\"7,5\",=cmd\n"]), "timesheets");
    expect(upload.format).toBe("epca");
    expect(rows[0]!.values).toEqual({ employee_id: 0, project_id: 0, date: "2024-03-04", hours_worked: 7.5, description: "=cmd" });
    expect(rows[0]!.references.map((r) => [r.kind, r.key])).toEqual([["employee", "A@x.test"], ["project", "Atlas"]]);
    const alloc = await ownRows(Readable.from(["employee_id,project_id,allocation_percentage,start_date,end_date\n1,2,150,2024-01-01,2024-02-01\n"]), "allocations");
    expect(alloc.rows[0]!.errors).toEqual([{ row: 2, column: "allocation_percentage", message: expect.stringContaining("100") }]);
  });

  it("reads the first sheet of an XLSX file (detected by its magic bytes, whatever its name)", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("Departments");
    sheet.addRow(["name", "budget", "description"]);
    sheet.addRow(["Engineering", 250000.5, "Builds things"]);
    sheet.addRow(["X", -1, null]);
    sheet.addRow([{ richText: [{ text: "Re" }, { text: "search" }] }, { formula: "1+1", result: 2 }, null]);
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    const { upload, rows } = await ownRows(chunked(bytes, 1000), "departments");
    expect(upload.fileType).toBe("xlsx");
    expect(rows[0]!.values).toEqual({ name: "Engineering", budget: 250000.5, description: "Builds things" });
    expect(rows[1]!.errors.map((e) => [e.row, e.column])).toEqual([
      [3, "name"],
      [3, "budget"],
    ]);
    expect(rows[2]!.values).toEqual({ name: "Research", budget: 2 });
  });
});

describe("parseUpload: limits and typed errors", () => {
  it("rejects what is neither CSV nor XLSX by its bytes: UnsupportedFileTypeError (code unsupported_file_type)", async () => {
    const pdf = Buffer.from("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n");
    await expect(parseUpload(Readable.from([pdf]), { entity: "departments" })).rejects.toMatchObject({ code: "unsupported_file_type" });
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    await expect(parseUpload(Readable.from([png]), { entity: "departments" })).rejects.toBeInstanceOf(UnsupportedFileTypeError);
  });

  it("stops at maxRows with TooManyRowsError after yielding the rows within the limit", async () => {
    const csv = `name,budget\n${Array.from({ length: 5 }, (_, i) => `Dept ${i},1`).join("\n")}\n`;
    const upload = await parseUpload(Readable.from([csv]), { entity: "departments", maxRows: 3 });
    const seen: number[] = [];
    const run = async () => {
      for await (const r of upload.rows) seen.push(r.row);
    };
    await expect(run()).rejects.toBeInstanceOf(TooManyRowsError);
    await expect(run()).resolves.toBeUndefined();
    expect(seen).toEqual([2, 3, 4]);
  });

  it("counts bytes while streaming and fails with FileTooLargeError (code file_too_large) past maxBytes", async () => {
    const line = "Department name,1\n";
    let produced = 0;
    const endless = (async function* () {
      yield "name,budget\n";
      for (;;) {
        produced += line.length;
        yield line;
      }
    })();
    const upload = await parseUpload(endless, { entity: "departments", maxBytes: 10_000 });
    const run = async () => {
      for await (const _ of upload.rows) void _;
    };
    const error = await run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileTooLargeError);
    expect((error as FileTooLargeError).code).toBe("file_too_large");
    expect(produced).toBeLessThan(10_000 + 200_000); // it stopped reading, it did not buffer the stream
  });

  it("streams: the first rows of an endless file come out, and stopping early closes the input", async () => {
    let produced = 0;
    let closed = false;
    const endless = (async function* () {
      try {
        yield "name,budget\n";
        for (;;) {
          produced += 1;
          yield `Department ${produced},${produced}\n`;
        }
      } finally {
        closed = true;
      }
    })();
    const upload = await parseUpload(endless, { entity: "departments" });
    const names: string[] = [];
    for await (const r of upload.rows) {
      names.push(r.values!.name);
      if (names.length === 3) break;
    }
    expect(names).toEqual(["Department 1", "Department 2", "Department 3"]);
    expect(closed).toBe(true);
    expect(produced).toBeLessThan(50_000); // paused while records wait, not read to the end
  });

  it("fails an XLSX file over maxBytes with FileTooLargeError too", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("Departments");
    sheet.addRow(["name", "budget"]);
    for (let i = 0; i < 5_000; i += 1) sheet.addRow([`Department ${i} ${Math.random()}`, i]);
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    const run = async () => {
      const upload = await parseUpload(chunked(bytes, 4096), { entity: "departments", maxBytes: Math.floor(bytes.byteLength / 2) });
      for await (const _ of upload.rows) void _;
    };
    await expect(run()).rejects.toBeInstanceOf(FileTooLargeError);
  });

  it("names missing columns (InvalidHeaderError) and unknown tracker headers (UnknownFormatError)", async () => {
    const error = await parseUpload(Readable.from(["budget,description\n1,x\n"]), { entity: "departments" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidHeaderError);
    expect((error as InvalidHeaderError).missing).toEqual(["name"]);
    await expect(parseUpload(Readable.from(["when,what\n1,2\n"]), { entity: "timesheets" })).rejects.toBeInstanceOf(UnknownFormatError);
    await expect(parseUpload(Readable.from(["name,budget\n"]), { entity: "timesheets", format: "toggl" })).rejects.toMatchObject({ code: "invalid_header" });
  });
});
