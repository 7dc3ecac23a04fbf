import { idSchema, permissionSchema, roleCreateSchema, roleSchema, roleUpdateSchema } from "@epca/core";
import { z } from "zod";
import type { ServerModule } from "../http/module.js";
import { named } from "../http/openapi.js";
import { idParams } from "../http/params.js";
import { created, ok } from "../http/replies.js";
import type { RouteTable } from "../http/route-table.js";
import { schemas } from "./schemas.js";

const tags = ["roles"];
const Role = named(roleSchema, "Role");
const RoleListed = named(
  z.object({
    id: idSchema.nullable().describe("`null` for the four built-in roles"),
    name: z.string(),
    description: z.string().nullable(),
    permissions: z.array(permissionSchema),
    is_system: z.boolean(),
    created_at: z.iso.datetime().optional(),
    updated_at: z.iso.datetime().optional(),
  }),
  "RoleListed",
);
const RoleCreate = named(roleCreateSchema, "RoleCreate");
const RoleUpdate = named(roleUpdateSchema, "RoleUpdate");
const UserRoles = named(z.object({ role_ids: z.array(idSchema).max(100) }), "UserRolesUpdate");
const roleId = idParams("role_id");

/** `/roles` and `PUT /users/{id}/roles`: custom roles of a tenant (API contract section 11). */
function routes(api: RouteTable): void {
  api.define(
    {
      method: "get",
      path: "/roles/",
      summary: "List roles",
      description: "The four built-in roles first (`id: null`, `is_system: true`, read-only), then the tenant's custom roles by id.",
      tags,
      permission: { action: "read", resource: "roles", everywhere: true },
      responses: { 200: { description: "Every role", schema: z.array(RoleListed) } },
    },
    async ({ epca, actor }) => ok(await epca.roles.list(actor)),
  );

  api.define(
    {
      method: "post",
      path: "/roles/",
      summary: "Create role",
      description: "A custom role: seed-003 permissions `[{resource, actions, scope?}]`, `*` for any resource or action. A user may do what any of their roles allows.",
      tags,
      permission: { action: "create", resource: "roles", everywhere: true },
      conflicts: "A role with this name exists (the built-in names are reserved)",
      request: { body: RoleCreate },
      responses: { 201: { description: "The created role", schema: Role, headers: ["Location"] } },
    },
    async ({ epca, actor, body, req }) => created(req, "/roles", await epca.roles.create(actor, body)),
  );

  api.define(
    {
      method: "put",
      path: "/roles/{role_id}",
      summary: "Update role",
      description: "A custom role; the built-in ones have no id and cannot be changed. Holders get the new permissions on their next request.",
      tags,
      permission: { action: "update", resource: "roles", everywhere: true },
      conflicts: "A role with this name exists (the built-in names are reserved)",
      request: { params: roleId, body: RoleUpdate },
      responses: { 200: { description: "The updated role", schema: Role } },
    },
    async ({ epca, actor, params, body }) => ok(await epca.roles.update(actor, params.role_id, body)),
  );

  api.define(
    {
      method: "delete",
      path: "/roles/{role_id}",
      summary: "Delete role",
      description: "A custom role, and every grant of it.",
      tags,
      permission: { action: "delete", resource: "roles", everywhere: true },
      request: { params: roleId },
      responses: { 200: { description: "The deleted role", schema: Role } },
    },
    async ({ epca, actor, params }) => ok(await epca.roles.delete(actor, params.role_id)),
  );

  api.define(
    {
      method: "put",
      path: "/users/{user_id}/roles",
      summary: "Set user roles",
      description: "Replaces the custom roles a user holds on top of their built-in `role` (an unknown role id: 404).",
      tags: ["users", ...tags],
      permission: { action: "manage", resource: "users", everywhere: true },
      request: { params: idParams("user_id"), body: UserRoles },
      responses: { 200: { description: "The user with their custom role ids", schema: named(schemas.User.extend({ role_ids: z.array(idSchema) }), "UserWithRoles") } },
    },
    async ({ epca, actor, params, body }) => ok(await epca.users.setRoles(actor, params.user_id, body.role_ids)),
  );
}

/** The `roles` module: custom roles and the roles of users. */
export const roleModule: ServerModule = {
  name: "roles",
  tags: [{ name: "roles", description: "Built-in and custom roles (seed-003 permissions), and the extra roles of users." }],
  routes,
};
