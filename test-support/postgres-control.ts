import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findPostgresBin } from "./postgres-cluster.js";

/**
 * A PostgreSQL cluster a test stops and starts again (fault tests, start-up waits) or streams to a
 * standby from. Unlike `startThrowawayCluster`, stopping keeps its files until `destroy`.
 */
export interface ControlledCluster {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** Starts the server (again) on the same port; resolves once it accepts connections. */
  start(): void;
  /** Stops it (`fast`: disconnects clients and shuts down cleanly; `immediate`: like a crash). */
  stop(mode?: "fast" | "immediate"): void;
  /** Runs `psql -c sql` against it and returns the unaligned, tuples-only output. */
  psql(sql: string, database?: string): string;
  /** Stops it and deletes its files. */
  destroy(): void;
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const asRoot = () => process.getuid?.() === 0;

/** `command` from the PostgreSQL installation's own bin directory (pg_basebackup and psql may be only there), else from `bin`. */
function binOf(bin: string, command: string): string {
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    for (const version of readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a))) {
      if (existsSync(join(root, version, "bin", command))) return join(root, version, "bin", command);
    }
  }
  return join(bin, command);
}

function runner(bin: string) {
  return (command: string, args: string[], options: { allowFailure?: boolean } = {}) => {
    const path = binOf(bin, command);
    const [file, argv] = asRoot() ? ["runuser", ["-u", "postgres", "--", path, ...args]] : [path, args];
    const result = spawnSync(file, argv as string[], { encoding: "utf8" });
    if (result.status !== 0 && !options.allowFailure) throw new Error(`${command} failed (${result.status}): ${result.stderr || result.stdout}`);
    return result.stdout;
  };
}

function ownedTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (asRoot()) {
    chmodSync(dir, 0o700);
    execFileSync("chown", ["postgres", dir]);
  }
  return dir;
}

function controlled(bin: string, dataDir: string, port: number, settings: readonly string[]): ControlledCluster {
  const run = runner(bin);
  const options = [`-p ${port}`, `-k ${dataDir}`, "-c listen_addresses=127.0.0.1", ...settings].join(" ");
  let running = false;
  let destroyed = false;
  const cluster: ControlledCluster = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    start() {
      run("pg_ctl", ["-D", dataDir, "-o", options, "-l", join(dataDir, "server.log"), "-w", "-t", "60", "start"]);
      running = true;
    },
    stop(mode = "fast") {
      if (!running) return;
      run("pg_ctl", ["-D", dataDir, "-m", mode, "-w", "stop"], { allowFailure: true });
      running = false;
    },
    psql(sql, database = "postgres") {
      return run("psql", ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", database, "-Atc", sql]).trim();
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      try {
        cluster.stop("immediate");
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
  return cluster;
}

/**
 * Initialises a cluster (trust authentication) and starts it. `durable: false` (default) turns
 * fsync, synchronous_commit and full_page_writes off for speed; `true` leaves PostgreSQL's defaults.
 */
export async function startControlledCluster(options: { durable?: boolean; port?: number; settings?: string[]; start?: boolean } = {}): Promise<ControlledCluster | null> {
  const bin = findPostgresBin();
  if (!bin) return null;
  const dataDir = ownedTempDir("epca-pgc-");
  runner(bin)("initdb", ["-D", dataDir, "-A", "trust", "-U", "postgres", "--no-sync"]);
  const port = options.port ?? (await freePort());
  const settings = [
    ...(options.durable ? [] : ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]),
    "-c wal_level=replica",
    "-c max_wal_senders=5",
    ...(options.settings ?? []),
  ];
  const cluster = controlled(bin, dataDir, port, settings);
  if (options.start !== false) cluster.start();
  return cluster;
}

/**
 * A streaming standby of `primary`, cloned with `pg_basebackup -R` (which writes
 * `primary_conninfo` and `standby.signal`) and started on a port of its own; read-only.
 */
export async function startStandby(primary: ControlledCluster, options: { applicationName?: string } = {}): Promise<ControlledCluster> {
  const bin = findPostgresBin()!;
  const dataDir = ownedTempDir("epca-pgs-");
  const name = options.applicationName ?? "epca_standby";
  try {
    runner(bin)("pg_basebackup", ["-h", "127.0.0.1", "-p", String(primary.port), "-U", "postgres", "-D", dataDir, "-R", "-X", "stream", "--no-sync", "-d", `application_name=${name}`]);
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const cluster = controlled(bin, dataDir, await freePort(), ["-c fsync=off", "-c hot_standby=on"]);
  cluster.start();
  return cluster;
}
