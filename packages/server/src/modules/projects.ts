import { z } from "zod";
import type { ServerModule } from "../http/module.js";
import type { RouteTable } from "../http/route-table.js";
import { idParam, idParams, pageQuery } from "../http/params.js";
import { created, ok, page } from "../http/replies.js";
import { schemas } from "./schemas.js";

const tags = ["projects"];
const projId = idParams("proj_id");
const listQuery = pageQuery.extend({ department_id: idParam.optional(), status: schemas.ProjectStatus.optional() });

/** `/projects`: spec 000 section 4, "Project Management Endpoints". */
function routes(api: RouteTable): void {
  api.define(
    {
      method: "get",
      path: "/projects/",
      summary: "List all projects",
      tags,
      permission: { action: "read", resource: "projects" },
      request: { query: listQuery },
      responses: { 200: { description: "One page of projects", schema: z.array(schemas.Project), headers: ["X-Total-Count"] } },
    },
    async ({ epca, actor, query: { skip, limit, ...filter } }) =>
      page(await epca.projects.list(actor, filter, { skip, limit })),
  );

  api.define(
    {
      method: "post",
      path: "/projects/",
      summary: "Create project",
      description: "A department head creates projects of their own department only.",
      tags,
      permission: { action: "create", resource: "projects" },
      request: { body: schemas.ProjectCreate },
      responses: { 201: { description: "The created project", schema: schemas.Project, headers: ["Location"] } },
    },
    async ({ epca, actor, body, req }) => created(req, "/projects", await epca.projects.create(actor, body)),
  );

  api.define(
    {
      method: "get",
      path: "/projects/{proj_id}",
      summary: "Get project details",
      tags,
      prefetch: { record: "projects", param: "proj_id" },
      permission: { action: "read", resource: "projects" },
      request: { params: projId },
      responses: { 200: { description: "The project", schema: schemas.Project } },
    },
    async ({ epca, actor, params }) => ok(await epca.projects.get(actor, params.proj_id)),
  );

  api.define(
    {
      method: "put",
      path: "/projects/{proj_id}",
      summary: "Update project",
      tags,
      permission: { action: "update", resource: "projects" },
      request: { params: projId, body: schemas.ProjectUpdate },
      responses: { 200: { description: "The updated project", schema: schemas.Project } },
    },
    async ({ epca, actor, params, body }) => ok(await epca.projects.update(actor, params.proj_id, body)),
  );

  api.define(
    {
      method: "delete",
      path: "/projects/{proj_id}",
      summary: "Delete project",
      conflicts: "The project has timesheets or allocations; set its status to cancelled instead",
      tags,
      permission: { action: "delete", resource: "projects" },
      request: { params: projId },
      responses: { 200: { description: "The deleted project", schema: schemas.Project } },
    },
    async ({ epca, actor, params }) => ok(await epca.projects.delete(actor, params.proj_id)),
  );

  api.define(
    {
      method: "get",
      path: "/projects/department/{dept_id}",
      summary: "Get department projects",
      tags,
      permission: { action: "read", resource: "projects" },
      request: { params: idParams("dept_id"), query: pageQuery },
      responses: { 200: { description: "One page of the department's projects", schema: z.array(schemas.Project), headers: ["X-Total-Count"] } },
    },
    async ({ epca, actor, params, query }) =>
      page(await epca.departments.projects(actor, params.dept_id, { skip: query.skip, limit: query.limit })),
  );
}

/** The `projects` module. */
export const projectModule: ServerModule = {
  name: "projects",
  tags: [{ name: "projects", description: 'Projects with cost, revenue and status; "Project Management Endpoints".' }],
  routes,
};
