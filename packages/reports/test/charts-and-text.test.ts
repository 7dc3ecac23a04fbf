import { describe, expect, it } from "vitest";
import { buildReportModel, departmentRoiChart, monthlyTrendChart, renderTxt, reportCharts } from "../src/index.js";
import { demoReportInput } from "./demo-model.js";

describe("charts a report calls for", () => {
  it("draws none without a departments or a monthly section, or when they have no rows", () => {
    const employeesOnly = buildReportModel({ ...demoReportInput(), sections: ["employees"] });
    expect([departmentRoiChart(employeesOnly), monthlyTrendChart(employeesOnly), reportCharts(employeesOnly)]).toEqual([null, null, []]);
    const empty = buildReportModel({ ...demoReportInput({ departments: [], series: [] }), sections: ["departments", "monthly_trend"] });
    expect(reportCharts(empty)).toEqual([]);
  });

  it("leaves a department without an ROI as a gap, not a zero bar", () => {
    const input = demoReportInput();
    const departments = (input.departments ?? []).map((d, i) => (i === 0 ? { ...d, roi: null } : d));
    const chart = departmentRoiChart(buildReportModel({ ...input, departments, sections: ["departments"] }));
    expect(chart?.series[0]?.values[0]).toBeNull();
    expect(chart?.series[0]?.values[1]).toBeCloseTo((input.departments?.[1]?.roi as number) * 100, 9);
  });
});

describe("renderTxt for a department", () => {
  it("names the department's scope and says when a table has no rows", () => {
    const txt = renderTxt(buildReportModel({ ...demoReportInput({ scope: { kind: "department", department_id: 4, name: "Research" }, employees: [] }), sections: ["employees"] }));
    expect(txt.split("\n").slice(1, 2)).toEqual(["Department: Research"]);
    expect(txt).toContain("(no rows)");
  });
});
