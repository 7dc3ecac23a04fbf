import type { EpcaStore } from "@epca/core";
import { rateLimit, ipKeyGenerator, type RateLimitRequestHandler, type Store } from "express-rate-limit";
import type { Request, RequestHandler, Response } from "express";
import { isBearer, verifyAccessToken } from "../auth/bearer.js";
import { createTokenService, type TokenService } from "../auth/tokens.js";
import type { ServerConfig } from "../config/config.js";
import { CounterBatch, CounterRateLimitStore, type CounterBatchOptions, type PruneSchedule } from "./counter-rate-limit-store.js";

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
 * once (within the tolerance `CounterBatch` states: hits are counted in memory and sent in one
 * statement per `flushMs` for all the limiters); otherwise express-rate-limit's memory store (one
 * process's store, one process's counts).
 */
export function rateLimitStoresFor(store: Pick<EpcaStore, "capabilities" | "counters">, batching: CounterBatchOptions = {}): RateLimitStoreFactory {
  if (!store.capabilities.sharedAcrossProcesses) return memoryRateLimitStores;
  const schedule: PruneSchedule = { lastPrune: 0 };
  const batch = new CounterBatch(store.counters, batching);
  return (prefix) => new CounterRateLimitStore(batch, `${prefix}:`, schedule);
}

function limiter(options: {
  windowMs: number;
  limit: number;
  store: Store | undefined;
  keyGenerator?: (req: Request, res: Response) => string | Promise<string>;
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

/**
 * The key a request's API limits count under: `user:<tenant>:<user id>` when it carries an access
 * token that verifies (signature, expiry, type: CPU only, no storage), so that each user of an
 * office behind one address has their own count; otherwise, anonymous or with a token that does
 * not verify, `ip:<client address>`, one count per address.
 */
export function apiRateLimitKey(tokens: TokenService, multiTenant: boolean): (req: Request) => Promise<string> {
  return async (req) => {
    const header = req.get("authorization");
    if (isBearer(header)) {
      try {
        const claims = await verifyAccessToken(header, tokens, multiTenant);
        return `user:${claims.tenantId}:${claims.userId}`;
      } catch {
        // An invalid token counts as anonymous.
      }
    }
    return `ip:${clientIp(req)}`;
  };
}

/**
 * The limits of the whole API (`RATE_LIMIT_PER_MINUTE`, `RATE_LIMIT_PER_HOUR`; 0 disables one),
 * per authenticated user (tenant + user id) or, for anonymous requests, per client address
 * (`apiRateLimitKey`). `tokens` verifies the bearer tokens; by default a service over the
 * configuration's `SECRET_KEY` (the same verification the route table does).
 */
export function apiRateLimits(config: ServerConfig, stores: RateLimitStoreFactory = memoryRateLimitStores, tokens?: TokenService): RequestHandler[] {
  const handlers: RequestHandler[] = [];
  if (config.RATE_LIMIT_PER_MINUTE <= 0 && config.RATE_LIMIT_PER_HOUR <= 0) return handlers;
  const verifier =
    tokens ?? createTokenService({ secret: config.SECRET_KEY, accessTokenMinutes: config.ACCESS_TOKEN_EXPIRE_MINUTES, refreshTokenDays: config.REFRESH_TOKEN_EXPIRE_DAYS });
  const keyGenerator = apiRateLimitKey(verifier, config.MULTI_TENANT);
  if (config.RATE_LIMIT_PER_MINUTE > 0) {
    handlers.push(
      limiter({ windowMs: 60_000, limit: config.RATE_LIMIT_PER_MINUTE, store: stores("api-minute"), keyGenerator, message: "Rate limit exceeded: too many requests per minute" }),
    );
  }
  if (config.RATE_LIMIT_PER_HOUR > 0) {
    handlers.push(
      limiter({ windowMs: 3_600_000, limit: config.RATE_LIMIT_PER_HOUR, store: stores("api-hour"), keyGenerator, message: "Rate limit exceeded: too many requests per hour" }),
    );
  }
  return handlers;
}

/** The credential routes: counted by their own limits (`credentialRateLimits`), not the API's. */
const CREDENTIAL_PATHS = new Set(["/auth/login", "/auth/refresh", "/auth/register"]);

/**
 * The paths under the API base that the API limits do not apply to: health checks, and the
 * credential routes, which have limits of their own (a per-IP API limit would otherwise cap the
 * logins of an office behind one address at `RATE_LIMIT_PER_MINUTE`).
 */
export function isRateLimitExempt(path: string): boolean {
  const bare = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
  return bare === "/health" || CREDENTIAL_PATHS.has(bare);
}

/**
 * The limits of the credential routes. Strict per account, generous per address: hundreds of
 * colleagues behind one NAT address log in at 9:00, while guessing one account's password is slowed
 * whatever address it comes from.
 */
export interface CredentialRateLimits {
  /** Login attempts per client IP (`AUTH_RATE_LIMIT_PER_IP_PER_MINUTE`). */
  readonly login: RequestHandler[];
  /** Refresh attempts per client IP (`AUTH_RATE_LIMIT_PER_IP_PER_MINUTE`, a bucket of its own). */
  readonly refresh: RequestHandler[];
  /** Registrations per client IP (`AUTH_RATE_LIMIT_PER_MINUTE`: creating accounts is not what offices do at 9:00). */
  readonly register: RequestHandler[];
  /**
   * Failed logins per account (`AUTH_RATE_LIMIT_PER_MINUTE` per 15 minutes): the resolved tenant
   * (`res.locals.tenantId`, set before this runs) and the trimmed, lower-cased username, so that
   * guessing one account's password from many addresses, or under many spellings of the tenant or
   * the email, is slowed too.
   */
  readonly perAccount: RequestHandler[];
}

/** The window of the per-account limit of failed logins. */
export const ACCOUNT_WINDOW_MINUTES = 15;

/** The limits of the credential routes; a separate counter per route and per limit; 0 disables one. */
export function credentialRateLimits(config: ServerConfig, stores: RateLimitStoreFactory = memoryRateLimitStores): CredentialRateLimits {
  const strict = config.AUTH_RATE_LIMIT_PER_MINUTE;
  const perIpLimit = config.AUTH_RATE_LIMIT_PER_IP_PER_MINUTE;
  const perIp = (route: string, limit: number) =>
    limit <= 0
      ? []
      : [
          limiter({
            windowMs: 60_000,
            limit,
            store: stores(`auth-${route}-ip`),
            keyGenerator: (req) => `${route}:ip:${clientIp(req)}`,
            message: "Too many login attempts; try again later",
          }),
        ];
  return {
    login: perIp("login", perIpLimit),
    refresh: perIp("refresh", perIpLimit),
    register: perIp("register", strict),
    perAccount:
      strict <= 0
        ? []
        : [
            limiter({
              windowMs: ACCOUNT_WINDOW_MINUTES * 60_000,
              limit: strict,
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

/** The limits as one line each, for the start banner (`epca serve`). */
export function describeRateLimits(config: ServerConfig): string[] {
  const off = (n: number, text: string) => (n > 0 ? text : "off");
  const api = [off(config.RATE_LIMIT_PER_MINUTE, `${config.RATE_LIMIT_PER_MINUTE}/min`), off(config.RATE_LIMIT_PER_HOUR, `${config.RATE_LIMIT_PER_HOUR}/h`)];
  return [
    `API ${api.join(", ")} per signed-in user (anonymous: per client address)`,
    `login ${off(config.AUTH_RATE_LIMIT_PER_MINUTE, `${config.AUTH_RATE_LIMIT_PER_MINUTE} failures/${ACCOUNT_WINDOW_MINUTES} min per account`)}; ` +
      `login and refresh ${off(config.AUTH_RATE_LIMIT_PER_IP_PER_MINUTE, `${config.AUTH_RATE_LIMIT_PER_IP_PER_MINUTE}/min per client address`)}`,
  ];
}
