import type { ErrorRequestHandler, RequestHandler } from "express";
import { NotFoundError, ValidationError, isEpcaError } from "@epca/core";
import type { z } from "zod";
import { requestLogFields } from "./logging.js";

/** Where a validation issue sits, FastAPI style. */
export type IssueLocation = "body" | "query" | "path" | "file";

/** One FastAPI validation detail entry. */
export interface ValidationDetail {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/** An error the HTTP layer raises itself (bad request, unsupported media type, …). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string | ValidationDetail[],
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof detail === "string" ? detail : "Validation error");
    this.name = "HttpError";
  }
}

/** A 422 from zod issues, each with its location. */
export class RequestValidationError extends HttpError {
  constructor(details: ValidationDetail[]) {
    super(422, details);
    this.name = "RequestValidationError";
  }
}

/** Converts zod issues into FastAPI detail entries under `location`. */
export function zodIssuesToDetail(issues: readonly z.core.$ZodIssue[], location: IssueLocation): ValidationDetail[] {
  return issues.map((issue) => ({
    loc: [location, ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))],
    msg: issue.message,
    type: issue.code,
  }));
}

const UNAUTHENTICATED_HEADERS = { "WWW-Authenticate": "Bearer" };

/**
 * The HTTP status of every error code the built-in modules can meet: the one table where errors
 * become statuses. A module adds its own codes (`ServerModule.errorStatuses`); a code in no table
 * is a 500.
 */
export const ERROR_STATUSES: Readonly<Record<string, number>> = Object.freeze({
  unauthenticated: 401,
  forbidden: 403,
  tenant_suspended: 403,
  plan_limit_reached: 403,
  not_found: 404,
  unknown_tenant: 404,
  conflict: 409,
  validation_failed: 422,
  store_closed: 503,
  jobs_unavailable: 503,
});

/** An error's answer: status, body and headers. */
export interface ErrorAnswer {
  status: number;
  body: { detail: unknown };
  headers?: Record<string, string>;
}

/** The one place where errors become HTTP answers, by their stable `code` (`statuses` defaults to `ERROR_STATUSES`). */
export function errorAnswer(error: unknown, statuses: Readonly<Record<string, number>> = ERROR_STATUSES): ErrorAnswer | null {
  if (error instanceof HttpError) return { status: error.status, body: { detail: error.detail }, headers: error.headers };
  if (isEpcaError(error)) {
    const status = statuses[error.code];
    if (status === undefined) return null;
    if (error instanceof ValidationError) {
      return { status, body: { detail: error.issues.map((issue) => ({ loc: ["body", ...issue.path], msg: issue.message, type: issue.code })) } };
    }
    // "Department not found": never the id, never whether it exists in another tenant.
    const detail = error instanceof NotFoundError && error.code === "not_found" ? notFoundMessage(error) : error.message;
    return { status, body: { detail }, ...(status === 401 ? { headers: UNAUTHENTICATED_HEADERS } : {}) };
  }
  if (error instanceof URIError) return { status: 400, body: { detail: MALFORMED_PATH } };
  return bodyParserError(error);
}

/**
 * The detail of a request whose path the router cannot decode: Express raises a `URIError`
 * (status 400) when a path parameter holds a malformed percent-escape (`%`, `%zz`, `%E0%A4%A`).
 */
export const MALFORMED_PATH = "Malformed percent-encoding in the request path";

function notFoundMessage(error: NotFoundError): string {
  const resource = error.resource.charAt(0).toUpperCase() + error.resource.slice(1);
  return `${resource} not found`;
}

/** Errors of express.json / express.urlencoded (they carry `type` and `status`). */
function bodyParserError(error: unknown): ErrorAnswer | null {
  if (typeof error !== "object" || error === null || !("type" in error)) return null;
  const { type } = error as { type: unknown };
  switch (type) {
    case "entity.parse.failed": {
      const message = error instanceof Error ? error.message : "";
      const position = /position (\d+)/.exec(message)?.[1];
      return {
        status: 422,
        body: {
          detail: [{ loc: ["body", position === undefined ? 0 : Number(position)], msg: "JSON decode error", type: "json_invalid" }],
        },
      };
    }
    case "entity.too.large":
      return { status: 413, body: { detail: "Request body too large" } };
    case "encoding.unsupported":
    case "charset.unsupported":
      return { status: 415, body: { detail: "Unsupported request encoding" } };
    case "request.aborted":
    case "request.size.invalid":
    case "stream.encoding.set":
    case "parameters.too.many":
      return { status: 400, body: { detail: "Malformed request body" } };
    default:
      return null;
  }
}

/** 404 for any path of the API that no route answers. */
export const notFoundHandler: RequestHandler = (_req, res) => {
  res.status(404).json({ detail: "Not Found" });
};

/**
 * Express error middleware over a status table: domain errors map to their status; anything
 * unexpected is a 500 with a fixed body (no stack, no SQL), logged with the request id.
 */
export function createErrorHandler(statuses: Readonly<Record<string, number>> = ERROR_STATUSES): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const answer = errorAnswer(error, statuses);
    if (res.headersSent) {
      req.log?.error({ ...requestLogFields(req), err: error }, "error after the response started");
      res.destroy();
      return;
    }
    if (answer) {
      if (answer.status >= 500) req.log?.error({ ...requestLogFields(req), err: error }, "request failed");
      res.status(answer.status).set(answer.headers ?? {}).json(answer.body);
      return;
    }
    req.log?.error({ ...requestLogFields(req), err: error }, "unexpected error");
    res.status(500).json({ detail: "Internal Server Error" });
  };
}

/** The error middleware of the built-in modules' table. */
export const errorHandler: ErrorRequestHandler = createErrorHandler();
