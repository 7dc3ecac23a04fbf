import { PLAN_LIMITS, type EpcaStore, type TenantScope } from "@epca/core";
import type { ReportFileStore, ReportFilesScope } from "../ports.js";

/**
 * The `reportFiles` part of a store's scopes seen as one `ReportFileStore` over every tenant, so
 * that a part runs the same contract as a standalone store: each call runs in a transaction of
 * the tenant it names (created on first use), and `deleteExpired` runs in every tenant it has met.
 */
export function reportFilesOverScopes(store: EpcaStore<TenantScope & ReportFilesScope>): ReportFileStore {
  const tenants = new Map<string, Promise<void>>();
  const ensure = (id: string) => {
    let ready = tenants.get(id);
    if (!ready) {
      ready = (async () => {
        if (await store.tenants.findById(id)) return;
        await store.tenants.insert({ id, name: `Tenant ${id}`, subdomain: id.toLowerCase(), plan: "starter", is_active: true, limits: PLAN_LIMITS.starter });
      })();
      tenants.set(id, ready);
    }
    return ready;
  };
  const inTenant = async <T>(id: string, work: (files: ReportFileStore) => Promise<T>): Promise<T> => {
    await ensure(id);
    return store.transaction(id, (scope) => work(scope.reportFiles));
  };
  return {
    save: (file) => inTenant(file.tenant_id, (files) => files.save(file)),
    get: (tenantId, id, now) => inTenant(tenantId, (files) => files.get(tenantId, id, now)),
    list: (tenantId, now) => inTenant(tenantId, (files) => files.list(tenantId, now)),
    async deleteExpired(now) {
      let deleted = 0;
      for (const id of tenants.keys()) deleted += await inTenant(id, (files) => files.deleteExpired(now));
      return deleted;
    },
  };
}
