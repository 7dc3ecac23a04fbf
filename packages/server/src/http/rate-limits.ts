import { rateLimit, ipKeyGenerator, type RateLimitRequestHandler } from "express-rate-limit";
import type { Request, RequestHandler } from "express";
import type { ServerConfig } from "../config.js";

// Counters live in this process (express-rate-limit's memory store): N instances allow N times
// the limit. A PostgreSQL-backed store shared by instances is future work.

function limiter(options: {
  windowMs: number;
  limit: number;
  keyGenerator?: (req: Request) => string;
  skipSuccessfulRequests?: boolean;
  message: string;
}): RateLimitRequestHandler {
  return rateLimit({
    windowMs: options.windowMs,
    limit: options.limit,
    standardHeaders: "draft-7",
    legacyHeaders: false,
    ...(options.keyGenerator ? { keyGenerator: options.keyGenerator } : {}),
    skipSuccessfulRequests: options.skipSuccessfulRequests ?? false,
    // `trust proxy` is the operator's choice (TRUST_PROXY); do not warn about it on every boot.
    validate: { trustProxy: false, xForwardedForHeader: false },
    handler: (_req, res, _next, opts) => {
      res.status(opts.statusCode).json({ detail: options.message });
    },
  });
}

const clientIp = (req: Request) => ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? "unknown");

/** Per-client-IP limits of the whole API (`RATE_LIMIT_PER_MINUTE`, `RATE_LIMIT_PER_HOUR`; 0 disables one). */
export function apiRateLimits(config: ServerConfig): RequestHandler[] {
  const handlers: RequestHandler[] = [];
  if (config.RATE_LIMIT_PER_MINUTE > 0) {
    handlers.push(limiter({ windowMs: 60_000, limit: config.RATE_LIMIT_PER_MINUTE, keyGenerator: clientIp, message: "Rate limit exceeded: too many requests per minute" }));
  }
  if (config.RATE_LIMIT_PER_HOUR > 0) {
    handlers.push(limiter({ windowMs: 3_600_000, limit: config.RATE_LIMIT_PER_HOUR, keyGenerator: clientIp, message: "Rate limit exceeded: too many requests per hour" }));
  }
  return handlers;
}

/**
 * The stricter limits of login and refresh: per client IP, and per account (the login's
 * `username`), counting failed attempts only, so that guessing one account's password from many
 * addresses is slowed too.
 */
export function credentialRateLimits(config: ServerConfig): { perIp: RequestHandler[]; perAccount: RequestHandler[] } {
  const limit = config.AUTH_RATE_LIMIT_PER_MINUTE;
  if (limit <= 0) return { perIp: [], perAccount: [] };
  return {
    perIp: [limiter({ windowMs: 60_000, limit, keyGenerator: (req) => `ip:${clientIp(req)}`, message: "Too many login attempts; try again later" })],
    perAccount: [
      limiter({
        windowMs: 15 * 60_000,
        limit,
        skipSuccessfulRequests: true,
        keyGenerator: (req) => {
          const username = (req.body as { username?: unknown } | undefined)?.username;
          return `account:${req.get("x-tenant-id") ?? ""}:${typeof username === "string" ? username.trim().toLowerCase().slice(0, 254) : ""}`;
        },
        message: "Too many failed login attempts for this account; try again later",
      }),
    ],
  };
}
