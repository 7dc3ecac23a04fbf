import { writeReadmeExample } from "../../../../test-support/readme-example.js";
import { startProcess, type ProcessResult, type RunningProcess } from "../../../../test-support/processes.js";

/**
 * `runReadmeExample` for a README block that starts a server and keeps running: starts it with
 * tsx and resolves once its stdout contains `until`. `stop()` ends it (SIGTERM)
 * and removes the file.
 */
export async function startReadmeExample(
  packageDir: string,
  heading: string,
  env: NodeJS.ProcessEnv,
  until: string | RegExp,
): Promise<RunningProcess> {
  const example = writeReadmeExample(packageDir, heading);
  const running = startProcess(process.execPath, ["--import", "tsx", example.path], { cwd: packageDir, env: { ...process.env, ...env } });
  const remove = example.remove;
  void running.exited.then(remove);
  try {
    await running.waitForStdout(until, 60_000);
  } catch (error) {
    await running.stop("SIGKILL");
    remove();
    throw error;
  }
  return {
    ...running,
    async stop(signal?: NodeJS.Signals, graceMs?: number): Promise<ProcessResult> {
      try {
        return await running.stop(signal, graceMs);
      } finally {
        remove();
      }
    },
  };
}
