import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ConfigError, configSchema, loadConfig } from "./config.js";

describe("loadConfig", () => {
  it("applies the documented defaults", () => {
    const { config, warnings } = loadConfig({});
    expect(config).toMatchObject({
      PORT: 8000,
      storeKind: "pglite",
      EPCA_DATA_DIR: "./.epca-data",
      ACCESS_TOKEN_EXPIRE_MINUTES: 60,
      REFRESH_TOKEN_EXPIRE_DAYS: 7,
      RATE_LIMIT_PER_MINUTE: 60,
      RATE_LIMIT_PER_HOUR: 1000,
      UPLOAD_MAX_BYTES: 10 * 1024 * 1024,
      STANDARD_ANNUAL_HOURS: 2080,
      MULTI_TENANT: false,
      USAGE_FLUSH_SECONDS: 10,
      EPCA_SEED_DEMO: true,
      FIRST_ADMIN_EMAIL: "admin@example.com",
      FIRST_ADMIN_PASSWORD: "admin12345",
    });
    expect(config.SECRET_KEY_GENERATED).toBe(true);
    expect(config.SECRET_KEY.length).toBeGreaterThanOrEqual(32);
    expect(warnings.join(" ")).toContain("SECRET_KEY");
  });

  it("reads the operations settings: a replica URL, the start-up wait and the shutdown grace", () => {
    const defaults = loadConfig({ DATABASE_URL: "postgres://u:p@primary/db" }).config;
    expect([defaults.DATABASE_READ_URL, defaults.DB_CONNECT_TIMEOUT_SECONDS, defaults.SHUTDOWN_GRACE_SECONDS]).toEqual([undefined, 30, 10]);
    const set = loadConfig({ DATABASE_URL: "postgres://u:p@primary/db", DATABASE_READ_URL: " postgres://u:p@standby/db ", DB_CONNECT_TIMEOUT_SECONDS: "0", SHUTDOWN_GRACE_SECONDS: "25" });
    expect([set.config.DATABASE_READ_URL, set.config.DB_CONNECT_TIMEOUT_SECONDS, set.config.SHUTDOWN_GRACE_SECONDS]).toEqual(["postgres://u:p@standby/db", 0, 25]);
    expect(set.warnings.filter((w) => w.includes("DATABASE_READ_URL"))).toEqual([]);
    expect(() => loadConfig({ DATABASE_READ_URL: "mysql://x" })).toThrow(new ConfigError("DATABASE_READ_URL", "expected a postgres:// URL of a read replica"));
    expect(loadConfig({ DATABASE_READ_URL: "postgres://u:p@standby/db" }).warnings).toContain("DATABASE_READ_URL is ignored: a read replica needs DATABASE_URL=postgres://…");
  });

  it("selects the store from DATABASE_URL; demo seeding defaults off on PostgreSQL", () => {
    expect(loadConfig({ DATABASE_URL: "memory:" }).config.storeKind).toBe("memory");
    const pg = loadConfig({ DATABASE_URL: "postgres://u:p@localhost/db" }).config;
    expect(pg.storeKind).toBe("postgres");
    expect(pg.EPCA_SEED_DEMO).toBe(false);
    expect(() => loadConfig({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL/);
  });

  it("refuses a missing or short SECRET_KEY in production, naming the variable", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(/SECRET_KEY/);
    expect(() => loadConfig({ NODE_ENV: "production", SECRET_KEY: "short" })).toThrow(/SECRET_KEY/);
    const ok = loadConfig({ NODE_ENV: "production", SECRET_KEY: "x".repeat(32) }).config;
    expect(ok.FIRST_ADMIN_EMAIL).toBeUndefined();
  });

  it("names the variable of a bad value", () => {
    expect(() => loadConfig({ PORT: "eighty" })).toThrow(/PORT/);
    expect(() => loadConfig({ RATE_LIMIT_PER_MINUTE: "-1" })).toThrow(/RATE_LIMIT_PER_MINUTE/);
    expect(() => loadConfig({ JSON_LOGS: "maybe" })).toThrow(/JSON_LOGS/);
    expect(() => loadConfig({ BACKEND_CORS_ORIGINS: "[not json" })).toThrow(/BACKEND_CORS_ORIGINS/);
  });

  it("reads BACKEND_CORS_ORIGINS as a JSON array", () => {
    expect(loadConfig({ BACKEND_CORS_ORIGINS: '["http://localhost:3000","http://localhost:5173"]' }).config.BACKEND_CORS_ORIGINS).toEqual([
      "http://localhost:3000",
      "http://localhost:5173",
    ]);
  });

  it("refuses BACKEND_CORS_ORIGINS entries that are not http(s) origins, and accepts a comma list", () => {
    expect(() => loadConfig({ BACKEND_CORS_ORIGINS: "notjson" })).toThrow(/BACKEND_CORS_ORIGINS: "notjson" is not an http\(s\) origin/);
    expect(() => loadConfig({ BACKEND_CORS_ORIGINS: '["ftp://example.com"]' })).toThrow(/BACKEND_CORS_ORIGINS/);
    expect(loadConfig({ BACKEND_CORS_ORIGINS: "https://a.example, http://b.example:8080/" }).config.BACKEND_CORS_ORIGINS).toEqual([
      "https://a.example",
      "http://b.example:8080",
    ]);
    expect(loadConfig({ BACKEND_CORS_ORIGINS: '["*"]' }).config.BACKEND_CORS_ORIGINS).toEqual(["*"]);
  });

  it("REGISTRATION_ENABLED defaults to false in production, true otherwise; an explicit value wins", () => {
    const secret = "x".repeat(32);
    expect(loadConfig({}).config.REGISTRATION_ENABLED).toBe(true);
    expect(loadConfig({ NODE_ENV: "test" }).config.REGISTRATION_ENABLED).toBe(true);
    expect(loadConfig({ NODE_ENV: "production", SECRET_KEY: secret }).config.REGISTRATION_ENABLED).toBe(false);
    expect(loadConfig({ NODE_ENV: "production", SECRET_KEY: secret, REGISTRATION_ENABLED: "true" }).config.REGISTRATION_ENABLED).toBe(true);
    expect(loadConfig({ NODE_ENV: "development", REGISTRATION_ENABLED: "false" }).config.REGISTRATION_ENABLED).toBe(false);
  });

  it("TRUST_PROXY takes a hop count, loopback/linklocal/uniquelocal or addresses/CIDRs, and refuses true", () => {
    expect(loadConfig({}).config.TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: "false" }).config.TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: "0" }).config.TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: "1" }).config.TRUST_PROXY).toBe(1);
    expect(loadConfig({ TRUST_PROXY: " 2 " }).config.TRUST_PROXY).toBe(2);
    expect(loadConfig({ TRUST_PROXY: "loopback" }).config.TRUST_PROXY).toEqual(["loopback"]);
    expect(loadConfig({ TRUST_PROXY: "loopback, 10.0.0.0/8, 192.168.1.10, fd00::/8" }).config.TRUST_PROXY).toEqual([
      "loopback",
      "10.0.0.0/8",
      "192.168.1.10",
      "fd00::/8",
    ]);
    expect(() => loadConfig({ TRUST_PROXY: "true" })).toThrow(ConfigError);
    expect(() => loadConfig({ TRUST_PROXY: "true" })).toThrow(/TRUST_PROXY: .*every hop/);
    for (const bad of ["TRUE", "yes", "*", "not-an-address", "10.0.0.0/33", "1.5", "-1", "10.0.0.1,,"]) {
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(/Invalid configuration: TRUST_PROXY: /);
    }
  });
});

describe("the configuration table of packages/server/README.md", () => {
  // The operator's reference: every variable the schema reads has a row, and every default that
  // the table states as a plain value is the one loadConfig applies.
  const readme = readFileSync(fileURLToPath(new URL("../../README.md", import.meta.url)), "utf8");
  const section = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("\n## ", readme.indexOf("## Configuration") + 1));
  const rows = section
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .map((line) => line.split(" | ").map((cell) => cell.replace(/^\| /, "").trim()));
  /** `NAME` or `A` / `B` in the first cell, with the matching defaults of the second. */
  const documented = new Map<string, string>();
  for (const [names, defaults] of rows) {
    const variables = [...names!.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]!);
    const values = defaults!.split(" / ");
    variables.forEach((variable, i) => documented.set(variable, (variables.length === values.length ? values[i] : defaults)!));
  }

  it("has a row for every variable of the schema", () => {
    const missing = Object.keys(configSchema.shape).filter((variable) => !documented.has(variable));
    expect(missing).toEqual([]);
    expect(documented.size).toBeGreaterThanOrEqual(Object.keys(configSchema.shape).length);
  });

  it("states the defaults loadConfig applies", () => {
    const { config } = loadConfig({});
    const applied = config as unknown as Record<string, unknown>;
    const checked: string[] = [];
    for (const [variable, text] of documented) {
      const plain = /^`([^`]*)`$/.exec(text)?.[1];
      if (plain === undefined || !(variable in applied)) continue;
      const value = applied[variable];
      const expected = typeof value === "number" ? Number(plain) : typeof value === "boolean" ? plain === "true" : Array.isArray(value) ? JSON.parse(plain) : plain;
      expect({ variable, value }).toEqual({ variable, value: expected });
      checked.push(variable);
    }
    expect(checked.length).toBeGreaterThanOrEqual(25);
  });
});
