/**
 * Reports page end to end: generate and download a PDF and an Excel report, the stored files and
 * schedules. The report routes come from another branch (API contract section 8): until they are
 * merged the server answers its router's 404 and these tests skip, saying so.
 */
import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, routeMissing, screenshot, seriousViolations, settled, signIn, skipReason, startDemoServer, VIEWPORTS, type DemoServer } from "./support/e2e.js";

describe.skipIf(skipReason !== null)("reports page", () => {
  let server: DemoServer;
  let browser: Browser;
  let page: Page;
  let missing: string | null = null;

  beforeAll(async () => {
    server = await startDemoServer();
    const token = await server.login("analyst@example.com");
    if (await routeMissing(server, token, "GET", "/reports/generate?report_type=csv")) missing = "GET /reports/generate answers 404 (the reports branch is not merged)";
    if (missing) console.warn(`[epca] web-reports e2e SKIPPED: ${missing}`);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: VIEWPORTS.desktop, acceptDownloads: true });
    await signIn(page, server.base, "analyst@example.com");
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("renders accessibly whether or not the server has report routes", async () => {
    await page.goto(`${server.base}/#/reports`);
    await settled(page);
    const violations = await seriousViolations(page);
    expect(violations, JSON.stringify(violations, null, 1)).toEqual([]);
    await screenshot(page, "reports-desktop");
    await page.setViewportSize(VIEWPORTS.phone);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "reports-phone");
    await page.setViewportSize(VIEWPORTS.desktop);
  });

  for (const [format, label, magic] of [
    ["pdf", "PDF", "%PDF"],
    ["excel", "Excel", "PK"],
  ] as const) {
    it(`downloads a ${label} report`, async (ctx) => {
      if (missing) return ctx.skip();
      await page.goto(`${server.base}/#/reports`);
      await settled(page);
      await page.getByLabel("Format").first().selectOption(format);
      const download = page.waitForEvent("download", { timeout: 120_000 });
      await page.getByRole("button", { name: "Generate and download" }).click();
      const file = await download;
      const path = await file.path();
      expect(readFileSync(path).subarray(0, magic.length).toString("latin1")).toBe(magic);
      expect(file.suggestedFilename()).toMatch(format === "pdf" ? /\.pdf$/ : /\.xlsx$/);
      await page.getByText(`${label} report downloaded.`).waitFor();
    });
  }

  it("generates in the background with progress and lists the stored file", async (ctx) => {
    if (missing) return ctx.skip();
    const token = await server.login("analyst@example.com");
    if (await routeMissing(server, token, "GET", "/reports/files")) return ctx.skip();
    await page.goto(`${server.base}/#/reports`);
    await settled(page);
    await page.getByLabel("Format").first().selectOption("csv");
    await page.getByLabel("Generate in the background (large reports)").check();
    const download = page.waitForEvent("download", { timeout: 120_000 });
    await page.getByRole("button", { name: "Generate and download" }).click();
    await download;
    const files = (await server.api("GET", "/reports/files", token)).body as unknown[];
    expect(files.length).toBeGreaterThan(0);
  });
});
