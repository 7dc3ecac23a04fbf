/**
 * What the fault tests share: a PostgreSQL cluster of their own (durable settings: fsync,
 * synchronous_commit and full_page_writes on) that can be stopped, killed with SIGKILL and started
 * again on the same port and files, and `epca serve` in a child process.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { findPostgresBin, startThrowawayCluster, type ThrowawayCluster } from "../../test-support/postgres-cluster.js";
import { cleanEnv, startProcess, type RunningProcess } from "../../test-support/processes.js";

export const CLI = fileURLToPath(new URL("../../packages/cli/dist/cli.js", import.meta.url));

/** A cluster the test may crash. */
export interface CrashableCluster extends ThrowawayCluster {
  /** SIGKILL to the postmaster and every backend (by pid), as a power cut does to the processes. */
  kill9(): number[];
  /** `pg_ctl stop -m fast`. */
  stopFast(): void;
  /** `pg_ctl start` on the same files and port (crash recovery when it was killed). */
  start(): void;
}

const DURABLE = ["-c fsync=on", "-c synchronous_commit=on", "-c full_page_writes=on"];

/** Starts a durable cluster (null without initdb). */
export async function startCrashableCluster(): Promise<CrashableCluster | null> {
  const cluster = await startThrowawayCluster({ extraSettings: DURABLE });
  if (!cluster) return null;
  const bin = findPostgresBin()!;
  const asRoot = process.getuid?.() === 0;
  const pgCtl = (args: string[]) => {
    const [file, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", join(bin, "pg_ctl"), ...args]] : [join(bin, "pg_ctl"), args];
    const result = spawnSync(file, argv as string[], { encoding: "utf8" });
    if (result.status !== 0) {
      let log = "";
      try {
        log = readFileSync(join(cluster.dataDir, "server.log"), "utf8").split("\n").slice(-15).join("\n");
      } catch {
        // no log
      }
      throw new Error(`pg_ctl ${args.join(" ")} failed: ${result.stderr || result.stdout}\n${log}`);
    }
  };
  const settings = [
    `-p ${cluster.port}`,
    `-k ${cluster.dataDir}`,
    "-c listen_addresses=127.0.0.1",
    ...DURABLE,
  ].join(" ");
  return {
    ...cluster,
    kill9() {
      const postmaster = Number(readFileSync(join(cluster.dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
      const children = readdirSync("/proc")
        .filter((entry) => /^\d+$/.test(entry))
        .filter((pid) => {
          try {
            return Number(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")[1]) === postmaster;
          } catch {
            return false;
          }
        })
        .map(Number);
      const victims = [postmaster, ...children];
      for (const pid of victims) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
      // Until every one has exited (a zombie counts as gone: it holds no memory, socket or file).
      const deadline = Date.now() + 10_000;
      const running = (pid: number) => {
        try {
          return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")[0] !== "Z";
        } catch {
          return false;
        }
      };
      while (victims.some(running) && Date.now() < deadline) spawnSync("sleep", ["0.05"]);
      // In a container whose PID 1 reaps no orphans, the dead postmaster stays a zombie, and
      // PostgreSQL refuses to start while the pid in its lock file exists: the lock is stale.
      if (!running(postmaster)) {
        for (const file of ["postmaster.pid", `.s.PGSQL.${cluster.port}.lock`, `.s.PGSQL.${cluster.port}`]) rmSync(join(cluster.dataDir, file), { force: true });
      }
      return victims;
    },
    stopFast: () => pgCtl(["-D", cluster.dataDir, "-m", "fast", "-w", "stop"]),
    start: () => pgCtl(["-D", cluster.dataDir, "-o", settings, "-l", join(cluster.dataDir, "server.log"), "-w", "-t", "60", "start"]),
  };
}

/** `epca serve` on `databaseUrl` with a first admin; resolves once it listens. */
export async function startEpca(databaseUrl: string, cwd: string, extra: Record<string, string> = {}): Promise<{ server: RunningProcess; base: string }> {
  const server = startProcess(process.execPath, [CLI, "serve", "--host", "127.0.0.1", "--port", "0", "--no-worker"], {
    cwd,
    env: cleanEnv({
      DATABASE_URL: databaseUrl,
      SECRET_KEY: "faults-secret-key-that-is-long-enough-123",
      LOG_LEVEL: "warn",
      SCRYPT_LOG_N: "10",
      FIRST_ADMIN_EMAIL: ADMIN.email,
      FIRST_ADMIN_PASSWORD: ADMIN.password,
      RATE_LIMIT_PER_MINUTE: "1000000",
      RATE_LIMIT_PER_HOUR: "100000000",
      ...extra,
    }),
  });
  const banner = await server.waitForStdout(/API\s+http:\/\/localhost:(\d+)\/api\/v1/, 60_000);
  return { server, base: `http://127.0.0.1:${/API\s+http:\/\/localhost:(\d+)/.exec(banner)![1]}` };
}

export const ADMIN = { email: "faults@test.example", password: "faults-password-123" };

/** An admin's access token. */
export async function adminToken(base: string): Promise<string> {
  const response = await fetch(`${base}/api/v1/auth/login`, { method: "POST", body: new URLSearchParams({ username: ADMIN.email, password: ADMIN.password }) });
  if (response.status !== 200) throw new Error(`login: ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
