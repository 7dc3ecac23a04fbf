export { createMemoryStore, type MemoryScope, type MemoryScopePart, type MemoryStore, type MemoryStoreOptions } from "./store.js";
export { TenantTable, UndoLog, copy, pageOf, type Row, type TransactionContext } from "./table.js";
export { entityRepository, insertEntity, type EntitySpec, type Reference } from "./entity-repository.js";
export { createMemoryJobStorage, createMemoryScheduleStorage } from "./jobs.js";
