import type { IncomingMessage, Server, ServerResponse } from "node:http";

/** What `drainServer` did. */
export interface DrainResult {
  /** Requests that were in flight when the drain began. */
  readonly inFlightAtStart: number;
  /** Requests still running when the grace ran out (their connections were closed). */
  readonly abandoned: number;
  /** Requests answered 503 during the drain (they arrived on an open keep-alive connection). */
  readonly refused: number;
}

/** A server that can be drained: see `drainableServer`. */
export interface DrainableServer {
  /** Requests being answered right now. */
  inFlight(): number;
  /**
   * Stops taking new connections, answers 503 (`Connection: close`, `Retry-After`) to a request
   * that still arrives on an open connection, asks in-flight answers to close their connection,
   * waits for them up to `graceMs`, then closes every connection left.
   */
  drain(options: { graceMs: number }): Promise<DrainResult>;
}

/**
 * Wraps the request listeners of `server` (an Express app's `listen`, or any node:http server)
 * so that a SIGTERM handler can drain it. Call it once, right after the server was created.
 */
export function drainableServer(server: Server): DrainableServer {
  const listeners = server.listeners("request") as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners("request");
  const running = new Set<ServerResponse>();
  let draining = false;
  let refused = 0;
  let settle: (() => void) | null = null;
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    if (draining) {
      refused++;
      res.writeHead(503, { "Content-Type": "application/json", Connection: "close", "Retry-After": "1" });
      res.end(JSON.stringify({ detail: "The server is shutting down; retry on another instance" }));
      return;
    }
    running.add(res);
    res.once("close", () => {
      running.delete(res);
      if (running.size === 0) settle?.();
    });
    for (const listener of listeners) listener.call(server, req, res);
  });
  return {
    inFlight: () => running.size,
    async drain({ graceMs }) {
      draining = true;
      const inFlightAtStart = running.size;
      // The answers still to come close their connection, so a client's next request opens a
      // new one (to another instance behind the load balancer).
      for (const res of running) if (!res.headersSent) res.setHeader("Connection", "close");
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const finished = running.size === 0 ? Promise.resolve(true) : new Promise<boolean>((resolve) => (settle = () => resolve(true)));
      const expired = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs)));
      const inTime = await Promise.race([finished, expired]);
      clearTimeout(timer);
      const abandoned = inTime ? 0 : running.size;
      server.closeAllConnections();
      await closed;
      return { inFlightAtStart, abandoned, refused };
    },
  };
}

/**
 * Calls `ping` until it resolves, once a second, for at most `timeoutSeconds` (0: once), telling
 * `onRetry` about each failed attempt; rejects with the last error when the time is up.
 */
export async function waitForDatabase(
  ping: () => Promise<void>,
  options: { timeoutSeconds: number; intervalMs?: number; onRetry: (attempt: number, error: unknown, remainingSeconds: number) => void },
): Promise<number> {
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  const interval = options.intervalMs ?? 1000;
  for (let attempt = 1; ; attempt++) {
    try {
      await ping();
      return attempt;
    } catch (error) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw error;
      options.onRetry(attempt, error, Math.ceil(remaining / 1000));
      await new Promise((resolve) => setTimeout(resolve, Math.min(interval, remaining)));
    }
  }
}

/** The PostgreSQL settings that decide whether an acknowledged commit survives a crash. */
export const DURABILITY_SETTINGS = ["fsync", "synchronous_commit", "full_page_writes"] as const;

/**
 * One warning per durability setting that is off (`fsync`, `full_page_writes` off; `synchronous_commit`
 * `off` or `local` is reported only for `off`, which may lose acknowledged commits on a crash).
 */
export function durabilityWarnings(settings: Readonly<Record<string, string>>): string[] {
  const warnings: string[] = [];
  if (settings.fsync === "off") warnings.push("fsync=off: a crash of the database server or its machine can corrupt the database");
  if (settings.full_page_writes === "off") warnings.push("full_page_writes=off: a crash during a page write can leave torn pages that recovery cannot repair");
  if (settings.synchronous_commit === "off") warnings.push("synchronous_commit=off: a crash can lose commits that were already acknowledged (up to about 3 × wal_writer_delay)");
  return warnings;
}
