import { NotFoundError, type RefreshTokenRepository, type Role, type RoleRepository, type UserRepository } from "@epca/core";
import { guardedWrite } from "../database-errors.js";
import type { PreparedOpeningStatement, SqlExecutor } from "../sql-executor.js";
import { assignments, castParam, Conditions, listPage, paramValue, type ColumnCast } from "./entity-repository.js";
import { mapRow } from "./rows.js";

const USER_SELECT = `u.*, ARRAY(SELECT ur.role_id FROM user_roles ur WHERE ur.user_id = u.id ORDER BY ur.role_id) AS role_ids`;

const USER_COLUMNS: Readonly<Record<string, ColumnCast>> = {
  email: "text",
  password_hash: "text",
  full_name: "text",
  role: "text",
  is_active: "bool",
  department_id: "int8",
  employee_id: "int8",
};

const ROLE_COLUMNS: Readonly<Record<string, ColumnCast>> = { name: "text", description: "text", permissions: "jsonb" };

/** `findWithSession`'s statement, minus the parameters. */
const USER_WITH_SESSION_SELECT = (familyId: string) =>
  `SELECT ${USER_SELECT},
          EXISTS (SELECT 1 FROM refresh_tokens rt WHERE rt.family_id = ${familyId} AND rt.user_id = u.id AND rt.revoked_at IS NULL) AS session_active
     FROM users u WHERE u.id = `;

/**
 * `findWithSession(userId, familyId)` (or `findById(userId)` without a family, `familyId` null)
 * as one statement for a transaction's opening, prepared once per connection: the same rows as
 * the repository's statements, plus the custom roles granted (`actor_roles`, as
 * `roles.findByIds(role_ids)` would read them: what the actor needs next). `null` when the user
 * id is not a safe integer.
 */
export function actorStatement(userId: number, familyId: string | null): PreparedOpeningStatement | null {
  if (!Number.isSafeInteger(userId)) return null;
  return { name: "epca_actor_o", text: ACTOR_SQL, types: ["bigint", "text"], values: [userId, familyId] };
}

const ACTOR_SQL = `SELECT ${USER_SELECT},
       CASE WHEN $2::text IS NULL THEN true
            ELSE EXISTS (SELECT 1 FROM refresh_tokens rt WHERE rt.family_id = $2 AND rt.user_id = u.id AND rt.revoked_at IS NULL) END AS session_active,
       (SELECT COALESCE(json_agg(r ORDER BY r.id), '[]'::json) FROM roles r WHERE r.id IN (SELECT ur.role_id FROM user_roles ur WHERE ur.user_id = u.id)) AS actor_roles
  FROM users u WHERE u.id = $1`;

/** What a transaction's opening read of its caller (`actorStatement`) answered. */
export interface PreloadedActor {
  readonly userId: number;
  /** The session asked about; `undefined` when the opening read the user alone. */
  readonly sessionId: string | undefined;
  /** The row, or `null` when no such user is visible to the tenant. */
  readonly row: Record<string, unknown> | null;
}

/**
 * The roles repository of a transaction whose opening already read its caller: the first call,
 * when it is `findByIds` of exactly the caller's granted roles and nothing else was sent on the
 * transaction since its opening, is answered from that read.
 */
export function withPreloadedRoles(roles: RoleRepository, preload: PreloadedActor, untouched: () => boolean): RoleRepository {
  let pending: PreloadedActor | null = preload;
  const granted = (row: Record<string, unknown>): Role[] | null => {
    const listed = row.actor_roles;
    const rows = (typeof listed === "string" ? JSON.parse(listed) : listed) as Record<string, unknown>[] | null | undefined;
    return Array.isArray(rows) ? rows.map(mapRow.role) : null;
  };
  return {
    ...roles,
    insert: (values) => ((pending = null), roles.insert(values)),
    update: (id, patch) => ((pending = null), roles.update(id, patch)),
    delete: (id) => ((pending = null), roles.delete(id)),
    async findByIds(ids) {
      const found = pending;
      pending = null;
      const answer = found?.row && untouched() ? granted(found.row) : null;
      const asked = [...new Set(ids)].sort((a, b) => a - b);
      if (answer && answer.length === asked.length && answer.every((role, i) => role.id === asked[i])) return answer;
      return roles.findByIds(ids);
    },
  };
}

/**
 * The users repository of a transaction whose opening already read its caller: the first call,
 * when it asks exactly for that user (and session) and nothing else was sent on the transaction
 * since its opening (`untouched()`), is answered from that read; every later call goes to the
 * database as usual.
 */
export function withPreloadedActor(users: UserRepository, preload: PreloadedActor, untouched: () => boolean): UserRepository {
  let pending: PreloadedActor | null = preload;
  const take = (userId: number, sessionId: string | undefined): PreloadedActor | null => {
    const found = pending;
    pending = null;
    return found && untouched() && found.userId === userId && (sessionId === undefined || found.sessionId === sessionId) ? found : null;
  };
  return {
    ...users,
    insert: (values) => ((pending = null), users.insert(values)),
    update: (id, patch) => ((pending = null), users.update(id, patch)),
    delete: (id) => ((pending = null), users.delete(id)),
    setRoleIds: (userId, roleIds) => ((pending = null), users.setRoleIds(userId, roleIds)),
    async findById(id) {
      const found = take(id, undefined);
      if (!found) return users.findById(id);
      return found.row ? mapRow.user(found.row) : null;
    },
    async findWithSession(id, familyId) {
      const found = take(id, familyId);
      if (!found) return users.findWithSession(id, familyId);
      return found.row ? { user: mapRow.user(found.row), sessionActive: found.row.session_active === true } : null;
    },
  };
}

/** Users of the transaction's tenant, with the custom role ids granted to them. */
export function userRepository(sql: SqlExecutor): UserRepository {
  async function findById(id: number) {
    const result = await sql.query(`SELECT ${USER_SELECT} FROM users u WHERE u.id = $1`, [id]);
    return result.rows[0] ? mapRow.user(result.rows[0]) : null;
  }
  return {
    async insert(values) {
      const names = Object.keys(USER_COLUMNS);
      const result = await guardedWrite(sql, () =>
        sql.query(
          `INSERT INTO users (${names.join(", ")}) VALUES (${names.map((n, i) => castParam(i + 1, USER_COLUMNS[n]!)).join(", ")})
           RETURNING *, '{}'::bigint[] AS role_ids`,
          names.map((n) => paramValue((values as unknown as Record<string, unknown>)[n], USER_COLUMNS[n]!)),
        ),
        values as unknown as Record<string, unknown>,
      );
      return mapRow.user(result.rows[0]!);
    },
    findById,
    async findWithSession(id, familyId) {
      const result = await sql.query(USER_WITH_SESSION_SELECT("$2") + "$1", [id, familyId]);
      const row = result.rows[0];
      return row ? { user: mapRow.user(row), sessionActive: row.session_active === true } : null;
    },
    async findByEmail(email) {
      const result = await sql.query(`SELECT ${USER_SELECT} FROM users u WHERE lower(u.email) = lower($1)`, [email]);
      return result.rows[0] ? mapRow.user(result.rows[0]) : null;
    },
    async update(id, patch) {
      const { sets, params } = assignments(USER_COLUMNS, patch as Record<string, unknown>);
      sets.push("updated_at = clock_timestamp()");
      const result = await guardedWrite(
        sql,
        () => sql.query(`UPDATE users u SET ${sets.join(", ")} WHERE u.id = $1 RETURNING ${USER_SELECT}`, [id, ...params]),
        patch as Record<string, unknown>,
      );
      return result.rows[0] ? mapRow.user(result.rows[0]) : null;
    },
    async delete(id) {
      // Grants and refresh tokens go with the user (ON DELETE CASCADE); RETURNING sees the grants as they were.
      const result = await sql.query(`DELETE FROM users u WHERE u.id = $1 RETURNING ${USER_SELECT}`, [id]);
      return result.rows[0] ? mapRow.user(result.rows[0]) : null;
    },
    async list(filter, page) {
      const conditions = new Conditions();
      conditions
        .when(filter?.role, "role = ?")
        .when(filter?.department_id, "department_id = ?")
        .when(filter?.is_active, "is_active = ?");
      return listPage(sql, "users u", USER_SELECT, conditions, page, mapRow.user);
    },
    async setRoleIds(userId, roleIds) {
      const user = await sql.query("SELECT 1 FROM users WHERE id = $1 FOR UPDATE", [userId]);
      if (user.rowCount === 0) throw new NotFoundError("user", userId);
      if (roleIds.length > 0) {
        const found = await sql.query<{ id: number }>("SELECT id FROM roles WHERE id = ANY($1::bigint[])", [[...roleIds]]);
        const known = new Set(found.rows.map((r) => Number(r.id)));
        const missing = roleIds.find((id) => !known.has(id));
        if (missing !== undefined) throw new NotFoundError("role", missing);
      }
      await sql.query("DELETE FROM user_roles WHERE user_id = $1", [userId]);
      if (roleIds.length === 0) return;
      // A role deleted concurrently still fails the foreign key check (NotFoundError).
      await guardedWrite(sql, () =>
        sql.query("INSERT INTO user_roles (user_id, role_id) SELECT $1, r FROM unnest($2::bigint[]) AS r GROUP BY r", [userId, [...roleIds]]),
      );
    },
    async count() {
      const result = await sql.query<{ n: number }>("SELECT count(*) AS n FROM users");
      return Number(result.rows[0]?.n ?? 0);
    },
  };
}

/** Custom roles of the transaction's tenant. */
export function roleRepository(sql: SqlExecutor): RoleRepository {
  return {
    async insert(values) {
      const result = await guardedWrite(sql, () =>
        sql.query("INSERT INTO roles (name, description, permissions) VALUES ($1, $2, $3::text::jsonb) RETURNING *", [
          values.name,
          values.description ?? null,
          JSON.stringify(values.permissions ?? []),
        ]),
      );
      return mapRow.role(result.rows[0]!);
    },
    async findById(id) {
      const result = await sql.query("SELECT * FROM roles WHERE id = $1", [id]);
      return result.rows[0] ? mapRow.role(result.rows[0]) : null;
    },
    async findByIds(ids) {
      if (ids.length === 0) return [];
      const result = await sql.query("SELECT * FROM roles WHERE id = ANY($1::bigint[]) ORDER BY id", [[...ids]]);
      return result.rows.map(mapRow.role);
    },
    async update(id, patch) {
      const { sets, params } = assignments(ROLE_COLUMNS, patch as Record<string, unknown>);
      sets.push("updated_at = clock_timestamp()");
      const result = await guardedWrite(sql, () =>
        sql.query(`UPDATE roles SET ${sets.join(", ")} WHERE id = $1 RETURNING *`, [id, ...params]),
      );
      return result.rows[0] ? mapRow.role(result.rows[0]) : null;
    },
    async delete(id) {
      const result = await sql.query("DELETE FROM roles WHERE id = $1 RETURNING *", [id]);
      return result.rows[0] ? mapRow.role(result.rows[0]) : null;
    },
    async list() {
      const result = await sql.query("SELECT * FROM roles ORDER BY id");
      return result.rows.map(mapRow.role);
    },
  };
}

/** Refresh-token families of the transaction's tenant. */
export function refreshTokenRepository(sql: SqlExecutor): RefreshTokenRepository {
  /** Revokes every unrevoked token matching `column = value` in one statement; counts those that were live. */
  async function revokeWhere(column: "family_id" | "user_id", value: string | number, now: Date): Promise<number> {
    const result = await sql.query<{ live: boolean }>(
      `UPDATE refresh_tokens SET revoked_at = $2::timestamptz
        WHERE ${column} = $1 AND revoked_at IS NULL
        RETURNING (used_at IS NULL AND expires_at > $2::timestamptz) AS live`,
      [value, now.toISOString()],
    );
    return result.rows.filter((row) => row.live).length;
  }

  return {
    async insert(values) {
      const result = await guardedWrite(sql, () =>
        sql.query(
          "INSERT INTO refresh_tokens (family_id, token_hash, user_id, expires_at) VALUES ($1, $2, $3, $4::timestamptz) RETURNING *",
          [values.family_id, values.token_hash, values.user_id, values.expires_at],
        ),
        values,
      );
      return mapRow.refreshToken(result.rows[0]!);
    },
    async consume(tokenHash, now, options = {}) {
      const at = now.toISOString();
      // One conditional UPDATE: of concurrent callers exactly one matches `used_at IS NULL`; the
      // others wait for its row lock, re-check the condition and match nothing.
      const rotated = await sql.query(
        `UPDATE refresh_tokens SET used_at = $2::timestamptz
          WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2::timestamptz
          RETURNING *`,
        [tokenHash, at],
      );
      if (rotated.rows[0]) return { outcome: "rotated", token: mapRow.refreshToken(rotated.rows[0]) };
      const graceMs = options.graceMs ?? 0;
      if (graceMs > 0) {
        // The one repeat inside the grace window, in one conditional UPDATE as well: a caller that
        // waited for the rotating transaction sees its committed successor (READ COMMITTED takes a
        // new snapshot per statement), and of several such callers only one finds replayed_at NULL.
        const replayed = await sql.query(
          `UPDATE refresh_tokens AS t SET replayed_at = $2::timestamptz
            WHERE t.token_hash = $1 AND t.used_at IS NOT NULL AND t.revoked_at IS NULL AND t.replayed_at IS NULL
              AND t.used_at > $2::timestamptz - make_interval(secs => $3::double precision / 1000)
              AND t.successor_sealed IS NOT NULL
              AND EXISTS (SELECT 1 FROM refresh_tokens AS s
                           WHERE s.token_hash = t.successor_hash AND s.used_at IS NULL AND s.revoked_at IS NULL
                             AND s.expires_at > $2::timestamptz)
            RETURNING t.*`,
          [tokenHash, at, graceMs],
        );
        const row = replayed.rows[0];
        if (row) return { outcome: "replayed", token: mapRow.refreshToken(row), successor: String(row.successor_sealed) };
      }
      const found = await sql.query("SELECT * FROM refresh_tokens WHERE token_hash = $1", [tokenHash]);
      if (!found.rows[0]) return { outcome: "unknown" };
      const token = mapRow.refreshToken(found.rows[0]);
      if (token.revoked_at !== null) return { outcome: "revoked", token };
      if (token.used_at !== null) return { outcome: "reused", token };
      return { outcome: "expired", token };
    },
    async recordSuccessor(tokenId, successor) {
      await sql.query("UPDATE refresh_tokens SET successor_hash = $2, successor_sealed = $3 WHERE id = $1", [tokenId, successor.token_hash, successor.sealed]);
    },
    revokeFamily: (familyId, now) => revokeWhere("family_id", familyId, now),
    revokeAllForUser: (userId, now) => revokeWhere("user_id", userId, now),
  };
}
