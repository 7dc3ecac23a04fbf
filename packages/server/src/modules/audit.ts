import { allocationSchema, auditEntrySchema, timesheetSchema } from "@epca/core";
import { z } from "zod";
import type { ServerModule } from "../http/module.js";
import { named } from "../http/openapi.js";
import { idParam, idParams, pageQuery } from "../http/params.js";
import { ok, page } from "../http/replies.js";
import type { RouteTable } from "../http/route-table.js";
import { schemas } from "./schemas.js";

const AuditEntry = named(auditEntrySchema, "AuditEntry");
/** An ISO date (`YYYY-MM-DD`, read in UTC) or an ISO instant with its offset. */
const instantQuery = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);
const auditQuery = pageQuery.extend({
  resource_type: z.string().min(1).max(50).optional(),
  resource_id: z.string().min(1).max(100).optional(),
  user_id: idParam.optional(),
  action: z.string().min(1).max(50).optional(),
  from: instantQuery.optional(),
  to: instantQuery.optional(),
});
const EmployeeExport = named(
  z.object({
    exported_at: z.iso.datetime(),
    employee: schemas.Employee,
    timesheets: z.array(named(timesheetSchema, "Timesheet")),
    allocations: z.array(named(allocationSchema, "Allocation")),
    users: z.array(schemas.User.extend({ role_ids: z.array(z.number().int()) })),
    audit_entries: z.array(AuditEntry),
  }),
  "EmployeeExport",
);

/** `/audit-logs` and the personal-data export (API contract section 11). */
function routes(api: RouteTable): void {
  api.define(
    {
      method: "get",
      path: "/audit-logs/",
      summary: "List audit log entries",
      description:
        "One entry for every change (create, update, delete, submit, approve, reject, login, logout, role changes, tenant changes, export, erase) with who, what, before and after, IP, user agent and request id, written in the same transaction as the change. Append-only. `from` / `to` bound `created_at` inclusively (a date is read in UTC).",
      tags: ["audit"],
      permission: { action: "read", resource: "audit_logs", everywhere: true },
      request: { query: auditQuery },
      responses: { 200: { description: "One page of entries, oldest first", schema: z.array(AuditEntry), headers: ["X-Total-Count"] } },
    },
    async ({ epca, actor, query: { skip, limit, ...filter } }) => page(await epca.audit.list(actor, filter, { skip, limit })),
  );

  api.define(
    {
      method: "get",
      path: "/employees/{emp_id}/export",
      summary: "Export employee data",
      description: "Right of access: everything stored about the employee (record, timesheets, allocations, linked user accounts, audit entries about them) as JSON. Admins.",
      tags: ["employees", "audit"],
      permission: { action: "delete", resource: "employees", everywhere: true },
      request: { params: idParams("emp_id") },
      responses: { 200: { description: "The employee's data", schema: EmployeeExport } },
    },
    async ({ epca, actor, params }) => ok(await epca.personalData.exportEmployee(actor, params.emp_id)),
  );
}

/** The `audit` module: the audit log and the right of access. */
export const auditModule: ServerModule = {
  name: "audit",
  tags: [{ name: "audit", description: "The append-only audit log, and personal-data export (GDPR)." }],
  routes,
};
