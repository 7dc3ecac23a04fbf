import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemoryStore } from "@epca/adapter-memory";
import { createApp, testConfig } from "@epca/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testHasher, TEST_SECRET } from "./support/harness.js";

async function listen(webDir: string | undefined): Promise<{ base: string; close(): void }> {
  const app = createApp({ store: createMemoryStore(), config: testConfig({ SECRET_KEY: TEST_SECRET }), passwordHasher: testHasher, ...(webDir ? { webDir } : {}) });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

describe("createApp({ webDir }): the web app at /", () => {
  let dir: string;
  let web: { base: string; close(): void };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "epca-web-"));
    mkdirSync(join(dir, "assets"));
    writeFileSync(join(dir, "index.html"), '<!doctype html><html><head><script type="module" src="/assets/index-abc123.js"></script></head><body>app</body></html>');
    writeFileSync(join(dir, "assets", "index-abc123.js"), "console.log(1)");
    writeFileSync(join(dir, "epca-widgets.js"), "console.log(2)");
    // With a trailing separator, as `@epca/web`'s `webDistDir` is.
    web = await listen(`${dir}/`);
  });
  afterAll(() => {
    web.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers a browser's GET / with index.html, revalidated on every load, with the security headers", async () => {
    const response = await fetch(`${web.base}/`, { headers: { accept: "text/html" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(response.headers.get("cache-control")).toBe("no-cache");
    expect(response.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(await response.text()).toContain("<body>app</body>");
  });

  it("caches hashed assets for a year and revalidates other files", async () => {
    const asset = await fetch(`${web.base}/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(asset.headers.get("content-type")).toMatch(/javascript/);
    expect(asset.headers.get("x-content-type-options")).toBe("nosniff");
    const widgets = await fetch(`${web.base}/epca-widgets.js`);
    expect(widgets.headers.get("cache-control")).toBe("no-cache");
    // Another origin's page may load the widgets script; the app's page itself stays same-origin.
    expect(widgets.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    expect((await fetch(`${web.base}/`, { headers: { accept: "text/html" } })).headers.get("cross-origin-resource-policy")).toBe("same-origin");
  });

  it("keeps the API, its documents and the JSON pointer where they were", async () => {
    const json = await fetch(`${web.base}/`, { headers: { accept: "application/json" } });
    expect(((await json.json()) as { links: { api: string } }).links.api).toBe("/api/v1/");
    const health = await fetch(`${web.base}/api/v1/health`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { status: string }).status).toBe("healthy");
    expect((await fetch(`${web.base}/openapi.json`)).status).toBe(200);
    expect((await fetch(`${web.base}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${web.base}/api/v1/nothing`)).status).toBe(404);
  });

  it("without a built app (no index.html in the directory) answers the pointer page as before", async () => {
    const empty = mkdtempSync(join(tmpdir(), "epca-web-empty-"));
    const bare = await listen(empty);
    try {
      const html = await fetch(`${bare.base}/`, { headers: { accept: "text/html" } });
      expect(await html.text()).toContain('<a href="/docs/">Swagger UI</a>');
    } finally {
      bare.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
