import { z } from "zod";

/** The sections a report may hold, in the order they are printed. */
export const reportSectionSchema = z.enum([
  "company_summary",
  "departments",
  "employees",
  "top_performers",
  "project_profitability",
  "monthly_trend",
  "forecasts",
]);
export type ReportSection = z.infer<typeof reportSectionSchema>;
/** Every section, in print order. */
export const REPORT_SECTIONS: readonly ReportSection[] = reportSectionSchema.options;

/**
 * How a column's values are read and shown: `money` in the report's currency, `percent` and
 * `ratio` as fractions (0.25 is shown as 25.0 % or 0.25), `date` as `YYYY-MM-DD`, `month` as `YYYY-MM`.
 */
export const columnKindSchema = z.enum(["text", "integer", "number", "money", "ratio", "percent", "date", "month"]);
export type ColumnKind = z.infer<typeof columnKindSchema>;

/** One column of a table. */
export const reportColumnSchema = z.object({
  key: z.string().min(1),
  label: z.string(),
  kind: columnKindSchema,
});
export type ReportColumn = z.infer<typeof reportColumnSchema>;

/** A cell: text, a number, or `null` (no value, e.g. a ratio with a zero denominator; shown as "—"). */
export const reportCellSchema = z.union([z.string(), z.number(), z.null()]);
export type ReportCell = z.infer<typeof reportCellSchema>;

/** A table: its columns and rows keyed by column key. */
export const reportTableSchema = z.object({
  columns: z.array(reportColumnSchema).min(1),
  rows: z.array(z.record(z.string(), reportCellSchema)),
});
export type ReportTable = z.infer<typeof reportTableSchema>;

/** One key figure of the company summary. */
export const keyFigureSchema = z.object({
  key: z.string(),
  label: z.string(),
  value: z.number().nullable(),
  kind: columnKindSchema,
});
export type KeyFigure = z.infer<typeof keyFigureSchema>;

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "YYYY-MM");

/** One month of the analytics-over-time series, as the analytics API answers it. */
export const seriesPointSchema = z.object({
  month,
  hours: z.number(),
  labour_cost: z.number(),
  salary_cost: z.number(),
  direct_cost: z.number(),
  revenue: z.number(),
  profit: z.number(),
  roi: z.number().nullable(),
  productivity_index: z.number().nullable(),
});
export type SeriesPoint = z.infer<typeof seriesPointSchema>;

/** One forecast value with its interval. */
export const forecastPointSchema = z.object({
  figure: z.string(),
  month,
  predicted: z.number(),
  lower: z.number().nullable(),
  upper: z.number().nullable(),
});
export type ForecastPoint = z.infer<typeof forecastPointSchema>;

const tableSection = <K extends string>(kind: K) =>
  z.object({ kind: z.literal(kind), title: z.string(), table: reportTableSchema });

/** One section of a report; `kind` says which. */
export const reportSectionContentSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("company_summary"), title: z.string(), figures: z.array(keyFigureSchema) }),
  tableSection("departments"),
  tableSection("employees"),
  tableSection("top_performers"),
  tableSection("project_profitability"),
  z.object({
    kind: z.literal("monthly_trend"),
    title: z.string(),
    table: reportTableSchema,
    points: z.array(seriesPointSchema),
  }),
  tableSection("forecasts"),
]);
export type ReportSectionContent = z.infer<typeof reportSectionContentSchema>;

/** Whom the report covers: the whole company or one department. */
export const reportScopeSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("company"), name: z.string() }),
  z.object({ kind: z.literal("department"), department_id: z.number().int().positive(), name: z.string() }),
]);
export type ReportScope = z.infer<typeof reportScopeSchema>;

/** Everything a renderer needs: the four formats print this and nothing else. */
export const reportModelSchema = z.object({
  title: z.string().min(1),
  generated_at: z.iso.datetime({ offset: true }),
  period: z.object({ from: z.iso.date(), to: z.iso.date() }),
  scope: reportScopeSchema,
  currency: z.string().regex(/^[A-Z]{3}$/, "ISO 4217 code, e.g. EUR"),
  sections: z.array(reportSectionContentSchema),
});
export type ReportModel = z.infer<typeof reportModelSchema>;
