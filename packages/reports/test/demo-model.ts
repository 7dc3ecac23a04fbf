import { buildReportModel, type ReportInput, type ReportModel } from "../src/index.js";

/** A deterministic pseudo-random sequence (mulberry32). */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ["Anna", "Jonas", "Marta", "Luis", "Zoë", "Søren", "Ελένη", "Дмитрий", "Ayşe", "Łukasz", "Chiara", "Noah", "Inès", "Mateo", "Oksana", "Jürgen", "Amélie", "Nikolaj", "Ярослава", "Σοφία"];
const LAST = ["Müller", "García", "Kowalski", "Nguyen", "Øster", "Παπαδόπουλος", "Иванова", "Yılmaz", "Rossi", "Dubois", "Schäfer", "Novák", "Smirnova", "O'Brien", "Fernández"];
const DEPARTMENTS = ["Engineering", "Sales & Marketing", "Operations", "Research", "Customer Success"];
const PROJECTS = ["Atlas platform", "Billing revamp", "Mobile app 2.0", "Data warehouse", "Partner portal", "Onboarding flow", "Search relevance", "Edge caching", "Compliance audit", "Analytics widgets", "Support bot", "Legacy migration"];

/** The input of a demo-like organisation: 5 departments, 40 employees, 12 projects, 12 months. */
export function demoReportInput(overrides: Partial<ReportInput> = {}): ReportInput {
  const rnd = random(42);
  const employees = Array.from({ length: 40 }, (_, i) => {
    const department_id = (i % 5) + 1;
    const cost = Math.round(45_000 + rnd() * 60_000);
    const revenue = i % 13 === 7 ? 0 : Math.round(cost * (department_id === 3 ? 0.5 + rnd() * 0.6 : 0.6 + rnd() * 1.2));
    const total_hours = i === 39 ? 0 : Math.round(1_200 + rnd() * 600);
    return {
      employee_id: i + 1,
      name: `${FIRST[i % FIRST.length]} ${LAST[(i * 7) % LAST.length]}`,
      department_id,
      revenue,
      cost,
      profit: revenue - cost,
      roi: (revenue - cost) / cost,
      total_hours,
      productivity_index: total_hours === 0 ? null : revenue / total_hours,
    };
  });
  const departments = DEPARTMENTS.map((name, d) => {
    const own = employees.filter((e) => e.department_id === d + 1);
    const revenue = own.reduce((s, e) => s + e.revenue, 0);
    const cost = own.reduce((s, e) => s + e.cost, 0);
    const hours = own.reduce((s, e) => s + e.total_hours, 0);
    const budget = cost * (0.9 + d * 0.1);
    return {
      department_id: d + 1,
      name,
      revenue,
      cost,
      profit: revenue - cost,
      roi: cost === 0 ? null : (revenue - cost) / cost,
      productivity_index: hours === 0 ? null : revenue / hours,
      budget_utilization: cost / budget,
      total_hours: hours,
    };
  });
  const projects = PROJECTS.map((name, p) => {
    const revenue = p === 11 ? 0 : Math.round(80_000 + rnd() * 400_000);
    const direct_cost = Math.round(20_000 + rnd() * 90_000);
    const labour_cost = Math.round(40_000 + rnd() * 150_000);
    const total_cost = direct_cost + labour_cost;
    const total_hours = Math.round(800 + rnd() * 4_000);
    return {
      project_id: p + 1,
      name,
      revenue,
      direct_cost,
      labour_cost,
      total_cost,
      profit: revenue - total_cost,
      roi: (revenue - total_cost) / total_cost,
      total_hours,
      productivity_index: revenue / total_hours,
    };
  });
  const series = Array.from({ length: 12 }, (_, m) => {
    const hours = Math.round(4_800 + 900 * Math.sin(m / 2) + rnd() * 400);
    const revenue = Math.round(260_000 + 12_000 * m + 30_000 * Math.sin(m) + rnd() * 20_000);
    const labour_cost = Math.round(hours * 38);
    const salary_cost = Math.round(150_000 + rnd() * 5_000);
    const direct_cost = Math.round(20_000 + rnd() * 15_000);
    const cost = salary_cost + direct_cost;
    return {
      month: `2024-${String(m + 1).padStart(2, "0")}`,
      hours,
      labour_cost,
      salary_cost,
      direct_cost,
      revenue,
      profit: revenue - cost,
      roi: (revenue - cost) / cost,
      productivity_index: revenue / hours,
    };
  });
  const total_revenue = departments.reduce((s, d) => s + d.revenue, 0);
  const total_cost = departments.reduce((s, d) => s + d.cost, 0);
  const total_hours = employees.reduce((s, e) => s + e.total_hours, 0);
  return {
    title: "Productivity & cost report",
    generated_at: "2025-01-06T08:30:00.000Z",
    period: { from: "2024-01-01", to: "2024-12-31" },
    scope: { kind: "company", name: "Demo Organisation" },
    currency: "EUR",
    company: {
      department_count: 5,
      employee_count: 40,
      project_count: 12,
      total_revenue,
      total_cost,
      profit: total_revenue - total_cost,
      roi: (total_revenue - total_cost) / total_cost,
      productivity_index: total_revenue / total_hours,
      total_hours,
    },
    departments,
    employees,
    projects,
    series,
    forecasts: [
      { figure: "revenue", month: "2025-01", predicted: 401_000, lower: 372_000, upper: 430_000 },
      { figure: "revenue", month: "2025-02", predicted: 409_500, lower: 371_000, upper: 448_000 },
      { figure: "revenue", month: "2025-03", predicted: 418_250, lower: null, upper: null },
    ],
    ...overrides,
  };
}

/** The demo organisation's report model. */
export function demoReportModel(overrides: Partial<ReportInput> = {}): ReportModel {
  return buildReportModel(demoReportInput(overrides));
}
