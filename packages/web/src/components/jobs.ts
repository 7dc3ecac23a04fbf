import type { Api } from "../api.js";

/** A background job (`GET /jobs/{id}`, contract section 8). */
export interface Job {
  readonly id: string | number;
  readonly type: string;
  readonly status: string;
  readonly progress: { readonly done: number; readonly total: number | null; readonly message?: string | null } | null;
  readonly result: unknown;
  readonly error: unknown;
}

const DONE = new Set(["succeeded", "completed", "done", "failed", "cancelled", "canceled"]);

/** `Location: /api/v1/jobs/7` → `/jobs/7` (a path under the client's base). */
export function jobPath(location: string, base: string): string {
  const path = new URL(location, globalThis.location?.href ?? "http://localhost/").pathname;
  const basePath = new URL(base, globalThis.location?.href ?? "http://localhost/").pathname;
  return path.startsWith(basePath) ? path.slice(basePath.length) : path;
}

/** Polls a job until it ends, reporting each state; answers the last one. */
export async function followJob(api: Api, path: string, onUpdate: (job: Job) => void, signal?: AbortSignal, intervalMs = 500): Promise<Job> {
  for (;;) {
    const job = await api.get<Job>(path);
    onUpdate(job);
    if (DONE.has(job.status)) return job;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    if (signal?.aborted) return job;
  }
}

/** Saves a Blob under `filename` (an `<a download>` click). */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The file name of a `Content-Disposition` header. */
export function filenameOf(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star?.[1]) return decodeURIComponent(star[1]);
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain?.[1] ?? fallback;
}
