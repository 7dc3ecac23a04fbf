import type pg from "pg";

/**
 * Records the text of every statement the pool's clients send from now on (one entry per
 * `client.query` call: a multi-statement message is one entry), so that a test can count round
 * trips and read what went on the wire.
 */
export function recordStatements(pool: pg.Pool): string[] {
  const statements: string[] = [];
  pool.on("connect", (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const first = args[0];
      statements.push(typeof first === "string" ? first : String((first as { text?: unknown }).text ?? ""));
      return query(...args);
    };
  });
  return statements;
}
