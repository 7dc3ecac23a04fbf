/**
 * The CLI's helpers as functions (no `epca` process): the development key file, the EADDRINUSE
 * message and its holder, the lazily opened job queue, and URL redaction.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createInProcessJobQueue, type RunningJob } from "@epca/core";
import { createMemoryJobStorage } from "@epca/adapter-memory";
import { redactUrl } from "@epca/cli";
import { storeFromConfig } from "../src/store-from-config.js";
import { DEV_SECRET_FILE, developmentSecret } from "../src/dev-secret.js";
import { lazyJobQueue } from "../src/lazy-job-queue.js";
import { PortInUseError, processListeningOn } from "../src/port-in-use.js";

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "epca-cli-lib-"));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("developmentSecret", () => {
  it("creates the key once with mode 0600 in a directory it makes, then reads the same key back", () => {
    const dataDir = join(tempDir(), "nested", "data");
    const first = developmentSecret(dataDir);
    expect(first).toMatchObject({ file: join(dataDir, DEV_SECRET_FILE), created: true });
    expect(first.secret).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(statSync(first.file).mode & 0o777).toBe(0o600);
    expect(readFileSync(first.file, "utf8")).toBe(`${first.secret}\n`);
    expect(developmentSecret(dataDir)).toEqual({ ...first, created: false });
  });

  it("reads a key an operator wrote (trimmed), and refuses an empty file rather than replacing it", () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, DEV_SECRET_FILE), "  my-own-development-key \n");
    expect(developmentSecret(dataDir)).toEqual({ secret: "my-own-development-key", file: join(dataDir, DEV_SECRET_FILE), created: false });
    writeFileSync(join(dataDir, DEV_SECRET_FILE), "\n");
    expect(() => developmentSecret(dataDir)).toThrow(`${join(dataDir, DEV_SECRET_FILE)} is empty: delete it to have a new development key generated`);
  });

  it("passes on an error other than a missing file (a directory where the key should be)", () => {
    const dataDir = tempDir();
    mkdirSync(join(dataDir, DEV_SECRET_FILE));
    expect(() => developmentSecret(dataDir)).toThrow(expect.objectContaining({ code: "EISDIR" }));
  });
});

describe("a port already in use", () => {
  it("names the port, the host, the holder when known, and the next port to try (the one below at 65535)", () => {
    expect(new PortInUseError(8000, "0.0.0.0", { pid: 42, command: "node server.js" }).message).toBe(
      "port 8000 on 0.0.0.0 is already in use by process 42 (node server.js). Stop that process, or choose another port with the PORT variable (e.g. PORT=8001 pnpm start, or epca serve --port 8001).",
    );
    const top = new PortInUseError(65535, "127.0.0.1", null);
    expect(top.message).toBe(
      "port 65535 on 127.0.0.1 is already in use by another process. Stop that process, or choose another port with the PORT variable (e.g. PORT=65534 pnpm start, or epca serve --port 65534).",
    );
    expect({ code: top.code, name: top.name, port: top.port, host: top.host, holder: top.holder }).toEqual({
      code: "port_in_use",
      name: "PortInUseError",
      port: 65535,
      host: "127.0.0.1",
      holder: null,
    });
  });

  it("finds the process listening on a port through /proc, and nobody on a free one", async () => {
    const child = spawn(process.execPath, ["-e", "require('node:net').createServer().listen(0, '127.0.0.1', function () { console.log(this.address().port); })"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      const [chunk] = (await once(child.stdout!, "data")) as [Buffer];
      const port = Number(chunk.toString().trim());
      const holder = processListeningOn(port);
      expect(holder?.pid).toBe(child.pid);
      expect(holder?.command).toContain(process.execPath);
      child.kill();
      await once(child, "exit");
      expect(processListeningOn(port)).toBeNull();
    } finally {
      child.kill();
    }
  });
});

describe("lazyJobQueue", () => {
  const capabilities = { sharedAcrossProcesses: true, durable: true } as const;

  it("opens nothing until a call needs the queue, and closing an unopened queue opens none", async () => {
    let opens = 0;
    const queue = lazyJobQueue(capabilities, async () => {
      opens += 1;
      throw new Error("unused");
    });
    expect(queue.capabilities).toBe(capabilities);
    await queue.close();
    expect(opens).toBe(0);
  });

  it("makes a failure to open the failure of each call, opening once", async () => {
    let opens = 0;
    const queue = lazyJobQueue(capabilities, async () => {
      opens += 1;
      throw new Error("pg-boss could not start");
    });
    await expect(queue.counts()).rejects.toThrow("pg-boss could not start");
    await expect(queue.get("t1", "job_1")).rejects.toThrow("pg-boss could not start");
    expect(opens).toBe(1);
  });

  it("passes every call to the queue it opened, once, and closes it", async () => {
    let opens = 0;
    const queue = lazyJobQueue({ sharedAcrossProcesses: false, durable: false }, async () => {
      opens += 1;
      return createInProcessJobQueue({ storage: createMemoryJobStorage(), durable: false, leaseMs: 1_000 });
    });
    const job = await queue.enqueue("t1", { type: "report", payload: { n: 1 } });
    expect(await queue.get("t1", job.id)).toMatchObject({ id: job.id, type: "report", status: "queued" });
    expect((await queue.list("t1", {}, { skip: 0, limit: 10 })).items.map((j) => j.id)).toEqual([job.id]);
    expect(await queue.counts()).toEqual([{ type: "report", status: "queued", count: 1 }]);
    expect((await queue.cancel("t1", job.id))?.status).toBe("cancelled");
    const ran: unknown[] = [];
    const again = await queue.enqueue("t1", { type: "report", payload: { n: 2 } });
    const worker = queue.work(new Map([["report", async (j: RunningJob) => void ran.push(j.payload)]]), { pollMs: 10 });
    await expect.poll(async () => (await queue.get("t1", again.id))?.status, { timeout: 10_000 }).toBe("succeeded");
    await worker.stop();
    await queue.close();
    expect({ opens, ran }).toEqual({ opens: 1, ran: [{ n: 2 }] });
  });
});

describe("storeFromConfig for a host that passes only the store's settings", () => {
  it("opens the memory store with the defaults: no migrations, an in-process queue of this process, schedules", async () => {
    const opened = await storeFromConfig({ storeKind: "memory", DATABASE_URL: "memory:", EPCA_DATA_DIR: "unused", DB_POOL_SIZE: 1 });
    try {
      expect(opened.description).toBe("in-memory store (data is lost on exit)");
      expect(opened.migrationsApplied).toEqual([]);
      expect(opened.jobs.capabilities.sharedAcrossProcesses).toBe(false);
      const job = await opened.jobs.enqueue("t1", { type: "report", payload: null });
      expect(await opened.jobs.get("t1", job.id)).toMatchObject({ status: "queued" });
      expect(await opened.schedules.list("t1")).toEqual([]);
    } finally {
      await opened.jobs.close();
      await opened.store.close();
    }
  });
});

describe("redactUrl", () => {
  it("hides a password, keeps a URL without one, and never prints an unparseable one", () => {
    expect(redactUrl("postgres://epca:s3cret@db:5432/epca")).toBe("postgres://epca:***@db:5432/epca");
    expect(redactUrl("postgres://db:5432/epca")).toBe("postgres://db:5432/epca");
    expect(redactUrl("not a url with password=s3cret")).toBe("(unparseable URL)");
  });
});
