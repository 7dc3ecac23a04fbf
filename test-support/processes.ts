import { spawn, type ChildProcess } from "node:child_process";

/** What a finished child process left. */
export interface ProcessResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A child process that keeps running (a server) until `stop`. */
export interface RunningProcess {
  readonly child: ChildProcess;
  /** Everything printed so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout contains `text` (rejects when the process exits first or after `timeoutMs`). */
  waitForStdout(text: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Sends `signal` (SIGTERM by default) and resolves with the exit; SIGKILL after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<ProcessResult>;
  /** The exit, whenever it comes. */
  readonly exited: Promise<ProcessResult>;
}

/**
 * A minimal environment for a child: PATH and HOME from this process and nothing else, so that the
 * test runner's own variables (NODE_ENV, DATABASE_URL, …) never leak into what is being tested.
 */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of ["PATH", "HOME", "TMPDIR", "SYSTEMROOT"]) if (process.env[key] !== undefined) env[key] = process.env[key];
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) env[key] = value;
  // Under `pnpm test`'s coverage (test-support/test-with-coverage.mjs) the child writes its V8 coverage too.
  if (process.env.EPCA_PROCESS_COVERAGE_DIR) env.NODE_V8_COVERAGE = process.env.EPCA_PROCESS_COVERAGE_DIR;
  return env;
}

/** Starts `command args` and collects its output. */
export function startProcess(command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv }): RunningProcess {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const listeners = new Set<() => void>();
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    for (const listener of listeners) listener();
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<ProcessResult>((resolve) => {
    child.on("close", (code, signal) => {
      resolve({ code, signal, stdout, stderr });
      for (const listener of listeners) listener();
    });
  });
  let done = false;
  void exited.then(() => (done = true));
  return {
    child,
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
    waitForStdout(text, timeoutMs = 60_000) {
      const found = () => (typeof text === "string" ? stdout.includes(text) : text.test(stdout));
      return new Promise<string>((resolve, reject) => {
        const check = () => {
          if (found()) {
            finish();
            resolve(stdout);
          } else if (done || child.exitCode !== null) {
            finish();
            reject(new Error(`process exited (${child.exitCode}) before printing ${String(text)}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
          }
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`no ${String(text)} after ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    async stop(signal = "SIGTERM", graceMs = 15_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Runs `command args` to its end (killed after `timeoutMs`). */
export async function runProcess(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<ProcessResult> {
  const running = startProcess(command, args, options);
  const timer = setTimeout(() => running.child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
  try {
    return await running.exited;
  } finally {
    clearTimeout(timer);
  }
}
