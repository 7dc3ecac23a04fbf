import type { TenantScope } from "../../ports/store.js";
import { checkEqual } from "../assertions.js";
import { type ContractContext } from "./kit.js";

/** The contract part "audit log". */
export function auditLogContract(ctx: ContractContext): void {
  const { describe, it, run, newTenant, department } = ctx;
  describe("audit log", () => {
    it("appends entries and filters them", async () => {
      const tenant = await newTenant();
      const entry = (action: string, resourceId: string) => ({
        user_id: null, action, resource_type: "department", resource_id: resourceId,
        changes: { before: null, after: { name: "X", budget: 1 } }, ip_address: "127.0.0.1", user_agent: "contract", request_id: "req-1",
      });
      const first = await run(tenant, (s) => s.audit.append(entry("create", "1")));
      await run(tenant, async (s) => {
        await s.audit.append(entry("update", "1"));
        await s.audit.append(entry("create", "2"));
      });
      checkEqual(first.changes, { before: null, after: { name: "X", budget: 1 } }, "changes stored as JSON");
      const list = (f: Parameters<TenantScope["audit"]["list"]>[0]) => run(tenant, (s) => s.audit.list(f, { skip: 0, limit: 10 }));
      checkEqual((await list({})).total, 3, "every entry");
      checkEqual((await list({ action: "create" })).items.map((e) => e.resource_id), ["1", "2"], "by action, in order");
      checkEqual((await list({ resource_type: "department", resource_id: "1" })).total, 2, "by resource");
      const today = first.created_at.slice(0, 10);
      checkEqual((await list({ from: today, to: today })).total, 3, "by inclusive date range");
      const minuteAgo = new Date(Date.parse(first.created_at) - 60_000).toISOString();
      const minuteAhead = new Date(Date.parse(first.created_at) + 60_000).toISOString();
      checkEqual((await list({ from: minuteAgo })).total, 3, "from an instant before the entries");
      checkEqual((await list({ to: minuteAgo })).total, 0, "to an instant before the entries");
      checkEqual((await list({ from: minuteAhead })).total, 0, "from an instant after the entries");
    });
  });
}
