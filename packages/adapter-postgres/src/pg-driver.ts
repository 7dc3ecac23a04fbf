import type { Pool, PoolClient, CustomTypesConfig } from "pg";
import { guardExecutor, TransactionRolledBackError, type SqlDriver, type SqlExecutor, type SqlResult } from "./sql-executor.js";

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

function clientExecutor(client: PoolClient, types: CustomTypesConfig): SqlExecutor {
  return {
    async query<T>(text: string, params?: readonly unknown[]): Promise<SqlResult<T>> {
      const result = await client.query({ text, values: params ? [...params] : [], types });
      return { rows: result.rows as T[], rowCount: result.rowCount ?? 0 };
    },
    async exec(script: string): Promise<void> {
      await client.query(script);
    },
  };
}

/** A driver over a node-postgres pool; every transaction checks out one client. */
export function createPgDriver(
  pool: Pool,
  pgTypes: { getTypeParser: (oid: number, format?: "text" | "binary") => unknown },
  ownsPool: boolean,
): SqlDriver {
  const types = typesFor(pgTypes);
  return {
    kind: "pg",
    async transaction<T>(work: (sql: SqlExecutor, opened: readonly Record<string, unknown>[]) => Promise<T>, opening?: string): Promise<T> {
      const client = await pool.connect();
      const guarded = guardExecutor(clientExecutor(client, types));
      let broken: Error | undefined;
      // While checked out, the pool does not listen for the client's errors: the server going
      // away between two statements (a shutdown, a crash, a terminated backend) would otherwise
      // be an unhandled 'error' event that ends the process. The client is destroyed on release.
      const onError = (error: Error) => {
        broken = error;
      };
      client.on("error", onError);
      try {
        let opened: readonly Record<string, unknown>[] = [];
        if (opening === undefined) await client.query("BEGIN");
        else {
          // One round trip: BEGIN and the opening as one simple-protocol message. A failure in the
          // opening aborts the transaction, which the ROLLBACK below ends.
          let answers: unknown;
          try {
            answers = await client.query({ text: `BEGIN;${opening}`, types });
          } catch (error) {
            await client.query("ROLLBACK").catch((rollbackError: Error) => (broken = rollbackError));
            throw error;
          }
          const results = (Array.isArray(answers) ? answers : [answers]) as { rows: Record<string, unknown>[]; fields?: unknown[] }[];
          opened = results.find((r, i) => i > 0 && (r.fields?.length ?? 0) > 0)?.rows ?? [];
        }
        let result: T;
        try {
          result = await work(guarded.sql, opened);
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
    },
    async query<T>(text: string, params?: readonly unknown[]): Promise<SqlResult<T>> {
      const result = await pool.query({ text, values: params ? [...params] : [], types });
      return { rows: result.rows as T[], rowCount: result.rowCount ?? 0 };
    },
    async close(): Promise<void> {
      if (ownsPool) await pool.end();
    },
  };
}
