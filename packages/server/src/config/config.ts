import { randomBytes } from "node:crypto";
import { ConfigurationError } from "@epca/core";
import { isIP } from "node:net";
import { z } from "zod";

/** A configuration value that cannot be used; the message names the variable (code `invalid_configuration`). */
export class ConfigError extends ConfigurationError {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(variable, message);
  }
}

const bool = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no", "on", "off", ""])
    .optional()
    .transform((v) => (v === undefined || v === "" ? fallback : ["true", "1", "yes", "on"].includes(v)));

/** A boolean whose default depends on other variables: `undefined` when unset or empty. */
const optionalBool = z
  .enum(["true", "false", "1", "0", "yes", "no", "on", "off", ""])
  .optional()
  .transform((v) => (v === undefined || v === "" ? undefined : ["true", "1", "yes", "on"].includes(v)));

const int = (fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === "") return fallback;
      if (!/^\d+$/.test(v.trim())) {
        ctx.addIssue({ code: "custom", message: `expected a whole number, got "${v}"` });
        return z.NEVER;
      }
      return Number(v.trim());
    })
    .pipe(z.number().int().min(min).max(max));

const corsOrigins = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v.trim() === "") return [] as string[];
    const text = v.trim();
    let parsed: unknown;
    if (text.startsWith("[")) {
      try {
        parsed = JSON.parse(text);
      } catch {
        ctx.addIssue({ code: "custom", message: 'expected a JSON array of origins, e.g. ["http://localhost:3000"]' });
        return z.NEVER;
      }
    } else {
      parsed = text.split(",").map((s) => s.trim()).filter(Boolean);
    }
    const result = z.array(z.string().min(1)).safeParse(parsed);
    if (!result.success) {
      ctx.addIssue({ code: "custom", message: "expected a JSON array of origin strings" });
      return z.NEVER;
    }
    // Like the original's `List[AnyHttpUrl]`: each entry an http(s) origin, or "*".
    const bad = result.data.find((origin) => origin !== "*" && !isHttpOrigin(origin));
    if (bad !== undefined) {
      ctx.addIssue({ code: "custom", message: `"${bad.slice(0, 100)}" is not an http(s) origin; expected a JSON array such as ["http://localhost:3000"]` });
      return z.NEVER;
    }
    return result.data.map((origin) => (origin === "*" ? origin : origin.replace(/\/+$/, "")));
  });

function isHttpOrigin(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}

/** Express's named subnets (proxy-addr). */
const TRUST_PROXY_NAMES = ["loopback", "linklocal", "uniquelocal"];

function isAddressOrCidr(entry: string): boolean {
  const slash = entry.indexOf("/");
  if (slash === -1) return isIP(entry) !== 0;
  const address = entry.slice(0, slash);
  const prefix = entry.slice(slash + 1);
  const family = isIP(address);
  if (family === 0 || !/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * Express `trust proxy`, restricted to the settings that cannot be bypassed by a client-set
 * `X-Forwarded-For`: `false` (default; also `0` or empty), a hop count, or a comma list of
 * `loopback`/`linklocal`/`uniquelocal` and proxy addresses/CIDRs. `true` (trust every hop) is
 * refused: the client would pick its own address by sending `X-Forwarded-For`.
 */
const trustProxy = z
  .string()
  .optional()
  .transform((v, ctx): false | number | string[] => {
    const text = (v ?? "").trim();
    if (text === "" || text.toLowerCase() === "false") return false;
    if (text.toLowerCase() === "true") {
      ctx.addIssue({
        code: "custom",
        message:
          '"true" trusts every hop, so a client-set X-Forwarded-For would become the client address; set the number of proxies in front of the server (e.g. 1), "loopback", or a comma list of proxy addresses/CIDRs',
      });
      return z.NEVER;
    }
    if (/^\d+$/.test(text)) {
      const hops = Number(text);
      if (hops > 100) {
        ctx.addIssue({ code: "custom", message: `expected at most 100 proxy hops, got ${text}` });
        return z.NEVER;
      }
      return hops === 0 ? false : hops;
    }
    const entries = text.split(",").map((entry) => entry.trim());
    const bad = entries.find((entry) => !TRUST_PROXY_NAMES.includes(entry) && !isAddressOrCidr(entry));
    if (bad !== undefined) {
      ctx.addIssue({
        code: "custom",
        message: `"${bad.slice(0, 100)}" is not a hop count, loopback, linklocal, uniquelocal, an IP address or a CIDR (expected e.g. 1, loopback or "10.0.0.0/8, 192.168.1.10")`,
      });
      return z.NEVER;
    }
    return entries;
  });

const databaseUrl = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()))
  .refine((v) => v === undefined || v === "memory:" || /^postgres(ql)?:\/\//.test(v), {
    message: 'expected "memory:" or a postgres:// URL (leave unset for the embedded store)',
  });

/**
 * Every environment variable the server reads (API contract section 10, plus ours), parsed once.
 * Unset values take the documented defaults.
 */
export const configSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: int(8000, 0, 65535),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATABASE_URL: databaseUrl,
  EPCA_DATA_DIR: z.string().min(1).default("./.epca-data"),
  DB_POOL_SIZE: int(10, 1, 1000),
  /**
   * Prepared statements on each PostgreSQL connection (the hot reads are planned once per
   * connection); `false` behind a pooler in transaction mode (PgBouncer), which does not keep them.
   */
  DB_PREPARED_STATEMENTS: bool(true),
  /**
   * A read replica (a streaming standby) for analytics, series and report reads; writes and every
   * other read stay on `DATABASE_URL`, and reads fall back to it while the replica is down.
   */
  DATABASE_READ_URL: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()))
    .refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), { message: "expected a postgres:// URL of a read replica" }),
  /** How long start-up waits for PostgreSQL to accept connections, retrying every second (0: try once). */
  DB_CONNECT_TIMEOUT_SECONDS: int(30, 0, 3600),
  /** How long SIGTERM lets in-flight requests finish before their connections are closed (seconds). */
  SHUTDOWN_GRACE_SECONDS: int(10, 0, 3600),
  SECRET_KEY: z.string().optional(),
  ACCESS_TOKEN_EXPIRE_MINUTES: int(60, 1, 60 * 24 * 30),
  REFRESH_TOKEN_EXPIRE_DAYS: int(7, 1, 365),
  /** Seconds in which a just-rotated refresh token, presented once more, answers the same new pair (0: none). */
  REFRESH_REUSE_GRACE_SECONDS: int(30, 0, 300),
  BACKEND_CORS_ORIGINS: corsOrigins,
  LOG_LEVEL: z
    .string()
    .optional()
    .transform((v) => (v ?? "info").toLowerCase())
    .pipe(z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])),
  JSON_LOGS: bool(false),
  ENABLE_METRICS: bool(true),
  HEALTH_CHECK_INCLUDE_DB: bool(true),
  MODEL_RETRAIN_DAYS: int(7, 1, 365),
  FIRST_ADMIN_EMAIL: z.email().optional().or(z.literal("").transform(() => undefined)),
  FIRST_ADMIN_PASSWORD: z.string().min(8).max(128).optional().or(z.literal("").transform(() => undefined)),
  /** Defaults to false when NODE_ENV=production, true otherwise (see `loadConfig`). */
  REGISTRATION_ENABLED: optionalBool,
  EPCA_SEED_DEMO: bool(true).optional(),
  RATE_LIMIT_PER_MINUTE: int(60, 0, 1_000_000),
  RATE_LIMIT_PER_HOUR: int(1000, 0, 100_000_000),
  /** Failed logins per account in a minute (counted over 15 minutes: 15× this), and registrations per client IP per minute (0 disables). */
  AUTH_RATE_LIMIT_PER_MINUTE: int(10, 0, 1_000_000),
  /** Login and refresh attempts per client IP per minute: generous, for offices behind one NAT address (0 disables). */
  AUTH_RATE_LIMIT_PER_IP_PER_MINUTE: int(300, 0, 1_000_000),
  /** Largest uploaded file (`POST /upload/{entity}`), counted while it streams (413 above). */
  UPLOAD_MAX_BYTES: int(10 * 1024 * 1024, 1, 1024 * 1024 * 1024),
  /** Most data rows of one uploaded file (413 `too_many_rows` above). */
  UPLOAD_MAX_ROWS: int(1_000_000, 1, 100_000_000),
  /** Uploads whose request is larger than this (Content-Length) run as a background job (202). */
  UPLOAD_ASYNC_BYTES: int(2 * 1024 * 1024, 1, 1024 * 1024 * 1024),
  /** Largest JSON or form body accepted (413 above). */
  BODY_MAX_BYTES: int(1024 * 1024, 1, 1024 * 1024 * 1024),
  STANDARD_ANNUAL_HOURS: int(2080, 1, 8784),
  MULTI_TENANT: bool(false),
  /** Express `trust proxy`: false, a hop count, or named subnets/addresses/CIDRs; never `true`. */
  TRUST_PROXY: trustProxy,
  /** How long a worker's claim holds a job without a heartbeat; a job of a dead worker runs again after it (seconds). */
  JOB_LEASE_SECONDS: int(30, 1, 3600),
  /** How long a stopping worker lets running jobs finish before handing them back (seconds). */
  JOB_GRACE_SECONDS: int(8, 0, 3600),
  /** How often usage counted in memory (API calls, active users) is written; 0: only at 10,000 pending, on a usage read and at shutdown. */
  USAGE_FLUSH_SECONDS: int(10, 0, 3600),
  /** Rows (employees + projects in the report's scope) above which `GET /reports/generate` answers 202 and renders in a job. */
  REPORT_ASYNC_ROWS: int(5000, 1, 100_000_000),
  /** Days a generated report file (async or scheduled) is kept for download before it expires (410, then purged). */
  REPORT_RETENTION_DAYS: int(7, 1, 3650),
  /** ISO 4217 code the amounts of reports are labelled with. */
  REPORT_CURRENCY: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === "" ? "USD" : v.trim()))
    .pipe(z.string().regex(/^[A-Z]{3}$/, "expected an ISO 4217 code of three capital letters, e.g. EUR")),
  /** scrypt cost exponent (N = 2^SCRYPT_LOG_N); 17 is OWASP's recommendation. Lower only in tests. */
  SCRYPT_LOG_N: int(17, 10, 20),
});

/** The raw parse of the environment. */
type ParsedEnv = z.output<typeof configSchema>;

/** The server's configuration, as every part of the server reads it. */
export interface ServerConfig extends Omit<ParsedEnv, "SECRET_KEY" | "EPCA_SEED_DEMO" | "FIRST_ADMIN_EMAIL" | "FIRST_ADMIN_PASSWORD" | "REGISTRATION_ENABLED"> {
  /** The HS256 key; a random per-process value in development when unset. */
  readonly SECRET_KEY: string;
  /** True when `SECRET_KEY` was generated for this process (tokens die with it). */
  readonly SECRET_KEY_GENERATED: boolean;
  readonly EPCA_SEED_DEMO: boolean;
  /** Open `POST /auth/register`; defaults to false in production. */
  readonly REGISTRATION_ENABLED: boolean;
  readonly FIRST_ADMIN_EMAIL: string | undefined;
  readonly FIRST_ADMIN_PASSWORD: string | undefined;
  /** Which store `DATABASE_URL` selects. */
  readonly storeKind: "pglite" | "postgres" | "memory";
}

/** Warnings the caller should log once the logger exists (e.g. a generated secret). */
export interface LoadedConfig {
  readonly config: ServerConfig;
  readonly warnings: string[];
}

const DEV_ADMIN_EMAIL = "admin@example.com";
/** The built-in development password of the first admin (printed by `epca serve`; never in production). */
export const DEV_ADMIN_PASSWORD = "admin12345";

/**
 * Parses the environment once. Throws `ConfigError` naming the first bad variable.
 *
 * @example const { config, warnings } = loadConfig(process.env);
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): LoadedConfig {
  const known: Record<string, string | undefined> = {};
  for (const key of Object.keys(configSchema.shape)) known[key] = env[key];
  const result = configSchema.safeParse(known);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const variable = String(issue.path[0] ?? "environment");
    throw new ConfigError(variable, issue.message);
  }
  const parsed = result.data;
  const warnings: string[] = [];
  const production = parsed.NODE_ENV === "production";

  let secret = parsed.SECRET_KEY?.trim() ? parsed.SECRET_KEY : undefined;
  let generated = false;
  if (secret !== undefined && secret.length < 32) {
    if (production) throw new ConfigError("SECRET_KEY", "must be at least 32 characters in production");
    warnings.push("SECRET_KEY is shorter than 32 characters: acceptable in development only");
  }
  if (secret === undefined) {
    if (production) throw new ConfigError("SECRET_KEY", "is required when NODE_ENV=production (at least 32 characters)");
    secret = randomBytes(48).toString("base64url");
    generated = true;
    warnings.push("SECRET_KEY is not set: using a random key for this process; tokens stop working on restart");
  }

  const storeKind: ServerConfig["storeKind"] =
    parsed.DATABASE_URL === undefined ? "pglite" : parsed.DATABASE_URL === "memory:" ? "memory" : "postgres";

  if (parsed.DATABASE_READ_URL !== undefined && storeKind !== "postgres") {
    warnings.push("DATABASE_READ_URL is ignored: a read replica needs DATABASE_URL=postgres://…");
  }

  let adminEmail = parsed.FIRST_ADMIN_EMAIL;
  let adminPassword = parsed.FIRST_ADMIN_PASSWORD;
  if (!production) {
    adminEmail ??= DEV_ADMIN_EMAIL;
    adminPassword ??= DEV_ADMIN_PASSWORD;
  } else if (!adminEmail || !adminPassword) {
    adminEmail = undefined;
    adminPassword = undefined;
  }

  return {
    config: {
      ...parsed,
      SECRET_KEY: secret,
      SECRET_KEY_GENERATED: generated,
      EPCA_SEED_DEMO: parsed.EPCA_SEED_DEMO ?? storeKind === "pglite",
      REGISTRATION_ENABLED: parsed.REGISTRATION_ENABLED ?? !production,
      FIRST_ADMIN_EMAIL: adminEmail,
      FIRST_ADMIN_PASSWORD: adminPassword,
      storeKind,
    },
    warnings,
  };
}

/** A configuration for tests and embedding: defaults plus `overrides`, no environment read. */
export function testConfig(overrides: Partial<ServerConfig> = {}): ServerConfig {
  const { config } = loadConfig({
    NODE_ENV: "test",
    DATABASE_URL: "memory:",
    SECRET_KEY: "test-secret-key-that-is-at-least-32-characters-long",
    LOG_LEVEL: "silent",
    SCRYPT_LOG_N: "10",
    RATE_LIMIT_PER_MINUTE: "0",
    RATE_LIMIT_PER_HOUR: "0",
    AUTH_RATE_LIMIT_PER_MINUTE: "0",
    AUTH_RATE_LIMIT_PER_IP_PER_MINUTE: "0",
    EPCA_SEED_DEMO: "false",
    // No background writes between a test's requests: usage is written when it is read.
    USAGE_FLUSH_SECONDS: "0",
  });
  return { ...config, ...overrides };
}
