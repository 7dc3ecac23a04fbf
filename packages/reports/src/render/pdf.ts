import type PDFKitDocument from "pdfkit";
import type { Writable } from "node:stream";
import { departmentRoiChart, monthlyTrendChart, type ChartSpec } from "../charts/chart-spec.js";
import type { KeyFigure, ReportModel, ReportSectionContent } from "../model/report-model.js";
import { formatCell, isNumericKind } from "./format.js";
import { loadBundledFonts, type PdfFonts } from "./fonts.js";
import { neutralizeCell } from "./neutralize.js";
import { reportTables, type PrintedTable } from "./report-tables.js";

/** Options of `renderPdf`. */
export interface PdfOptions {
  /** Fonts to embed instead of the bundled DejaVu Sans (e.g. a CJK face). */
  fonts?: PdfFonts;
}

type Doc = PDFKit.PDFDocument;

const PAGE = { width: 595.28, height: 841.89, margin: 48 };
const CONTENT_WIDTH = PAGE.width - 2 * PAGE.margin;
const BOTTOM = PAGE.height - PAGE.margin - 12;
const COLORS = {
  text: "#1f2933",
  muted: "#616e7c",
  rule: "#cbd2d9",
  header: "#e4e7eb",
  stripe: "#f5f7fa",
  positive: "#2f855a",
  negative: "#c53030",
  series: ["#2b6cb0", "#dd6b20", "#718096"],
};

/** Text cut with "…" to fit `width` at the current font. */
function fit(doc: Doc, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  const chars = [...text];
  while (chars.length > 1 && doc.widthOfString(`${chars.join("")}…`) > width) chars.pop();
  return `${chars.join("")}…`;
}

/** One line of text at (x, y), cut to `width`; the document's cursor stays where it was. */
function put(doc: Doc, text: string, x: number, y: number, width: number, align: "left" | "right" | "center" = "left") {
  const cursor = { x: doc.x, y: doc.y };
  doc.text(fit(doc, text, width), x, y, { width, align, lineBreak: false });
  doc.x = cursor.x;
  doc.y = cursor.y;
}

function heading(doc: Doc, title: string) {
  doc.font("bold").fontSize(15).fillColor(COLORS.text);
  put(doc, neutralizeCell(title), PAGE.margin, doc.y, CONTENT_WIDTH);
  doc.y += 24;
}

function ensureSpace(doc: Doc, height: number) {
  if (doc.y + height > BOTTOM) {
    doc.addPage();
    doc.y = PAGE.margin;
  }
}

/** Compact axis labels: 1.2M, 350k, 12. */
function compact(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${+(value / 1e6).toFixed(1)}M`;
  if (abs >= 1e3) return `${+(value / 1e3).toFixed(1)}k`;
  return `${+value.toFixed(1)}`;
}

/** Round tick values covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (min === max) {
    min -= 1;
    max += 1;
  }
  const raw = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / magnitude;
  const step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * magnitude;
  const ticks: number[] = [];
  for (let v = Math.floor(min / step) * step; v <= Math.ceil(max / step) * step + step / 2; v += step) {
    ticks.push(Math.round(v / step) * step);
  }
  return ticks;
}

function drawBarChart(doc: Doc, chart: ChartSpec) {
  const values = chart.series[0]?.values ?? [];
  const barHeight = 16;
  const height = 40 + chart.x.length * (barHeight + 6) + 30;
  ensureSpace(doc, height);
  const top = doc.y;
  doc.font("bold").fontSize(10).fillColor(COLORS.text);
  put(doc, chart.title, PAGE.margin, top, CONTENT_WIDTH);
  const labelWidth = 120;
  const left = PAGE.margin + labelWidth + 8;
  const right = PAGE.margin + CONTENT_WIDTH - 40;
  const numbers = values.filter((v): v is number => v !== null);
  const ticks = niceTicks(Math.min(0, ...numbers), Math.max(0, ...numbers));
  const lo = ticks[0] ?? 0;
  const hi = ticks[ticks.length - 1] ?? 1;
  const xOf = (v: number) => left + ((v - lo) / (hi - lo)) * (right - left);
  const plotTop = top + 22;
  const plotBottom = plotTop + chart.x.length * (barHeight + 6);
  doc.font("body").fontSize(7).lineWidth(0.5);
  for (const t of ticks) {
    const x = xOf(t);
    doc.strokeColor(COLORS.rule).moveTo(x, plotTop).lineTo(x, plotBottom).stroke();
    doc.fillColor(COLORS.muted);
    put(doc, `${compact(t)} ${chart.unit}`, x - 30, plotBottom + 4, 60, "center");
  }
  chart.x.forEach((label, i) => {
    const y = plotTop + i * (barHeight + 6) + 3;
    const v = values[i] ?? null;
    doc.font("body").fontSize(8).fillColor(COLORS.text);
    put(doc, neutralizeCell(label), PAGE.margin, y + 4, labelWidth, "right");
    if (v === null) {
      doc.fillColor(COLORS.muted);
      put(doc, "—", xOf(0) + 4, y + 4, 30);
      return;
    }
    const x0 = xOf(Math.min(0, v));
    const x1 = xOf(Math.max(0, v));
    doc.rect(x0, y, Math.max(0.5, x1 - x0), barHeight).fill(v < 0 ? COLORS.negative : COLORS.positive);
    doc.fillColor(COLORS.text).fontSize(7);
    const text = `${v.toFixed(1)} %`;
    // Labels sit beside the zero line, away from the department names on the left.
    put(doc, text, x1 + 3, y + 5, 42);
  });
  // The zero line, drawn last so that it sits on top of the bars.
  doc.lineWidth(1).strokeColor(COLORS.text).moveTo(xOf(0), plotTop - 2).lineTo(xOf(0), plotBottom + 2).stroke();
  doc.y = plotBottom + 24;
}

function drawLineChart(doc: Doc, chart: ChartSpec) {
  const height = 250;
  ensureSpace(doc, height + 20);
  const top = doc.y;
  doc.font("bold").fontSize(10).fillColor(COLORS.text);
  put(doc, chart.title, PAGE.margin, top, CONTENT_WIDTH);
  // Legend
  doc.font("body").fontSize(8);
  let lx = PAGE.margin;
  chart.series.forEach((s, i) => {
    const color = COLORS.series[i % COLORS.series.length] ?? COLORS.text;
    doc.lineWidth(2).strokeColor(color);
    if (s.axis === "right") doc.dash(3, { space: 2 });
    doc.moveTo(lx, top + 22).lineTo(lx + 18, top + 22).stroke();
    doc.undash();
    const label = `${s.name} (${s.unit}${s.axis === "right" ? ", right axis" : ""})`;
    doc.fillColor(COLORS.text);
    put(doc, label, lx + 22, top + 18, 140);
    lx += 26 + doc.widthOfString(label) + 14;
  });
  const left = PAGE.margin + 44;
  const right = PAGE.margin + CONTENT_WIDTH - 40;
  const plotTop = top + 40;
  const plotBottom = top + height - 30;
  const leftValues = chart.series.filter((s) => s.axis === "left").flatMap((s) => s.values.filter((v): v is number => v !== null));
  const rightValues = chart.series.filter((s) => s.axis === "right").flatMap((s) => s.values.filter((v): v is number => v !== null));
  const leftTicks = niceTicks(Math.min(0, ...leftValues), Math.max(0, ...leftValues));
  const rightTicks = niceTicks(0, Math.max(0, ...rightValues), leftTicks.length - 1);
  const scale = (ticks: number[]) => {
    const lo = ticks[0] ?? 0;
    const hi = ticks[ticks.length - 1] ?? 1;
    return (v: number) => plotBottom - ((v - lo) / (hi - lo || 1)) * (plotBottom - plotTop);
  };
  const yLeft = scale(leftTicks);
  const yRight = scale(rightTicks);
  const n = chart.x.length;
  const xOf = (i: number) => (n <= 1 ? (left + right) / 2 : left + (i / (n - 1)) * (right - left));
  doc.fontSize(7).lineWidth(0.5);
  for (const t of leftTicks) {
    const y = yLeft(t);
    doc.strokeColor(t === 0 ? COLORS.text : COLORS.rule).moveTo(left, y).lineTo(right, y).stroke();
    doc.fillColor(COLORS.muted);
    put(doc, compact(t), PAGE.margin, y - 3, 40, "right");
  }
  for (const t of rightTicks) {
    doc.fillColor(COLORS.muted);
    put(doc, `${compact(t)} h`, right + 4, yRight(t) - 3, 36);
  }
  doc.strokeColor(COLORS.text).lineWidth(0.8).moveTo(left, plotTop).lineTo(left, plotBottom).lineTo(right, plotBottom).stroke();
  doc.moveTo(right, plotTop).lineTo(right, plotBottom).stroke();
  const every = Math.max(1, Math.ceil(n / 12));
  chart.x.forEach((label, i) => {
    const x = xOf(i);
    doc.strokeColor(COLORS.text).lineWidth(0.8).moveTo(x, plotBottom).lineTo(x, plotBottom + 3).stroke();
    if (i % every === 0) {
      doc.fillColor(COLORS.muted);
      // Centred under its tick, but kept inside the page's text area at both ends.
      const lx = Math.min(Math.max(x - 20, PAGE.margin), PAGE.margin + CONTENT_WIDTH - 40);
      put(doc, label, lx, plotBottom + 6, 40, "center");
    }
  });
  chart.series.forEach((s, si) => {
    const y = s.axis === "right" ? yRight : yLeft;
    const color = COLORS.series[si % COLORS.series.length] ?? COLORS.text;
    doc.lineWidth(1.6).strokeColor(color);
    if (s.axis === "right") doc.dash(3, { space: 2 });
    let drawing = false;
    s.values.forEach((v, i) => {
      if (v === null) {
        drawing = false;
        return;
      }
      if (drawing) doc.lineTo(xOf(i), y(v));
      else doc.moveTo(xOf(i), y(v));
      drawing = true;
    });
    doc.stroke();
    doc.undash();
    s.values.forEach((v, i) => {
      if (v !== null) doc.circle(xOf(i), y(v), 1.8).fill(color);
    });
  });
  doc.y = plotBottom + 30;
}

function drawTiles(doc: Doc, figures: readonly KeyFigure[], currency: string) {
  const columns = 3;
  const gap = 12;
  const width = (CONTENT_WIDTH - gap * (columns - 1)) / columns;
  const height = 58;
  const rows = Math.ceil(figures.length / columns);
  ensureSpace(doc, rows * (height + gap));
  const top = doc.y;
  figures.forEach((f, i) => {
    const x = PAGE.margin + (i % columns) * (width + gap);
    const y = top + Math.floor(i / columns) * (height + gap);
    doc.roundedRect(x, y, width, height, 6).fillAndStroke(COLORS.stripe, COLORS.rule);
    doc.font("body").fontSize(8).fillColor(COLORS.muted);
    put(doc, f.kind === "money" ? `${f.label} (${currency})` : f.label, x + 10, y + 10, width - 20);
    const color = f.value !== null && f.value < 0 ? COLORS.negative : COLORS.text;
    doc.font("bold").fontSize(16).fillColor(color);
    put(doc, formatCell(f.value, f.kind), x + 10, y + 27, width - 20);
  });
  doc.y = top + rows * (height + gap) + 6;
}

function drawTable(doc: Doc, table: PrintedTable, currency: string) {
  const size = 7.5;
  const rowHeight = 15;
  const padding = 4;
  const header = table.columns.map((c) => neutralizeCell(c.label));
  const body = table.rows.map((r, i) => table.columns.map((c) => formatCell(r[c.key], table.cellKind(i, c))));
  doc.font("bold").fontSize(size);
  const headerWidths = header.map((h) => doc.widthOfString(h) + 2 * padding);
  doc.font("body").fontSize(size);
  const cellWidths = table.columns.map(() => 0);
  for (const row of body) row.forEach((cell, j) => (cellWidths[j] = Math.max(cellWidths[j] ?? 0, doc.widthOfString(cell) + 2 * padding)));
  const numeric = table.columns.map((c) => isNumericKind(c.kind) || table.section === "company_summary");
  // Numbers are never cut: text columns give way first (cut with "…"), then numeric headers.
  const widths = headerWidths.map((h, j) => Math.max(h, cellWidths[j] ?? 0));
  const sum = () => widths.reduce((a, b) => a + b, 0);
  const text = widths.map((_, j) => j).filter((j) => !numeric[j]);
  if (sum() > CONTENT_WIDTH) {
    const numericTotal = widths.reduce((a, w, j) => a + (numeric[j] ? w : 0), 0);
    const textTotal = sum() - numericTotal;
    const room = Math.max(60 * text.length, CONTENT_WIDTH - numericTotal);
    for (const j of text) widths[j] = Math.max(60, ((widths[j] ?? 0) / textTotal) * room);
  }
  if (sum() > CONTENT_WIDTH) {
    widths.forEach((w, j) => {
      if (numeric[j]) widths[j] = Math.max(cellWidths[j] ?? 0, w - (sum() - CONTENT_WIDTH) / Math.max(1, widths.length - text.length));
    });
  }
  const slack = CONTENT_WIDTH - sum();
  if (slack > 0) widths.forEach((w, j) => (widths[j] = w + slack / widths.length));
  const total = sum();
  doc.font("body").fontSize(8).fillColor(COLORS.muted);
  if (table.columns.some((c) => c.kind === "money")) {
    put(doc, `Amounts in ${currency}`, PAGE.margin, doc.y - 4, CONTENT_WIDTH);
    doc.y += 10;
  }
  const align = table.columns.map((c, j) => (isNumericKind(c.kind) || (j > 0 && numeric[j]) ? "right" : "left"));
  const drawRow = (cells: readonly string[], y: number, bold: boolean, fill: string | null) => {
    if (fill) doc.rect(PAGE.margin, y, total, rowHeight).fill(fill);
    doc.font(bold ? "bold" : "body").fontSize(size).fillColor(COLORS.text);
    let x = PAGE.margin;
    cells.forEach((cell, j) => {
      const w = widths[j] ?? 0;
      put(doc, cell, x + padding, y + 4, w - 2 * padding, align[j] as "left" | "right");
      x += w;
    });
  };
  const drawHeader = () => {
    drawRow(header, doc.y, true, COLORS.header);
    doc.y += rowHeight;
  };
  // Keep the header with a few rows (all of a short table) rather than alone at a page's foot.
  ensureSpace(doc, rowHeight * (Math.min(body.length, 4) + 1) + 12);
  drawHeader();
  body.forEach((cells, i) => {
    if (doc.y + rowHeight > BOTTOM) {
      doc.addPage();
      doc.y = PAGE.margin;
      doc.font("body").fontSize(8).fillColor(COLORS.muted);
      put(doc, `${neutralizeCell(table.title)} (continued)`, PAGE.margin, doc.y, CONTENT_WIDTH);
      doc.y += 14;
      drawHeader();
    }
    drawRow(cells, doc.y, false, i % 2 === 1 ? COLORS.stripe : null);
    doc.y += rowHeight;
  });
  if (body.length === 0) {
    doc.font("body").fontSize(size).fillColor(COLORS.muted);
    put(doc, "No rows.", PAGE.margin + padding, doc.y + 4, CONTENT_WIDTH);
    doc.y += rowHeight;
  }
  doc.strokeColor(COLORS.rule).lineWidth(0.5).moveTo(PAGE.margin, doc.y).lineTo(PAGE.margin + total, doc.y).stroke();
  doc.y += 18;
}

function titlePage(doc: Doc, model: ReportModel) {
  const scope = model.scope.kind === "company" ? `Company: ${model.scope.name}` : `Department: ${model.scope.name}`;
  doc.rect(0, 0, PAGE.width, 8).fill(COLORS.series[0] ?? COLORS.text);
  doc.font("bold").fontSize(26).fillColor(COLORS.text);
  doc.text(neutralizeCell(model.title), PAGE.margin, 220, { width: CONTENT_WIDTH });
  doc.moveDown(0.6);
  doc.font("body").fontSize(14).fillColor(COLORS.text);
  doc.text(neutralizeCell(scope), { width: CONTENT_WIDTH });
  doc.moveDown(0.3);
  doc.text(`Period: ${model.period.from} to ${model.period.to}`, { width: CONTENT_WIDTH });
  doc.moveDown(0.3);
  doc.fontSize(10).fillColor(COLORS.muted);
  doc.text(`Amounts in ${model.currency} · generated ${model.generated_at.replace("T", " ").replace(/\.\d+Z$/, " UTC").replace(/Z$/, " UTC")}`, {
    width: CONTENT_WIDTH,
  });
  doc.moveDown(2);
  doc.font("bold").fontSize(11).fillColor(COLORS.text).text("Contents", { width: CONTENT_WIDTH });
  doc.font("body").fontSize(10);
  for (const s of model.sections) doc.text(`•  ${neutralizeCell(s.title)}`, { width: CONTENT_WIDTH });
}

function footers(doc: Doc, model: ReportModel) {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i += 1) {
    doc.switchToPage(i);
    // Writing below the bottom margin would make pdfkit add a page; lift the margin while we do.
    const margin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font("body").fontSize(8).fillColor(COLORS.muted);
    const y = PAGE.height - 30;
    put(doc, `${neutralizeCell(model.title)} · ${neutralizeCell(model.scope.name)} · ${model.period.from} to ${model.period.to}`, PAGE.margin, y, CONTENT_WIDTH - 90);
    put(doc, `Page ${i - range.start + 1} of ${range.count}`, PAGE.width - PAGE.margin - 90, y, 90, "right");
    doc.page.margins.bottom = margin;
  }
}

function drawSection(doc: Doc, model: ReportModel, section: ReportSectionContent, table: PrintedTable) {
  ensureSpace(doc, 120);
  heading(doc, section.title);
  if (section.kind === "company_summary") {
    drawTiles(doc, section.figures, model.currency);
    return;
  }
  if (section.kind === "departments") {
    const chart = departmentRoiChart(model);
    if (chart) drawBarChart(doc, chart);
  }
  if (section.kind === "monthly_trend") {
    const chart = monthlyTrendChart(model);
    if (chart) drawLineChart(doc, chart);
  }
  drawTable(doc, table, model.currency);
}

/**
 * Writes the report as a PDF to `out`: a title page with period and scope, key-figure tiles, the
 * department ROI bars and the monthly trend lines as vector charts, tables that break across
 * pages with their header repeated, "Page n of m" footers, DejaVu Sans embedded. Resolves when
 * `out` has received the whole file.
 */
export async function renderPdf(model: ReportModel, out: Writable, options: PdfOptions = {}): Promise<void> {
  const fonts = options.fonts ?? (await loadBundledFonts());
  // pdfkit (and its font engine) loads on the first PDF: a server that never renders one does not hold it.
  const PDFDocument: typeof PDFKitDocument = (await import("pdfkit")).default;
  const doc = new PDFDocument({
    size: "A4",
    margins: { top: PAGE.margin, bottom: PAGE.margin, left: PAGE.margin, right: PAGE.margin },
    bufferPages: true,
    info: { Title: model.title, Creator: "EPCA @epca/reports" },
  });
  const finished = new Promise<void>((resolve, reject) => {
    out.once("finish", resolve);
    out.once("error", reject);
    doc.once("error", reject);
  });
  doc.pipe(out);
  doc.registerFont("body", Buffer.from(fonts.regular));
  doc.registerFont("bold", Buffer.from(fonts.bold));
  titlePage(doc, model);
  const tables = reportTables(model);
  model.sections.forEach((section, i) => {
    const table = tables[i];
    if (!table) return;
    // Sections flow on from one another; one starts a page when little room is left.
    if (i === 0 || doc.y > BOTTOM - 180) {
      doc.addPage();
      doc.y = PAGE.margin;
    } else {
      doc.y += 14;
    }
    drawSection(doc, model, section, table);
  });
  footers(doc, model);
  doc.end();
  await finished;
}
