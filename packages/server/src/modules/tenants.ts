import { tenantCreateSchema, tenantSchema, tenantUpdateSchema, tenantUsageSchema } from "@epca/core";
import { z } from "zod";
import type { ServerModule } from "../http/module.js";
import { named } from "../http/openapi.js";
import { dateQuery } from "../http/params.js";
import { created, ok } from "../http/replies.js";
import type { RouteTable } from "../http/route-table.js";

const tags = ["tenants"];
const Tenant = named(tenantSchema, "Tenant");
const TenantCreate = named(tenantCreateSchema, "TenantCreate");
const TenantUpdate = named(tenantUpdateSchema, "TenantUpdate");
const TenantUsage = named(tenantUsageSchema, "TenantUsage");
const tenantParams = z.object({ tenant_id: z.string().min(1).max(63) });
const PLATFORM = "Platform administrators only (the first admin, `FIRST_ADMIN_EMAIL`, of the `default` tenant); any other caller: 403.";

/** `/tenants`: the platform administrator's provisioning (API contract section 11). */
function routes(api: RouteTable): void {
  api.define(
    {
      method: "post",
      path: "/tenants/",
      summary: "Create tenant",
      description: `Creates the tenant and its first admin (\`admin_email\`, \`admin_password\`) in one transaction; the plan's limits apply. ${PLATFORM}`,
      tags,
      unitOfWork: "platform",
      permission: { action: "create", resource: "tenants", everywhere: true },
      conflicts: "The subdomain is taken",
      request: { body: TenantCreate },
      responses: { 201: { description: "The created tenant", schema: Tenant, headers: ["Location"] } },
    },
    async ({ epca, actor, body, req }) => created(req, "/tenants", await epca.tenants.create(actor, body)),
  );

  api.define(
    {
      method: "get",
      path: "/tenants/",
      summary: "List tenants",
      description: PLATFORM,
      tags,
      unitOfWork: "platform",
      permission: { action: "read", resource: "tenants", everywhere: true },
      responses: { 200: { description: "Every tenant, in creation order", schema: z.array(Tenant), headers: ["X-Total-Count"] } },
    },
    async ({ epca, actor }) => {
      const tenants = await epca.tenants.list(actor);
      return { status: 200, body: tenants, headers: { "X-Total-Count": String(tenants.length) } };
    },
  );

  api.define(
    {
      method: "get",
      path: "/tenants/{tenant_id}",
      summary: "Get tenant",
      description: PLATFORM,
      tags,
      unitOfWork: "platform",
      permission: { action: "read", resource: "tenants", everywhere: true },
      request: { params: tenantParams },
      responses: { 200: { description: "The tenant", schema: Tenant } },
    },
    async ({ epca, actor, params }) => ok(await epca.tenants.get(actor, params.tenant_id)),
  );

  api.define(
    {
      method: "patch",
      path: "/tenants/{tenant_id}",
      summary: "Update tenant",
      description: `Suspends (\`is_active: false\`) or reactivates, changes the plan (the limits become the plan's unless \`limits\` is sent too) and limits. A suspended tenant's every request, login and tokens issued before included, is 403. ${PLATFORM}`,
      tags,
      unitOfWork: "platform",
      permission: { action: "update", resource: "tenants", everywhere: true },
      conflicts: "The platform's own tenant cannot be suspended",
      request: { params: tenantParams, body: TenantUpdate },
      responses: { 200: { description: "The updated tenant", schema: Tenant } },
    },
    async ({ epca, actor, params, body }) => ok(await epca.tenants.update(actor, params.tenant_id, body)),
  );

  api.define(
    {
      method: "get",
      path: "/tenants/{tenant_id}/usage",
      summary: "Get tenant usage",
      description: `Users, projects, storage and this month's training time against the limits, and the daily counters (API calls, predictions, active users, storage, training) in \`[from, to]\` (default: the last 30 days). ${PLATFORM}`,
      tags,
      unitOfWork: "platform",
      permission: { action: "read", resource: "tenants", everywhere: true },
      request: { params: tenantParams, query: z.object({ from: dateQuery.optional(), to: dateQuery.optional() }) },
      responses: { 200: { description: "The tenant's usage", schema: TenantUsage } },
    },
    async ({ epca, actor, params, query }) => ok(await epca.tenants.usage(actor, params.tenant_id, query)),
  );
}

/** The `tenants` module: tenant provisioning, plans, suspension and usage. */
export const tenantModule: ServerModule = {
  name: "tenants",
  tags: [{ name: "tenants", description: "Tenants of a multi-tenant deployment: provisioning, plans and limits, suspension, usage (platform administrators)." }],
  routes,
};
