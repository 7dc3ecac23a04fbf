import type { ReportModel } from "../model/report-model.js";
import { formatCell, isNumericKind } from "./format.js";
import { neutralizeCell } from "./neutralize.js";
import { reportTables } from "./report-tables.js";

/** Options of `renderTxt`. */
export interface TxtOptions {
  /** Widest line, 80–200 (default 120); text columns are cut with "…" to fit. */
  width?: number;
}

/** Box-drawing rule: a line of "-" or "=" would read as a formula in a spreadsheet. */
const RULE = "─";
/** Terminal columns of one code point: 2 for East Asian wide characters and emoji, 0 for combining marks. */
function charWidth(cp: number): number {
  if ((cp >= 0x0300 && cp <= 0x036f) || cp === 0x200d || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}
/** Width of a text in terminal columns. */
export function displayWidth(s: string): number {
  let width = 0;
  for (const ch of s) width += charWidth(ch.codePointAt(0)!);
  return width;
}
const length = displayWidth;
const pad = (s: string, width: number, right: boolean) => {
  const fill = " ".repeat(Math.max(0, width - length(s)));
  return right ? fill + s : s + fill;
};
function cut(s: string, width: number): string {
  if (length(s) <= width) return s;
  let out = "";
  for (const ch of s) {
    if (length(out + ch) > width - 1) break;
    out += ch;
  }
  return `${out}…`;
}

/** Renders the report as plain text: a heading per section and aligned columns (numbers right-aligned). */
export function renderTxt(model: ReportModel, options: TxtOptions = {}): string {
  const width = Math.min(200, Math.max(80, options.width ?? 120));
  const gap = "  ";
  const lines: string[] = [];
  lines.push(neutralizeCell(model.title));
  lines.push(`${model.scope.kind === "company" ? "Company" : "Department"}: ${model.scope.name}`);
  lines.push(`Period: ${model.period.from} to ${model.period.to}`, `Currency: ${model.currency}   Generated: ${model.generated_at}`);
  for (const t of reportTables(model)) {
    lines.push("", neutralizeCell(t.title), RULE.repeat(Math.min(width, length(t.title))));
    const header = t.columns.map((c) => neutralizeCell(c.label));
    const body = t.rows.map((r, i) => t.columns.map((c) => formatCell(r[c.key], t.cellKind(i, c))));
    // header, every body row, widths and right hold one entry per column: the indexes below are in range.
    const widths = t.columns.map((_, j) => Math.max(length(header[j]!), ...body.map((row) => length(row[j]!))));
    // Shrink the widest text columns until the table fits the line width.
    const total = () => widths.reduce((a, b) => a + b, 0) + gap.length * (widths.length - 1);
    const textColumns = t.columns.map((c, j) => (isNumericKind(c.kind) ? -1 : j)).filter((j) => j >= 0);
    while (total() > width && textColumns.length > 0) {
      const widest = textColumns.reduce((a, b) => (widths[b]! > widths[a]! ? b : a));
      if (widths[widest]! <= 16) break;
      widths[widest] = widths[widest]! - 1;
    }
    const right = t.columns.map((c) => isNumericKind(c.kind));
    // Still too wide (many numeric columns): print the columns in groups, each led by the first column.
    const groups: number[][] = [];
    let current: number[] = [0];
    let used = widths[0]!;
    for (let j = 1; j < widths.length; j += 1) {
      const w = widths[j]! + gap.length;
      if (used + w > width && current.length > 1) {
        groups.push(current);
        current = [0];
        used = widths[0]!;
      }
      current.push(j);
      used += w;
    }
    groups.push(current);
    groups.forEach((group, g) => {
      const line = (cells: readonly string[]) =>
        group
          .map((j) => pad(cut(cells[j]!, widths[j]!), widths[j]!, right[j]!))
          .join(gap)
          .trimEnd();
      if (g > 0) lines.push("");
      lines.push(line(header), group.map((j) => RULE.repeat(widths[j]!)).join(gap));
      for (const row of body) lines.push(line(row));
    });
    if (t.rows.length === 0) lines.push("(no rows)");
  }
  return `${lines.join("\n")}\n`;
}
