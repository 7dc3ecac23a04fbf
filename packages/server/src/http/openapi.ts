import { extendZodWithOpenApi, OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { SERVER_VERSION } from "../version.js";
import { API_BASE_PATH } from "./replies.js";

extendZodWithOpenApi(z);

/** An OpenAPI tag a module documents its routes under. */
export interface OpenApiTag {
  readonly name: string;
  readonly description?: string;
}

/**
 * `schema` under an OpenAPI component name. Schemas built before the extension above ran (core's:
 * ESM evaluates imports first) lack the `.openapi` method; calling the installed prototype method
 * on them does the same thing: a copy that parses identically, plus metadata.
 */
export function named<T extends z.ZodType>(schema: T, refId: string): T {
  const openapi = (z.ZodType.prototype as unknown as { openapi: (this: T, refId: string) => T }).openapi;
  return openapi.call(schema, refId);
}

/** FastAPI's error body. */
export const errorSchema = named(
  z.object({
    detail: z.union([
      z.string(),
      z.array(z.object({ loc: z.array(z.union([z.string(), z.number()])), msg: z.string(), type: z.string() })),
    ]),
  }),
  "HTTPError",
);

/** A registry with the API's security scheme (OAuth2 password flow on `/auth/login`, as FastAPI shows it). */
export function createOpenApiRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", "OAuth2PasswordBearer", {
    type: "oauth2",
    flows: { password: { tokenUrl: `${API_BASE_PATH.slice(1)}/auth/login`, scopes: {} } },
  });
  return registry;
}

/** The OpenAPI 3.1 document of every route registered so far, with the modules' tags. */
export function generateOpenApiDocument(registry: OpenAPIRegistry, tags: readonly OpenApiTag[]): Record<string, unknown> {
  const generator = new OpenApiGeneratorV31(registry.definitions);
  return generator.generateDocument({
    openapi: "3.1.0",
    info: {
      title: "EPCA: Employee Productivity & Cost Analytics API",
      version: SERVER_VERSION,
      description:
        "The documented REST API. Lists take `skip` and `limit` (≤ 1000) and carry the total in `X-Total-Count`. Errors are FastAPI-shaped: `{\"detail\": ...}`.",
    },
    tags: tags.map((tag) => ({ ...tag })),
  }) as unknown as Record<string, unknown>;
}
