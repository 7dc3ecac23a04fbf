import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import pino, { type DestinationStream, type Logger } from "pino";
import type { RequestHandler } from "express";
import { pinoHttp } from "pino-http";
import type { ServerConfig } from "../config/config.js";

/** Paths whose values never reach a log line. */
const REDACT = [
  "req.headers.authorization",
  "req.headers.cookie",
  'res.headers["set-cookie"]',
  "*.password",
  "*.refresh_token",
  "*.access_token",
  "*.token",
  "*.secret",
  "*.SECRET_KEY",
  "*.FIRST_ADMIN_PASSWORD",
];

/**
 * The process logger: JSON lines when `JSON_LOGS`, otherwise the same lines with the level as a
 * word, on stdout. Writes are asynchronous (a request does not wait for a `write(2)` per line);
 * pino flushes what is buffered synchronously when the process exits, `process.exit()` included.
 * `destination` replaces stdout (e.g. a stream that collects the lines in tests). `pretty` (see
 * `prettyLogsWanted`) prints one readable coloured line per entry through the `pino-pretty`
 * transport instead, for a person at a terminal.
 */
export function createLogger(
  config: Pick<ServerConfig, "LOG_LEVEL" | "JSON_LOGS">,
  destination?: DestinationStream,
  options: { readonly pretty?: boolean } = {},
): Logger {
  const pretty = options.pretty === true && destination === undefined && !config.JSON_LOGS;
  return pino(
    {
      level: config.LOG_LEVEL,
      redact: { paths: REDACT, censor: "[redacted]" },
      base: { service: "epca-server" },
      timestamp: pino.stdTimeFunctions.isoTime,
      ...(config.JSON_LOGS || pretty ? {} : { formatters: { level: (label: string) => ({ level: label }) } }),
    },
    destination ?? (pretty ? prettyTransport() : pino.destination({ dest: 1, sync: false })),
  );
}

/**
 * Whether logs should be pretty-printed: only when stdout is a terminal (a person reads it) and
 * `JSON_LOGS` is not set to true. Pipes, files and log collectors keep one JSON object per line.
 */
export function prettyLogsWanted(config: Pick<ServerConfig, "JSON_LOGS">, stdout: { isTTY?: boolean } = process.stdout): boolean {
  return stdout.isTTY === true && !config.JSON_LOGS;
}

/**
 * `pino-pretty` in pino's transport worker thread (formatting stays off the request path): one line
 * per entry, `HH:MM:ss.l LEVEL: message {fields}`, without the pid, host and service every line
 * shares.
 */
function prettyTransport(): DestinationStream {
  return pino.transport({
    target: "pino-pretty",
    options: {
      destination: 1,
      colorize: true,
      singleLine: true,
      translateTime: "SYS:HH:MM:ss.l",
      ignore: "pid,hostname,service",
    },
  }) as DestinationStream;
}

/** A caller's request id is echoed when it is sane; otherwise one is generated. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request id of a request, reusing a sane `X-Request-ID`. */
export function requestIdOf(req: IncomingMessage): string {
  const header = req.headers["x-request-id"];
  const value = Array.isArray(header) ? header[0] : header;
  return value && SANE_REQUEST_ID.test(value) ? value : randomUUID();
}

/**
 * One log line per request: `request_id`, `user_id`, `tenant_id`, `route` (the template),
 * `status_code` and `duration_ms`, with `req` (method, path, client address as Express's `req.ip`).
 * Bodies, headers and query strings are never logged.
 */
export function createHttpLogger(logger: Logger): RequestHandler {
  const access = pinoHttp({
    // The access line holds only the fields picked here (no header, body or query string), so it
    // skips the redaction pass every line of `logger` takes; what else is logged for a request
    // (`req.log`, below) is redacted as usual.
    logger: logger.child({}, { redact: [] }),
    genReqId: (req, res) => {
      const id = requestIdOf(req);
      res.setHeader("X-Request-ID", id);
      return id;
    },
    customAttributeKeys: { reqId: "request_id", responseTime: "duration_ms" },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? "error" : res.statusCode >= 400 ? "warn" : "info"),
    customSuccessObject: (req, res, value: Record<string, unknown>) => ({ ...value, ...requestFields(req, res) }),
    customErrorObject: (req, res, _error, value: Record<string, unknown>) => ({ ...value, ...requestFields(req, res) }),
    customSuccessMessage: (req, res) => `${req.method} ${routeOf(req)} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${routeOf(req)} ${res.statusCode}`,
    // The serializers get the raw request and response: pino-http's default wrappers would first
    // copy every header and parse the query string of each request, for fields never logged.
    wrapSerializers: false,
    serializers: {
      req: (req: ExpressishRequest) => ({
        method: req.method,
        url: (req.originalUrl ?? req.url ?? "").split("?")[0],
        // Express's req.ip honours `trust proxy`; a bare node request has only the socket's.
        remote_address: req.ip ?? req.socket?.remoteAddress,
      }),
      res: (res: ServerResponse) => ({ status_code: res.statusCode }),
    },
  });
  return (req, res, next) => {
    // What else a request logs (the error mapping: errors and their causes) goes through `logger`
    // itself, redacted, with the request's fields (`requestLogFields`), unless a host's own
    // middleware set one (pino-http keeps a `req.log` it finds).
    req.log ??= logger;
    access(req, res);
    next();
  };
}

/** The fields of a request that a line logged for it carries besides its own (the access line's `request_id` and `req`). */
export function requestLogFields(req: IncomingMessage): { request_id: unknown; req: Record<string, unknown> } {
  const r = req as ExpressishRequest;
  return { request_id: r.id, req: { method: r.method, url: (r.originalUrl ?? r.url ?? "").split("?")[0], remote_address: r.ip ?? r.socket?.remoteAddress } };
}

type ExpressishRequest = IncomingMessage & { id?: unknown; ip?: string; route?: { path?: unknown }; baseUrl?: string; originalUrl?: string };

function routeOf(req: IncomingMessage): string {
  const r = req as ExpressishRequest;
  return r.route?.path !== undefined ? `${r.baseUrl ?? ""}${String(r.route.path)}` : "unmatched";
}

function requestFields(req: IncomingMessage, res: ServerResponse): Record<string, unknown> {
  const locals = (res as ServerResponse & { locals?: { actor?: { userId: number | null; tenantId: string } } }).locals;
  return {
    request_id: (req as ExpressishRequest).id,
    user_id: locals?.actor?.userId ?? null,
    tenant_id: locals?.actor?.tenantId ?? null,
    route: routeOf(req),
    status_code: res.statusCode,
  };
}
