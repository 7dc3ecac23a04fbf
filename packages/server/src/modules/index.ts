import type { ServerModule } from "../http/module.js";
import { allocationModule } from "./allocations.js";
import { analyticsModule } from "./analytics.js";
import { authModule } from "./auth.js";
import { departmentModule } from "./departments.js";
import { employeeModule } from "./employees.js";
import { healthModule } from "./health.js";
import { jobModule } from "./jobs.js";
import { projectModule } from "./projects.js";
import { timesheetModule } from "./timesheets.js";
import { uploadModule } from "./uploads.js";
import { userModule } from "./users.js";

export { allocationModule, analyticsModule, authModule, departmentModule, employeeModule, healthModule, jobModule, projectModule, timesheetModule, uploadModule, userModule };

/** The documented API (spec 000 section 4 and the contract's additions), in the document's order. */
export function builtInModules(): ServerModule[] {
  return [authModule, userModule, departmentModule, employeeModule, projectModule, timesheetModule, allocationModule, analyticsModule, jobModule, healthModule, uploadModule];
}
