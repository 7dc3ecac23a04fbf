import type { Tenant, TenantInsert, TenantLimits, TenantPlan } from "../schemas/tenant.js";
import type { TenantScope } from "./store.js";

/** Tenants: the one repository that is not scoped to a tenant (platform administration). */
export interface TenantRepository {
  /** Stores a tenant; MUST throw `ConflictError` when the id or subdomain is taken. */
  insert(values: TenantInsert): Promise<Tenant>;
  /**
   * Stores a tenant and runs `work` in a unit of work of it, in ONE transaction: when `work`
   * rejects, the tenant is not stored either (and the error is rethrown unchanged). MUST throw
   * `ConflictError` when the id or subdomain is taken. What the first admin of a new tenant is
   * created in.
   */
  provision<T>(values: TenantInsert, work: (scope: TenantScope) => Promise<T>): Promise<{ tenant: Tenant; result: T }>;
  /** The tenant with this id, or `null`. */
  findById(id: string): Promise<Tenant | null>;
  /** The tenant with this subdomain, or `null`. */
  findBySubdomain(subdomain: string): Promise<Tenant | null>;
  /** Every tenant, ordered by creation. */
  list(): Promise<Tenant[]>;
  /** Applies the patch and returns the tenant, or `null`. */
  update(id: string, patch: TenantPatch): Promise<Tenant | null>;
  /**
   * Changes a tenant and runs `work` in a unit of work of it, in ONE transaction: reads the tenant
   * (locked against concurrent changes), applies `patchOf(before)`, then runs `work` with a scope
   * whose `tenant` is the changed tenant. When `patchOf` or `work` rejects, the change is not
   * stored either (and the error is rethrown unchanged). `null`, and nothing run, when there is no
   * such tenant. What a tenant change and its audit entry are written in.
   */
  change<T>(id: string, patchOf: (before: Tenant) => TenantPatch, work: (scope: TenantScope, before: Tenant) => Promise<T>): Promise<{ before: Tenant; tenant: Tenant; result: T } | null>;
}

/** What `TenantRepository.update` and `change` may change. */
export interface TenantPatch {
  readonly is_active?: boolean;
  readonly plan?: TenantPlan;
  readonly limits?: TenantLimits;
  readonly name?: string;
}
