import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { fileURLToPath } from "node:url";

/** The built CLI (`pnpm --filter "@epca/cli..." run build`). */
const CLI = fileURLToPath(new URL("../../packages/cli/dist/cli.js", import.meta.url));

/** A running `epca serve` child process. */
export interface EpcaServe {
  readonly child: ChildProcess;
  /** `http://127.0.0.1:<port>` */
  readonly base: string;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

/**
 * `epca serve` from the built CLI on 127.0.0.1 and a free port, as a user runs it, with only
 * `env` (plus PATH and HOME) for its environment: answers once its banner names the API. After
 * the banner its request log goes to `logFile` when given, else it is read and dropped; its
 * stderr is echoed with a `[server]` prefix.
 */
export async function startEpcaServe(options: { env: Record<string, string>; args?: readonly string[]; nodeFlags?: readonly string[]; logFile?: string }): Promise<EpcaServe> {
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), CLI, "serve", "--host", "127.0.0.1", "--port", "0", "--no-seed", ...(options.args ?? [])], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const base = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString("utf8");
      const match = /API\s+(http:\/\/localhost:\d+)\/api\/v1/.exec(out);
      if (match) {
        child.stdout!.off("data", onData);
        if (options.logFile) child.stdout!.pipe(createWriteStream(options.logFile));
        else child.stdout!.resume();
        resolve(match[1]!.replace("localhost", "127.0.0.1"));
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (chunk: Buffer) => process.stderr.write(`[server] ${chunk.toString("utf8")}`));
    child.once("exit", (code) => reject(new Error(`epca serve exited (${code}) before its banner:\n${out}`)));
  });
  return {
    child,
    base,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    },
  };
}
