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

/**
 * The OAuth2 password flow of the API mounted at `base` (`""` at the root, `/hr` under a host's
 * path): absolute paths, so that Swagger UI posts to the API's login and not relative to `/docs/`.
 */
export function passwordFlow(base: string): { tokenUrl: string; refreshUrl: string; scopes: Record<string, string> } {
  return { tokenUrl: `${base}${API_BASE_PATH}/auth/login`, refreshUrl: `${base}${API_BASE_PATH}/auth/refresh`, scopes: {} };
}

/** A registry with the API's security scheme (OAuth2 password flow on `/auth/login`, as FastAPI shows it). */
export function createOpenApiRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", "OAuth2PasswordBearer", {
    type: "oauth2",
    description:
      "Log in at `POST /api/v1/auth/login` with the email as `username`; send the access token as `Authorization: Bearer <token>`. The tokens are JWTs signed with HS256 following RFC8725 (JWT best current practices): the algorithm is pinned on verification, access and refresh tokens carry distinct `typ` headers, `exp`, `iat` and `jti` are set and checked, and refresh tokens rotate.",
    flows: { password: passwordFlow("") },
  });
  return registry;
}

/**
 * The document as served under `base` (the router's mount path): `servers` and the login flow's
 * URLs point there.
 */
export function documentAt(document: Record<string, unknown>, base: string): Record<string, unknown> {
  if (!base) return document;
  const components = document.components as { securitySchemes?: Record<string, Record<string, unknown>> } | undefined;
  const schemes = { ...components?.securitySchemes };
  if (schemes.OAuth2PasswordBearer) schemes.OAuth2PasswordBearer = { ...schemes.OAuth2PasswordBearer, flows: { password: passwordFlow(base) } };
  return { ...document, servers: [{ url: base, description: "This server" }], components: { ...components, securitySchemes: schemes } };
}

/**
 * zod-to-openapi writes a regex with flags as `source/flags` (`^[^\u0000]*$/u`), a pattern that
 * matches nothing: the flags are dropped (JSON Schema patterns are ECMA-262 with Unicode semantics).
 */
function fixPatterns(node: unknown): void {
  if (Array.isArray(node)) node.forEach(fixPatterns);
  else if (typeof node === "object" && node !== null) {
    const record = node as Record<string, unknown>;
    if (typeof record.pattern === "string") record.pattern = record.pattern.replace(/\$\/[dgimsuvy]+$/, "$");
    Object.values(record).forEach(fixPatterns);
  }
}

/** The OpenAPI 3.1 document of every route registered so far, with the modules' tags. */
export function generateOpenApiDocument(registry: OpenAPIRegistry, tags: readonly OpenApiTag[]): Record<string, unknown> {
  const generator = new OpenApiGeneratorV31(registry.definitions);
  const document = generator.generateDocument({
    openapi: "3.1.0",
    info: {
      title: "EPCA: Employee Productivity & Cost Analytics API",
      license: { name: "MIT", identifier: "MIT" },
      version: SERVER_VERSION,
      description:
        "The documented REST API. Lists take `skip` and `limit` (≤ 1000) and carry the total in `X-Total-Count`. Errors are FastAPI-shaped: `{\"detail\": ...}`.",
    },
    servers: [{ url: "/", description: "This server" }],
    tags: tags.map((tag) => ({ ...tag })),
  }) as unknown as Record<string, unknown>;
  fixPatterns(document);
  return document;
}
