/** What a recommendation is about. */
export type RecommendationKind = "budget_overrun" | "falling_productivity" | "project_loss" | "under_allocation";

/** How urgent: `high` when the point forecast crosses the line, `medium` when only the interval does. */
export type RecommendationSeverity = "high" | "medium";

/** One recommendation with the figure that triggered it. */
export interface Recommendation {
  readonly kind: RecommendationKind;
  readonly severity: RecommendationSeverity;
  /** The department, project or employee, as the caller named it, e.g. `"project:12"`. */
  readonly subject: string;
  readonly message: string;
  /** The triggering figure: its name, value and the threshold it crossed. */
  readonly figure: { readonly name: string; readonly value: number; readonly threshold: number };
}

/** A budget to check against spending so far plus forecast cost. */
export interface BudgetInput {
  readonly subject: string;
  readonly budget: number;
  /** Cost already booked in the budget's period. */
  readonly spent_to_date: number;
  /** Forecast cost total of the horizon and the upper end of its interval. */
  readonly forecast_cost: number;
  readonly forecast_cost_upper: number;
}

/** A productivity figure (e.g. revenue per hour, or hours) now and forecast. */
export interface ProductivityInput {
  readonly subject: string;
  readonly current: number;
  readonly forecast: number;
  /** Relative drop that triggers; default 0.1 (10%). */
  readonly drop_threshold?: number;
}

/** A project's forecast profit over the horizon. */
export interface ProjectLossInput {
  readonly subject: string;
  /** Forecast profit total (revenue − cost) and its interval. */
  readonly forecast_profit: number;
  readonly forecast_profit_upper: number;
  readonly forecast_profit_lower: number;
}

/** A person's allocation. */
export interface AllocationLoadInput {
  readonly subject: string;
  /** Sum of current allocation percentages (0–100+). */
  readonly allocation_percentage: number;
  /** Below this, the person is under-allocated; default 70. */
  readonly threshold?: number;
}

/** Everything {@link recommend} checks; every part is optional. */
export interface RecommendationInput {
  readonly budgets?: readonly BudgetInput[];
  readonly productivity?: readonly ProductivityInput[];
  readonly projects?: readonly ProjectLossInput[];
  readonly people?: readonly AllocationLoadInput[];
}

const round = (v: number) => Math.round(v * 100) / 100;

/**
 * Recommendations derived from forecasts, each carrying the figure that triggered it: budget
 * overrun ahead, falling productivity, a project heading for a loss, under-allocated people.
 * Plain numbers in, no I/O.
 */
export function recommend(input: RecommendationInput): Recommendation[] {
  const out: Recommendation[] = [];
  for (const b of input.budgets ?? []) {
    const expected = b.spent_to_date + b.forecast_cost;
    const worst = b.spent_to_date + b.forecast_cost_upper;
    if (b.budget <= 0) continue;
    if (expected > b.budget || worst > b.budget) {
      const severity = expected > b.budget ? "high" : "medium";
      const value = severity === "high" ? expected : worst;
      out.push({
        kind: "budget_overrun",
        severity,
        subject: b.subject,
        message: `${severity === "high" ? "Forecast" : "Upper forecast"} spend ${round(value)} exceeds the budget ${round(b.budget)} by ${round(value - b.budget)}`,
        figure: { name: severity === "high" ? "forecast_spend" : "forecast_spend_upper", value, threshold: b.budget },
      });
    }
  }
  for (const p of input.productivity ?? []) {
    const drop = p.drop_threshold ?? 0.1;
    if (p.current <= 0) continue;
    const change = (p.forecast - p.current) / p.current;
    if (change < -drop) {
      out.push({
        kind: "falling_productivity",
        severity: change < -2 * drop ? "high" : "medium",
        subject: p.subject,
        message: `Productivity is forecast to fall ${round(-change * 100)}% (from ${round(p.current)} to ${round(p.forecast)})`,
        figure: { name: "forecast_change", value: change, threshold: -drop },
      });
    }
  }
  for (const p of input.projects ?? []) {
    if (p.forecast_profit < 0 || p.forecast_profit_lower < 0) {
      const severity = p.forecast_profit_upper < 0 || p.forecast_profit < 0 ? "high" : "medium";
      const value = severity === "high" ? p.forecast_profit : p.forecast_profit_lower;
      out.push({
        kind: "project_loss",
        severity,
        subject: p.subject,
        message: `${severity === "high" ? "Forecast" : "Lower forecast"} profit ${round(value)} is a loss`,
        figure: { name: severity === "high" ? "forecast_profit" : "forecast_profit_lower", value, threshold: 0 },
      });
    }
  }
  for (const person of input.people ?? []) {
    const threshold = person.threshold ?? 70;
    if (person.allocation_percentage < threshold) {
      out.push({
        kind: "under_allocation",
        severity: person.allocation_percentage < threshold / 2 ? "high" : "medium",
        subject: person.subject,
        message: `Allocated ${round(person.allocation_percentage)}%, below ${threshold}%`,
        figure: { name: "allocation_percentage", value: person.allocation_percentage, threshold },
      });
    }
  }
  return out;
}
