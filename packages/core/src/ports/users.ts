import type { Page, PageResult } from "../schemas/common.js";
import type { Role } from "../schemas/role.js";
import type { UserInsert, UserPatch, UserRecord } from "../schemas/user.js";
import type { UserFilter } from "./records.js";

/** Users of one tenant; emails are unique per tenant, compared without regard to case. */
export interface UserRepository {
  /** Stores a user and returns it; MUST throw `ConflictError` when the email is taken. */
  insert(values: UserInsert): Promise<UserRecord>;
  /** The user with this id, or `null`. */
  findById(id: number): Promise<UserRecord | null>;
  /**
   * The user with this id, or `null`, and whether the session `familyId` is one of theirs that has
   * not ended (a refresh token of that family for this user is not revoked): what every
   * authenticated request reads, in one round trip where the storage allows.
   */
  findWithSession(id: number, familyId: string): Promise<{ readonly user: UserRecord; readonly sessionActive: boolean } | null>;
  /** The user with this email (case-insensitive), or `null`. */
  findByEmail(email: string): Promise<UserRecord | null>;
  /** Applies the patch and returns the user, or `null`; MUST throw `ConflictError` when the new email is taken. */
  update(id: number, patch: UserPatch): Promise<UserRecord | null>;
  /** Deletes the user (and their refresh tokens and role grants) and returns it as it was, or `null`. */
  delete(id: number): Promise<UserRecord | null>;
  /** One page of users ordered by id, and the total. */
  list(filter: UserFilter, page: Page): Promise<PageResult<UserRecord>>;
  /** Replaces the custom roles granted to the user; `NotFoundError` for an unknown user or role of this tenant. */
  setRoleIds(userId: number, roleIds: readonly number[]): Promise<void>;
  /** How many users the tenant has. */
  count(): Promise<number>;
}

/** Fields a repository stores on role creation. */
export interface RoleInsert {
  name: string;
  description: string | null;
  permissions: Role["permissions"];
}

/** Custom roles of one tenant (the built-in roles live in core, not in storage). */
export interface RoleRepository {
  /** Stores a role; MUST throw `ConflictError` when the name is taken. */
  insert(values: RoleInsert): Promise<Role>;
  /** The role with this id, or `null`. */
  findById(id: number): Promise<Role | null>;
  /** The roles with these ids that exist, in id order. */
  findByIds(ids: readonly number[]): Promise<Role[]>;
  /** Applies the patch and returns the role, or `null`; MUST throw `ConflictError` when the new name is taken. */
  update(id: number, patch: Partial<RoleInsert>): Promise<Role | null>;
  /** Deletes the role (and its grants) and returns it as it was, or `null`. */
  delete(id: number): Promise<Role | null>;
  /** Every custom role of the tenant, ordered by id. */
  list(): Promise<Role[]>;
}

/** A stored refresh token: only its hash is kept. Tokens of one login form a family. */
export interface RefreshTokenRecord {
  readonly id: number;
  readonly family_id: string;
  readonly token_hash: string;
  readonly user_id: number;
  readonly expires_at: string;
  readonly used_at: string | null;
  readonly revoked_at: string | null;
  readonly created_at: string;
  /** When the token was presented again inside the grace window and answered its successor (once at most). */
  readonly replayed_at: string | null;
  /** The hash of the token its rotation issued, once recorded (`recordSuccessor`). */
  readonly successor_hash: string | null;
}

/** Outcome of presenting a refresh token. */
export type RefreshTokenConsumption =
  | { readonly outcome: "rotated"; readonly token: RefreshTokenRecord }
  /**
   * Presented again inside the grace window, for the first time, while its successor is still
   * live: `successor` is the opaque sealed form `recordSuccessor` stored, for the caller to answer
   * the same pair again.
   */
  | { readonly outcome: "replayed"; readonly token: RefreshTokenRecord; readonly successor: string }
  | { readonly outcome: "reused"; readonly token: RefreshTokenRecord }
  | { readonly outcome: "revoked"; readonly token: RefreshTokenRecord }
  | { readonly outcome: "expired"; readonly token: RefreshTokenRecord }
  | { readonly outcome: "unknown" };

/** Options of `RefreshTokenRepository.consume`. */
export interface ConsumeOptions {
  /**
   * How long after its rotation a used token may be presented once more and answer `replayed`
   * (milliseconds; 0, the default, disables the window).
   */
  readonly graceMs?: number;
}

/** Refresh-token families for rotation with reuse detection. */
export interface RefreshTokenRepository {
  /** Stores a new token of a family; hashes are unique per tenant (`ConflictError`). */
  insert(values: { family_id: string; token_hash: string; user_id: number; expires_at: string }): Promise<RefreshTokenRecord>;
  /**
   * Marks the token used and tells how it stood, checked in this order: `unknown` (no such hash in
   * this tenant), `revoked`, then for a used token `replayed` when all of these hold — used less
   * than `graceMs` before `now`, never replayed before, a successor recorded, and that successor
   * neither used, revoked nor expired at `now` (the token is then marked replayed) — else `reused`
   * (the caller revokes the family); then `expired` (expires_at ≤ now), else `rotated`. MUST be
   * atomic: of concurrent calls with the same hash exactly one answers `rotated`; a call that
   * waited for the rotating one's unit of work to commit sees its successor, so that of the others
   * at most one answers `replayed` and the rest `reused`.
   */
  consume(tokenHash: string, now: Date, options?: ConsumeOptions): Promise<RefreshTokenConsumption>;
  /**
   * Records what the rotation of the used token `tokenId` issued: the successor's hash and an
   * opaque sealed form of the answer (never a plaintext token), returned by a later `replayed`.
   */
  recordSuccessor(tokenId: number, successor: { token_hash: string; sealed: string }): Promise<void>;
  /** Revokes every token of the family; returns how many were live (neither used, revoked nor expired at `now`). */
  revokeFamily(familyId: string, now: Date): Promise<number>;
  /** Revokes every token of the user; returns how many were live (neither used, revoked nor expired at `now`). */
  revokeAllForUser(userId: number, now: Date): Promise<number>;
}
