import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Actor, Epca } from "@epca/core";
import {
  FileTooLargeError,
  importUseCases,
  isZip,
  looksLikeText,
  TRACKER_FORMATS,
  UPLOAD_ENTITIES,
  type ImportOptions,
  type ImportResult,
  type RowError,
} from "@epca/reports";
import Busboy from "busboy";
import type { Request } from "express";
import { z } from "zod";
import { HttpError } from "../http/errors.js";
import type { ModuleJob, ServerModule } from "../http/module.js";
import { idParam } from "../http/params.js";
import { API_BASE_PATH } from "../http/replies.js";
import type { Reply, RouteTable } from "../http/route-table.js";

const tags = ["uploads"];
/** The job type of a large import. */
export const UPLOAD_JOB = "uploads.import";
const FIELD = "file";

const flag = z
  .enum(["true", "false", "1", "0"])
  .transform((v) => v === "true" || v === "1")
  .optional();
const uploadQuery = z.object({
  mode: z.enum(["atomic", "partial"]).default("atomic"),
  dry_run: flag,
  format: z.enum(["epca", ...TRACKER_FORMATS]).optional(),
  create_missing: flag,
  department_id: idParam.optional(),
  async: flag,
});
type UploadQuery = z.output<typeof uploadQuery>;

const rowError = z.object({ row: z.number().int(), column: z.string().nullable(), message: z.string() });
const importAnswer = z.object({
  entity: z.enum(UPLOAD_ENTITIES),
  format: z.string(),
  file_type: z.enum(["csv", "xlsx"]),
  total_rows: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  failed: z.number().int(),
  errors: z.array(rowError),
  dry_run: z.boolean(),
  mode: z.enum(["atomic", "partial"]),
  created_projects: z.number().int(),
  sha256: z.string(),
  duplicate: z.boolean(),
});

/** The answer of contract section 8, without the use case's own bookkeeping. */
function answerOf(result: ImportResult): z.output<typeof importAnswer> {
  const { committed: _committed, ...rest } = result;
  return rest;
}

/** The FastAPI-style `detail` list of an atomic import's row errors. */
const detailOf = (errors: readonly RowError[]) =>
  errors.map((e) => ({ loc: ["file", e.row, ...(e.column === null ? [] : [e.column])], msg: e.message, type: "invalid_row" }));

/** An import's HTTP answer: 200, or 422 (rolled back) when an atomic import met errors. */
function replyOf(result: ImportResult): Reply {
  const body = answerOf(result);
  if (result.committed) return { status: 200, body };
  if (result.dry_run || result.duplicate) return { status: 200, body, rollback: true };
  return { status: 422, body: { ...body, detail: detailOf(result.errors) }, rollback: true };
}

/** 413 that also ends the connection: the rest of the body is never read. */
const tooLarge = (maxBytes: number) => new HttpError(413, `The file is larger than ${maxBytes} bytes`, { Connection: "close" });

/**
 * The `file` part of a multipart request as a stream, once busboy met it; the request is piped
 * into busboy and never buffered (busboy's own `fileSize` limit stops one byte past `maxBytes`,
 * which the parser then refuses).
 */
function filePart(req: Request, maxBytes: number): Promise<{ stream: Readable; stop(): void }> {
  if (!req.is("multipart/form-data")) throw new HttpError(415, "Send the file as multipart/form-data in the field `file`");
  return new Promise((resolve, reject) => {
    let found = false;
    let busboy: Busboy.Busboy;
    try {
      busboy = Busboy({ headers: req.headers, limits: { files: 1, fileSize: maxBytes + 1, fields: 20, parts: 25 } });
    } catch {
      reject(new HttpError(400, "Malformed multipart body"));
      return;
    }
    busboy.on("file", (name, stream) => {
      if (name !== FIELD || found) {
        stream.resume();
        return;
      }
      found = true;
      // A request cut short (the client went away, a timeout) ends the file with an error, so that
      // the import fails and its unit of work is rolled back instead of waiting for bytes forever.
      req.once("close", () => {
        if (!req.complete) stream.destroy(new HttpError(400, "The upload was cut short before the file ended"));
      });
      // Stops reading the request (an answer is due before the rest arrives; the 413 closes the connection).
      const stop = () => {
        req.unpipe(busboy);
        req.pause();
      };
      resolve({ stream, stop });
    });
    busboy.on("error", () => reject(new HttpError(400, "Malformed multipart body")));
    busboy.on("close", () => {
      if (!found) reject(new HttpError(422, [{ loc: ["body", FIELD], msg: "Field required: the file to import", type: "missing" }]));
    });
    req.pipe(busboy);
  });
}

function importOptions(entity: ImportOptions["entity"], query: UploadQuery, config: RouteTable["config"]): ImportOptions {
  return {
    entity,
    mode: query.mode,
    dryRun: query.dry_run ?? false,
    createMissing: query.create_missing ?? false,
    ...(query.format && query.format !== "epca" ? { format: query.format } : query.format === "epca" ? { format: "epca" } : {}),
    ...(query.department_id !== undefined ? { departmentId: query.department_id } : {}),
    maxRows: config.UPLOAD_MAX_ROWS,
    maxBytes: config.UPLOAD_MAX_BYTES,
  };
}

/** What a queued import carries: where its file waits, and whom it runs as. */
interface UploadJobPayload {
  readonly path: string;
  readonly userId: number;
  readonly options: Omit<ImportOptions, "onProgress">;
}

/** Where files of queued imports wait until their job is done (a local directory: run workers beside the server). */
const spoolDirectory = () => join(tmpdir(), "epca-uploads");

/** Streams the part to a spool file, counting bytes (413 past the limit) and sniffing its type (415). */
async function spool(stream: Readable, maxBytes: number): Promise<string> {
  await mkdir(spoolDirectory(), { recursive: true, mode: 0o700 });
  const path = join(spoolDirectory(), randomUUID());
  let size = 0;
  let head: Uint8Array | null = null;
  try {
    await pipeline(
      stream,
      async function* (chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) {
          size += chunk.byteLength;
          if (size > maxBytes) throw tooLarge(maxBytes);
          head ??= chunk.subarray(0, 1024);
          yield chunk;
        }
      },
      createWriteStream(path, { mode: 0o600 }),
    );
    const first: Uint8Array = head ?? new Uint8Array();
    if (!isZip(first) && !looksLikeText(first)) throw new HttpError(415, "The file is neither CSV text nor an XLSX workbook");
    return path;
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
}

/** Carries a finished import out of a job's unit of work that must roll back. */
class RollBack {
  constructor(readonly result: ImportResult) {}
}

/** `uploads.import`: a queued import, run as the user who uploaded it, with row progress; its file is removed when done. */
async function runUploadJob(job: ModuleJob): Promise<unknown> {
  const payload = job.payload as UploadJobPayload;
  try {
    const result = await job.epca
      .actingAs({ tenantId: job.tenantId, userId: payload.userId }, async (actor, epca) => {
        const done = await epca.extend(importUseCases).importFile(actor, createReadStream(payload.path), {
          ...payload.options,
          onProgress: (rows) => job.progress(rows, undefined, `${rows} rows read`),
        });
        if (!done.committed) throw new RollBack(done);
        return done;
      })
      .catch((error: unknown) => {
        if (error instanceof RollBack) return error.result;
        throw error;
      });
    job.metrics?.countImport(result);
    const answer = answerOf(result);
    return result.committed || result.dry_run || result.duplicate ? { status: 200, ...answer } : { status: 422, ...answer, detail: detailOf(result.errors) };
  } finally {
    await rm(payload.path, { force: true });
  }
}

async function enqueue(epca: Epca, actor: Actor, path: string, options: ImportOptions): Promise<Reply> {
  if (actor.userId === null) throw new HttpError(403, "Queued imports run as a user");
  const payload: UploadJobPayload = { path, userId: actor.userId, options };
  try {
    const job = await epca.jobs.enqueue(actor, { type: UPLOAD_JOB, payload, retry: { limit: 0 } });
    return { status: 202, body: job, headers: { Location: `${API_BASE_PATH}/jobs/${job.id}` } };
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
}

/** `/upload/{entity}`: spec 000 "Upload Module", contract section 8. */
function routes(api: RouteTable): void {
  api.define(
    {
      method: "post",
      path: "/upload/{entity}",
      summary: "Import a CSV or XLSX file",
      description: [
        "Creates the file's rows as records, each checked by the same rules as the create endpoints (see docs/imports.md).",
        "Our own columns are the create fields (`department_name`, `employee_email`, `project_name` may stand for the ids);",
        "`/upload/timesheets` also reads Toggl, Clockify, Harvest, Kimai, solidtime and generic exports (`format`, detected from the header when absent).",
        "`mode=atomic` (default) imports every row or none (422 with the row errors); `mode=partial` the valid rows; `dry_run=true` checks only.",
        "The same file (by SHA-256) imported again creates nothing (`duplicate: true`).",
        "A request larger than `UPLOAD_ASYNC_BYTES`, or `async=true`, is queued: 202 with `Location` of the job.",
      ].join(" "),
      tags,
      request: {
        params: z.object({ entity: z.enum(UPLOAD_ENTITIES) }),
        query: uploadQuery,
        upload: { field: FIELD, description: "The CSV (UTF-8) or XLSX file; the first sheet of a workbook is read" },
      },
      conflicts: "Not answered for conflicts: a row conflicting with a record is a row error (422 or `failed`)",
      errors: {
        403: "The user may not create these records",
        404: "`department_id` names no department of the caller's tenant",
        409: "A row conflicts with a stored record (reported per row; the request itself does not conflict)",
        413: "The file is larger than `UPLOAD_MAX_BYTES` (counted while it streams), or has more than `UPLOAD_MAX_ROWS` rows",
        415: "Not multipart/form-data, or the file is neither CSV nor XLSX",
        422: "An atomic import with row errors (`errors` and `detail`, nothing stored), a header without the required columns, or an unknown format",
        503: "The store has no `uploads` part, the job queue is missing, or the service is shutting down",
      },
      responses: {
        200: { description: "The import's answer (nothing stored for `dry_run` or a duplicate)", schema: importAnswer },
        202: { description: "Queued: follow the job at `Location` (its result is this import's answer)", headers: ["Location"] },
      },
    },
    async ({ epca, actor, params, query, req }) => {
      const options = importOptions(params.entity, query, api.config);
      const length = Number(req.headers["content-length"] ?? 0);
      if (length > api.config.UPLOAD_MAX_BYTES + 64 * 1024) throw tooLarge(api.config.UPLOAD_MAX_BYTES);
      // The department new projects go to is one of the caller's tenant (404 otherwise), checked
      // before a byte of the file is read.
      if (query.department_id !== undefined) await epca.departments.get(actor, query.department_id);
      const { stream, stop } = await filePart(req, api.config.UPLOAD_MAX_BYTES);
      try {
        if (query.async || length > api.config.UPLOAD_ASYNC_BYTES) return await enqueue(epca, actor, await spool(stream, api.config.UPLOAD_MAX_BYTES), options);
        return replyOf(api.metrics.countImport(await epca.extend(importUseCases).importFile(actor, stream, options)));
      } catch (error) {
        stop();
        if (error instanceof FileTooLargeError) throw tooLarge(api.config.UPLOAD_MAX_BYTES);
        throw error;
      } finally {
        stream.resume();
      }
    },
  );
}

/** The `uploads` module: imports of our CSV/XLSX and other trackers' exports. */
export const uploadModule: ServerModule = {
  name: "uploads",
  tags: [{ name: "uploads", description: 'Imports of CSV and XLSX files and other trackers\' exports; "Upload Module" (contract section 8).' }],
  jobs: { [UPLOAD_JOB]: runUploadJob },
  errorStatuses: {
    unsupported_file_type: 415,
    file_too_large: 413,
    too_many_rows: 413,
    invalid_header: 422,
    unknown_format: 422,
    uploads_unavailable: 503,
  },
  routes,
};
