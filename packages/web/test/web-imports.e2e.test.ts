/**
 * Imports page end to end: a Toggl export of the demo organisation's people, a dry run listing the
 * row that cannot be matched at its row and column, then the import of the valid rows. The upload
 * routes come from another branch (API contract section 8): until they are merged the server
 * answers its router's 404 and the import tests skip, saying so.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, launchBrowser, routeMissing, screenshot, seriousViolations, settled, signIn, skipReason, startDemoServer, VIEWPORTS, type DemoServer } from "./support/e2e.js";

function lastWeekend(): [string, string] {
  const now = new Date();
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const dow = (new Date(today).getUTCDay() + 6) % 7;
  const saturday = today - (dow + 2) * 86_400_000;
  return [new Date(saturday).toISOString().slice(0, 10), new Date(saturday + 86_400_000).toISOString().slice(0, 10)];
}

describe.skipIf(skipReason !== null)("imports page", () => {
  let server: DemoServer;
  let browser: Browser;
  let page: Page;
  let missing: string | null = null;
  const [sat, sun] = lastWeekend();
  const file = join(mkdtempSync(join(tmpdir(), "epca-web-import-")), "toggl.csv");

  beforeAll(async () => {
    writeFileSync(
      file,
      "\uFEFFUser,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,End time,Duration,Tags\n" +
        `Katherine Johnson,employee@example.com,,Data Platform,,Pipeline,No,${sat},09:00:00,${sat},12:30:00,03:30:00,\n` +
        `Katherine Johnson,employee@example.com,,Data Platform,,Review,No,${sun},10:00:00,${sun},11:15:00,01:15:00,\n` +
        `Nobody Known,nobody@nowhere.test,,Data Platform,,Ghost,No,${sun},10:00:00,${sun},11:00:00,01:00:00,\n`,
    );
    server = await startDemoServer();
    const token = await server.login(ADMIN.email);
    if (await routeMissing(server, token, "POST", "/upload/timesheets?dry_run=true")) missing = "POST /upload/timesheets answers 404 (the uploads branch is not merged)";
    if (missing) console.warn(`[epca] web-imports e2e SKIPPED: ${missing}`);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: VIEWPORTS.desktop });
    await signIn(page, server.base, ADMIN.email);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("renders accessibly", async () => {
    await page.goto(`${server.base}/#/imports`);
    await settled(page);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "imports-desktop");
    await page.setViewportSize(VIEWPORTS.phone);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "imports-phone");
    await page.setViewportSize(VIEWPORTS.desktop);
  });

  it("previews a Toggl export with its row error, then imports the valid rows", async (ctx) => {
    if (missing) return ctx.skip();
    await page.goto(`${server.base}/#/imports`);
    await settled(page);
    await page.getByLabel("What the file holds").selectOption("timesheets");
    await page.getByLabel("CSV or XLSX file").setInputFiles(file);
    await page.getByRole("button", { name: "Preview (dry run)" }).click();
    await page.getByRole("heading", { name: /^Preview · toggl format$/ }).waitFor({ timeout: 60_000 });
    const errors = page.locator("table.data tbody tr");
    await expect.poll(() => errors.count()).toBe(1);
    await expect(errors.first().locator('td[data-label="Row"]').innerText()).resolves.toBe("4");
    await expect(page.getByRole("button", { name: /^Import/ }).isDisabled()).resolves.toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "imports-preview-desktop");
    await page.getByLabel("When a row is wrong").selectOption("partial");
    await page.getByRole("button", { name: "Import 2 rows" }).click();
    await page.getByRole("heading", { name: /^Import result/ }).waitFor({ timeout: 60_000 });
    const token = await server.login(ADMIN.email);
    const rows = (await server.api("GET", `/timesheets/?employee_id=1&from=${sat}&to=${sun}`, token)).body as { date: string; hours_worked: number }[];
    expect(rows.map((r) => [r.date, r.hours_worked]).sort()).toEqual([
      [sat, 3.5],
      [sun, 1.25],
    ]);
  });
});
