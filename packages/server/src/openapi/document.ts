import { OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import { API_BASE_PATH } from "../http/replies.js";
import { SERVER_VERSION } from "../version.js";

/** A registry with the API's security scheme (OAuth2 password flow on `/auth/login`, as FastAPI shows it). */
export function createOpenApiRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", "OAuth2PasswordBearer", {
    type: "oauth2",
    flows: { password: { tokenUrl: `${API_BASE_PATH.slice(1)}/auth/login`, scopes: {} } },
  });
  return registry;
}

/** The OpenAPI 3.1 document of every route registered so far. */
export function generateOpenApiDocument(registry: OpenAPIRegistry): Record<string, unknown> {
  const generator = new OpenApiGeneratorV31(registry.definitions);
  return generator.generateDocument({
    openapi: "3.1.0",
    info: {
      title: "EPCA: Employee Productivity & Cost Analytics API",
      version: SERVER_VERSION,
      description:
        "The documented REST API. Lists take `skip` and `limit` (≤ 1000) and carry the total in `X-Total-Count`. Errors are FastAPI-shaped: `{\"detail\": ...}`.",
    },
    tags: [
      { name: "auth" },
      { name: "users" },
      { name: "departments" },
      { name: "employees" },
      { name: "projects" },
      { name: "timesheets" },
      { name: "allocations" },
      { name: "analytics" },
      { name: "system" },
    ],
  }) as unknown as Record<string, unknown>;
}
