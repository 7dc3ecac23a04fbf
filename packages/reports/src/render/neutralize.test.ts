import { describe, expect, it } from "vitest";
import { neutralizeCell } from "./neutralize.js";

describe("neutralizeCell", () => {
  it("prefixes ' to text starting with = + - @ tab CR LF, and leaves other text alone", () => {
    for (const hostile of ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(1)", "\tcmd", "\rx", "\nx"]) {
      expect(neutralizeCell(hostile)).toBe(`'${hostile}`);
    }
    for (const safe of ["Anna", " =1", "a=b", "", "'quoted", "Ярослава"]) expect(neutralizeCell(safe)).toBe(safe);
  });
});
