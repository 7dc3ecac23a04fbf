import { z } from "zod";
import type { ServerModule } from "../http/module.js";
import type { RouteTable } from "../http/route-table.js";
import { booleanQuery, idParam, idParams, pageQuery } from "../http/params.js";
import { ok, page } from "../http/replies.js";
import { schemas } from "./schemas.js";

const tags = ["users"];
const userId = idParams("user_id");
const listQuery = pageQuery.extend({
  role: z.string().max(50).optional(),
  department_id: idParam.optional(),
  is_active: booleanQuery.optional(),
});

/** `/users`: spec 000 section 4, "User Management Endpoints". */
function routes(api: RouteTable): void {
  api.define(
    {
      method: "get",
      path: "/users/",
      summary: "List all users",
      tags,
      permission: { action: "read", resource: "users", everywhere: true },
      request: { query: listQuery },
      responses: { 200: { description: "One page of users", schema: z.array(schemas.User), headers: ["X-Total-Count"] } },
    },
    async ({ epca, actor, query: { skip, limit, ...filter } }) =>
      page(await epca.users.list(actor, filter, { skip, limit })),
  );

  api.define(
    {
      method: "get",
      path: "/users/{user_id}",
      summary: "Get user by ID",
      description: "Admin, or the user themself.",
      tags,
      permission: { action: "read", resource: "users" },
      request: { params: userId },
      responses: { 200: { description: "The user", schema: schemas.User } },
    },
    async ({ epca, actor, params }) => ok(await epca.users.get(actor, params.user_id)),
  );

  api.define(
    {
      method: "put",
      path: "/users/{user_id}",
      summary: "Update user",
      conflicts: "A user with this email already exists",
      description: "Admin, or the user themself; only an admin changes `role`, `is_active`, `department_id` or `employee_id`.",
      tags,
      permission: { action: "update", resource: "users" },
      request: { params: userId, body: schemas.UserUpdate },
      responses: { 200: { description: "The updated user", schema: schemas.User } },
    },
    async ({ epca, actor, params, body }) => ok(await epca.users.update(actor, params.user_id, body)),
  );

  api.define(
    {
      method: "delete",
      path: "/users/{user_id}",
      summary: "Delete user",
      conflicts: "You cannot delete your own account",
      tags,
      permission: { action: "delete", resource: "users" },
      request: { params: userId },
      responses: { 200: { description: "The deleted user", schema: schemas.User } },
    },
    async ({ epca, actor, params }) => ok(await epca.users.delete(actor, params.user_id)),
  );
}

/** The `users` module. */
export const userModule: ServerModule = {
  name: "users",
  tags: [{ name: "users", description: 'User accounts; "User Management Endpoints".' }],
  routes,
};
