import type { RequestMetadata } from "@epca/core";
import type { Request } from "express";

/** Where a request came from, as audit entries record it. */
export function requestMetadata(req: Request): Required<{ [K in keyof RequestMetadata]: string | null }> {
  return {
    id: typeof req.id === "string" ? req.id : req.id === undefined ? null : String(req.id),
    ip: req.ip ?? null,
    userAgent: req.get("user-agent") ?? null,
  };
}
