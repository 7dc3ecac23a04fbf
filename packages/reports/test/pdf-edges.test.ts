/** The PDF at its edges, read back through pdftotext: empty tables, unknown ratios, long names, large amounts. */
import { describe, expect, it } from "vitest";
import { buildReportModel, renderPdf, type SeriesPoint } from "@epca/reports";
import { niceTicks } from "../src/render/pdf.js";
import { collect, hasPdftotext, pdfText } from "./helpers.js";

const base = { generated_at: "2026-01-31T12:00:00.000Z", period: { from: "2025-01-01", to: "2025-12-31" }, currency: "EUR" } as const;
const month = (i: number, revenue: number, roi: number | null): SeriesPoint => ({
  month: `2025-${String(i + 1).padStart(2, "0")}`,
  hours: 1000,
  labour_cost: revenue / 2,
  salary_cost: revenue / 2,
  direct_cost: 0,
  revenue,
  profit: revenue / 2,
  roi,
  productivity_index: null,
});

describe("niceTicks", () => {
  it("covers the range with round steps, widens a single value, and falls back on non-finite bounds", () => {
    expect(niceTicks(0, 100)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(-30, 70)).toEqual([-40, -20, 0, 20, 40, 60, 80]);
    expect(niceTicks(0, 0)).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(niceTicks(0, 3_000_000)).toEqual([0, 500_000, 1_000_000, 1_500_000, 2_000_000, 2_500_000, 3_000_000]);
    expect(niceTicks(Number.NEGATIVE_INFINITY, 5)).toEqual([0, 1]);
  });
});

describe.skipIf(!hasPdftotext)("renderPdf at its edges", () => {
  it("says No rows. for an empty table, leaves unknown ROIs as —, and cuts a name too long for its column", async () => {
    const long = `Department of ${"very ".repeat(30)}long names`;
    const model = buildReportModel({
      ...base,
      departments: [
        { department_id: 1, name: long, revenue: 10, cost: 10, profit: 0, roi: null, productivity_index: null, budget_utilization: null },
        { department_id: 2, name: "Ops", revenue: 10, cost: 10, profit: 0, roi: null, productivity_index: null, budget_utilization: null },
      ],
      employees: [],
      sections: ["departments", "employees"],
    });
    const text = pdfText(await collect((out) => renderPdf(model, out)), false);
    expect(text).toContain("No rows.");
    expect(text).toContain("Department of very very");
    expect(text).not.toContain("long names");
    expect(text).toContain("Department of very very ve…\n");
    expect(text).toContain("…");
    // The ROI chart has no bar to draw: both departments show a dash, on an axis around 0.
    expect(text).toContain("ROI by department");
    expect(text.match(/—/g)?.length).toBeGreaterThanOrEqual(2);
    // The axis of a chart without values: one unit either side of 0.
    expect(text).toMatch(/-1 %\s+-0\.5 %\s+0 ?%\s+0\.5 %\s+1 ?%/);
  });

  it("labels a trend of millions in M and breaks its ROI line at an unknown month", async () => {
    const series = Array.from({ length: 12 }, (_, i) => month(i, 1_000_000 + i * 250_000, i === 5 ? null : 0.2 + i / 100));
    const model = buildReportModel({ ...base, series, sections: ["monthly_trend"] });
    const text = pdfText(await collect((out) => renderPdf(model, out)), false);
    expect(text).toMatch(/\b1\.5M\b|\b2M\b|\b4M\b/);
    expect(text).toContain("Monthly trend");
  });
});
