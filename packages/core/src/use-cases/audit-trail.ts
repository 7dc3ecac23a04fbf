import type { Actor } from "../policy/actor.js";
import type { TenantScope } from "../ports/store.js";

/** Appends one audit entry for a change (by `source`: an actor, or an anonymous request), in the same unit of work. */
export async function recordChange(
  scope: TenantScope,
  source: Pick<Actor, "userId" | "request">,
  change: { action: string; resourceType: string; resourceId: number | string | null; before: unknown; after: unknown },
): Promise<void> {
  await scope.audit.append({
    user_id: source.userId,
    action: change.action,
    resource_type: change.resourceType,
    resource_id: change.resourceId === null ? null : String(change.resourceId),
    changes: { before: change.before ?? null, after: change.after ?? null },
    ip_address: source.request?.ip ?? null,
    user_agent: source.request?.userAgent ?? null,
    request_id: source.request?.id ?? null,
  });
}
