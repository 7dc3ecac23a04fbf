import {
  REPORT_SECTIONS,
  reportModelSchema,
  type ForecastPoint,
  type KeyFigure,
  type ReportCell,
  type ReportColumn,
  type ReportModel,
  type ReportScope,
  type ReportSection,
  type ReportSectionContent,
  type ReportTable,
  type SeriesPoint,
} from "./report-model.js";

/** Company figures, as the analytics API answers `GET /analytics/company`. */
export interface CompanyFiguresInput {
  department_count: number;
  employee_count: number;
  project_count: number;
  total_revenue: number;
  total_cost: number;
  profit: number;
  roi: number | null;
  productivity_index: number | null;
  total_hours: number;
}

/** A department row; `revenue`/`cost` or core's `total_revenue`/`total_cost`. */
export type DepartmentRowInput = {
  department_id: number;
  name: string;
  profit: number;
  roi: number | null;
  productivity_index: number | null;
  budget_utilization: number | null;
  employee_count?: number;
  total_hours?: number;
} & ({ revenue: number; cost: number } | { total_revenue: number; total_cost: number });

/**
 * An employee row (core's `EmployeeAnalytics`, optionally with the department's name). The pay
 * fields (`cost`, `profit`, `roi`) are absent when the reader may not see this person's pay
 * (docs/privacy.md): they print as "—" and rank last among the top performers.
 */
export interface EmployeeRowInput {
  employee_id: number;
  name: string;
  department_id: number;
  department_name?: string;
  revenue: number;
  cost?: number | null;
  profit?: number | null;
  roi?: number | null;
  total_hours: number;
  productivity_index: number | null;
}

/** A project row (core's `ProjectAnalytics`). */
export interface ProjectRowInput {
  project_id: number;
  name: string;
  revenue: number;
  direct_cost: number;
  labour_cost: number;
  total_cost: number;
  profit: number;
  roi: number | null;
  total_hours: number;
  productivity_index: number | null;
  status?: string;
}

/** What the server gathers for a report; the builder does the rest. */
export interface ReportInput {
  /** Defaults to "Productivity & cost report". */
  title?: string;
  generated_at: Date | string;
  period: { from: string; to: string };
  /** Defaults to the company, named "Company". */
  scope?: ReportScope;
  /** ISO 4217 code, e.g. `EUR`. */
  currency: string;
  /** The sections to print; defaults to every section whose data is given. */
  sections?: readonly ReportSection[];
  company?: CompanyFiguresInput;
  departments?: readonly DepartmentRowInput[];
  employees?: readonly EmployeeRowInput[];
  projects?: readonly ProjectRowInput[];
  series?: readonly SeriesPoint[];
  forecasts?: readonly ForecastPoint[];
  /** How many employees the top performers list shows (default 10), ranked by profit. */
  topPerformers?: number;
}

const reportMetaSchema = reportModelSchema.omit({ sections: true });

const col = (key: string, label: string, kind: ReportColumn["kind"]): ReportColumn => ({ key, label, kind });

/** Column sets of the built-in tables, exported so that a web app can label the same figures. */
export const REPORT_COLUMNS = {
  departments: [
    col("name", "Department", "text"),
    col("revenue", "Revenue", "money"),
    col("cost", "Cost", "money"),
    col("profit", "Profit", "money"),
    col("roi", "ROI", "percent"),
    col("productivity_index", "Revenue / hour", "money"),
    col("budget_utilization", "Budget used", "percent"),
  ],
  employees: [
    col("name", "Employee", "text"),
    col("department", "Department", "text"),
    col("revenue", "Revenue", "money"),
    col("cost", "Salary", "money"),
    col("profit", "Profit", "money"),
    col("roi", "ROI", "percent"),
    col("total_hours", "Hours", "number"),
    col("productivity_index", "Revenue / hour", "money"),
  ],
  projects: [
    col("name", "Project", "text"),
    col("revenue", "Revenue", "money"),
    col("direct_cost", "Direct cost", "money"),
    col("labour_cost", "Labour cost", "money"),
    col("total_cost", "Total cost", "money"),
    col("profit", "Profit", "money"),
    col("roi", "ROI", "percent"),
    col("total_hours", "Hours", "number"),
  ],
  monthly_trend: [
    col("month", "Month", "month"),
    col("hours", "Hours", "number"),
    col("revenue", "Revenue", "money"),
    col("labour_cost", "Labour cost", "money"),
    col("salary_cost", "Salary cost", "money"),
    col("direct_cost", "Direct cost", "money"),
    col("profit", "Profit", "money"),
    col("roi", "ROI", "percent"),
    col("productivity_index", "Revenue / hour", "money"),
  ],
  forecasts: [
    col("figure", "Figure", "text"),
    col("month", "Month", "month"),
    col("predicted", "Predicted", "number"),
    col("lower", "Lower", "number"),
    col("upper", "Upper", "number"),
  ],
} as const satisfies Record<string, readonly ReportColumn[]>;

const SECTION_TITLES: Record<ReportSection, string> = {
  company_summary: "Key figures",
  departments: "Departments",
  employees: "Employees",
  top_performers: "Top performers",
  project_profitability: "Project profitability",
  monthly_trend: "Monthly trend",
  forecasts: "Forecasts",
};

function table(columns: readonly ReportColumn[], rows: Array<Record<string, ReportCell>>): ReportTable {
  return { columns: [...columns], rows };
}

function departmentRow(d: DepartmentRowInput): Record<string, ReportCell> {
  const revenue = "revenue" in d ? d.revenue : d.total_revenue;
  const cost = "cost" in d ? d.cost : d.total_cost;
  return {
    name: d.name,
    revenue,
    cost,
    profit: d.profit,
    roi: d.roi,
    productivity_index: d.productivity_index,
    budget_utilization: d.budget_utilization,
  };
}

function employeeRows(employees: readonly EmployeeRowInput[], departmentNames: Map<number, string>) {
  return employees.map((e) => ({
    name: e.name,
    department: e.department_name ?? departmentNames.get(e.department_id) ?? String(e.department_id),
    revenue: e.revenue,
    cost: e.cost ?? null,
    profit: e.profit ?? null,
    roi: e.roi ?? null,
    total_hours: e.total_hours,
    productivity_index: e.productivity_index,
  }));
}

function keyFigures(c: CompanyFiguresInput): KeyFigure[] {
  return [
    { key: "total_revenue", label: "Revenue", value: c.total_revenue, kind: "money" },
    { key: "total_cost", label: "Cost", value: c.total_cost, kind: "money" },
    { key: "profit", label: "Profit", value: c.profit, kind: "money" },
    { key: "roi", label: "ROI", value: c.roi, kind: "percent" },
    { key: "productivity_index", label: "Revenue per hour", value: c.productivity_index, kind: "money" },
    { key: "total_hours", label: "Hours", value: c.total_hours, kind: "number" },
    { key: "department_count", label: "Departments", value: c.department_count, kind: "integer" },
    { key: "employee_count", label: "Employees", value: c.employee_count, kind: "integer" },
    { key: "project_count", label: "Projects", value: c.project_count, kind: "integer" },
  ];
}

/**
 * Builds a validated report model from plain analytics objects; the server only gathers data.
 *
 * @example
 * const model = buildReportModel({ generated_at: new Date(), period: { from: "2024-01-01", to: "2024-12-31" }, currency: "EUR", company });
 */
export function buildReportModel(input: ReportInput): ReportModel {
  const available: Record<ReportSection, boolean> = {
    company_summary: input.company !== undefined,
    departments: input.departments !== undefined,
    employees: input.employees !== undefined,
    top_performers: input.employees !== undefined,
    project_profitability: input.projects !== undefined,
    monthly_trend: input.series !== undefined,
    forecasts: input.forecasts !== undefined && input.forecasts.length > 0,
  };
  const wanted = new Set(input.sections ?? REPORT_SECTIONS.filter((s) => available[s]));
  const departmentNames = new Map((input.departments ?? []).map((d) => [d.department_id, d.name]));
  const sections: ReportSectionContent[] = [];
  for (const kind of REPORT_SECTIONS) {
    if (!wanted.has(kind)) continue;
    const title = SECTION_TITLES[kind];
    switch (kind) {
      case "company_summary":
        if (input.company) sections.push({ kind, title, figures: keyFigures(input.company) });
        break;
      case "departments":
        sections.push({ kind, title, table: table(REPORT_COLUMNS.departments, (input.departments ?? []).map(departmentRow)) });
        break;
      case "employees":
        sections.push({ kind, title, table: table(REPORT_COLUMNS.employees, employeeRows(input.employees ?? [], departmentNames)) });
        break;
      case "top_performers": {
        const top = [...(input.employees ?? [])]
          .sort((a, b) => (b.profit ?? -Infinity) - (a.profit ?? -Infinity) || a.employee_id - b.employee_id)
          .slice(0, input.topPerformers ?? 10);
        sections.push({ kind, title, table: table(REPORT_COLUMNS.employees, employeeRows(top, departmentNames)) });
        break;
      }
      case "project_profitability":
        sections.push({
          kind,
          title,
          table: table(
            REPORT_COLUMNS.projects,
            (input.projects ?? []).map((p) => ({
              name: p.name,
              revenue: p.revenue,
              direct_cost: p.direct_cost,
              labour_cost: p.labour_cost,
              total_cost: p.total_cost,
              profit: p.profit,
              roi: p.roi,
              total_hours: p.total_hours,
            })),
          ),
        });
        break;
      case "monthly_trend": {
        const points = [...(input.series ?? [])];
        sections.push({ kind, title, points, table: table(REPORT_COLUMNS.monthly_trend, points.map((p) => ({ ...p }))) });
        break;
      }
      case "forecasts":
        sections.push({ kind, title, table: table(REPORT_COLUMNS.forecasts, (input.forecasts ?? []).map((f) => ({ ...f }))) });
        break;
    }
  }
  const generatedAt = typeof input.generated_at === "string" ? input.generated_at : input.generated_at.toISOString();
  // The sections are built here from typed input, so only the caller's metadata is validated:
  // parsing 100,000 rows again would copy them all (time and peak memory) to learn nothing.
  const meta = reportMetaSchema.parse({
    title: input.title ?? "Productivity & cost report",
    generated_at: generatedAt,
    period: input.period,
    scope: input.scope ?? { kind: "company", name: "Company" },
    currency: input.currency,
  });
  return { ...meta, sections };
}
