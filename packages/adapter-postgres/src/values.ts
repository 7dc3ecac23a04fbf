/** Conversions between PostgreSQL values (as either driver returns them) and core's record shapes. */

/** A bigint id or count as a JS number. */
export function toNumber(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "bigint" || typeof value === "string") return Number(value);
  throw new TypeError(`Expected a number from the database, got ${typeof value}`);
}

/** A nullable number column. */
export function toNullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : toNumber(value);
}

/** A `date` column as `YYYY-MM-DD`. */
export function toDateString(value: unknown): string {
  if (typeof value === "string") return value.slice(0, 10);
  if (value instanceof Date) {
    // Only reached with a driver configured to parse dates: they arrive as UTC midnight.
    return value.toISOString().slice(0, 10);
  }
  throw new TypeError(`Expected a date from the database, got ${typeof value}`);
}

/** A nullable `date` column. */
export function toNullableDateString(value: unknown): string | null {
  return value === null || value === undefined ? null : toDateString(value);
}

/** A `timestamptz` column as an ISO string (`toISOString()`). */
export function toIsoString(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "string") return new Date(value).toISOString();
  throw new TypeError(`Expected a timestamp from the database, got ${typeof value}`);
}

/** A nullable `timestamptz` column. */
export function toNullableIsoString(value: unknown): string | null {
  return value === null || value === undefined ? null : toIsoString(value);
}

/** A `jsonb` column (drivers parse it already; a string is parsed here). */
export function fromJson<T>(value: unknown): T {
  return (typeof value === "string" ? JSON.parse(value) : value) as T;
}

/** A nullable text column. */
export function toNullableString(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

/** A value bound to a `jsonb` parameter: sent as text and cast (`$n::text::jsonb`) so no driver re-encodes it. */
export function jsonParam(value: unknown): string {
  return JSON.stringify(value ?? null);
}

/** An `undefined` field stored as NULL. */
export function orNull<T>(value: T | undefined): T | null {
  return value === undefined ? null : value;
}
