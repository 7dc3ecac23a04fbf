import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";

/** The lock file inside a PGlite data directory; it holds the pid of the process using it. */
export const DATA_DIRECTORY_LOCK_FILE = "epca.lock";

/**
 * A second process (or a second store in this one) tried to open a PGlite data directory that is
 * in use. PGlite is one process's database: a second opener would not see the first one's writes,
 * and its own writes would be lost.
 */
export class DataDirectoryLockedError extends Error {
  readonly code = "data_directory_locked" as const;

  constructor(
    /** The data directory, as an absolute path. */
    readonly dataDir: string,
    /** The process holding it, or `null` when its lock file could not be read. */
    readonly pid: number | null,
    options?: { cause?: unknown },
  ) {
    const holder = pid === null ? "another process" : `process ${pid}`;
    super(
      `The PGlite data directory ${dataDir} is in use by ${holder}; PGlite is one process's database. ` +
        "Stop the server first, or run the command against the running server (its HTTP API), " +
        "or use DATABASE_URL=postgres://… for several processes.",
      options,
    );
    this.name = "DataDirectoryLockedError";
  }
}

/** An exclusive hold on a data directory; `release()` is idempotent. */
export interface DataDirectoryLock {
  readonly dataDir: string;
  readonly file: string;
  release(): void;
}

/** How long a lock file may stay empty (its creator between `open` and `write`) before it counts as abandoned. */
const EMPTY_LOCK_GRACE_MS = 5_000;

/** The pid in a lock file, `null` when it holds none (yet), `undefined` when the file is gone. */
function readPid(file: string): number | null | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
}

/** True while process `pid` exists (EPERM: it exists but belongs to another user). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

function isOldEmptyFile(file: string): boolean {
  try {
    return Date.now() - statSync(file).mtimeMs > EMPTY_LOCK_GRACE_MS;
  } catch {
    return false;
  }
}

/**
 * Moves the abandoned lock of `deadPid` (or an empty one) aside, atomically, so that only one of
 * several processes racing to take it over succeeds; a live lock created in between is put back.
 */
function takeOver(file: string, deadPid: number | null): void {
  const aside = `${file}.stale-${process.pid}-${Date.now()}`;
  try {
    renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return; // someone else took it over
    throw error;
  }
  const moved = readPid(aside);
  if (moved !== deadPid && moved !== undefined) {
    // Another process re-created the lock between our read and the rename: give it back.
    try {
      renameSync(aside, file);
      return;
    } catch {
      // fall through: the file is gone from under us, nothing left to restore
    }
  }
  rmSync(aside, { force: true });
}

/**
 * Takes the exclusive lock of a PGlite data directory (created if missing): a file `epca.lock`
 * holding this process's pid, created atomically (`open` with `wx`). A lock whose process no
 * longer exists (killed, crashed) is taken over; a live one throws `DataDirectoryLockedError`.
 * The lock is released by `release()` and, failing that, when the process exits. A process ended
 * by a signal leaves its lock file behind, which the next opener finds stale and takes over.
 */
export function lockDataDirectory(dataDir: string): DataDirectoryLock {
  const directory = resolve(dataDir);
  mkdirSync(directory, { recursive: true });
  const file = join(directory, DATA_DIRECTORY_LOCK_FILE);

  for (let attempt = 0; attempt < 5; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, "wx");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = readPid(file);
      if (holder === undefined) continue; // released meanwhile: try again
      if (holder !== null && isAlive(holder)) throw new DataDirectoryLockedError(directory, holder);
      if (holder === null && !isOldEmptyFile(file)) throw new DataDirectoryLockedError(directory, null);
      takeOver(file, holder);
      continue;
    }
    try {
      writeSync(fd, `${process.pid}\n`);
    } finally {
      closeSync(fd);
    }
    return holdLock(directory, file);
  }
  throw new DataDirectoryLockedError(directory, readPid(file) ?? null);
}

function holdLock(dataDir: string, file: string): DataDirectoryLock {
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.removeListener("exit", release);
    // Only our own lock: never a file another process took over (after a pid check misfired).
    if (readPid(file) === process.pid) {
      try {
        unlinkSync(file);
      } catch {
        // already gone
      }
    }
  };
  process.on("exit", release);
  return { dataDir, file, release };
}
