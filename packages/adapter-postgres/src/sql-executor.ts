import { EpcaError, ScopeExpiredError } from "@epca/core";

/** Rows and count of one statement. */
export interface SqlResult<T> {
  rows: T[];
  rowCount: number;
}

/**
 * One connection inside one transaction, whichever driver holds it: every repository's SQL is
 * written once against this.
 */
export interface SqlExecutor {
  /**
   * Runs one parameterized statement. `options.name`: the statement is a hot one of fixed text
   * (a repository's read by id): node-postgres prepares it once per connection under that name
   * (`{ name, text, values }`), so PostgreSQL plans it once per connection, not on every call.
   * One name, one text; PGlite ignores it.
   */
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[], options?: QueryOptions): Promise<SqlResult<T>>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

/** How `SqlExecutor.query` may run a statement. */
export interface QueryOptions {
  /** The prepared statement's name (see `SqlExecutor.query`). */
  readonly name?: string;
}

/** What a store needs from a driver: transactions on one connection, and autocommit statements. */
export interface SqlDriver {
  /** `"pg"` for node-postgres, `"pglite"` for the embedded engine. */
  readonly kind: "pg" | "pglite";
  /**
   * Runs `work` between BEGIN and COMMIT on one connection (ROLLBACK when it rejects, rethrowing
   * the error unchanged). When `work` resolves but a statement inside it failed (its error was
   * caught), PostgreSQL turns COMMIT into ROLLBACK: this then rejects with
   * `TransactionRolledBackError` rather than resolving with nothing saved. The executor refuses
   * every call once `work` has settled. `readOnly`: `BEGIN READ ONLY` (writes fail), on the read
   * replica when the driver has one that answers, else on the primary.
   *
   * `opening`, a script without parameters, runs right after BEGIN, in the same round trip on
   * node-postgres (one simple-protocol message: `BEGIN; <opening>`); `work` gets the rows of its
   * first statement that returns rows (empty without an opening), and the rows of every statement
   * of it that returns rows, in order (`openedAll`).
   */
  transaction<T>(
    work: (sql: SqlExecutor, opened: readonly Record<string, unknown>[], openedAll: readonly (readonly Record<string, unknown>[])[]) => Promise<T>,
    options?: { readOnly?: boolean; opening?: string | TransactionOpening },
  ): Promise<T>;
  /** Runs one statement in its own (implicit) transaction. */
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<SqlResult<T>>;
  /** `SELECT 1` on the read replica, when the driver has one. */
  readonly pingReplica?: () => Promise<void>;
  /** Releases the connections the driver opened itself. */
  close(): Promise<void>;
}

/**
 * A structured opening (`SqlDriver.transaction`): `enter`, then `reads`, then, with `commit`,
 * COMMIT, all in the same round trip on node-postgres. Their rows come in `openedAll` in that
 * order (one entry per statement that returns rows).
 */
export interface TransactionOpening {
  /** Enters the tenant; run again, alone, when the work reopens a transaction (see `commit`). */
  readonly enter: readonly OpeningStatement[];
  /** Reads after `enter` (the caller, a record). */
  readonly reads?: readonly OpeningStatement[];
  /**
   * End the transaction with the opening. The first statement the work sends then opens a new
   * one (BEGIN and `enter`, one round trip), which ends as any transaction does; a work that sends
   * nothing costs no further round trip. PGlite (in process, nothing to save) ignores it.
   */
  readonly commit?: boolean;
}

/**
 * A statement of an opening: SQL without parameters, or a statement node-postgres prepares once per
 * connection (SQL `PREPARE`, so that PostgreSQL plans it once per connection) and then executes
 * with `values` as literals (`EXECUTE name(…)`); PGlite runs its text with `values`.
 */
export type OpeningStatement = string | PreparedOpeningStatement;

/** See `OpeningStatement`. */
export interface PreparedOpeningStatement {
  /** One name, one text. */
  readonly name: string;
  /** One statement with parameters `$1`…`$n`, of `types`. */
  readonly text: string;
  /** The parameters' SQL types, e.g. `["bigint", "text"]`. */
  readonly types: readonly string[];
  /** Safe integers, strings without NUL, or null. */
  readonly values: readonly (number | string | null)[];
}

/** A string as an SQL literal (as node-postgres's `escapeLiteral`); `null` for a NUL, which text cannot hold. */
export function sqlLiteral(value: string): string | null {
  if (value.includes("\0")) return null;
  const quoted = `'${value.replace(/'/g, "''")}'`;
  return value.includes("\\") ? ` E${quoted.replace(/\\/g, "\\\\")}` : quoted;
}

/** Wraps an executor so that it refuses calls after its transaction ended. */
export function guardExecutor(inner: SqlExecutor): { sql: SqlExecutor; end(): void } {
  let ended = false;
  const check = () => {
    if (ended) throw new ScopeExpiredError();
  };
  return {
    sql: {
      query: (text, params, options) => {
        check();
        return inner.query(text, params, options);
      },
      exec: (script) => {
        check();
        return inner.exec(script);
      },
    },
    end: () => {
      ended = true;
    },
  };
}

/**
 * The transaction could not commit because a statement inside it failed and `work` caught the
 * error instead of letting it reject: PostgreSQL rolled everything back, none of the writes of
 * the unit of work were saved.
 */
export class TransactionRolledBackError extends EpcaError {
  constructor(options?: { cause?: unknown }) {
    super(
      "transaction_rolled_back",
      "The transaction was rolled back instead of committed: a statement inside it failed and its error was caught, so none of its writes were saved",
      options,
    );
  }
}
