/**
 * Admin page end to end: users (on every server today), roles, the audit log and tenants with
 * usage. The tenancy routes (`/roles`, `/audit-logs`, `/tenants`) come from another branch (API
 * contract section 11): until they are merged the server answers its router's 404 and those tests
 * skip, saying so. The suspended-tenant sign-in message needs `PATCH /tenants/{id}` too.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, launchBrowser, routeMissing, screenshot, seriousViolations, settled, signIn, signOut, skipReason, startDemoServer, VIEWPORTS, type DemoServer } from "./support/e2e.js";

describe.skipIf(skipReason !== null)("admin page", () => {
  let server: DemoServer;
  let browser: Browser;
  let page: Page;
  const missing: Record<string, string | null> = { roles: null, audit: null, tenants: null };

  beforeAll(async () => {
    server = await startDemoServer();
    const token = await server.login(ADMIN.email);
    for (const [key, path] of [["roles", "/roles"], ["audit", "/audit-logs"], ["tenants", "/tenants"]] as const) {
      if (await routeMissing(server, token, "GET", path)) missing[key] = `GET ${path} answers 404 (the tenancy branch is not merged)`;
      if (missing[key]) console.warn(`[epca] web-admin e2e ${key} SKIPPED: ${missing[key]}`);
    }
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: VIEWPORTS.desktop });
    await signIn(page, server.base, ADMIN.email);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function check(name: string) {
    await settled(page);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, `${name}-desktop`);
    await page.setViewportSize(VIEWPORTS.phone);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, `${name}-phone`);
    await page.setViewportSize(VIEWPORTS.desktop);
  }

  it("lists the users and changes one's role, as the API then answers", async () => {
    await page.goto(`${server.base}/#/admin?tab=users`);
    await settled(page);
    const token = await server.login(ADMIN.email);
    const users = (await server.api("GET", "/users/", token)).body as { id: number; email: string }[];
    await expect.poll(() => page.locator(".pager span").innerText()).toBe(`Page 1 of 1 · ${users.length} rows`);
    await check("admin-users");
    await page.getByRole("button", { name: "Edit viewer@example.com" }).click();
    const dialog = page.getByRole("dialog", { name: "Edit viewer@example.com" });
    await dialog.getByLabel("Role").selectOption("analyst");
    await dialog.getByRole("button", { name: "Save" }).click();
    await page.getByText("User updated.").waitFor();
    const viewer = users.find((u) => u.email === "viewer@example.com")!;
    expect((await server.api("GET", `/users/${viewer.id}`, token)).body.role).toBe("analyst");
  });

  it("creates a user, showing the API's message next to a short password", async () => {
    await page.getByRole("button", { name: "New user" }).click();
    const dialog = page.getByRole("dialog", { name: "New user" });
    await dialog.getByLabel("Email").fill("new.person@example.com");
    await dialog.getByLabel("Password").fill("short");
    await dialog.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => dialog.getByLabel("Password").getAttribute("aria-invalid")).toBe("true");
    await expect(dialog.locator(`[id="${(await dialog.getByLabel("Password").getAttribute("aria-describedby"))!.split(" ")[0]}"]`).innerText()).resolves.toMatch(/8/);
    await dialog.getByLabel("Password").fill("long-enough-1");
    await dialog.getByLabel("Full name").fill("New Person");
    await dialog.getByLabel("Role").selectOption("department_head");
    await dialog.getByRole("button", { name: "Save" }).click();
    await page.getByText("User created.").waitFor();
    await page.getByRole("cell", { name: "new.person@example.com", exact: true }).waitFor();
  });

  it("lists the built-in roles and adds a custom one", async (ctx) => {
    if (missing.roles) return ctx.skip();
    await page.goto(`${server.base}/#/admin?tab=roles`);
    await settled(page);
    for (const name of ["admin", "department_head", "analyst", "read_only"]) await page.getByRole("cell", { name, exact: true }).waitFor();
    await page.getByLabel("New role name").fill("report_reader");
    await page.getByRole("button", { name: "Add role" }).click();
    await page.getByText("Role created.").waitFor();
    await page.getByRole("cell", { name: "report_reader", exact: true }).waitFor();
    await check("admin-roles");
  });

  it("shows the audit log, filtered by resource", async (ctx) => {
    if (missing.audit) return ctx.skip();
    // Sign-ins are audited (resource type "session"): the token first, so that the page and the
    // API count the same entries.
    const token = await server.login(ADMIN.email);
    await page.goto(`${server.base}/#/admin?tab=audit`);
    await settled(page);
    await page.getByLabel("Resource").fill("session");
    await page.getByRole("button", { name: "Filter" }).click();
    await settled(page);
    const entries = (await server.api("GET", "/audit-logs?resource_type=session&limit=200", token)).body as unknown[];
    expect(entries.length).toBeGreaterThan(0);
    await expect.poll(() => page.locator(".pager span").innerText()).toMatch(new RegExp(`· ${entries.length} rows?$`));
    await check("admin-audit");
  });

  it("lists tenants with usage, and a suspended tenant's user reads why they cannot sign in", { timeout: 180_000 }, async (ctx) => {
    if (missing.tenants) return ctx.skip();
    // Tenants are a multi-tenant server's: a second server, signed in to the default tenant.
    const multi = await startDemoServer({ MULTI_TENANT: "true" });
    ctx.onTestFinished(() => multi.stop());
    const token = await multi.login(ADMIN.email, ADMIN.password, "default");
    const created = await multi.api("POST", "/tenants", token, { name: "Acme", subdomain: "acme", plan: "starter", admin_email: "boss@acme.test", admin_password: "acme-password-1" });
    expect(created.status).toBe(201);
    await signIn(page, multi.base, ADMIN.email, ADMIN.password, "default");
    await page.goto(`${multi.base}/#/admin?tab=tenants`);
    await settled(page);
    await page.getByRole("button", { name: "Usage of Acme" }).click();
    await page.getByRole("dialog", { name: "Usage of Acme" }).waitFor();
    await check("admin-tenants-usage");
    await page.getByRole("dialog", { name: "Usage of Acme" }).getByRole("button", { name: "Close" }).click();
    await page.getByRole("button", { name: "Suspend Acme" }).click();
    await page.getByText("Acme suspended.").waitFor();
    await signOut(page);
    await page.getByText("Organisation (multi-tenant servers)").click();
    await page.getByLabel("Organisation id or subdomain").fill("acme");
    await page.getByLabel("Email").fill("boss@acme.test");
    await page.getByLabel("Password", { exact: true }).fill("acme-password-1");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").innerText()).toMatch(/^Your organisation's account is suspended, so nobody in it can sign in\./);
    await screenshot(page, "sign-in-suspended-desktop");
  });
});
