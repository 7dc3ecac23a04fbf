import { PLAN_LIMITS, type EpcaStore, type TenantScope } from "@epca/core";
import type { ModelRegistry } from "@epca/ml";

/**
 * A whole `ModelRegistry` over a store whose scopes carry the `modelRegistry` part: each call runs
 * in a transaction of its tenant (created on first use, as the contract suite invents tenants).
 */
export function registryOverStore(store: EpcaStore<TenantScope & { readonly modelRegistry: ModelRegistry }>): ModelRegistry {
  const known = new Map<string, Promise<unknown>>();
  const ensure = (tenantId: string) => {
    let pending = known.get(tenantId);
    if (!pending) {
      pending = store.tenants
        .findById(tenantId)
        .then((t) => t ?? store.tenants.insert({ id: tenantId, name: tenantId, subdomain: tenantId, plan: "enterprise", is_active: true, limits: PLAN_LIMITS.enterprise }));
      known.set(tenantId, pending);
    }
    return pending;
  };
  const run = async <T>(tenantId: string, work: (registry: ModelRegistry) => Promise<T>): Promise<T> => {
    await ensure(tenantId);
    return store.transaction(tenantId, (scope) => work(scope.modelRegistry));
  };
  return {
    save: (t, model) => run(t, (r) => r.save(t, model)),
    update: (t, id, change) => run(t, (r) => r.update(t, id, change)),
    get: (t, id) => run(t, (r) => r.get(t, id)),
    list: (t, filter) => run(t, (r) => r.list(t, filter)),
    getDeployed: (t, type) => run(t, (r) => r.getDeployed(t, type)),
    deploy: (t, id, at) => run(t, (r) => r.deploy(t, id, at)),
    logPrediction: (t, prediction) => run(t, (r) => r.logPrediction(t, prediction)),
    recordFeedback: (t, id, feedback) => run(t, (r) => r.recordFeedback(t, id, feedback)),
    listPredictions: (t, id, options) => run(t, (r) => r.listPredictions(t, id, options)),
  };
}
