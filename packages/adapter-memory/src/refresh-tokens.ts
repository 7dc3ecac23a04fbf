import {
  ConflictError,
  type RefreshTokenConsumption,
  type RefreshTokenRecord,
  type RefreshTokenRepository,
} from "@epca/core";
import type { MemoryDatabase } from "./database.js";
import { copy, type TransactionContext } from "./table.js";

/** An instant as the ISO string a `timestamptz` column would answer with. */
function isoInstant(value: string | Date): string {
  return new Date(value).toISOString();
}

/**
 * The sealed answers `recordSuccessor` keeps, by token id, beside the rows (a record does not
 * carry them): ids never repeat across tenants.
 */
const sealedSuccessors = new WeakMap<object, Map<number, string>>();

/**
 * Refresh tokens of the transaction's tenant; hashes are unique per tenant. `consume` is atomic
 * because it does not await between reading and marking the token.
 */
export function memoryRefreshTokenRepository(tx: TransactionContext, db: MemoryDatabase): RefreshTokenRepository {
  const table = db.refreshTokens;
  let successors = sealedSuccessors.get(table);
  if (successors === undefined) sealedSuccessors.set(table, (successors = new Map()));
  // Every token not yet revoked is marked; the count is of those still live, that is neither used
  // nor expired at `now` (a used or expired token could not be presented with success anyway).
  const revokeWhere = (matches: (t: RefreshTokenRecord) => boolean, now: Date): number => {
    const revokedAt = isoInstant(now);
    let live = 0;
    for (const token of table.select(tx.tenantId, (t) => t.revoked_at === null && matches(t))) {
      if (token.used_at === null && Date.parse(token.expires_at) > now.getTime()) live += 1;
      table.replace(tx, { ...token, revoked_at: revokedAt });
    }
    return live;
  };

  return {
    async insert(values) {
      tx.assertOpen();
      if (table.find(tx.tenantId, (t) => t.token_hash === values.token_hash) !== undefined) {
        throw new ConflictError("A refresh token with this hash already exists");
      }
      const row: RefreshTokenRecord = {
        id: table.nextId(),
        family_id: values.family_id,
        token_hash: values.token_hash,
        user_id: values.user_id,
        expires_at: isoInstant(values.expires_at),
        used_at: null,
        revoked_at: null,
        created_at: tx.now(),
        replayed_at: null,
        successor_hash: null,
      };
      table.insert(tx, row);
      return copy(row);
    },
    async consume(tokenHash, now, options = {}): Promise<RefreshTokenConsumption> {
      tx.assertOpen();
      const token = table.find(tx.tenantId, (t) => t.token_hash === tokenHash);
      if (token === undefined) return { outcome: "unknown" };
      if (token.revoked_at !== null) return { outcome: "revoked", token: copy(token) };
      if (token.used_at !== null) {
        const graceMs = options.graceMs ?? 0;
        const sealed = successors.get(token.id);
        const successor = token.successor_hash === null ? undefined : table.find(tx.tenantId, (t) => t.token_hash === token.successor_hash);
        const replayable =
          graceMs > 0 &&
          token.replayed_at === null &&
          now.getTime() - Date.parse(token.used_at) < graceMs &&
          sealed !== undefined &&
          successor !== undefined &&
          successor.used_at === null &&
          successor.revoked_at === null &&
          Date.parse(successor.expires_at) > now.getTime();
        if (replayable) {
          const replayed: RefreshTokenRecord = { ...token, replayed_at: isoInstant(now) };
          table.replace(tx, replayed);
          return { outcome: "replayed", token: copy(replayed), successor: sealed };
        }
        // Reuse does not revoke by itself: the caller revokes the whole family.
        return { outcome: "reused", token: copy(token) };
      }
      if (Date.parse(token.expires_at) <= now.getTime()) return { outcome: "expired", token: copy(token) };
      const used: RefreshTokenRecord = { ...token, used_at: isoInstant(now) };
      table.replace(tx, used);
      return { outcome: "rotated", token: copy(used) };
    },
    async recordSuccessor(tokenId, successor) {
      tx.assertOpen();
      const token = table.find(tx.tenantId, (t) => t.id === tokenId);
      if (token === undefined) return;
      table.replace(tx, { ...token, successor_hash: successor.token_hash });
      const before = successors.get(tokenId);
      successors.set(tokenId, successor.sealed);
      tx.log.record(() => (before === undefined ? successors.delete(tokenId) : successors.set(tokenId, before)));
    },
    async revokeFamily(familyId, now) {
      tx.assertOpen();
      return revokeWhere((t) => t.family_id === familyId, now);
    },
    async revokeAllForUser(userId, now) {
      tx.assertOpen();
      return revokeWhere((t) => t.user_id === userId, now);
    },
  };
}
