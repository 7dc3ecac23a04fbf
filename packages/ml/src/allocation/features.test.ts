import { describe, expect, it } from "vitest";
import {
  ALLOCATION_ARTIFACTS_FORMAT,
  ALLOCATION_ARTIFACTS_VERSION,
  ALLOCATION_FEATURES,
  allocationExamples,
  allocationFeatures,
  indexHistory,
  loadAllocationModel,
  projectOnTime,
  rankAlternatives,
  type AllocationEmployee,
  type AllocationHistory,
  type AllocationModel,
  type AllocationProject,
} from "@epca/ml/allocation";

// Hand-sized histories whose every feature can be worked out on paper (no training here).
const ada: AllocationEmployee = { id: 1, skills: ["ts", "sql", "go"], salary: 60_000, hire_date: "2024-01-01" };
const bob: AllocationEmployee = { id: 2, skills: ["sql", "css"], salary: 50_000, hire_date: null };
const newcomer: AllocationEmployee = { id: 3, skills: [], salary: -1, hire_date: "2030-01-01" };
const web: AllocationProject = {
  id: 10,
  status: "in_progress",
  cost: 1000,
  revenue: 3000,
  completion_percentage: 40,
  start_date: "2025-01-01",
  end_date: null,
  estimated_end_date: "2025-12-31",
  skills: ["ts"],
};
const bare: AllocationProject = {
  id: 11,
  status: "planned",
  cost: 0,
  revenue: 0,
  completion_percentage: 0,
  start_date: null,
  end_date: null,
  estimated_end_date: null,
};
const history: AllocationHistory = {
  employees: [ada, bob, newcomer],
  projects: [web, bare],
  allocations: [
    // Ada's past work: one finished, one still running at the cutoff; one that starts later.
    { employee_id: 1, project_id: 11, allocation_percentage: 40, allocated_hours: 100, start_date: "2024-03-01", end_date: "2024-06-30" },
    { employee_id: 1, project_id: 11, allocation_percentage: 60, allocated_hours: 200, start_date: "2024-09-01", end_date: null },
    { employee_id: 1, project_id: 10, allocation_percentage: 90, allocated_hours: 900, start_date: "2025-08-01", end_date: "2025-09-30" },
    // Bob on the web project before the cutoff: a peer whose skills the project learns.
    { employee_id: 2, project_id: 10, allocation_percentage: 50, allocated_hours: 300, start_date: "2025-01-01", end_date: "2025-03-31" },
    // Allocations of people or projects the history does not know.
    { employee_id: 99, project_id: 10, allocation_percentage: 10, allocated_hours: 10, start_date: "2025-01-01", end_date: "2025-02-28" },
    { employee_id: 2, project_id: 98, allocation_percentage: 10, allocated_hours: 10, start_date: "2025-01-01", end_date: "2025-02-28" },
  ],
  timesheets: [
    { employee_id: 1, project_id: 11, month: "2024-03", hours: 60 },
    { employee_id: 1, project_id: 11, month: "2024-04", hours: 80 },
    { employee_id: 1, project_id: 11, month: "2025-07", hours: 1000 }, // from the cutoff's month: not read
    { employee_id: 2, project_id: 10, month: "2025-02", hours: 120 },
  ],
};
const window = { start_date: "2025-07-01", end_date: "2025-09-30" };
const DAY = 86_400_000;
const days = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / DAY;
const years = (from: string, to: string) => days(from, to) / 365.25;

describe("allocation features", () => {
  const index = indexHistory(history);
  const named = (values: number[]) => Object.fromEntries(ALLOCATION_FEATURES.map((name, i) => [name, values[i]]));

  it("reads only the history before the window: skills, past work, tenure, money and schedule", () => {
    expect(named(allocationFeatures(ada, web, window, index))).toEqual({
      employee_skill_count: 3,
      // The project's skills: its own "ts" plus peer Bob's "sql" and "css"; Ada shares ts and sql.
      skill_coverage: 2 / 3,
      skill_jaccard: 2 / 4,
      project_skills_known: 1,
      past_allocations_log: Math.log1p(2),
      past_mean_allocation_share: 0.5,
      past_mean_monthly_hours: 70,
      past_total_hours_log: Math.log1p(140),
      concurrent_allocation_share: 0.6,
      tenure_years: years("2024-01-01", "2025-07-01"),
      salary_log: Math.log1p(60_000),
      project_cost_log: Math.log1p(1000),
      project_revenue_log: Math.log1p(3000),
      project_hours_so_far_log: Math.log1p(120),
      project_peers_log: Math.log1p(2),
      planned_duration_years: years("2025-01-01", "2025-12-31"),
      years_to_estimated_end: years("2025-07-01", "2025-12-31"),
      elapsed_share: days("2025-01-01", "2025-07-01") / days("2025-01-01", "2025-12-31"),
      project_started: 1,
      project_past_end: 0,
      planned_allocation_months: days("2025-07-01", "2025-09-30") / 30.44,
    });
  });

  it("answers zeros, not NaN, for a newcomer on a project with no skills, dates, money or history", () => {
    const features = named(allocationFeatures(newcomer, bare, { start_date: "2025-07-01" }, indexHistory({ employees: [], allocations: [], timesheets: [] })));
    expect(features).toEqual({
      ...Object.fromEntries(ALLOCATION_FEATURES.map((name) => [name, 0])),
      // Without an estimated end the window defaults to 91 days.
      planned_allocation_months: 91 / 30.44,
    });
  });

  it("ends a window without an end at the project's estimated end, or 91 days on when that has passed", () => {
    const months = (project: AllocationProject, start: string) => allocationFeatures(bob, project, { start_date: start, end_date: null }, index).at(-1);
    expect(months(web, "2025-07-01")).toBeCloseTo(days("2025-07-01", "2025-12-31") / 30.44, 12);
    expect(months(web, "2026-03-01")).toBeCloseTo(91 / 30.44, 12);
    // A cutoff after the estimated end: past the end, elapsed share capped at 1.5.
    const late = named(allocationFeatures(bob, web, { start_date: "2027-01-01" }, index));
    expect({ past: late.project_past_end, elapsed: late.elapsed_share, tenure: late.tenure_years }).toEqual({ past: 1, elapsed: 1.5, tenure: 0 });
  });
});

describe("allocation training examples", () => {
  it("is one example per ended allocation of known people and projects, oldest first, with the booked hours", () => {
    const examples = allocationExamples(history, "2026-01-01");
    expect(examples.map((e) => [e.employee_id, e.project_id, e.start_date, e.allocation_percentage, e.hours, e.on_time])).toEqual([
      // Ada's timesheets in March–June 2024 on the bare project (planned: no outcome known).
      [1, 11, "2024-03-01", 40, 140, null],
      // Bob's booked February on the web project, which is open after its estimated end: late.
      [2, 10, "2025-01-01", 50, 120, false],
      // Ada has no timesheets on the web project: its planned hours stand in.
      [1, 10, "2025-08-01", 90, 900, false],
    ]);
    expect(examples[0]!.features).toEqual(allocationFeatures(ada, bare, { start_date: "2024-03-01", end_date: "2024-06-30" }, indexHistory(history)));
    // Before the web allocations ended, nothing about them is an example yet.
    expect(allocationExamples(history, "2025-03-31").map((e) => e.start_date)).toEqual(["2024-03-01"]);
  });

  it("knows a project's outcome once it finished or overran its estimated end", () => {
    const project = (change: Partial<AllocationProject>): AllocationProject => ({ ...web, ...change });
    expect(projectOnTime(project({ status: "completed", end_date: "2025-12-01" }), "2026-06-01")).toBe(true);
    expect(projectOnTime(project({ status: "completed", end_date: "2026-01-15" }), "2026-06-01")).toBe(false);
    expect(projectOnTime(project({ status: "completed", end_date: null }), "2026-06-01")).toBe(false);
    expect(projectOnTime(project({ status: "in_progress" }), "2025-06-01")).toBeNull();
    expect(projectOnTime(project({ status: "cancelled" }), "2026-06-01")).toBeNull();
    expect(projectOnTime(project({ estimated_end_date: null }), "2026-06-01")).toBeNull();
  });
});

describe("loading allocation artifacts", () => {
  const valid = {
    format: ALLOCATION_ARTIFACTS_FORMAT,
    version: ALLOCATION_ARTIFACTS_VERSION,
    trained_at: "2026-01-01T00:00:00.000Z",
    feature_names: [...ALLOCATION_FEATURES],
    normalization: { mean: [], std: [], hours_mean: 0, hours_std: 1 },
    metrics: {},
    hyperparameters: {},
    model_topology: {},
    weight_specs: [],
    weights_base64: "",
  };

  it("refuses what is not its format, and names what is wrong", async () => {
    for (const bad of [null, "model", { ...valid, weights_base64: 7 }, { ...valid, feature_names: "x" }, { ...valid, weight_specs: {} }]) {
      await expect(loadAllocationModel(bad)).rejects.toMatchObject({ code: "invalid_artifacts", message: `not ${ALLOCATION_ARTIFACTS_FORMAT} artifacts` });
    }
    await expect(loadAllocationModel({ ...valid, feature_names: ["salary_log"] })).rejects.toMatchObject({
      code: "invalid_artifacts",
      message: "artifacts were trained on other features than this version computes",
    });
    await expect(loadAllocationModel({ ...valid, weights_base64: "not base64!" })).rejects.toMatchObject({
      code: "invalid_artifacts",
      message: "weights_base64 is not base64",
    });
  });
});

describe("ranking alternatives", () => {
  it("answers no one, without running the model, when every candidate is excluded", () => {
    const unused = {} as AllocationModel; // predictRows never reads a model for zero rows
    expect(rankAlternatives(unused, [ada, bob], web, { history, exclude: [1, "2"] })).toEqual([]);
  });
});
