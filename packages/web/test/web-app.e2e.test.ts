/**
 * The web app end to end on the routes every server has: the real `epca serve` on PGlite with the
 * demo organisation, Debian's Chromium. Sign-in messages, each demo role's pages, the dashboard's
 * figures against the API's, lists, forms with the API's validation messages, the week of
 * timesheets from logging to approval, axe-core on every page at desktop and phone width.
 */
import gzipSize from "node:zlib";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ADMIN,
  VIEWPORTS,
  WEB_DIST,
  launchBrowser,
  screenshot,
  seriousViolations,
  settled,
  signIn,
  signOut,
  skipReason,
  startDemoServer,
  type DemoServer,
} from "./support/e2e.js";

const NAV = {
  admin: ["Dashboard", "Departments", "Employees", "Projects", "Timesheets", "Approvals", "Reports", "Imports", "Forecasts", "Admin"],
  department_head: ["Dashboard", "Departments", "Employees", "Projects", "Timesheets", "Approvals", "Imports"],
  analyst: ["Dashboard", "Departments", "Employees", "Projects", "Reports", "Forecasts"],
  read_only: ["Dashboard", "Departments", "Employees", "Projects"],
  employee: ["Dashboard", "Departments", "Employees", "Projects", "Timesheets"],
};

const iso = (d: Date) => d.toISOString().slice(0, 10);
function lastWeek(): { monday: string; saturday: string; sunday: string } {
  const now = new Date();
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const dow = (new Date(today).getUTCDay() + 6) % 7;
  const monday = today - (dow + 7) * 86_400_000;
  return { monday: iso(new Date(monday)), saturday: iso(new Date(monday + 5 * 86_400_000)), sunday: iso(new Date(monday + 6 * 86_400_000)) };
}

describe.skipIf(skipReason !== null)("@epca/web against epca serve (PGlite, demo organisation)", () => {
  let server: DemoServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    // 5 failed sign-ins per account lock it (the lockout test); the API's own limits off for speed.
    server = await startDemoServer({ AUTH_RATE_LIMIT_PER_MINUTE: "5" });
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: VIEWPORTS.desktop, locale: "en-US" });
    page = await context.newPage();
    page.on("pageerror", (error) => errors.push(String(error)));
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function nav(): Promise<string[]> {
    return page.getByRole("navigation", { name: "Main" }).getByRole("link").allInnerTexts();
  }

  async function expectAccessible(name: string) {
    await settled(page);
    const violations = await seriousViolations(page);
    expect(violations, `${name}: ${JSON.stringify(violations, null, 1)}`).toEqual([]);
  }

  /** axe at desktop and phone width, and a screenshot of each. */
  async function checkPage(name: string) {
    await page.setViewportSize(VIEWPORTS.desktop);
    await expectAccessible(`${name} (desktop)`);
    await screenshot(page, `${name}-desktop`);
    await page.setViewportSize(VIEWPORTS.phone);
    await expectAccessible(`${name} (phone)`);
    // Nothing wider than the phone's screen but the tables' own scrolling boxes.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${name} scrolls sideways at phone width`).toBeLessThanOrEqual(0);
    await screenshot(page, `${name}-phone`);
    await page.setViewportSize(VIEWPORTS.desktop);
  }

  it("is served at / with hashed, long-cached assets and a first page under 250 KB of gzipped JavaScript", async () => {
    const index = await fetch(`${server.base}/`, { headers: { accept: "text/html" } });
    expect(index.headers.get("cache-control")).toBe("no-cache");
    const html = await index.text();
    const scripts = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    let gz = 0;
    for (const src of scripts) {
      const asset = await fetch(`${server.base}${src}`);
      expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      gz += gzipSize.gzipSync(Buffer.from(await asset.arrayBuffer()), { level: 9 }).length;
    }
    expect(gz).toBeLessThan(250 * 1024);
    expect(readFileSync(join(WEB_DIST, "index.html"), "utf8")).toBe(html);
    // The start banner says where the app is.
    expect(server.process.stdout()).toMatch(/\n {2}Web app {2}http:\/\/localhost:\d+\/\n/);
  });

  it("says so for a wrong password, and for an account locked after five failures (429)", async () => {
    await page.goto(`${server.base}/`);
    await expectAccessible("sign in");
    await screenshot(page, "sign-in-desktop");
    for (let i = 0; i < 5; i += 1) {
      await page.getByLabel("Email").fill("analyst2@example.com");
      await page.getByLabel("Password", { exact: true }).fill("not-the-password");
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect.poll(() => page.getByRole("alert").innerText()).toBe("Incorrect email or password. Check both and try again.");
      await page.getByRole("button", { name: "Sign in" }).and(page.locator(":enabled")).waitFor();
    }
    await page.getByLabel("Password", { exact: true }).fill("demo12345");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").innerText()).toMatch(
      /^This account is locked after too many failed sign-ins\. Try again in \d+ min\. \(Too many failed login attempts for this account; try again later\)$/,
    );
    await page.setViewportSize(VIEWPORTS.phone);
    await screenshot(page, "sign-in-locked-phone");
    await page.setViewportSize(VIEWPORTS.desktop);
  });

  for (const [who, email] of [
    ["admin", ADMIN.email],
    ["department_head", "head.engineering@example.com"],
    ["analyst", "analyst@example.com"],
    ["read_only", "viewer@example.com"],
    ["employee", "employee@example.com"],
  ] as const) {
    it(`signs in as ${who}, shows only that role's pages and draws its dashboard`, async () => {
      await signIn(page, server.base, email);
      expect(await nav()).toEqual(NAV[who]);
      await settled(page);
      if (who === "admin" || who === "analyst") {
        await page.getByRole("heading", { name: "Company" }).waitFor();
        await page.getByRole("img", { name: "ROI by department" }).waitFor();
        await page.getByRole("img", { name: "Monthly revenue, cost and hours" }).waitFor();
        await page.getByRole("heading", { name: "Top performers (revenue per hour)" }).waitFor();
      } else {
        await expect(page.getByRole("heading", { name: "Company" }).count()).resolves.toBe(0);
      }
      if (who === "department_head" || who === "employee") {
        // Their own department first, then the others.
        const first = page.locator(".department-card").first();
        await expect(first.getByRole("heading").innerText()).resolves.toBe("Engineering Your department");
        await page.getByRole("img", { name: "Engineering: monthly revenue, cost and hours" }).waitFor();
      }
      await checkPage(`dashboard-${who}`);
      // Pages the role may not use are not reachable by address either.
      if (who === "read_only") {
        await page.goto(`${server.base}/#/admin`);
        await page.getByRole("heading", { name: "Not available" }).waitFor();
      }
      await signOut(page);
      await expect(page.getByRole("status").first().innerText()).resolves.toBe("You have signed out.");
    });
  }

  it("shows the API's company figures, formatted for the locale, for the period picked", async () => {
    await signIn(page, server.base, "analyst@example.com");
    const token = await server.login("analyst@example.com");
    await page.getByLabel("Period", { exact: true }).selectOption("ly");
    const year = new Date().getUTCFullYear() - 1;
    await page.waitForURL(new RegExp(`from=${year}-01-01&to=${year}-12-31`));
    await settled(page);
    const company = (await server.api("GET", `/analytics/company?from=${year}-01-01&to=${year}-12-31`, token)).body;
    const usd = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 0 });
    const card = (title: string) => page.getByRole("region", { name: title }).locator(".value").innerText();
    await expect.poll(() => card("Total revenue")).toBe(usd.format(company.total_revenue));
    await expect(card("Total cost")).resolves.toBe(usd.format(company.total_cost));
    await expect(card("Employees")).resolves.toBe(String(company.employee_count));
    await expect(card("ROI")).resolves.toBe(new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 1 }).format(company.roi));
    // One bar per department, in the API's order, in the chart's accessible table.
    const rows = await page.locator(".sr-only table").first().locator("tbody th").allInnerTexts();
    expect(rows).toEqual(company.department_metrics.map((d: { name: string }) => d.name));
    await signOut(page);
  });

  it("draws the default period's monthly lines from /analytics/company's monthly_revenue, asking for a series only for another period", async () => {
    const asked: string[] = [];
    const onRequest = (request: { url(): string }) => void asked.push(new URL(request.url()).pathname);
    page.on("request", onRequest);
    try {
      await signIn(page, server.base, "analyst@example.com");
      await settled(page);
      await page.getByRole("img", { name: "Monthly revenue, cost and hours" }).waitFor();
      const token = await server.login("analyst@example.com");
      const to = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 0));
      const from = new Date(Date.UTC(to.getUTCFullYear(), to.getUTCMonth() - 11, 1));
      const q = `from=${iso(from)}&to=${iso(to)}`;
      const company = (await server.api("GET", `/analytics/company?${q}`, token)).body as { monthly_revenue: { revenue: number }[] };
      const series = (await server.api("GET", `/analytics/company/series?${q}&interval=month`, token)).body as { points: { revenue: number }[] };
      const usd = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 0 });
      // The chart's accessible table (the second chart): one row per month, revenue first.
      const revenue = await page.locator(".sr-only table").nth(1).locator("tbody tr td:first-of-type").allInnerTexts();
      expect(revenue).toEqual(company.monthly_revenue.map((p) => usd.format(p.revenue)));
      expect(revenue).toEqual(series.points.map((p) => usd.format(p.revenue)));
      // The company's figures first, the rankings after them, and no series.
      const analytics = asked.filter((path) => path.startsWith("/api/v1/analytics/"));
      expect(analytics[0]).toBe("/api/v1/analytics/company");
      expect([...analytics].sort()).toEqual(["/api/v1/analytics/company", "/api/v1/analytics/top-performers", "/api/v1/analytics/top-projects"]);
      // The last quarter is not the 12 months monthly_revenue holds: the chart asks for the period's own series.
      asked.length = 0;
      await page.getByLabel("Period", { exact: true }).selectOption("lq");
      await settled(page);
      await expect.poll(() => asked.includes("/api/v1/analytics/company/series")).toBe(true);
    } finally {
      page.off("request", onRequest);
    }
    await signOut(page);
  });

  it("lists employees with search, filters, sorting and paging", async () => {
    await signIn(page, server.base, ADMIN.email);
    await page.goto(`${server.base}/#/employees`);
    await settled(page);
    const token = await server.login(ADMIN.email);
    const all = (await server.api("GET", "/employees/?limit=1000", token)).body as { name: string; salary: number; department_id: number }[];
    const pager = () => page.locator(".pager span").innerText();
    await expect.poll(pager).toBe(`Page 1 of ${Math.ceil(all.length / 20)} · ${all.length} rows`);
    await page.getByRole("button", { name: "Next" }).click();
    await expect.poll(pager).toBe(`Page 2 of ${Math.ceil(all.length / 20)} · ${all.length} rows`);
    await page.getByLabel("Search").fill("katherine");
    await expect.poll(pager).toBe("Page 1 of 1 · 1 row");
    await expect(page.locator("table.data tbody tr td").first().innerText()).resolves.toBe("Katherine Johnson");
    await page.getByLabel("Search").fill("");
    await page.getByLabel("Department").selectOption({ label: "Sales" });
    const sales = all.filter((e) => e.department_id === 2);
    await expect.poll(pager).toBe(`Page 1 of 1 · ${sales.length} rows`);
    await page.getByRole("button", { name: "Salary" }).click();
    await page.getByRole("button", { name: "Salary" }).click();
    await expect(page.getByRole("columnheader", { name: /Salary/ }).getAttribute("aria-sort")).resolves.toBe("descending");
    const top = Math.max(...sales.map((e) => e.salary));
    await expect(page.locator("table.data tbody tr").first().locator('td[data-label="Salary"]').innerText()).resolves.toBe(
      new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 0 }).format(top),
    );
    await checkPage("employees");
    for (const name of ["departments", "projects"]) {
      await page.goto(`${server.base}/#/${name}`);
      await checkPage(name);
    }
  });

  it("puts the API's validation messages next to their fields, and a conflict's detail above the form", async () => {
    await page.goto(`${server.base}/#/departments`);
    await settled(page);
    await page.getByRole("button", { name: "New department" }).click();
    const dialog = page.getByRole("dialog", { name: "New department" });
    await dialog.getByLabel("Name").fill("X");
    await dialog.getByLabel("Budget").fill("-5");
    await dialog.getByRole("button", { name: "Save" }).click();
    const name = dialog.getByLabel("Name");
    await expect.poll(() => name.getAttribute("aria-invalid")).toBe("true");
    const describedBy = (await name.getAttribute("aria-describedby"))!.split(" ");
    const nameError = await page.locator(`[id="${describedBy[0]}"]`).innerText();
    expect(nameError).toMatch(/2/);
    const budgetError = await page.locator(`[id="${(await dialog.getByLabel("Budget").getAttribute("aria-describedby"))!.split(" ")[0]}"]`).innerText();
    expect(budgetError.length).toBeGreaterThan(0);
    await expectAccessible("department form with errors");
    await screenshot(page, "department-form-errors-desktop");
    // A duplicate name: 409, its detail shown.
    await name.fill("Engineering");
    await dialog.getByLabel("Budget").fill("1000");
    await dialog.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => dialog.getByRole("alert").innerText()).toMatch(/already exists/i);
    // A valid one is created and listed.
    await name.fill("Research");
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.waitFor({ state: "detached" });
    await page.getByRole("cell", { name: "Research", exact: true }).waitFor();
    const token = await server.login(ADMIN.email);
    const created = ((await server.api("GET", "/departments/?limit=1000", token)).body as { name: string; budget: number }[]).find((d) => d.name === "Research");
    expect(created?.budget).toBe(1000);
  });

  it("logs a week (the 24-hour day shown before saving), submits it, and the department head approves and rejects", { timeout: 90_000 }, async () => {
    const week = lastWeek();
    await signIn(page, server.base, "employee@example.com");
    await page.goto(`${server.base}/#/timesheets?week=${week.monday}`);
    await settled(page);
    const add = page.getByLabel("Add a project");
    if ((await add.locator("option", { hasText: "Security Hardening" }).count()) > 0) {
      await add.selectOption({ label: "Security Hardening" });
      await page.getByRole("button", { name: "Add row" }).click();
    }
    const sat = new Intl.DateTimeFormat("en-US", { weekday: "short", day: "numeric", timeZone: "UTC" }).format(new Date(`${week.saturday}T00:00:00Z`));
    const sun = new Intl.DateTimeFormat("en-US", { weekday: "short", day: "numeric", timeZone: "UTC" }).format(new Date(`${week.sunday}T00:00:00Z`));
    await page.getByLabel(`Security Hardening, ${sat}`).fill("8");
    await page.getByLabel(`Security Hardening, ${sun}`).fill("25");
    const totals = page.locator("tfoot td.day-total");
    await expect.poll(() => totals.nth(6).textContent()).toBe("25 h (over 24 hours)");
    await expect(page.getByRole("alert").innerText()).resolves.toBe("A day cannot hold more than 24 hours: lower the marked day before saving.");
    await expect(page.getByRole("button", { name: "Save week" }).isDisabled()).resolves.toBe(true);
    await screenshot(page, "timesheets-over-24h-desktop");
    await page.getByLabel(`Security Hardening, ${sun}`).fill("6.5");
    await expect.poll(() => totals.nth(5).textContent()).toBe("8 h");
    await expect(totals.nth(6).textContent()).resolves.toBe("6.5 h");
    await page.getByRole("button", { name: "Save week" }).click();
    await page.getByText("Week saved.").waitFor();
    await checkPage("timesheets");
    await page.getByRole("button", { name: "Submit week for approval" }).click();
    await page.getByText(/entr(y|ies) submitted for approval\./).waitFor();

    const token = await server.login(ADMIN.email);
    const mine = async () =>
      ((await server.api("GET", `/timesheets/?employee_id=1&from=${week.saturday}&to=${week.sunday}`, token)).body as { id: number; date: string; hours_worked: number; status: string; review_note: string | null }[]).sort((a, b) =>
        a.date.localeCompare(b.date),
      );
    expect((await mine()).map((t) => [t.date, t.hours_worked, t.status])).toEqual([
      [week.saturday, 8, "submitted"],
      [week.sunday, 6.5, "submitted"],
    ]);

    await signOut(page);
    await signIn(page, server.base, "head.engineering@example.com");
    await page.goto(`${server.base}/#/approvals`);
    await settled(page);
    await page.getByLabel("Employee").selectOption({ label: "Katherine Johnson" });
    const when = (day: string) => new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" }).format(new Date(`${day}T00:00:00Z`));
    await page.getByRole("button", { name: `Approve Katherine Johnson ${when(week.saturday)} 8 hours` }).click();
    await page.getByText(`Katherine Johnson, ${when(week.saturday)}: approved.`).waitFor();
    await page.getByRole("button", { name: `Reject Katherine Johnson ${when(week.sunday)} 6.5 hours` }).click();
    const dialog = page.getByRole("dialog", { name: "Reject entry" });
    await dialog.getByLabel("Reason (the employee sees it)").fill("Weekend work needs a ticket number");
    await expectAccessible("reject dialog");
    await dialog.getByRole("button", { name: "Reject" }).click();
    await page.getByText(`Katherine Johnson, ${when(week.sunday)}: rejected.`).waitFor();
    await checkPage("approvals");
    expect((await mine()).map((t) => [t.date, t.status, t.review_note])).toEqual([
      [week.saturday, "approved", null],
      [week.sunday, "rejected", "Weekend work needs a ticket number"],
    ]);
    await signOut(page);
  });

  it("refreshes an expired access token on a 401 and retries the request", async () => {
    await signIn(page, server.base, "viewer@example.com");
    // Spoil the access token but keep the refresh token: the next request gets 401, refreshes, retries.
    const before = await page.evaluate(() => JSON.parse(localStorage.getItem("epca.tokens")!) as { access_token: string; refresh_token: string });
    await page.evaluate(() => {
      const t = JSON.parse(localStorage.getItem("epca.tokens")!);
      localStorage.setItem("epca.tokens", JSON.stringify({ ...t, access_token: "spoiled" }));
    });
    await page.goto(`${server.base}/#/projects`);
    await settled(page);
    await page.getByRole("cell", { name: "Data Platform" }).waitFor();
    const after = await page.evaluate(() => JSON.parse(localStorage.getItem("epca.tokens")!) as { access_token: string; refresh_token: string });
    expect(after.access_token).not.toBe("spoiled");
    expect(after.refresh_token).not.toBe(before.refresh_token);
    await signOut(page);
  });

  it("threw no error in any page", () => {
    expect(errors).toEqual([]);
  });
});
