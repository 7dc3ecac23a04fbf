/**
 * Swagger UI in real headless Chromium: Authorize with the password flow, then "Try it out" on a
 * protected operation, with the API at the root and mounted under a host's path. Skipped with a
 * notice when Chromium is missing (test-support/browser.ts), unless EPCA_REQUIRE_BROWSER=1.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createMemoryStore } from "@epca/adapter-memory";
import { createEpca, systemActor } from "@epca/core";
import { createApiRouter, testConfig } from "@epca/server";
import express from "express";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumArgs, chromiumPath } from "../../../test-support/browser.js";
import { PASSWORD, TEST_SECRET, testHasher } from "./support/harness.js";

describe.skipIf(!chromiumPath)("Swagger UI in Chromium", () => {
  let browser: Browser;
  let server: Server;
  let origin: string;

  beforeAll(async () => {
    const app = express();
    const config = testConfig({ SECRET_KEY: TEST_SECRET });
    for (const base of ["", "/hr"]) {
      const store = createMemoryStore();
      await createEpca({ store, passwordHasher: testHasher }).users.create(systemActor("default"), {
        email: `admin${base.replace("/", "-")}@docs.example`,
        password: PASSWORD,
        full_name: "Docs Admin",
        role: "admin",
      });
      const router = createApiRouter({ store, config, passwordHasher: testHasher });
      if (base) app.use(base, router);
      else app.use(router);
    }
    server = await new Promise((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: chromiumPath!, args: chromiumArgs });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    server?.closeAllConnections();
    server?.close();
  });

  for (const base of ["", "/hr"]) {
    it(`logs in with Authorize and calls a protected operation with "Try it out" (API at "${base || "/"}")`, async () => {
      const page = await browser.newPage();
      const posts: string[] = [];
      page.on("request", (request) => {
        if (request.method() === "POST") posts.push(new URL(request.url()).pathname);
      });
      try {
        await page.goto(`${origin}${base}/docs/`);
        await page.locator("button.authorize").first().click();
        await page.locator("#oauth_username").fill(`admin${base.replace("/", "-")}@docs.example`);
        await page.locator("#oauth_password").fill(PASSWORD);
        await page.locator(".auth-btn-wrapper button.authorize").click();
        // Logged in: the dialog offers to log out.
        await page.locator(".auth-btn-wrapper button", { hasText: "Logout" }).waitFor({ timeout: 15_000 });
        expect(posts).toEqual([`${base}/api/v1/auth/login`]);
        await page.locator(".auth-btn-wrapper button.btn-done").click();

        const operation = page.locator("#operations-auth-getCurrentUserInfo");
        await operation.locator(".opblock-summary").first().click();
        await operation.locator("button.try-out__btn").click();
        await operation.locator("button.execute").click();
        const status = operation.locator(".live-responses-table .response .response-col_status").first();
        await status.waitFor({ timeout: 15_000 });
        expect((await status.innerText()).trim()).toBe("200");
        const body = await operation.locator(".live-responses-table .response-col_description pre").first().innerText();
        expect(JSON.parse(body)).toMatchObject({ email: `admin${base.replace("/", "-")}@docs.example`, role: "admin" });
      } finally {
        await page.close();
      }
    }, 60_000);
  }
});
