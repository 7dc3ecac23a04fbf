/** Text a database column cannot hold is a 422 on every store, through the login form and JSON bodies alike. */
import { createMemoryStore } from "@epca/adapter-memory";
import { createPGliteStore } from "@epca/adapter-postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD, startServer, type TestServer } from "./support/harness.js";

const stores = {
  memory: async () => createMemoryStore(),
  pglite: async () => createPGliteStore({ migrate: true }),
};

describe.each(Object.keys(stores) as (keyof typeof stores)[])("NUL and control characters (%s)", (kind) => {
  let server: TestServer;
  let admin: string;
  beforeAll(async () => {
    const store = await stores[kind]();
    server = await startServer(store, {}, { closeStore: () => store.close() });
    await server.epca.users.create(server.system, { email: "admin@text.example", password: PASSWORD, full_name: "A", role: "admin" });
    admin = (await server.login("admin@text.example")).access_token;
  });
  afterAll(async () => server?.close());

  it("refuses a NUL in the login form and in its JSON twin with a 422 naming the field", async () => {
    const form = await server.request("POST", "/api/v1/auth/login", {
      raw: "username=admin%00%40text.example&password=x",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(form.status).toBe(422);
    expect(form.body.detail[0].loc).toEqual(["body", "username"]);
    const json = await server.request("POST", "/api/v1/auth/login", { body: { username: "admin\u0000@text.example", password: "x" } });
    expect(json.status).toBe(422);
  });

  it("refuses a NUL in a department name with a 422 and stores nothing", async () => {
    const response = await server.request("POST", "/api/v1/departments/", { token: admin, body: { name: "Ops\u0000", budget: 1 } });
    expect(response.status).toBe(422);
    expect(response.body.detail[0].loc).toEqual(["body", "name"]);
    expect((await server.request("GET", "/api/v1/departments/", { token: admin })).headers.get("x-total-count")).toBe("0");
  });
});
