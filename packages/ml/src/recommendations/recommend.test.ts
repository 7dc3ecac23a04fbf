import { describe, expect, it } from "vitest";
import { recommend } from "@epca/ml";

describe("recommend", () => {
  it("gives each recommendation with the figure that triggered it", () => {
    const out = recommend({
      budgets: [
        { subject: "department:1", budget: 1000, spent_to_date: 700, forecast_cost: 400, forecast_cost_upper: 500 },
        { subject: "department:2", budget: 1000, spent_to_date: 500, forecast_cost: 400, forecast_cost_upper: 600 },
        { subject: "department:3", budget: 1000, spent_to_date: 100, forecast_cost: 100, forecast_cost_upper: 200 },
      ],
      productivity: [
        { subject: "employee:1", current: 100, forecast: 85 },
        { subject: "employee:2", current: 100, forecast: 95 },
      ],
      projects: [
        { subject: "project:1", forecast_profit: -10, forecast_profit_lower: -50, forecast_profit_upper: 20 },
        { subject: "project:2", forecast_profit: 10, forecast_profit_lower: -5, forecast_profit_upper: 30 },
        { subject: "project:3", forecast_profit: 10, forecast_profit_lower: 5, forecast_profit_upper: 30 },
      ],
      people: [
        { subject: "employee:3", allocation_percentage: 20 },
        { subject: "employee:4", allocation_percentage: 60 },
        { subject: "employee:5", allocation_percentage: 100 },
      ],
    });
    expect(out.map((r) => [r.kind, r.subject, r.severity, r.figure])).toEqual([
      ["budget_overrun", "department:1", "high", { name: "forecast_spend", value: 1100, threshold: 1000 }],
      ["budget_overrun", "department:2", "medium", { name: "forecast_spend_upper", value: 1100, threshold: 1000 }],
      ["falling_productivity", "employee:1", "medium", { name: "forecast_change", value: -0.15, threshold: -0.1 }],
      ["project_loss", "project:1", "high", { name: "forecast_profit", value: -10, threshold: 0 }],
      ["project_loss", "project:2", "medium", { name: "forecast_profit_lower", value: -5, threshold: 0 }],
      ["under_allocation", "employee:3", "high", { name: "allocation_percentage", value: 20, threshold: 70 }],
      ["under_allocation", "employee:4", "medium", { name: "allocation_percentage", value: 60, threshold: 70 }],
    ]);
    expect(out[0]?.message).toContain("1100");
  });
});
