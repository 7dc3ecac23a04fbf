import { EpcaError, isEpcaError } from "@epca/core";
import { describe, expect, it } from "vitest";
import { TooManyRowsError, UnsupportedFileTypeError } from "./errors.js";

describe("report errors are core's EpcaError, so one code table maps them", () => {
  it("keeps each subclass's own stable code and fields", () => {
    const file = new UnsupportedFileTypeError("not CSV or XLSX");
    expect(file).toBeInstanceOf(EpcaError);
    expect(isEpcaError(file)).toBe(true);
    expect(file.code).toBe("unsupported_file_type");
    const rows = new TooManyRowsError(10);
    expect({ code: rows.code, maxRows: rows.maxRows, name: rows.name }).toEqual({ code: "too_many_rows", maxRows: 10, name: "TooManyRowsError" });
  });
});
