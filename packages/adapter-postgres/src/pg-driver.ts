import type { Pool, PoolClient, CustomTypesConfig } from "pg";
import { guardExecutor, TransactionRolledBackError, type QueryOptions, type SqlDriver, type SqlExecutor, type SqlResult } from "./sql-executor.js";

const INT8 = 20;
const DATE = 1082;
const INT8_ARRAY = 1016;

type TypeParser = (value: string) => unknown;

/**
 * Type parsing per query, so that a pool handed in by the host keeps its own global settings:
 * bigints (ids, counts) become numbers and dates stay `YYYY-MM-DD` strings instead of local-time Dates.
 */
function typesFor(pgTypes: { getTypeParser: (oid: number, format?: "text" | "binary") => unknown }): CustomTypesConfig {
  return {
    getTypeParser: ((oid: number, format?: "text" | "binary") => {
      if (oid === INT8) return (value: string) => Number(value);
      if (oid === DATE) return (value: string) => value;
      if (oid === INT8_ARRAY) {
        const parseArray = pgTypes.getTypeParser(oid, format) as TypeParser;
        return (value: string) => (parseArray(value) as (string | null)[]).map((v) => (v === null ? null : Number(v)));
      }
      return pgTypes.getTypeParser(oid, format);
    }) as CustomTypesConfig["getTypeParser"],
  };
}

/**
 * PostgreSQL's answer when a statement prepared on this connection no longer returns the columns
 * it was prepared with (a migration changed the table since): the connection's prepared
 * statements are stale.
 */
function isStalePlan(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "0A000" && /cached plan must not change result type/i.test(String((error as Error).message));
}

/** What a transaction's statements were: `impure` once one was not a pure read (`QueryOptions.readsOnly`), or failed. */
interface StatementTally {
  impure: boolean;
}

/**
 * `stale`: called when a named statement's plan went stale; the client is then destroyed, not
 * reused. `tally`: marked impure by any statement that is not a pure read, and by any failure.
 */
function clientExecutor(client: PoolClient, types: CustomTypesConfig, stale: (error: Error) => void, tally: StatementTally): SqlExecutor {
  return {
    async query<T>(text: string, params?: readonly unknown[], options?: QueryOptions): Promise<SqlResult<T>> {
      const values = params ? [...params] : [];
      if (options?.readsOnly !== true) tally.impure = true;
      try {
        const result = await client.query(options?.name === undefined ? { text, values, types } : { name: options.name, text, values, types });
        return { rows: result.rows as T[], rowCount: result.rowCount ?? 0 };
      } catch (error) {
        tally.impure = true;
        if (options?.name !== undefined && isStalePlan(error)) stale(error as Error);
        throw error;
      }
    },
    async exec(script: string): Promise<void> {
      tally.impure = true;
      await client.query(script);
    },
  };
}

/**
 * How long a connection whose transaction only read may wait for the next transaction to carry
 * its COMMIT (ms). Under load the next transaction takes it at once; an idle server commits alone.
 */
const PARKED_COMMIT_MS = 2;

/** A checked-out client whose pure-read transaction awaits its COMMIT. */
interface Parked {
  readonly client: PoolClient;
  timer?: ReturnType<typeof setTimeout>;
  onError?: (error: Error) => void;
}

/** A read replica's pool, and how long a replica that failed is left alone. */
export interface ReadPool {
  readonly pool: Pool;
  readonly owns: boolean;
  /** After a failure, read-only work goes to the primary for this long before the replica is tried again (ms, default 5,000). */
  readonly retryAfterMs?: number;
}

/** SQLSTATE classes and socket errors that mean the connection, not the statement, failed. */
function isConnectionFailure(error: unknown, depth = 0): boolean {
  if (error === null || typeof error !== "object" || depth > 3) return false;
  if (isConnectionFailure((error as { cause?: unknown }).cause, depth + 1)) return true;
  const code = String((error as { code?: unknown } | null)?.code ?? "");
  if (/^(08|57P)/.test(code) || ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH"].includes(code)) return true;
  const message = error instanceof Error ? error.message : "";
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(message);
}

/**
 * A driver over a node-postgres pool; every transaction checks out one client. With `readPool`,
 * read-only transactions run on the replica; when it cannot be reached, or its connection fails
 * before the read-only work ends (safe to run again: it wrote nothing), they run on the primary,
 * and the replica is retried after `retryAfterMs`.
 */
export function createPgDriver(
  pool: Pool,
  pgTypes: { getTypeParser: (oid: number, format?: "text" | "binary") => unknown },
  ownsPool: boolean,
  readPool?: ReadPool,
): SqlDriver {
  const types = typesFor(pgTypes);
  let replicaDownUntil = 0;
  let closing = false;
  // Primary connections whose transaction only read (every statement a pure read, the opening
  // included, none failed): their COMMIT has not been sent yet. The next transaction on the
  // primary takes one and sends `COMMIT;BEGIN;<opening>` as one message: one round trip less per
  // read. Nothing waits on such a COMMIT (the transaction wrote nothing, locked no row, and its
  // settings, the tenant pin and the role, end with it); a connection not taken within
  // PARKED_COMMIT_MS commits alone and goes back to the pool.
  const parked: Parked[] = [];
  const unpark = (entry: Parked) => {
    const at = parked.indexOf(entry);
    if (at >= 0) parked.splice(at, 1);
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    if (entry.onError) entry.client.off("error", entry.onError);
  };
  const commitAlone = async (client: PoolClient): Promise<void> => {
    let failed: Error | undefined;
    const onError = (error: Error) => {
      failed = error;
    };
    client.on("error", onError);
    try {
      await client.query("COMMIT");
    } catch (error) {
      failed = error as Error;
    } finally {
      client.off("error", onError);
      client.release(failed);
    }
  };
  // Transactions waiting for a primary connection: a parked one goes to the oldest at once (the
  // pool's own answer, when it comes, goes straight back to the pool).
  const waiting: { settled: boolean; take(client: PoolClient): void }[] = [];
  const acquire = (from: Pool): Promise<{ client: PoolClient; taken: boolean }> => {
    if (from !== pool) return from.connect().then((client) => ({ client, taken: false }));
    const entry = parked.pop();
    if (entry) {
      unpark(entry);
      return Promise.resolve({ client: entry.client, taken: true });
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        settled: false,
        take(client: PoolClient) {
          waiter.settled = true;
          resolve({ client, taken: true });
        },
      };
      waiting.push(waiter);
      const leave = () => {
        const at = waiting.indexOf(waiter);
        if (at >= 0) waiting.splice(at, 1);
      };
      pool.connect().then(
        (client) => {
          leave();
          if (waiter.settled) client.release();
          else {
            waiter.settled = true;
            resolve({ client, taken: false });
          }
        },
        (error: unknown) => {
          leave();
          if (!waiter.settled) {
            waiter.settled = true;
            reject(error);
          }
        },
      );
    });
  };
  const park = (client: PoolClient) => {
    const next = waiting.shift();
    if (next) return next.take(client);
    const entry: Parked = { client };
    // The connection died while parked: nothing was pending but the COMMIT of reads.
    entry.onError = (error) => {
      unpark(entry);
      client.release(error);
    };
    client.on("error", entry.onError);
    entry.timer = setTimeout(() => {
      unpark(entry);
      void commitAlone(client);
    }, PARKED_COMMIT_MS);
    entry.timer.unref?.();
    parked.push(entry);
  };
  const onPool = async <T>(
    from: Pool,
    work: (sql: SqlExecutor, opened: readonly Record<string, unknown>[], openedAll: readonly (readonly Record<string, unknown>[])[]) => Promise<T>,
    readOnly: boolean,
    opening: string | undefined,
    openingReadsOnly: boolean,
  ): Promise<T> => {
    const { client, taken } = await acquire(from);
    let broken: Error | undefined;
    let handedOn = false;
    const tally: StatementTally = { impure: opening === undefined || !openingReadsOnly };
    // A statement prepared on this connection that went stale (a migration changed its table
    // while the server runs) fails its transaction; a new connection prepares it afresh.
    const guarded = guardExecutor(clientExecutor(client, types, (error) => (broken = error), tally));
    // A checked-out client whose connection dies (the server restarts, a backend is terminated)
    // emits `error`; the pool listens only while it is idle, and an unheard error would end the
    // process. The statement in progress rejects on its own; the client is then destroyed.
    const onError = (error: Error) => {
      broken = error;
    };
    client.on("error", onError);
    try {
      // A parked connection's previous transaction (pure reads) commits in the same message.
      const begin = `${taken ? "COMMIT;" : ""}${readOnly ? "BEGIN READ ONLY" : "BEGIN"}`;
      let openedAll: readonly (readonly Record<string, unknown>[])[] = [];
      if (opening === undefined) await client.query(begin);
      else {
        // One round trip: BEGIN and the opening as one simple-protocol message. A failure in the
        // opening aborts the transaction, which the ROLLBACK below ends.
        let answers: unknown;
        try {
          answers = await client.query({ text: `${begin};${opening}`, types });
        } catch (error) {
          await client.query("ROLLBACK").catch((rollbackError: Error) => (broken = rollbackError));
          throw error;
        }
        const results = (Array.isArray(answers) ? answers : [answers]) as { rows: Record<string, unknown>[]; fields?: unknown[] }[];
        openedAll = results.filter((r, i) => i > (taken ? 1 : 0) && (r.fields?.length ?? 0) > 0).map((r) => r.rows);
      }
      let result: T;
      try {
        result = await work(guarded.sql, openedAll[0] ?? [], openedAll);
      } catch (error) {
        guarded.end();
        try {
          await client.query("ROLLBACK");
        } catch (rollbackError) {
          broken = rollbackError as Error;
        }
        throw error;
      }
      guarded.end();
      if (!tally.impure && from === pool && !closing && broken === undefined) {
        park(client);
        handedOn = true;
        return result;
      }
      let commit: { command?: string };
      try {
        commit = await client.query("COMMIT");
      } catch (commitError) {
        broken = commitError as Error;
        throw commitError;
      }
      // PostgreSQL answers COMMIT of an aborted transaction (a statement failed and `work`
      // caught the error) with ROLLBACK and no error: nothing was saved, so resolving would lose
      // the writes silently.
      if (commit.command === "ROLLBACK") throw new TransactionRolledBackError();
      return result;
    } finally {
      guarded.end();
      client.off("error", onError);
      // A client whose transaction could not end cleanly is destroyed, never reused.
      if (!handedOn) client.release(broken);
    }
  };
  return {
    kind: "pg",
    async transaction<T>(
      work: (sql: SqlExecutor, opened: readonly Record<string, unknown>[], openedAll: readonly (readonly Record<string, unknown>[])[]) => Promise<T>,
      options?: { readOnly?: boolean; opening?: string; openingReadsOnly?: boolean },
    ): Promise<T> {
      const readOnly = options?.readOnly === true;
      const openingReadsOnly = options?.openingReadsOnly === true;
      if (readOnly && readPool && Date.now() >= replicaDownUntil) {
        try {
          return await onPool(readPool.pool, work, true, options?.opening, openingReadsOnly);
        } catch (error) {
          if (!isConnectionFailure(error)) throw error;
          replicaDownUntil = Date.now() + (readPool.retryAfterMs ?? 5_000);
        }
      }
      return onPool(pool, work, readOnly, options?.opening, openingReadsOnly);
    },
    async query<T>(text: string, params?: readonly unknown[]): Promise<SqlResult<T>> {
      const result = await pool.query({ text, values: params ? [...params] : [], types });
      return { rows: result.rows as T[], rowCount: result.rowCount ?? 0 };
    },
    ...(readPool
      ? {
          async pingReplica(): Promise<void> {
            await readPool.pool.query("SELECT 1");
          },
        }
      : {}),
    async close(): Promise<void> {
      closing = true;
      await Promise.all(parked.splice(0).map((entry) => (unpark(entry), commitAlone(entry.client))));
      await Promise.all([ownsPool ? pool.end() : undefined, readPool?.owns ? readPool.pool.end() : undefined]);
    },
  };
}
