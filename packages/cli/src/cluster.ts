import cluster, { type Worker } from "node:cluster";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { availableParallelism } from "node:os";
import { ConfigError } from "@epca/server";

/** The response header a worker of `epca serve --workers` names itself in (its process id). */
export const WORKER_HEADER = "X-EPCA-Worker";

/** The longest wait before a crashed worker is started again. */
const MAX_BACKOFF_MS = 30_000;
/** A worker that ran this long before it died is not "crashing": the backoff starts over. */
const STABLE_AFTER_MS = 30_000;

/**
 * `--workers <n>`: a whole number from 1 to 64, or `0` / `auto` for one per CPU core
 * (`os.availableParallelism()`).
 */
export function parseWorkerCount(value: string): number {
  if (value === "auto" || value === "0") return availableParallelism();
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > 64) throw new ConfigError("--workers", `expected 0 or "auto" (one per CPU core) or a whole number from 1 to 64, got "${value}"`);
  return count;
}

/** The wait before the restart that follows `crashes` crashes in a row: 0.5 s, 1 s, 2 s, … up to 30 s. */
export function restartDelayMs(crashes: number): number {
  return Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.max(0, crashes - 1));
}

/** In a worker of `epca serve --workers`, the app with `X-EPCA-Worker: <pid>` on every response; otherwise the app. */
export function tagWorker(app: RequestListener): RequestListener {
  if (!cluster.isWorker) return app;
  const pid = String(process.pid);
  return (req: IncomingMessage, res: ServerResponse) => {
    res.setHeader(WORKER_HEADER, pid);
    app(req, res);
  };
}

/** What the primary of `epca serve --workers` needs. */
export interface PrimaryOptions {
  /** How many workers to keep running. */
  readonly workers: number;
  /** How long workers get after SIGTERM before the primary kills them (ms). */
  readonly graceMs: number;
  readonly progress: (message: string) => void;
}

/**
 * The primary of `epca serve --workers N` (node:cluster): forks N workers that each run `epca
 * serve` on the shared listening socket (connections spread across them by the primary), starts a
 * worker that died again after a backoff (0.5 s doubling up to 30 s while it keeps crashing within
 * 30 s of its start), and forwards SIGTERM and SIGINT to every worker, exiting once all have
 * exited (0) or after `graceMs` plus 5 s (1). The primary opens no store and serves no request.
 */
export function runPrimary(options: PrimaryOptions): void {
  const { progress } = options;
  const startedAt = new Map<number, number>();
  let crashes = 0;
  let stopping = false;
  // The primary's `cluster.workers` is always set (it is undefined only in a worker).
  const workers = (): Worker[] => Object.values(cluster.workers!).filter((w): w is Worker => w !== undefined);

  const fork = () => {
    const worker = cluster.fork();
    startedAt.set(worker.id, Date.now());
    return worker;
  };
  cluster.on("exit", (worker: Worker, code, signal) => {
    const lived = Date.now() - startedAt.get(worker.id)!; // fork() set it
    startedAt.delete(worker.id);
    if (stopping) {
      if (workers().length === 0) {
        progress("all workers stopped");
        process.exit(0);
      }
      return;
    }
    crashes = lived >= STABLE_AFTER_MS ? 1 : crashes + 1;
    const delay = restartDelayMs(crashes);
    progress(`worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting another in ${delay} ms`);
    setTimeout(() => {
      if (!stopping) fork();
    }, delay);
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    progress(`${signal}: stopping ${workers().length} worker(s)`);
    for (const worker of workers()) worker.process.kill(signal);
    if (workers().length === 0) process.exit(0);
    setTimeout(() => {
      progress("workers did not stop in time: killing them");
      for (const worker of workers()) worker.process.kill("SIGKILL");
      process.exit(1);
    }, options.graceMs + 5_000).unref();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  progress(`primary ${process.pid}: starting ${options.workers} worker(s)`);
  for (let i = 0; i < options.workers; i++) fork();
}
