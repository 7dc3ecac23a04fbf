import type { PGlite, Transaction } from "@electric-sql/pglite";
import { guardExecutor, TransactionRolledBackError, type SqlDriver, type SqlExecutor, type SqlResult } from "./sql-executor.js";

const INT8 = 20;
const DATE = 1082;

// Same conventions as the pg driver: bigints as numbers, dates as `YYYY-MM-DD` strings.
const parsers = {
  [INT8]: (value: string) => Number(value),
  [DATE]: (value: string) => value,
};

type Queryable = Pick<Transaction, "query" | "exec">;

function executor(target: Queryable): SqlExecutor {
  return {
    async query<T>(text: string, params?: readonly unknown[]): Promise<SqlResult<T>> {
      const result = await target.query<T>(text, params ? [...params] : [], { parsers });
      return { rows: result.rows, rowCount: Math.max(result.rows.length, result.affectedRows ?? 0) };
    },
    async exec(script: string): Promise<void> {
      await target.exec(script);
    },
  };
}

/**
 * A driver over one PGlite instance. PGlite is a single connection: its `transaction` holds a
 * mutex, so transactions run one after another and a plain query waits for the open transaction.
 */
export function createPGliteDriver(db: PGlite, ownsDb: boolean): SqlDriver {
  return {
    kind: "pglite",
    async transaction<T>(work: (sql: SqlExecutor, opened: readonly Record<string, unknown>[]) => Promise<T>, opening?: string): Promise<T> {
      let workResolved = false;
      try {
        return await db.transaction(async (tx) => {
          const guarded = guardExecutor(executor(tx));
          try {
            // In process: no round trip to save; the opening's first result with columns.
            const opened = opening === undefined ? [] : ((await tx.exec(opening, { parsers })).find((r) => r.fields.length > 0)?.rows ?? []);
            const result = await work(guarded.sql, opened as Record<string, unknown>[]);
            workResolved = true;
            return result;
          } finally {
            guarded.end();
          }
        });
      } catch (error) {
        // PGlite refuses to resolve when COMMIT answers ROLLBACK (a statement failed and `work`
        // caught its error); report it as the pg driver does.
        if (workResolved && (error as { code?: unknown }).code === "25P02") {
          throw new TransactionRolledBackError({ cause: error });
        }
        throw error;
      }
    },
    query: (text, params) => executor(db).query(text, params),
    async close(): Promise<void> {
      if (ownsDb && !db.closed) await db.close();
    },
  };
}
