/**
 * SVG charts drawn from the renderer-neutral chart descriptions `@epca/reports` prints in its PDFs
 * (`ChartSpec`: bars or lines, categories, series with a unit and an axis), so that a report's chart
 * and its page twin show the same thing. Each chart is an `<svg role="img">` with a title, and the
 * same figures in a table for screen readers.
 */
import type { ChartSpec } from "@epca/reports";
import { html } from "./html.js";
import { money, month, num } from "./format.js";

export type { ChartSpec };

/** Colours with at least 3:1 contrast on white, one per series. */
const COLOURS = ["#1f5fa8", "#c2410c", "#15803d", "#7e22ce", "#a16207"];

function fmt(value: number | null, unit: string, compact = true): string {
  if (value === null) return "—";
  if (unit === "%") return `${num(value, 1)}%`;
  if (unit === "h") return `${num(value, 0)} h`;
  if (/^[A-Z]{3}$/.test(unit)) return money(value, compact);
  return num(value, 1);
}

function label(x: string): string {
  return /^\d{4}-\d{2}$/.test(x) ? month(x, true) : x;
}

/** "Nice" axis bounds and ticks covering [min, max]. */
function ticks(min: number, max: number, count = 4): number[] {
  if (min === max) {
    max = min + 1;
    min = Math.min(0, min);
  }
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const lo = Math.floor(min / step) * step;
  const hi = Math.ceil(max / step) * step;
  const out: number[] = [];
  for (let v = lo; v <= hi + step / 2; v += step) out.push(Math.round(v / step) * step);
  return out;
}

function dataTable(spec: ChartSpec) {
  return html`<div class="sr-only"><table>
    <caption>${spec.title}</caption>
    <thead><tr><th scope="col">${spec.kind === "bar" ? "Category" : "Month"}</th>${spec.series.map((s) => html`<th scope="col">${s.name} (${s.unit})</th>`)}</tr></thead>
    <tbody>${spec.x.map((x, i) => html`<tr><th scope="row">${label(x)}</th>${spec.series.map((s) => html`<td>${fmt(s.values[i] ?? null, s.unit, false)}</td>`)}</tr>`)}</tbody>
  </table></div>`;
}

/** Horizontal bars from a zero line (ROI by department). */
function bars(spec: ChartSpec, id: string) {
  const series = spec.series[0];
  const values = series ? series.values.map((v) => v ?? 0) : [];
  const t = ticks(Math.min(0, ...values), Math.max(0, ...values));
  const lo = t[0] ?? 0;
  const hi = t[t.length - 1] ?? 1;
  const rowH = 28;
  const left = 140;
  const width = 560;
  const plotW = width - left - 16;
  const height = spec.x.length * rowH + 30;
  const sx = (v: number) => left + ((v - lo) / (hi - lo)) * plotW;
  return html`<svg viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}" class="chart" preserveAspectRatio="xMinYMin meet">
    <title id="${id}">${spec.title}</title>
    ${t.map((v) => html`<g><line x1=${sx(v)} x2=${sx(v)} y1="4" y2=${height - 22} class="grid" /><text x=${sx(v)} y=${height - 6} text-anchor="middle" class="tick">${fmt(v, spec.unit)}</text></g>`)}
    ${spec.x.map((x, i) => {
      const v = series?.values[i] ?? null;
      const y = 6 + i * rowH;
      const x0 = sx(Math.min(0, v ?? 0));
      const w = Math.abs(sx(v ?? 0) - sx(0));
      const negative = (v ?? 0) < 0;
      // The value inside a long bar (white), else beyond its end.
      const inside = w > 56;
      const tx = inside ? (negative ? x0 + 6 : x0 + w - 6) : negative ? x0 - 4 : x0 + w + 4;
      const anchor = inside ? (negative ? "start" : "end") : negative ? "end" : "start";
      return html`<g>
        <text x=${left - 8} y=${y + rowH / 2} text-anchor="end" dominant-baseline="middle" class="cat">${x.length > 18 ? `${x.slice(0, 17)}…` : x}</text>
        <rect x=${x0} y=${y + 4} width=${Math.max(w, 1)} height=${rowH - 10} fill=${negative ? "#b91c1c" : COLOURS[0]} rx="2"><title>${x}: ${fmt(v, series?.unit ?? "", false)}</title></rect>
        <text x=${tx} y=${y + rowH / 2} text-anchor=${anchor} dominant-baseline="middle" class=${inside ? "val in" : "val"}>${fmt(v, series?.unit ?? "")}</text>
      </g>`;
    })}
    <line x1=${sx(0)} x2=${sx(0)} y1="2" y2=${height - 22} class="zero" />
  </svg>`;
}

/** Lines over months, a left axis (money) and an optional right axis (hours). */
function lines(spec: ChartSpec, id: string) {
  const width = 640;
  const height = 260;
  const padL = 64;
  const padR = spec.series.some((s) => s.axis === "right") ? 56 : 16;
  const padT = 12;
  const padB = 28;
  const n = spec.x.length;
  const plotW = width - padL - padR;
  const plotH = height - padT - padB;
  const sx = (i: number) => padL + (n <= 1 ? plotW / 2 : (i / (n - 1)) * plotW);
  const axis = (side: "left" | "right") => {
    const vals = spec.series.filter((s) => s.axis === side).flatMap((s) => s.values.filter((v): v is number => v !== null));
    if (vals.length === 0) return null;
    const t = ticks(Math.min(0, ...vals), Math.max(...vals));
    const lo = t[0] ?? 0;
    const hi = t[t.length - 1] ?? 1;
    const unit = spec.series.find((s) => s.axis === side)?.unit ?? spec.unit;
    return { t, unit, sy: (v: number) => padT + plotH - ((v - lo) / (hi - lo || 1)) * plotH };
  };
  const leftAxis = axis("left");
  const rightAxis = axis("right");
  const every = Math.max(1, Math.ceil(n / 8));
  return html`<svg viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}" class="chart">
    <title id="${id}">${spec.title}</title>
    ${leftAxis?.t.map((v) => html`<g><line x1=${padL} x2=${width - padR} y1=${leftAxis.sy(v)} y2=${leftAxis.sy(v)} class="grid" /><text x=${padL - 6} y=${leftAxis.sy(v)} text-anchor="end" dominant-baseline="middle" class="tick">${fmt(v, leftAxis.unit)}</text></g>`)}
    ${rightAxis?.t.map((v) => html`<text x=${width - padR + 6} y=${rightAxis.sy(v)} dominant-baseline="middle" class="tick">${fmt(v, rightAxis.unit)}</text>`)}
    ${spec.x.map((x, i) => (i % every === 0 || i === n - 1 ? html`<text x=${sx(i)} y=${height - 8} text-anchor="middle" class="tick">${label(x)}</text>` : null))}
    ${spec.series.map((s, k) => {
      const a = s.axis === "right" ? rightAxis : leftAxis;
      if (!a) return null;
      const pts = s.values.map((v, i) => (v === null ? null : `${sx(i).toFixed(1)},${a.sy(v).toFixed(1)}`)).filter((p): p is string => p !== null);
      return html`<polyline points=${pts.join(" ")} fill="none" stroke=${COLOURS[k % COLOURS.length]} stroke-width="2.2" stroke-dasharray=${s.axis === "right" ? "5 3" : undefined} />`;
    })}
  </svg>`;
}

/** A chart with its legend and an accessible table of its figures. */
export function Chart({ spec, id }: { spec: ChartSpec; id: string }) {
  return html`<figure class="chart-figure">
    <figcaption>${spec.title}</figcaption>
    ${spec.kind === "bar" ? bars(spec, id) : lines(spec, id)}
    ${spec.series.length > 1
      ? html`<ul class="legend">${spec.series.map((s, k) => html`<li><span class="swatch" style=${`background:${COLOURS[k % COLOURS.length]}`}></span>${s.name} (${s.unit}${s.axis === "right" ? ", right axis" : ""})</li>`)}</ul>`
      : null}
    ${dataTable(spec)}
  </figure>`;
}

/** One point of an analytics series (`/analytics/…/series`). */
export interface SeriesPoint {
  readonly month: string;
  readonly hours: number;
  readonly labour_cost: number;
  readonly salary_cost: number;
  readonly direct_cost: number;
  readonly revenue: number;
  readonly profit: number;
  readonly roi: number | null;
  readonly productivity_index: number | null;
}

/** What `/analytics/…/series` answers. */
export interface SeriesAnswer {
  readonly from: string;
  readonly to: string;
  readonly interval: "month" | "quarter";
  readonly points: readonly SeriesPoint[];
}

/** The report's monthly trend chart from API series points (cost = revenue − profit, as the reports count it). */
export function monthlyTrendSpec(points: readonly SeriesPoint[], currency: string, title = "Monthly revenue, cost and hours"): ChartSpec {
  return {
    kind: "line",
    orientation: "vertical",
    title,
    x: points.map((p) => p.month),
    series: [
      { name: "Revenue", unit: currency, axis: "left", values: points.map((p) => p.revenue) },
      { name: "Cost", unit: currency, axis: "left", values: points.map((p) => p.revenue - p.profit) },
      { name: "Hours", unit: "h", axis: "right", values: points.map((p) => p.hours) },
    ],
    unit: currency,
  };
}

/** The report's ROI-by-department bars (percent). */
export function departmentRoiSpec(rows: readonly { name: string; roi: number | null }[]): ChartSpec {
  return {
    kind: "bar",
    orientation: "horizontal",
    title: "ROI by department",
    x: rows.map((r) => r.name),
    series: [{ name: "ROI", unit: "%", axis: "left", values: rows.map((r) => (r.roi === null ? null : r.roi * 100)) }],
    unit: "%",
  };
}
