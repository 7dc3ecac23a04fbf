/**
 * The embeddable widgets in a plain HTML page of another origin (examples/embed-widgets/index.html),
 * against the real server with that origin allowed in BACKEND_CORS_ORIGINS.
 */
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, launchBrowser, screenshot, seriousViolations, skipReason, startDemoServer, VIEWPORTS, type DemoServer } from "./support/e2e.js";

describe.skipIf(skipReason !== null)("the widgets script in a plain page", () => {
  let server: DemoServer;
  let host: Server;
  let hostUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    host = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end(readFileSync(join(ROOT, "examples/embed-widgets/index.html"))));
    host.listen(0, "127.0.0.1");
    await once(host, "listening");
    hostUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
    server = await startDemoServer({ BACKEND_CORS_ORIGINS: JSON.stringify([hostUrl]) });
    browser = await launchBrowser();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    host?.close();
  });

  it("draws the company dashboard, two department cards and the rankings with the API's figures", async () => {
    const page = await browser.newPage({ viewport: VIEWPORTS.desktop });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${hostUrl}/?server=${encodeURIComponent(server.base)}`);
    await page.getByText("Connected to EPCA.").waitFor();
    const token = await server.login("analyst@example.com");
    const now = new Date();
    const q = `from=${new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 12, 1)).toISOString().slice(0, 10)}&to=${new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0)).toISOString().slice(0, 10)}`;
    const company = (await server.api("GET", `/analytics/company?${q}`, token)).body;
    const eur = new Intl.NumberFormat("de-DE", { style: "currency", currency: "EUR", maximumFractionDigits: 0 });
    const revenue = page.locator("epca-company-dashboard").getByRole("region", { name: "Total revenue" }).locator(".value");
    await expect.poll(() => revenue.innerText(), { timeout: 20_000 }).toBe(eur.format(company.total_revenue));
    await page.locator("epca-company-dashboard").getByRole("img", { name: "ROI by department" }).waitFor();
    await expect.poll(() => page.locator('epca-department-card[department-id="3"] h3').first().innerText(), { timeout: 20_000 }).toBe("Marketing");
    await expect.poll(() => page.locator('epca-department-card[department-id="1"] h3').first().innerText()).toBe("Engineering");
    const top = (await server.api("GET", `/analytics/top-performers?limit=3&metric=productivity_index&${q}`, token)).body as { name: string }[];
    await expect.poll(() => page.locator("epca-rankings").locator("#top-people + ol .name").allInnerTexts()).toEqual(top.map((p) => p.name));
    // The shadow roots keep the host page's styles out and the widgets' in.
    expect(await page.evaluate(() => getComputedStyle(document.body).fontFamily)).toMatch(/Georgia/);
    const violations = await seriousViolations(page);
    expect(violations, JSON.stringify(violations, null, 1)).toEqual([]);
    await screenshot(page, "widgets-desktop");
    await page.setViewportSize(VIEWPORTS.phone);
    await screenshot(page, "widgets-phone");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("says so when no token is given", async () => {
    const page = await browser.newPage();
    await page.setContent(`<!doctype html><html lang="en"><head><title>t</title><script src="${server.base}/epca-widgets.js"></script></head><body><main><epca-department-card department-id="1"></epca-department-card></main></body></html>`);
    await expect.poll(() => page.locator("epca-department-card").getByRole("alert").innerText()).toBe("EPCA widget: no token given.");
    await page.close();
  });
});
