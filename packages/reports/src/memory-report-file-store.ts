import type { ReportFileInput, ReportFileStore, ReportFileSummary, StoredReportFile } from "./ports.js";

const summary = ({ bytes: _bytes, ...rest }: StoredReportFile): ReportFileSummary => rest;
const copy = (f: StoredReportFile): StoredReportFile => ({ ...f, bytes: f.bytes.slice() });

/** A `ReportFileStore` in memory (tests, examples, single-process servers); files vanish on restart. */
export function createMemoryReportFileStore(): ReportFileStore {
  const files = new Map<string, StoredReportFile>();
  const keyOf = (tenant: string, id: string) => `${tenant}\u0000${id}`;
  let counter = 0;
  const live = (f: StoredReportFile, now: Date) => Date.parse(f.expires_at) > now.getTime();
  return {
    async save(input: ReportFileInput) {
      counter += 1;
      const id = input.id ?? `rf_${Date.now().toString(36)}_${counter.toString(36)}`;
      const stored: StoredReportFile = {
        tenant_id: input.tenant_id,
        id,
        name: input.name,
        content_type: input.content_type,
        bytes: input.bytes.slice(),
        size: input.bytes.byteLength,
        created_at: input.created_at,
        expires_at: input.expires_at,
        created_by: input.created_by ?? null,
      };
      files.set(keyOf(input.tenant_id, id), stored);
      return copy(stored);
    },
    async get(tenantId, id, now = new Date()) {
      const f = files.get(keyOf(tenantId, id));
      return f && live(f, now) ? copy(f) : null;
    },
    async list(tenantId, now = new Date()) {
      return [...files.values()]
        .filter((f) => f.tenant_id === tenantId && live(f, now))
        .sort((a, b) => b.created_at.localeCompare(a.created_at) || a.id.localeCompare(b.id))
        .map(summary);
    },
    async deleteExpired(now) {
      let deleted = 0;
      for (const [key, f] of files) {
        if (!live(f, now)) {
          files.delete(key);
          deleted += 1;
        }
      }
      return deleted;
    },
  };
}
