/**
 * @epca/adapter-postgres/pg-boss — core's `JobQueue` on a PostgreSQL server with pg-boss 10 for
 * delivery (an optional peer dependency: only hosts that import this entry need it).
 *
 * @packageDocumentation
 */
export { createPgBossJobQueue, pgBossQueueName, type PgBossJobQueueOptions } from "./pg-boss-queue.js";
