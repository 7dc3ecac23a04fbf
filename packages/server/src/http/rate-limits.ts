import type { EpcaStore } from "@epca/core";
import { rateLimit, ipKeyGenerator, type RateLimitRequestHandler, type Store } from "express-rate-limit";
import type { Request, RequestHandler, Response } from "express";
import type { ServerConfig } from "../config/config.js";
import { CounterRateLimitStore, type PruneSchedule } from "./counter-rate-limit-store.js";

/**
 * Where a limiter keeps its counters, given the limiter's distinct prefix: `undefined` for
 * express-rate-limit's memory store (this process only).
 */
export type RateLimitStoreFactory = (prefix: string) => Store | undefined;

/** The memory store: counters in this process (PGlite and memory stores are single-process). */
export const memoryRateLimitStores: RateLimitStoreFactory = () => undefined;

/**
 * The counters of the limiters: the store's own counters when several processes share the store
 * (`capabilities.sharedAcrossProcesses`, a PostgreSQL server), so N instances allow each limit
 * once; otherwise express-rate-limit's memory store (one process's store, one process's counts).
 */
export function rateLimitStoresFor(store: Pick<EpcaStore, "capabilities" | "counters">): RateLimitStoreFactory {
  if (!store.capabilities.sharedAcrossProcesses) return memoryRateLimitStores;
  const schedule: PruneSchedule = { lastPrune: 0 };
  return (prefix) => new CounterRateLimitStore(store.counters, `${prefix}:`, schedule);
}

function limiter(options: {
  windowMs: number;
  limit: number;
  store: Store | undefined;
  keyGenerator?: (req: Request, res: Response) => string;
  skipSuccessfulRequests?: boolean;
  message: string;
}): RateLimitRequestHandler {
  return rateLimit({
    windowMs: options.windowMs,
    limit: options.limit,
    standardHeaders: "draft-7",
    legacyHeaders: false,
    ...(options.store ? { store: options.store } : {}),
    ...(options.keyGenerator ? { keyGenerator: options.keyGenerator } : {}),
    skipSuccessfulRequests: options.skipSuccessfulRequests ?? false,
    // express-rate-limit's own checks stay on: they report (once) a `trust proxy` of `true`, an
    // X-Forwarded-For the app does not trust, and similar misconfigurations.
    handler: (_req, res, _next, opts) => {
      res.status(opts.statusCode).json({ detail: options.message });
    },
  });
}

const clientIp = (req: Request) => ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? "unknown");

/** Per-client-IP limits of the whole API (`RATE_LIMIT_PER_MINUTE`, `RATE_LIMIT_PER_HOUR`; 0 disables one). */
export function apiRateLimits(config: ServerConfig, stores: RateLimitStoreFactory = memoryRateLimitStores): RequestHandler[] {
  const handlers: RequestHandler[] = [];
  if (config.RATE_LIMIT_PER_MINUTE > 0) {
    handlers.push(
      limiter({ windowMs: 60_000, limit: config.RATE_LIMIT_PER_MINUTE, store: stores("api-minute"), keyGenerator: clientIp, message: "Rate limit exceeded: too many requests per minute" }),
    );
  }
  if (config.RATE_LIMIT_PER_HOUR > 0) {
    handlers.push(
      limiter({ windowMs: 3_600_000, limit: config.RATE_LIMIT_PER_HOUR, store: stores("api-hour"), keyGenerator: clientIp, message: "Rate limit exceeded: too many requests per hour" }),
    );
  }
  return handlers;
}

/** The paths under the API base that no rate limit applies to (health checks). */
export function isRateLimitExempt(path: string): boolean {
  return path === "/health" || path === "/health/";
}

/** The stricter limits of login, refresh and register (`AUTH_RATE_LIMIT_PER_MINUTE`; 0 disables them). */
export interface CredentialRateLimits {
  /** Per client IP: each route has its own bucket. */
  readonly login: RequestHandler[];
  readonly refresh: RequestHandler[];
  readonly register: RequestHandler[];
  /**
   * Failed logins per account: the resolved tenant (`res.locals.tenantId`, set before this runs)
   * and the trimmed, lower-cased username, so that guessing one account's password from many
   * addresses, or under many spellings of the tenant or the email, is slowed too.
   */
  readonly perAccount: RequestHandler[];
}

/** The limits of the credential routes; a separate counter per route and per limit. */
export function credentialRateLimits(config: ServerConfig, stores: RateLimitStoreFactory = memoryRateLimitStores): CredentialRateLimits {
  const limit = config.AUTH_RATE_LIMIT_PER_MINUTE;
  if (limit <= 0) return { login: [], refresh: [], register: [], perAccount: [] };
  const perIp = (route: string) => [
    limiter({
      windowMs: 60_000,
      limit,
      store: stores(`auth-${route}-ip`),
      keyGenerator: (req) => `${route}:ip:${clientIp(req)}`,
      message: "Too many login attempts; try again later",
    }),
  ];
  return {
    login: perIp("login"),
    refresh: perIp("refresh"),
    register: perIp("register"),
    perAccount: [
      limiter({
        windowMs: 15 * 60_000,
        limit,
        store: stores("auth-login-account"),
        skipSuccessfulRequests: true,
        keyGenerator: (req, res) => {
          const tenantId = res.locals.tenantId;
          if (typeof tenantId !== "string") throw new Error("the per-account login limit runs after the tenant is resolved");
          const username = (req.body as { username?: unknown } | undefined)?.username;
          return `account:${tenantId}:${typeof username === "string" ? username.trim().toLowerCase().slice(0, 254) : ""}`;
        },
        message: "Too many failed login attempts for this account; try again later",
      }),
    ],
  };
}
