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

  it("recommends nothing without input, and skips budgets and productivity it cannot compare", () => {
    expect(recommend({})).toEqual([]);
    expect(
      recommend({
        budgets: [{ subject: "department:1", budget: 0, spent_to_date: 10, forecast_cost: 10, forecast_cost_upper: 20 }],
        productivity: [{ subject: "employee:1", current: 0, forecast: -5 }],
      }),
    ).toEqual([]);
  });

  it("words each message from the figure it names, with a custom drop and allocation threshold", () => {
    const out = recommend({
      budgets: [{ subject: "department:2", budget: 1000, spent_to_date: 500, forecast_cost: 400, forecast_cost_upper: 600.456 }],
      productivity: [
        { subject: "employee:1", current: 100, forecast: 40, drop_threshold: 0.25 },
        { subject: "employee:2", current: 100, forecast: 70, drop_threshold: 0.25 },
        { subject: "employee:3", current: 100, forecast: 80, drop_threshold: 0.25 },
      ],
      projects: [
        { subject: "project:1", forecast_profit: -10.5, forecast_profit_lower: -30, forecast_profit_upper: -2 },
        { subject: "project:2", forecast_profit: 5, forecast_profit_lower: -20, forecast_profit_upper: 10 },
      ],
      people: [{ subject: "employee:4", allocation_percentage: 45.5, threshold: 90 }],
    });
    expect(out.map((r) => [r.subject, r.severity, r.message])).toEqual([
      ["department:2", "medium", "Upper forecast spend 1100.46 exceeds the budget 1000 by 100.46"],
      ["employee:1", "high", "Productivity is forecast to fall 60% (from 100 to 40)"],
      ["employee:2", "medium", "Productivity is forecast to fall 30% (from 100 to 70)"],
      ["project:1", "high", "Forecast profit -10.5 is a loss"],
      ["project:2", "medium", "Lower forecast profit -20 is a loss"],
      ["employee:4", "medium", "Allocated 45.5%, below 90%"],
    ]);
  });
});
