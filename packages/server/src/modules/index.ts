import type { ServerModule } from "../http/module.js";
import { allocationModule } from "./allocations.js";
import { analyticsModule } from "./analytics.js";
import { authModule } from "./auth.js";
import { departmentModule } from "./departments.js";
import { employeeModule } from "./employees.js";
import { healthModule } from "./health.js";
import { jobModule } from "./jobs.js";
import { mlModule } from "./ml.js";
import { predictionModule } from "./predictions.js";
import { projectModule } from "./projects.js";
import { createReportsModule, reportsModule, type ReportsModuleOptions } from "./reports.js";
import { timesheetModule } from "./timesheets.js";
import { uploadModule } from "./uploads.js";
import { userModule } from "./users.js";
import { tenantModule } from "./tenants.js";
import { roleModule } from "./roles.js";
import { auditModule } from "./audit.js";

export { allocationModule, analyticsModule, auditModule, authModule, createReportsModule, departmentModule, employeeModule, healthModule, jobModule, mlModule, predictionModule, projectModule, reportsModule, roleModule, tenantModule, timesheetModule, uploadModule, userModule, type ReportsModuleOptions };

/** The documented API (spec 000 section 4 and the contract's additions), in the document's order. */
export function builtInModules(): ServerModule[] {
  return [authModule, userModule, departmentModule, employeeModule, projectModule, timesheetModule, allocationModule, analyticsModule, jobModule, healthModule, tenantModule, roleModule, auditModule, reportsModule, uploadModule, predictionModule, mlModule];
}
