import { describe, expect, it } from "vitest";
import { generateDataset } from "../testing/dataset.js";
import { analyticsSeries, companyMonthsFromFacts, companySeriesFromMonths, periodFactsFromRecords } from "./period.js";

describe("the company's series from its monthly sums", () => {
  it("is the series analyticsSeries answers from the company's facts, to the last bit, over whole months and edge days", () => {
    const dataset = generateDataset({ seed: 3, departments: 4, employees: 30, projects: 8, timesheets: 1_500 });
    const employees = dataset.employees.map((e, i) => ({ ...e, id: 100 + i, department_id: 1 + e.departmentIndex }));
    const projects = dataset.projects.map((p, i) => ({ ...p, id: 500 + i, department_id: 1 + p.departmentIndex }));
    const timesheets = dataset.timesheets.map((t, i) => ({ ...t, id: 1_000 + i, employee_id: 100 + t.employeeIndex, project_id: 500 + t.projectIndex }));
    const records = { employees, projects, timesheets } as unknown as Parameters<typeof periodFactsFromRecords>[0];
    for (const period of [{ from: "2024-01-01", to: "2024-12-31" }, { from: "2024-02-17", to: "2024-09-03" }, { from: "2024-05-05", to: "2024-05-05" }]) {
      const facts = periodFactsFromRecords(records, { kind: "company" }, period);
      const options = { standardAnnualHours: 2080 };
      expect(companySeriesFromMonths(companyMonthsFromFacts(facts, period), options)).toEqual(analyticsSeries(facts, { kind: "company" }, period, options));
    }
  });

  it("refuses a standard year that is not a positive number", () => {
    expect(() => companySeriesFromMonths([], { standardAnnualHours: 0 })).toThrow(RangeError);
  });
});
