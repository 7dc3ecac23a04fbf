import type { ReportFileStore } from "../ports.js";

/** The parts of a test runner the suite needs (vitest, jest, mocha and node:test all fit). */
export interface ContractRunner {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => Promise<void>, timeout?: number): void;
  beforeAll(body: () => Promise<void>, timeout?: number): void;
  afterAll(body: () => Promise<void>, timeout?: number): void;
}

/** How to reach the store under test. */
export interface ReportFileStoreContractOptions {
  /** Shown in the suite's name, e.g. `memory` or `pglite`. */
  readonly name: string;
  /** Creates the store once for the suite; every test uses tenants of its own. */
  create(): Promise<ReportFileStore>;
  /** Releases the store after the suite. */
  close?(store: ReportFileStore): Promise<void>;
}

function fail(message: string): never {
  throw new Error(`ReportFileStore contract: ${message}`);
}
function equal<T>(actual: T, expected: T, what: string) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) fail(`${what}: expected ${e}, got ${a}`);
}

let counter = 0;
const tenant = () => `rfs-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}-${(counter += 1)}`;
const bytes = (...values: number[]) => Uint8Array.from(values);
const at = (iso: string) => new Date(iso);

/**
 * Runs the contract every `ReportFileStore` must pass: round trip of bytes and metadata, copies
 * not aliases, replace by id, tenant isolation, expiry in `get`/`list`, ordering, and
 * `deleteExpired` deleting exactly the expired files.
 *
 * @example
 * import { describe, it, beforeAll, afterAll } from "vitest";
 * runReportFileStoreContract({ describe, it, beforeAll, afterAll }, { name: "memory", create: async () => createMemoryReportFileStore() });
 */
export function runReportFileStoreContract(runner: ContractRunner, options: ReportFileStoreContractOptions): void {
  const { describe, it, beforeAll, afterAll } = runner;
  let store: ReportFileStore;
  const now = at("2030-06-01T12:00:00.000Z");
  const file = (tenant_id: string, overrides: { id?: string; name?: string; created_at?: string; expires_at?: string; bytes?: Uint8Array } = {}) => ({
    tenant_id,
    name: overrides.name ?? "report.pdf",
    content_type: "application/pdf",
    bytes: overrides.bytes ?? bytes(37, 80, 68, 70),
    created_at: overrides.created_at ?? "2030-06-01T10:00:00.000Z",
    expires_at: overrides.expires_at ?? "2030-06-08T10:00:00.000Z",
    ...(overrides.id ? { id: overrides.id } : {}),
  });

  describe(`ReportFileStore contract: ${options.name}`, () => {
    beforeAll(async () => {
      store = await options.create();
    });
    afterAll(async () => {
      await options.close?.(store);
    });

    it("saves a file and gets back the same bytes and metadata, with a generated id", async () => {
      const t = tenant();
      const saved = await store.save(file(t));
      if (typeof saved.id !== "string" || saved.id === "") fail("save must generate an id");
      const got = await store.get(t, saved.id, now);
      if (!got) fail("get must answer a saved file");
      equal([...got.bytes], [37, 80, 68, 70], "bytes");
      equal(
        [got.tenant_id, got.name, got.content_type, got.size, got.created_at, got.expires_at, got.created_by],
        [t, "report.pdf", "application/pdf", 4, "2030-06-01T10:00:00.000Z", "2030-06-08T10:00:00.000Z", null],
        "metadata",
      );
    });

    it("keeps who asked for a file, in get and list", async () => {
      const t = tenant();
      const saved = await store.save({ ...file(t), created_by: 42 });
      equal(saved.created_by, 42, "created_by of save");
      equal((await store.get(t, saved.id, now))?.created_by ?? null, 42, "created_by of get");
      equal((await store.list(t, now)).map((f) => f.created_by), [42], "created_by of list");
    });

    it("keeps a copy: changing the caller's bytes afterwards changes nothing stored", async () => {
      const t = tenant();
      const mine = bytes(1, 2, 3);
      const saved = await store.save(file(t, { bytes: mine }));
      mine[0] = 99;
      const got = await store.get(t, saved.id, now);
      equal(got ? [...got.bytes] : null, [1, 2, 3], "stored bytes");
    });

    it("replaces a file saved again with the same id", async () => {
      const t = tenant();
      await store.save(file(t, { id: "same", name: "a.pdf" }));
      await store.save(file(t, { id: "same", name: "b.pdf", bytes: bytes(9) }));
      const got = await store.get(t, "same", now);
      equal(got ? [got.name, [...got.bytes]] : null, ["b.pdf", [9]], "replaced file");
      equal((await store.list(t, now)).length, 1, "files listed after replace");
    });

    it("never answers or lists another tenant's file", async () => {
      const a = tenant();
      const b = tenant();
      const saved = await store.save(file(a, { id: "shared-id" }));
      equal(await store.get(b, saved.id, now), null, "get from another tenant");
      equal((await store.list(b, now)).length, 0, "list of another tenant");
      await store.save(file(b, { id: "shared-id", name: "b.pdf" }));
      equal((await store.get(a, "shared-id", now))?.name ?? null, "report.pdf", "tenant a keeps its file");
    });

    it("lists unexpired files newest first, without bytes, and hides expired ones from get and list", async () => {
      const t = tenant();
      await store.save(file(t, { id: "old", created_at: "2030-05-01T00:00:00.000Z" }));
      await store.save(file(t, { id: "new", created_at: "2030-05-30T00:00:00.000Z" }));
      await store.save(file(t, { id: "gone", created_at: "2030-05-31T00:00:00.000Z", expires_at: "2030-06-01T12:00:00.000Z" }));
      const listed = await store.list(t, now);
      equal(listed.map((f) => f.id), ["new", "old"], "listed ids");
      if (listed.some((f) => "bytes" in f)) fail("list must not carry bytes");
      equal(await store.get(t, "gone", now), null, "get of an expired file");
    });

    it("deleteExpired deletes exactly the files expired at `now`, in every tenant", async () => {
      const a = tenant();
      const b = tenant();
      await store.save(file(a, { id: "a-expired", expires_at: "2031-01-01T00:00:00.000Z" }));
      await store.save(file(b, { id: "b-expired", expires_at: "2031-01-01T00:00:00.000Z" }));
      await store.save(file(a, { id: "a-live", expires_at: "2031-01-02T00:00:00.000Z" }));
      const later = at("2031-01-01T00:00:00.000Z");
      const deleted = await store.deleteExpired(later);
      if (deleted < 2) fail(`deleteExpired must count the files it deleted, got ${deleted}`);
      // Raw check at an earlier instant: the expired files are gone, not merely hidden.
      equal(await store.get(a, "a-expired", now), null, "deleted file of tenant a");
      equal(await store.get(b, "b-expired", now), null, "deleted file of tenant b");
      equal((await store.get(a, "a-live", later))?.id ?? null, "a-live", "unexpired file");
      equal(await store.deleteExpired(later), 0, "a second deleteExpired at the same instant");
    });

    it("deleteExpired run twice at once deletes each expired file once", async () => {
      const t = tenant();
      await store.deleteExpired(at("2031-12-31T23:59:59.000Z")); // what earlier tests left behind
      for (let i = 0; i < 5; i += 1) await store.save(file(t, { id: `race-${i}`, expires_at: "2032-01-01T00:00:00.000Z" }));
      const instant = at("2032-01-01T00:00:00.000Z");
      const [a, b] = await Promise.all([store.deleteExpired(instant), store.deleteExpired(instant)]);
      equal(a + b, 5, "files deleted by two concurrent deleteExpired calls");
      equal((await store.list(t, at("2031-12-31T00:00:00.000Z"))).length, 0, "files left after both");
    });
  });
}
