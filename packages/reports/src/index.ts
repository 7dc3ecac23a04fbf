/**
 * @epca/reports — files in and out: PDF, Excel, CSV and TXT renderers of one report model, and
 * streaming CSV/XLSX import parsing of our own format and other trackers' exports. No HTTP.
 *
 * @packageDocumentation
 */
export {
  FileTooLargeError,
  InvalidHeaderError,
  isReportsError,
  ReportExpiredError,
  ReportFilesUnavailableError,
  ReportNotFoundError,
  ReportsError,
  TooManyRowsError,
  UnknownFormatError,
  UnsupportedFileTypeError,
  type ReportsErrorCode,
} from "./errors.js";
export {
  columnKindSchema,
  forecastPointSchema,
  keyFigureSchema,
  REPORT_SECTIONS,
  reportCellSchema,
  reportColumnSchema,
  reportModelSchema,
  reportScopeSchema,
  reportSectionContentSchema,
  reportSectionSchema,
  reportTableSchema,
  seriesPointSchema,
  type ColumnKind,
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
} from "./model/report-model.js";
export {
  buildReportModel,
  REPORT_COLUMNS,
  type CompanyFiguresInput,
  type DepartmentRowInput,
  type EmployeeRowInput,
  type ProjectRowInput,
  type ReportInput,
} from "./model/build-report-model.js";
export { departmentRoiChart, monthlyTrendChart, reportCharts, type ChartSeries, type ChartSpec } from "./charts/chart-spec.js";
export { neutralizeCell } from "./render/neutralize.js";
export { formatCell, MISSING_VALUE } from "./render/format.js";
export { renderCsv } from "./render/csv.js";
export { renderTxt, type TxtOptions } from "./render/txt.js";
export { excelNumberFormat, renderXlsx, type XlsxOptions } from "./render/xlsx.js";
export { renderPdf, type PdfOptions } from "./render/pdf.js";
export { loadBundledFonts, type PdfFonts } from "./render/fonts.js";
export { parseUpload, type OwnFormatUpload, type ParsedUpload, type ParseUploadOptions, type TrackerProjectUpload, type TrackerTimesheetUpload, type UploadFormat } from "./upload/parse-upload.js";
export { isZip, looksLikeText, type UploadInput } from "./upload/byte-source.js";
export type { UploadRow } from "./upload/upload-row.js";
export { ENTITY_FIELDS, UPLOAD_ENTITIES, type EntityReference, type EntityValues, type ReferenceKind, type UploadEntity } from "./upload/own-format.js";
export {
  TRACKER_FORMATS,
  type RowError,
  type TrackerColumns,
  type TrackerFormat,
  type TrackerProject,
  type TrackerTimesheet,
} from "./upload/tracker-formats.js";
export { resolveReferences, resolveTrackerTimesheet, type ReferenceResolver } from "./upload/references.js";
export { hoursBetween, hoursBetweenInstants, parseDate, parseDecimal, parseDurationHours, parseTimeOfDay } from "./upload/values.js";
export type { ReportFileInput, ReportFileStore, ReportFileSummary, ReportFilesScope, StoredReportFile } from "./ports.js";
export {
  createReportUseCases,
  type ForecastSource,
  type GeneratedReport,
  type ReportPlan,
  type ReportRequest,
  type ReportUseCaseOptions,
  type ReportUseCases,
} from "./use-cases.js";
export { createMemoryReportFileStore } from "./memory-report-file-store.js";
export { REPORT_FORMATS, renderReport, type ReportFormat } from "./render/render-report.js";
export { UploadsUnavailableError, type TimesheetDraftColumns, type UploadImportStore, type UploadReceipt, type UploadScope } from "./upload/import-store.js";
export { importUseCases, MAX_REPORTED_ERRORS, PROGRESS_EVERY, type ImportOptions, type ImportResult, type ImportUseCases } from "./upload/import-use-cases.js";
