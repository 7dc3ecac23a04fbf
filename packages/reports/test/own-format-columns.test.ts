/** Our own format where a row names an id both ways, leaves cells out, or gives a fraction for an id. */
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { parseUpload, type EntityValues, type UploadRow } from "@epca/reports";

async function employeeRows(csv: string) {
  const upload = await parseUpload(Readable.from([csv]), { entity: "employees" });
  if (upload.format !== "epca") throw new Error(`read as ${upload.format}`);
  const rows: UploadRow<EntityValues["employees"]>[] = [];
  for await (const r of upload.rows) rows.push(r as UploadRow<EntityValues["employees"]>);
  return rows;
}

describe("own-format employees: ids by number and by name", () => {
  it("takes department_id over department_name whichever comes first, and reads false and short rows", async () => {
    const rows = await employeeRows(
      "department_name,name,email,salary,department_id,is_active\n" +
        "Engineering,Ann,ann@example.test,50000,2,no\n" +
        "Engineering,Bo,bo@example.test,50000\n",
    );
    // The id column after the name column replaces the reference.
    expect(rows[0]).toMatchObject({ errors: [], references: [], values: { name: "Ann", department_id: 2, is_active: false } });
    // A row shorter than the header: its missing cells are empty, so the name stands in for the id.
    expect(rows[1]).toMatchObject({ errors: [], values: { name: "Bo", department_id: 0, is_active: true } });
    expect(rows[1]!.references).toEqual([{ field: "department_id", column: "department_name", kind: "department", key: "Engineering" }]);
    const idFirst = await employeeRows("department_id,department_name,name,email,salary\n3,Engineering,Cy,cy@example.test,1\n");
    expect(idFirst[0]).toMatchObject({ errors: [], references: [], values: { department_id: 3 } });
  });

  it("refuses a fraction for an id and an unknown yes/no, each on its own column", async () => {
    const rows = await employeeRows("name,email,salary,department_id,is_active\nAnn,ann@example.test,50000,1.5,perhaps\n");
    expect(rows[0]!.values).toBeNull();
    expect(rows[0]!.errors).toEqual([
      { row: 2, column: "department_id", message: "must be a whole number" },
      { row: 2, column: "is_active", message: "must be true or false" },
    ]);
  });
});

describe("an upload's first bytes", () => {
  it("refuses an empty file as neither CSV nor XLSX, and a first chunk already over maxBytes", async () => {
    await expect(parseUpload(Readable.from([]), { entity: "departments" })).rejects.toMatchObject({ code: "unsupported_file_type" });
    await expect(parseUpload(Readable.from(["name,budget\nOps,1\n"]), { entity: "departments", maxBytes: 4 })).rejects.toMatchObject({ code: "file_too_large" });
  });

  it("reads a file shorter than the four bytes it sniffs to its end (here a header of nothing it knows)", async () => {
    await expect(parseUpload(Readable.from(["x\n"]), { entity: "departments" })).rejects.toMatchObject({
      code: "invalid_header",
      message: "The departments file lacks the column(s) name",
    });
  });
});
