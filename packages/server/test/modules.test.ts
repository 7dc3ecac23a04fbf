/**
 * A capability added the way a new package adds one, without touching core's TenantScope or the
 * adapters' files: its own port (`notes`), a scope part per adapter, its own use cases built with
 * `epca.extend`, and a server module with a route, a job handler and an error status.
 */
import { PGlite } from "@electric-sql/pglite";
import { createMemoryStore, type MemoryScopePart } from "@epca/adapter-memory";
import { createPGliteStore, type PostgresScopePart } from "@epca/adapter-postgres";
import { authorize, EpcaError, type Actor, type EpcaStore, type TenantScope, type UseCaseHost } from "@epca/core";
import { builtInModules, created, jobHandlersOf, ok, type ServerModule } from "@epca/server";
import { z } from "zod";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD, startServer, type TestServer } from "./support/harness.js";

/** The new package's port and scope. */
interface Note {
  readonly id: number;
  readonly text: string;
}
interface NoteRepository {
  insert(text: string): Promise<Note>;
  list(): Promise<Note[]>;
}
interface NotesScope {
  readonly notes: NoteRepository;
}

/** Its use cases, over whatever unit of work the host hands them. */
function noteUseCases(host: UseCaseHost<TenantScope & NotesScope>) {
  return {
    async add(actor: Actor, text: string): Promise<Note> {
      authorize(actor, "create", "departments");
      if (text.includes("forbidden word")) throw new EpcaError("note_rejected", "Notes may not say that");
      return host.run(actor.tenantId, (scope) => scope.notes.insert(text));
    },
    async list(actor: Actor): Promise<Note[]> {
      return host.run(actor.tenantId, (scope) => scope.notes.list());
    },
  };
}

/** Its adapters: a memory part and a PostgreSQL part (its table made by the test, as a migration would). */
const memoryNotes: MemoryScopePart<NoteRepository> = (tx) => {
  const table = tx.table<Note>("notes");
  return {
    async insert(text) {
      tx.assertOpen();
      const note = { id: table.nextId(), text };
      table.insert(tx, note);
      return { ...note };
    },
    async list() {
      tx.assertOpen();
      return table.select(tx.tenantId).map((n) => ({ ...n }));
    },
  };
};
const postgresNotes: PostgresScopePart<NoteRepository> = (sql) => ({
  async insert(text) {
    const { rows } = await sql.query<Note>("INSERT INTO notes (text) VALUES ($1) RETURNING id, text", [text]);
    return rows[0]!;
  },
  async list() {
    return (await sql.query<Note>("SELECT id, text FROM notes ORDER BY id")).rows;
  },
});
const NOTES_TABLE = `
  CREATE TABLE notes (
    tenant_id text NOT NULL DEFAULT current_setting('app.tenant_id', true) REFERENCES tenants (id),
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    text text NOT NULL
  );
  ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
  ALTER TABLE notes FORCE ROW LEVEL SECURITY;
  CREATE POLICY tenant_isolation ON notes USING (tenant_id = current_setting('app.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
  GRANT SELECT, INSERT ON notes TO epca_app;
  GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO epca_app;`;

/** Its server module. */
const jobsRun: string[] = [];
const notesModule: ServerModule = {
  name: "notes",
  tags: [{ name: "notes", description: "Notes: a capability added as a module" }],
  errorStatuses: { note_rejected: 422 },
  jobs: {
    "notes.count": async (job) => {
      jobsRun.push(job.tenantId);
      return { type: job.type };
    },
  },
  routes(api) {
    api.define(
      {
        method: "post",
        path: "/notes/",
        summary: "Add a note",
        tags: ["notes"],
        permission: { action: "create", resource: "departments" },
        request: { body: z.object({ text: z.string().min(1).max(200) }) },
        responses: { 201: { description: "The note" } },
      },
      async ({ epca, actor, body, req }) => created(req, "/notes", await epca.extend(noteUseCases).add(actor, body.text)),
    );
    api.define(
      { method: "get", path: "/notes/", summary: "List notes", tags: ["notes"], responses: { 200: { description: "The notes" } } },
      async ({ epca, actor }) => ok(await epca.extend(noteUseCases).list(actor)),
    );
  },
};

const stores: Record<string, () => Promise<{ store: EpcaStore; close(): Promise<void> }>> = {
  memory: async () => {
    const store = createMemoryStore({ parts: { notes: memoryNotes } });
    return { store, close: () => store.close() };
  },
  pglite: async () => {
    const pglite = await PGlite.create();
    const store = await createPGliteStore({ pglite, migrate: true, parts: { notes: postgresNotes } });
    await pglite.exec(NOTES_TABLE);
    return {
      store,
      async close() {
        await store.close();
        await pglite.close();
      },
    };
  },
};

describe.each(Object.keys(stores))("a module added beside the built-in ones (%s)", (kind) => {
  let server: TestServer;
  let admin: string;
  let reader: string;

  beforeAll(async () => {
    const opened = await stores[kind]!();
    server = await startServer(opened.store, {}, { closeStore: opened.close, modules: [...builtInModules(), notesModule] });
    await server.epca.users.create(server.system, { email: "admin@notes.example", password: PASSWORD, full_name: "A", role: "admin" });
    await server.epca.users.create(server.system, { email: "reader@notes.example", password: PASSWORD, full_name: "R", role: "read_only" });
    admin = (await server.login("admin@notes.example")).access_token;
    reader = (await server.login("reader@notes.example")).access_token;
  });
  afterAll(async () => server?.close());

  it("serves its routes with the API's auth, permissions, validation and error table", async () => {
    const added = await server.request("POST", "/api/v1/notes/", { token: admin, body: { text: "hello" } });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ id: expect.any(Number), text: "hello" });
    expect(added.headers.get("location")).toBe(`/api/v1/notes/${added.body.id}`);
    expect((await server.request("GET", "/api/v1/notes/", { token: reader })).body).toEqual([{ id: added.body.id, text: "hello" }]);
    expect((await server.request("POST", "/api/v1/notes/", { token: reader, body: { text: "x" } })).status).toBe(403);
    expect((await server.request("POST", "/api/v1/notes/", { token: admin, body: { text: "" } })).status).toBe(422);
    expect((await server.request("GET", "/api/v1/notes/")).status).toBe(401);
    const rejected = await server.request("POST", "/api/v1/notes/", { token: admin, body: { text: "a forbidden word" } });
    expect(rejected.status).toBe(422);
    expect(rejected.body).toEqual({ detail: "Notes may not say that" });
  });

  it("is documented beside the built-in routes, with its tag", () => {
    const document = server.app.api.openApiDocument() as { paths: Record<string, unknown>; tags: { name: string; description?: string }[] };
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(["/api/v1/notes/", "/api/v1/departments/"]));
    expect(document.tags).toContainEqual({ name: "notes", description: "Notes: a capability added as a module" });
  });

  it("brings its job handlers, which a worker finds by type", async () => {
    const handler = jobHandlersOf(server.app.api.modules).get("notes.count");
    expect(handler).toBeDefined();
    await expect(
      handler!({ type: "notes.count", tenantId: "default", payload: {}, epca: server.epca, signal: new AbortController().signal, progress: async () => undefined }),
    ).resolves.toEqual({ type: "notes.count" });
    expect(jobsRun).toContain("default");
  });
});

describe("module assembly", () => {
  it("refuses two modules of one name and two handlers of one job type, naming them", async () => {
    const store = createMemoryStore();
    const twin: ServerModule = { name: "notes", jobs: { "notes.count": async () => null } };
    await expect(startServer(store, {}, { modules: [notesModule, twin] })).rejects.toThrow("Invalid configuration: modules.notes: two modules have this name");
    await expect(startServer(store, {}, { modules: [notesModule, { ...twin, name: "other" }] })).rejects.toThrow(
      "Invalid configuration: modules.other.jobs.notes.count: another module already handles this job type",
    );
  });
});
