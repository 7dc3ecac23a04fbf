import type { ErrorRequestHandler, RequestHandler } from "express";
import {
  ConflictError,
  ForbiddenError,
  LimitExceededError,
  NotFoundError,
  UnauthenticatedError,
  ValidationError,
  isEpcaError,
} from "@epca/core";
import type { z } from "zod";

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

interface ErrorAnswer {
  status: number;
  body: { detail: unknown };
  headers?: Record<string, string>;
}

/** The one place where errors become HTTP answers. */
export function errorAnswer(error: unknown): ErrorAnswer | null {
  if (error instanceof HttpError) return { status: error.status, body: { detail: error.detail }, headers: error.headers };
  if (isEpcaError(error)) {
    if (error instanceof NotFoundError) return { status: 404, body: { detail: notFoundMessage(error) } };
    if (error instanceof ForbiddenError) return { status: 403, body: { detail: error.message } };
    if (error instanceof LimitExceededError) return { status: 403, body: { detail: error.message } };
    if (error instanceof ConflictError) return { status: 409, body: { detail: error.message } };
    if (error instanceof UnauthenticatedError) {
      return { status: 401, body: { detail: error.message }, headers: UNAUTHENTICATED_HEADERS };
    }
    if (error instanceof ValidationError) {
      return {
        status: 422,
        body: {
          detail: error.issues.map((issue) => ({
            loc: ["body", ...issue.path],
            msg: issue.message,
            type: issue.code,
          })),
        },
      };
    }
  }
  const bodyParser = bodyParserError(error);
  if (bodyParser) return bodyParser;
  return null;
}

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
 * Express error middleware: domain errors map to their status; anything unexpected is a 500 with
 * a fixed body (no stack, no SQL), logged with the request id.
 */
export const errorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  const answer = errorAnswer(error);
  if (res.headersSent) {
    req.log?.error({ err: error }, "error after the response started");
    res.destroy();
    return;
  }
  if (answer) {
    if (answer.status >= 500) req.log?.error({ err: error }, "request failed");
    res.status(answer.status).set(answer.headers ?? {}).json(answer.body);
    return;
  }
  req.log?.error({ err: error }, "unexpected error");
  res.status(500).json({ detail: "Internal Server Error" });
};
