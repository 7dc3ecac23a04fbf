import type { Epca, EpcaStore, PasswordHasher } from "@epca/core";
import type { Request } from "express";
import type { Logger } from "pino";
import type { TokenService } from "../auth/tokens.js";
import type { ServerConfig } from "../config.js";
import type { RateLimitStoreFactory } from "./rate-limits.js";

/** What the routes of one API instance share. Built once per `createApiRouter` call. */
export interface ApiServices {
  readonly epca: Epca;
  readonly store: EpcaStore;
  readonly config: ServerConfig;
  readonly tokens: TokenService;
  readonly passwordHasher: PasswordHasher;
  readonly logger: Logger;
  /** When the instance started (ms since epoch), for `uptime_seconds`. */
  readonly startedAt: number;
  /** Where each rate limiter keeps its counters (PostgreSQL shared by instances, or memory). */
  readonly rateLimitStores: RateLimitStoreFactory;
}

/** Request metadata copied into audit entries. */
export function requestMetadata(req: Request): { id: string | null; ip: string | null; userAgent: string | null } {
  return {
    id: typeof req.id === "string" ? req.id : req.id === undefined ? null : String(req.id),
    ip: req.ip ?? null,
    userAgent: req.get("user-agent") ?? null,
  };
}
