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

type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  default?: unknown;
  format?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
};

/** Realistic values of the API's fields, by name; anything else is built from its schema. */
const SAMPLE_VALUES: Readonly<Record<string, unknown>> = {
  username: "admin@example.com",
  email: "ada@example.com",
  password: "correct-horse-battery",
  full_name: "Ada Lovelace",
  name: "Engineering",
  description: "Builds and runs the product",
  budget: 500000,
  salary: 85000,
  revenue_generated: 170000,
  cost: 120000,
  revenue: 300000,
  hours_worked: 7.5,
  allocation_percentage: 50,
  allocated_hours: 80,
  completion_percentage: 40,
  date: "2026-01-15",
  hire_date: "2024-03-01",
  start_date: "2026-01-05",
  end_date: "2026-03-27",
  estimated_end_date: "2026-03-31",
  reason: "Hours belong to another project",
  subdomain: "acme",
  cron: "0 7 * * 1",
  timezone: "Europe/Berlin",
  refresh_token: "eyJhbGciOiJIUzI1NiIsInR5cCI6InJ0K2p3dCJ9.e30.c2lnbmF0dXJl",
};

/** The `name` of a record, by the component its schema is (`EmployeeCreate` → an employee's name). */
const SAMPLE_NAMES: Readonly<Record<string, string>> = { Employee: "Ada Lovelace", Project: "Website relaunch", Department: "Engineering", Role: "auditor", Tenant: "Acme Corporation" };

/** An example value valid under `schema` (components resolved by `$ref`). */
function sample(schema: JsonSchema, name: string, components: Record<string, JsonSchema>, depth = 0, component = ""): unknown {
  if (depth > 6) return null;
  if (schema.$ref) {
    const ref = schema.$ref.split("/").pop()!;
    return sample(components[ref] ?? {}, name, components, depth + 1, ref);
  }
  if (schema.anyOf) return sample(schema.anyOf.find((s) => s.type !== "null") ?? schema.anyOf[0]!, name, components, depth + 1);
  if (schema.enum) return schema.default ?? schema.enum.find((v) => v !== null);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  if (type === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, property] of Object.entries(schema.properties ?? {})) {
      const recordName = key === "name" ? Object.entries(SAMPLE_NAMES).find(([prefix]) => component.startsWith(prefix))?.[1] : undefined;
      if (recordName !== undefined) out[key] = recordName;
      else if (schema.required?.includes(key) || key in SAMPLE_VALUES) out[key] = sample(property, key, components, depth + 1);
    }
    return out;
  }
  if (type === "array") return schema.items ? [sample(schema.items, name, components, depth + 1)] : [];
  if (name in SAMPLE_VALUES) return SAMPLE_VALUES[name];
  if (type === "integer" || type === "number") return Math.max(schema.minimum ?? 1, (schema.exclusiveMinimum ?? 0) + 1);
  if (type === "boolean") return true;
  if (type === "string") {
    if (schema.format === "date") return "2026-01-15";
    if (schema.format === "date-time") return "2026-01-15T09:00:00Z";
    if (schema.format === "email") return "ada@example.com";
    // A string id (a job's) is a UUID.
    if (name.endsWith("_id") && (schema.maxLength ?? 36) >= 36) return "3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f";
    return "example".padEnd(schema.minLength ?? 0, "x").slice(0, schema.maxLength ?? 7);
  }
  return null;
}

/** Examples of every request body and path parameter that has none. */
function addExamples(document: Record<string, unknown>): void {
  const components = ((document.components as { schemas?: Record<string, JsonSchema> } | undefined)?.schemas ?? {}) as Record<string, JsonSchema>;
  const paths = (document.paths ?? {}) as Record<string, Record<string, { parameters?: { in: string; name: string; schema: JsonSchema; example?: unknown }[]; requestBody?: { content: Record<string, { schema: JsonSchema; example?: unknown }> } }>>;
  for (const operations of Object.values(paths)) {
    for (const operation of Object.values(operations)) {
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in === "path" && parameter.example === undefined) parameter.example = sample(parameter.schema, parameter.name, components);
      }
      for (const media of Object.values(operation.requestBody?.content ?? {})) {
        media.example ??= sample(media.schema, "body", components);
      }
    }
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
  addExamples(document);
  return document;
}
