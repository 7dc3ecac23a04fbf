/**
 * Forecasts page end to end: the forecast computed in the browser with @epca/ml beside the server's
 * (`GET /predict/department/{id}`), and the backtest figures. The prediction routes come from
 * another branch (API contract section 7): until they are merged the server answers its router's
 * 404 and the comparison skips, saying so; the in-browser forecast is tested either way.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, routeMissing, screenshot, seriousViolations, settled, signIn, skipReason, startDemoServer, VIEWPORTS, type DemoServer } from "./support/e2e.js";

function lastCompleteMonth(): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
}

describe.skipIf(skipReason !== null)("forecasts page", { timeout: 120_000 }, () => {
  let server: DemoServer;
  let browser: Browser;
  let page: Page;
  let missing: string | null = null;

  beforeAll(async () => {
    server = await startDemoServer();
    const token = await server.login("analyst@example.com");
    if (await routeMissing(server, token, "GET", "/predict/department/1")) missing = "GET /predict/department/{id} answers 404 (the predictions branch is not merged)";
    if (missing) console.warn(`[epca] web-forecast e2e comparison SKIPPED: ${missing}`);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: VIEWPORTS.desktop });
    await signIn(page, server.base, "analyst@example.com");
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("computes a forecast with its interval and backtest in the browser, from the API's monthly history", async () => {
    await page.goto(`${server.base}/#/forecasts?kind=department&id=1`);
    await settled(page, 60_000);
    await page.getByRole("img", { name: "Engineering: revenue history and forecast" }).waitFor({ timeout: 60_000 });
    const predicted = Number(await page.locator('[data-testid="browser-figures"] dd[data-value]').getAttribute("data-value"));
    expect(predicted).toBeGreaterThan(0);
    const accuracy = await page.locator('[data-testid="backtest"] dd').first().innerText();
    expect(accuracy).toMatch(/^(\d+(\.\d)?%|—)$/);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "forecasts-desktop");
    await page.setViewportSize(VIEWPORTS.phone);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "forecasts-phone");
    await page.setViewportSize(VIEWPORTS.desktop);
  });

  it("shows the server's forecast beside it, equal to the API's answer, and close to the browser's", async (ctx) => {
    if (missing) return ctx.skip();
    const token = await server.login("analyst@example.com");
    const answer = (await server.api("GET", `/predict/department/1?horizon=3&as_of=${lastCompleteMonth()}`, token)).body as { predictions: { revenue: { predicted: number } } };
    await page.goto(`${server.base}/#/forecasts?kind=department&id=1`);
    await settled(page, 60_000);
    const shown = page.locator('[data-testid="server-figures"] dd[data-value]');
    await shown.waitFor({ timeout: 60_000 });
    expect(Number(await shown.getAttribute("data-value"))).toBe(answer.predictions.revenue.predicted);
    const browserValue = Number(await page.locator('[data-testid="browser-figures"] dd[data-value]').getAttribute("data-value"));
    expect(Math.abs(browserValue - answer.predictions.revenue.predicted) / Math.max(1, Math.abs(answer.predictions.revenue.predicted))).toBeLessThan(0.01);
  });
});
