import type { Pool, PoolClient, CustomTypesConfig } from "pg";
import { guardExecutor, sqlLiteral, TransactionRolledBackError, type OpeningStatement, type QueryOptions, type SqlDriver, type SqlExecutor, type SqlResult, type TransactionOpening } from "./sql-executor.js";

const INT8 = 20;
const DATE = 1082;
const INT8_ARRAY = 1016;

type TypeParser = (value: string) => unknown;

/**
 * Type parsing per query, so that a pool handed in by the host keeps its own global settings:
 * bigints (ids, counts) become numbers and dates stay `YYYY-MM-DD` strings instead of local-time Dates.
 */
function typesFor(pgTypes: { getTypeParser: (oid: number, format?: "text" | "binary") => unknown }): CustomTypesConfig {
  const parserOf = (oid: number, format?: "text" | "binary"): unknown => {
    if (oid === INT8) return (value: string) => Number(value);
    if (oid === DATE) return (value: string) => value;
    if (oid === INT8_ARRAY) {
      const parseArray = pgTypes.getTypeParser(oid, format) as TypeParser;
      return (value: string) => (parseArray(value) as (string | null)[]).map((v) => (v === null ? null : Number(v)));
    }
    return pgTypes.getTypeParser(oid, format);
  };
  // node-postgres asks for every column of every result: answered once per type, not per column.
  const text = new Map<number, unknown>();
  return {
    getTypeParser: ((oid: number, format?: "text" | "binary") => {
      if (format === "binary") return parserOf(oid, format);
      let parser = text.get(oid);
      if (parser === undefined) text.set(oid, (parser = parserOf(oid, format)));
      return parser;
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

/** `stale`: called when a named statement's plan went stale; the client is then destroyed, not reused. */
function clientExecutor(client: PoolClient, types: CustomTypesConfig, stale: (error: Error) => void, prepared: boolean): SqlExecutor {
  return {
    async query<T>(text: string, params?: readonly unknown[], options?: QueryOptions): Promise<SqlResult<T>> {
      const values = params ? [...params] : [];
      if (options?.name === undefined || !prepared) {
        const result = await client.query({ text, values, types });
        return { rows: result.rows as T[], rowCount: result.rowCount ?? 0 };
      }
      try {
        const result = await client.query({ name: options.name, text, values, types });
        return { rows: result.rows as T[], rowCount: result.rowCount ?? 0 };
      } catch (error) {
        if (isStalePlan(error)) stale(error as Error);
        throw error;
      }
    },
    async exec(script: string): Promise<void> {
      await client.query(script);
    },
  };
}

/**
 * An opening's statement as sent: its text, or `EXECUTE name(values)` of a prepared one (or,
 * without prepared statements, its text with the values in place of `$1`…`$n`, cast to their types).
 */
function executed(statement: OpeningStatement, prepared: boolean): string {
  if (typeof statement === "string") return statement;
  const values = statement.values.map((value) => {
    if (value === null) return "NULL";
    if (typeof value === "number") {
      if (!Number.isSafeInteger(value)) throw new RangeError(`${statement.name}: ${value} is not a safe integer`);
      return String(value);
    }
    const literal = sqlLiteral(value);
    if (literal === null) throw new RangeError(`${statement.name}: a value holds a NUL`);
    return literal;
  });
  if (prepared) return `EXECUTE ${statement.name}(${values.join(", ")})`;
  // The texts are this package's own statements: `$n` appears in them only as a parameter.
  return statement.text.replace(/\$(\d+)/g, (_, n: string) => `(${values[Number(n) - 1]}::${statement.types[Number(n) - 1]})`);
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
  options: { readonly preparedStatements?: boolean } = {},
): SqlDriver {
  const types = typesFor(pgTypes);
  const preparing = options.preparedStatements !== false;
  let replicaDownUntil = 0;
  // The openings' prepared statements (SQL-level PREPARE) each connection holds: a connection
  // prepares one the first time an opening runs it.
  const preparedOn = new WeakMap<PoolClient, Set<string>>();
  const onPool = async <T>(
    from: Pool,
    work: (sql: SqlExecutor, opened: readonly Record<string, unknown>[], openedAll: readonly (readonly Record<string, unknown>[])[]) => Promise<T>,
    readOnly: boolean,
    given: string | TransactionOpening | undefined,
  ): Promise<T> => {
    const opening = typeof given === "string" ? { enter: [given] } : given;
    const client = await from.connect();
    let broken: Error | undefined;
    // A checked-out client whose connection dies (the server restarts, a backend is terminated)
    // emits `error`; the pool listens only while it is idle, and an unheard error would end the
    // process. The statement in progress rejects on its own; the client is then destroyed.
    const onError = (error: Error) => {
      broken = error;
    };
    client.on("error", onError);
    const begin = readOnly ? "BEGIN READ ONLY" : "BEGIN";
    // Whether a transaction is open on the client (not after an opening that committed), and the
    // one that the work's first statement opens then.
    let open = false;
    let reopening: Promise<unknown> | null = null;
    const reopen = (): Promise<unknown> =>
      (reopening ??= ((open = true),
      client.query([begin, ...opening!.enter.map((statement) => executed(statement, preparing))].join(";")).then(
        () => undefined,
        (error: unknown) => {
          if (isStalePlan(error)) broken = error as Error;
          throw error;
        },
      )));
    // A statement prepared on this connection that went stale (a migration changed its table
    // while the server runs) fails its transaction; a new connection prepares it afresh.
    const inner = clientExecutor(client, types, (error) => (broken = error), preparing);
    const ready = () => (open ? reopening : reopen());
    const guarded = guardExecutor(
      opening?.commit
        ? {
            query: async (text, params, options) => (await ready(), inner.query(text, params, options)),
            exec: async (script) => (await ready(), inner.exec(script)),
          }
        : inner,
    );
    try {
      let openedAll: readonly (readonly Record<string, unknown>[])[] = [];
      if (opening === undefined) {
        await client.query(begin);
        open = true;
      } else {
        // One round trip: BEGIN and the opening as one simple-protocol message. A failure in the
        // opening aborts the transaction, which the ROLLBACK below ends.
        const prepared = preparedOn.get(client) ?? new Set<string>();
        const newlyPrepared: string[] = [];
        const statements = [...opening.enter, ...(opening.reads ?? [])].map((statement) => {
          if (typeof statement === "string" || !preparing || prepared.has(statement.name) || newlyPrepared.includes(statement.name)) return executed(statement, preparing);
          newlyPrepared.push(statement.name);
          return `PREPARE ${statement.name}(${statement.types.join(", ")}) AS ${statement.text};${executed(statement, true)}`;
        });
        const text = [begin, ...statements, ...(opening.commit ? ["COMMIT"] : [])].join(";");
        let answers: unknown;
        try {
          open = true;
          answers = await client.query({ text, types });
        } catch (error) {
          // Whether a PREPARE ran is unknown (it outlives a rollback): the connection goes.
          if (newlyPrepared.length > 0 || isStalePlan(error)) broken = error as Error;
          await client.query("ROLLBACK").catch((rollbackError: Error) => (broken = rollbackError));
          open = false;
          throw error;
        }
        if (newlyPrepared.length > 0) preparedOn.set(client, new Set([...prepared, ...newlyPrepared]));
        if (opening.commit) open = false;
        const results = (Array.isArray(answers) ? answers : [answers]) as { rows: Record<string, unknown>[]; fields?: unknown[] }[];
        openedAll = results.filter((r, i) => i > 0 && (r.fields?.length ?? 0) > 0).map((r) => r.rows);
      }
      let result: T;
      try {
        result = await work(guarded.sql, openedAll[0] ?? [], openedAll);
      } catch (error) {
        guarded.end();
        if (open) {
          try {
            await client.query("ROLLBACK");
          } catch (rollbackError) {
            broken = rollbackError as Error;
          }
        }
        throw error;
      }
      guarded.end();
      if (!open) return result;
      if (reopening) {
        try {
          await reopening;
        } catch (reopenError) {
          // The reopening failed and the work caught its error: nothing it sent afterwards was kept.
          broken = reopenError as Error;
          throw new TransactionRolledBackError({ cause: reopenError });
        }
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
      client.release(broken);
    }
  };
  return {
    kind: "pg",
    async transaction<T>(
      work: (sql: SqlExecutor, opened: readonly Record<string, unknown>[], openedAll: readonly (readonly Record<string, unknown>[])[]) => Promise<T>,
      options?: { readOnly?: boolean; opening?: string | TransactionOpening },
    ): Promise<T> {
      const readOnly = options?.readOnly === true;
      if (readOnly && readPool && Date.now() >= replicaDownUntil) {
        try {
          return await onPool(readPool.pool, work, true, options?.opening);
        } catch (error) {
          if (!isConnectionFailure(error)) throw error;
          replicaDownUntil = Date.now() + (readPool.retryAfterMs ?? 5_000);
        }
      }
      return onPool(pool, work, readOnly, options?.opening);
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
      await Promise.all([ownsPool ? pool.end() : undefined, readPool?.owns ? readPool.pool.end() : undefined]);
    },
  };
}
