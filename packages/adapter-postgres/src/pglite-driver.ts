import { AsyncLocalStorage } from "node:async_hooks";
import type { PGlite, Transaction } from "@electric-sql/pglite";
import { guardExecutor, TransactionRolledBackError, type SqlDriver, type SqlExecutor, type SqlResult, type TransactionOpening } from "./sql-executor.js";

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
 * A platform statement (the job queue's tables) run on an open tenant transaction: as the
 * connecting user, not the application role the transaction dropped to, which is restored after.
 */
async function platformQuery<T>(tx: Queryable, text: string, params?: readonly unknown[]): Promise<SqlResult<T>> {
  const role = (await tx.query<{ role: string }>("SELECT current_setting('role') AS role")).rows[0]?.role ?? "none";
  if (role === "none") return executor(tx).query<T>(text, params);
  await tx.query("SELECT set_config('role', 'none', true)");
  try {
    return await executor(tx).query<T>(text, params);
  } finally {
    // After a failed statement the transaction is aborted and this fails too: the first error is the one that counts.
    await tx.query("SELECT set_config('role', $1, true)", [role]).catch(() => undefined);
  }
}

/**
 * A driver over one PGlite instance. PGlite is a single connection: its `transaction` holds a
 * mutex, so transactions run one after another and a plain query waits for the open transaction.
 * A plain query made from inside a transaction's work (a request's unit of work reading the job
 * queue, whose storage uses plain queries) would wait for that very transaction forever: it runs
 * on the open transaction instead, the one connection there is.
 */
export function createPGliteDriver(db: PGlite, ownsDb: boolean): SqlDriver {
  const open = new AsyncLocalStorage<Queryable>();
  return {
    kind: "pglite",
    async transaction<T>(
      work: (sql: SqlExecutor, opened: readonly Record<string, unknown>[], openedAll: readonly (readonly Record<string, unknown>[])[]) => Promise<T>,
      options?: { readOnly?: boolean; opening?: string | TransactionOpening },
    ): Promise<T> {
      let workResolved = false;
      try {
        return await db.transaction((tx) => open.run(tx, async () => {
          const guarded = guardExecutor(executor(tx));
          try {
            if (options?.readOnly) await tx.query("SET TRANSACTION READ ONLY");
            // In process: no round trip to save (a structured opening's `commit` is ignored);
            // the opening's results with columns.
            const given = options?.opening;
            const opening = typeof given === "string" ? { enter: [given] } : given;
            const openedAll: Record<string, unknown>[][] = [];
            for (const statement of opening ? [...opening.enter, ...(opening.reads ?? [])] : []) {
              const results = typeof statement === "string" ? await tx.exec(statement, { parsers }) : [await tx.query(statement.text, [...statement.values], { parsers })];
              for (const r of results) if (r.fields.length > 0) openedAll.push(r.rows as Record<string, unknown>[]);
            }
            const result = await work(guarded.sql, openedAll[0] ?? [], openedAll);
            workResolved = true;
            return result;
          } finally {
            guarded.end();
          }
        }));
      } catch (error) {
        // PGlite refuses to resolve when COMMIT answers ROLLBACK (a statement failed and `work`
        // caught its error); report it as the pg driver does.
        if (workResolved && (error as { code?: unknown }).code === "25P02") {
          throw new TransactionRolledBackError({ cause: error });
        }
        throw error;
      }
    },
    query: (text, params) => {
      const tx = open.getStore();
      return tx ? platformQuery(tx, text, params) : executor(db).query(text, params);
    },
    async close(): Promise<void> {
      if (ownsDb && !db.closed) await db.close();
    },
  };
}
