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
 * Refresh tokens of the transaction's tenant; hashes are unique per tenant. `consume` is atomic
 * because it does not await between reading and marking the token.
 */
export function memoryRefreshTokenRepository(tx: TransactionContext, db: MemoryDatabase): RefreshTokenRepository {
  const table = db.refreshTokens;
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
      };
      table.insert(tx, row);
      return copy(row);
    },
    async consume(tokenHash, now): Promise<RefreshTokenConsumption> {
      tx.assertOpen();
      const token = table.find(tx.tenantId, (t) => t.token_hash === tokenHash);
      if (token === undefined) return { outcome: "unknown" };
      if (token.revoked_at !== null) return { outcome: "revoked", token: copy(token) };
      // Reuse does not revoke by itself: the caller revokes the whole family.
      if (token.used_at !== null) return { outcome: "reused", token: copy(token) };
      if (Date.parse(token.expires_at) <= now.getTime()) return { outcome: "expired", token: copy(token) };
      const used: RefreshTokenRecord = { ...token, used_at: isoInstant(now) };
      table.replace(tx, used);
      return { outcome: "rotated", token: copy(used) };
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
