/** The report model and its text rendering at their edges: missing data, alternative field names, odd cells. */
import { describe, expect, it } from "vitest";
import { buildReportModel, formatCell, hoursBetween, hoursBetweenInstants, MISSING_VALUE, parseDate, parseDecimal, parseDurationHours, parseTimeOfDay, renderTxt } from "@epca/reports";

const base = { generated_at: "2026-01-31T12:00:00.000Z", period: { from: "2026-01-01", to: "2026-01-31" }, currency: "EUR" } as const;

describe("buildReportModel at its edges", () => {
  it("gives a section asked for without its data an empty table (no key figures without company figures)", () => {
    const model = buildReportModel({ ...base, sections: ["company_summary", "departments", "employees", "top_performers", "project_profitability", "monthly_trend", "forecasts"] });
    expect(model.sections.map((s) => [s.kind, "table" in s ? s.table.rows.length : "figures"])).toEqual([
      ["departments", 0],
      ["employees", 0],
      ["top_performers", 0],
      ["project_profitability", 0],
      ["monthly_trend", 0],
      ["forecasts", 0],
    ]);
    expect({ title: model.title, scope: model.scope, generated_at: model.generated_at }).toEqual({
      title: "Productivity & cost report",
      scope: { kind: "company", name: "Company" },
      generated_at: "2026-01-31T12:00:00.000Z",
    });
    // Without `sections`, only what has data; an empty forecast list is no section.
    expect(buildReportModel({ ...base, forecasts: [] }).sections).toEqual([]);
  });

  it("reads departments' total_revenue/total_cost, names employees' departments, and ranks unknown profits last", () => {
    const model = buildReportModel({
      ...base,
      departments: [{ department_id: 1, name: "Ops", total_revenue: 900, total_cost: 600, profit: 300, roi: 0.5, productivity_index: null, budget_utilization: null }],
      employees: [
        { employee_id: 3, name: "Cy", department_id: 1, revenue: 10, total_hours: 1, productivity_index: 10 },
        { employee_id: 2, name: "Bo", department_id: 9, revenue: 10, profit: 5, total_hours: 1, productivity_index: 10 },
        { employee_id: 1, name: "Al", department_id: 9, department_name: "Lab", revenue: 10, cost: 5, profit: 5, roi: 1, total_hours: 1, productivity_index: 10 },
      ],
      topPerformers: 2,
    });
    const rows = (kind: string) => {
      const section = model.sections.find((s) => s.kind === kind);
      return section && "table" in section ? section.table.rows : [];
    };
    expect(rows("departments")).toEqual([{ name: "Ops", revenue: 900, cost: 600, profit: 300, roi: 0.5, productivity_index: null, budget_utilization: null }]);
    expect(rows("employees").map((r) => [r.name, r.department, r.cost, r.profit, r.roi])).toEqual([
      ["Cy", "Ops", null, null, null],
      ["Bo", "9", null, 5, null],
      ["Al", "Lab", 5, 5, 1],
    ]);
    // Equal profits: the lower employee id first; a missing profit after every known one.
    expect(rows("top_performers").map((r) => r.name)).toEqual(["Al", "Bo"]);
  });
});

describe("renderTxt at its edges", () => {
  it("keeps the width within 80–200 and cuts a long text column with …", () => {
    const long = "A".repeat(150);
    const model = buildReportModel({ ...base, departments: [{ department_id: 1, name: long, revenue: 1, cost: 1, profit: 0, roi: 0, productivity_index: 1, budget_utilization: 1 }] });
    const widest = (width: number) => Math.max(...renderTxt(model, { width }).split("\n").map((l) => [...l].length));
    expect(widest(10)).toBe(80);
    expect(widest(1000)).toBe(200);
    const row = renderTxt(model, { width: 80 }).split("\n").find((l) => l.startsWith("AAA"))!;
    expect(row).toMatch(/^A+… /);
  });

  it("gives combining marks and joiners no column and an emoji two, so columns stay aligned", () => {
    // Each name is three terminal columns wide; "Employee" (8) sets the column's width.
    const names = ["Zoe\u0301", "Zo\u200de", "🔥x", "Zoë"];
    const employees = names.map((name, i) => ({ employee_id: i + 1, name, department_id: 1, department_name: "x", revenue: 1, total_hours: 1, productivity_index: 1 }));
    const lines = renderTxt(buildReportModel({ ...base, employees, sections: ["employees"] })).split("\n");
    for (const name of names) expect(lines.find((l) => l.startsWith(name))!.slice(name.length).startsWith(`${" ".repeat(5 + 2)}x `)).toBe(true);
  });
});

describe("cell formatting", () => {
  it("shows missing and non-finite numbers as —, integers grouped, percents ×100, months and dates as written", () => {
    expect([formatCell(undefined, "money"), formatCell(null, "percent"), formatCell(Number.NaN, "money"), formatCell(Number.POSITIVE_INFINITY, "ratio")]).toEqual([
      MISSING_VALUE,
      MISSING_VALUE,
      MISSING_VALUE,
      MISSING_VALUE,
    ]);
    expect([formatCell(1234567, "integer"), formatCell(0.1234, "percent"), formatCell(2.5, "ratio"), formatCell(202601, "month"), formatCell("=1+1", "text")]).toEqual([
      "1,234,567",
      "12.3 %",
      "2.50",
      "202601",
      "'=1+1",
    ]);
  });
});

describe("tracker value readers", () => {
  it("reads decimals with either separator and refuses what is ambiguous", () => {
    expect([parseDecimal("1,234.5"), parseDecimal("1.234,5"), parseDecimal(" 2 001,0 "), parseDecimal("1,5"), parseDecimal(".5"), parseDecimal("1e3")]).toEqual([1234.5, 1234.5, 2001, 1.5, 0.5, 1000]);
    expect([parseDecimal(""), parseDecimal("1,2,3"), parseDecimal("abc"), parseDecimal("1e999")]).toEqual([null, null, null, null]);
  });

  it("reads clock durations with or without seconds and a sign", () => {
    expect([parseDurationHours("01:30"), parseDurationHours("-0:30:00"), parseDurationHours("2,25"), parseDurationHours("  ")]).toEqual([1.5, -0.5, 2.25, null]);
    expect(parseDurationHours("1:75")).toBeNull();
  });

  it("reads ISO, US and European dates, refusing impossible days", () => {
    expect([parseDate("2024-02-29"), parseDate("2024-02-29T10:00:00Z"), parseDate("3/4/2024"), parseDate("04.03.2024 09:00")]).toEqual(["2024-02-29", "2024-02-29", "2024-03-04", "2024-03-04"]);
    expect([parseDate("2023-02-29"), parseDate("13/01/2024"), parseDate("31.04.2024"), parseDate("yesterday")]).toEqual([null, null, null, null]);
  });

  it("reads times of day in 24-hour and AM/PM form, refusing impossible ones", () => {
    expect([parseTimeOfDay("13:05"), parseTimeOfDay("2024-03-04 13:05:09"), parseTimeOfDay("12:00 AM"), parseTimeOfDay("12:30 pm")]).toEqual([47100, 47109, 0, 45000]);
    expect([parseTimeOfDay("13:00 PM"), parseTimeOfDay("0:10 AM"), parseTimeOfDay("24:00"), parseTimeOfDay("10:60"), parseTimeOfDay("noon")]).toEqual([null, null, null, null, null]);
  });

  it("measures hours across midnight (end date defaulting to the start's) and between instants", () => {
    expect(hoursBetween("2024-03-04", "23:00", "2024-03-05", "01:30")).toBe(2.5);
    expect(hoursBetween("2024-03-04", "09:00", "", "10:00")).toBe(1);
    expect(hoursBetween("2024-03-04", "09:00", "", "")).toBeNull();
    expect(hoursBetween("never", "09:00", "", "10:00")).toBeNull();
    expect(hoursBetweenInstants("2024-03-04T09:00:00Z", "2024-03-04T10:15:00+00:00")).toBe(1.25);
    expect(hoursBetweenInstants("now", "2024-03-04T10:15:00Z")).toBeNull();
  });
});
