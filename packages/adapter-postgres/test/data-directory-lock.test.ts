import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { createPGliteStore, DATA_DIRECTORY_LOCK_FILE, DataDirectoryLockedError } from "../src/index.js";

const holder = fileURLToPath(new URL("./fixtures/hold-data-directory.ts", import.meta.url));

/** A child process holding `dataDir` open, once it said "ready". */
async function holdInChild(dataDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", holder, dataDir], { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("ready")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`holder exited with ${code} before it was ready: ${stderr}`)));
  });
  return child;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

describe("PGlite data directory lock", () => {
  const cleanup: (() => Promise<unknown> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });
  function newDataDir(): string {
    const dir = mkdtempSync(join(tmpdir(), "epca-lock-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    return join(dir, "data");
  }

  it("refuses a second process at once, naming the directory, the holder's pid and what to do; works again after the holder is SIGKILLed", async () => {
    const dataDir = newDataDir();
    const child = await holdInChild(dataDir);
    cleanup.push(() => {
      child.kill("SIGKILL");
      return exited(child);
    });

    const error = await createPGliteStore({ dataDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataDirectoryLockedError);
    const locked = error as DataDirectoryLockedError;
    expect({ code: locked.code, pid: locked.pid, dataDir: locked.dataDir }).toEqual({ code: "data_directory_locked", pid: child.pid, dataDir });
    expect(locked.message).toBe(
      `The PGlite data directory ${dataDir} is in use by process ${child.pid}; PGlite is one process's database. ` +
        "Stop the server first, or run the command against the running server (its HTTP API), " +
        "or use DATABASE_URL=postgres://… for several processes.",
    );

    child.kill("SIGKILL");
    await exited(child);
    // The killed holder left its lock file behind; its pid is gone, so the lock is taken over.
    expect(readFileSync(join(dataDir, DATA_DIRECTORY_LOCK_FILE), "utf8")).toBe(`${child.pid}\n`);
    const store = await createPGliteStore({ dataDir, migrate: true });
    expect(readFileSync(join(dataDir, DATA_DIRECTORY_LOCK_FILE), "utf8")).toBe(`${process.pid}\n`);
    await store.close();
    expect(existsSync(join(dataDir, DATA_DIRECTORY_LOCK_FILE))).toBe(false);
  }, 60_000);

  it("a holder that closes its store releases the lock", async () => {
    const dataDir = newDataDir();
    const child = await holdInChild(dataDir);
    child.stdin!.end();
    expect(await exited(child)).toBe(0);
    expect(existsSync(join(dataDir, DATA_DIRECTORY_LOCK_FILE))).toBe(false);
    const store = await createPGliteStore({ dataDir });
    await store.close();
  }, 60_000);

  it("a lock file still empty (its creator between open and write) counts as held, by a process it cannot name", async () => {
    const dataDir = newDataDir();
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, DATA_DIRECTORY_LOCK_FILE), "");
    const error = await createPGliteStore({ dataDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataDirectoryLockedError);
    expect((error as DataDirectoryLockedError).pid).toBeNull();
    expect((error as DataDirectoryLockedError).message).toMatch(new RegExp(`^The PGlite data directory ${dataDir} is in use by another process; `));
  });

  it("refuses a second store in the same process until the first is closed; in-memory stores take no lock", async () => {
    const dataDir = newDataDir();
    const first = await createPGliteStore({ dataDir });
    const second = await createPGliteStore({ dataDir }).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(DataDirectoryLockedError);
    expect((second as DataDirectoryLockedError).pid).toBe(process.pid);
    await first.close();
    const again = await createPGliteStore({ dataDir });
    await again.close();

    const a = await createPGliteStore();
    const b = await createPGliteStore();
    await Promise.all([a.close(), b.close()]);
  }, 60_000);
});
