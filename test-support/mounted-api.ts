import { expect } from "vitest";

/**
 * Checks an EPCA API mounted under `prefix` of a host app at `base`: health with its database check,
 * the OpenAPI document, Swagger UI, and nothing of EPCA's outside the prefix.
 */
export async function expectMountedApi(base: string, prefix: string): Promise<void> {
  const health = await fetch(`${base}${prefix}/api/v1/health`);
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({ status: "healthy", checks: { database: { status: "healthy" } } });

  const openapi = await fetch(`${base}${prefix}/openapi.json`);
  expect(openapi.status).toBe(200);
  const document = (await openapi.json()) as { openapi: string; paths: Record<string, unknown> };
  expect(document.openapi).toMatch(/^3\./);
  expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(["/api/v1/health", "/api/v1/auth/login", "/api/v1/departments/"]));

  const docs = await fetch(`${base}${prefix}/docs/`);
  expect(docs.status).toBe(200);
  expect(docs.headers.get("content-type")).toMatch(/text\/html/);
  expect(await docs.text()).toMatch(/swagger/i);

  // Outside the prefix the host app's 404, not EPCA's.
  expect((await fetch(`${base}/api/v1/health`)).status).toBe(404);
}
