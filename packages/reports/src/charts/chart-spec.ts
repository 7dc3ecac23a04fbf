import type { ReportModel } from "../model/report-model.js";

/** One series of a chart; `axis: "right"` puts it on the secondary axis (e.g. hours). */
export interface ChartSeries {
  name: string;
  values: ReadonlyArray<number | null>;
  unit: string;
  axis: "left" | "right";
}

/**
 * A renderer-neutral chart description: the PDF draws it with pdfkit's vector drawing, and a web
 * app can draw the same chart from the same object.
 */
export interface ChartSpec {
  kind: "bar" | "line";
  /** `horizontal` bars run left to right from a zero line. */
  orientation: "horizontal" | "vertical";
  title: string;
  /** Category labels: departments for bars, months for lines. */
  x: readonly string[];
  series: readonly ChartSeries[];
  /** Unit of the left axis, e.g. `%` or `EUR`. */
  unit: string;
}

/** ROI per department as horizontal bars (in percent), or `null` without a departments section. */
export function departmentRoiChart(model: ReportModel): ChartSpec | null {
  const section = model.sections.find((s) => s.kind === "departments");
  if (!section || section.kind !== "departments" || section.table.rows.length === 0) return null;
  const rows = section.table.rows;
  return {
    kind: "bar",
    orientation: "horizontal",
    title: "ROI by department",
    x: rows.map((r) => String(r.name ?? "")),
    series: [
      {
        name: "ROI",
        unit: "%",
        axis: "left",
        values: rows.map((r) => (typeof r.roi === "number" ? r.roi * 100 : null)),
      },
    ],
    unit: "%",
  };
}

/** Monthly revenue and cost lines (left axis) with hours (right axis), or `null` without a series. */
export function monthlyTrendChart(model: ReportModel): ChartSpec | null {
  const section = model.sections.find((s) => s.kind === "monthly_trend");
  if (!section || section.kind !== "monthly_trend" || section.points.length === 0) return null;
  const points = section.points;
  return {
    kind: "line",
    orientation: "vertical",
    title: "Monthly revenue, cost and hours",
    x: points.map((p) => p.month),
    series: [
      { name: "Revenue", unit: model.currency, axis: "left", values: points.map((p) => p.revenue) },
      // cost as the API counts it: revenue − profit (labour, salary and direct costs as the analytics define them)
      { name: "Cost", unit: model.currency, axis: "left", values: points.map((p) => p.revenue - p.profit) },
      { name: "Hours", unit: "h", axis: "right", values: points.map((p) => p.hours) },
    ],
    unit: model.currency,
  };
}

/** Every chart the report's sections call for, in print order. */
export function reportCharts(model: ReportModel): ChartSpec[] {
  return [departmentRoiChart(model), monthlyTrendChart(model)].filter((c): c is ChartSpec => c !== null);
}
