/** A key's hits in its current window and when that window ends. */
export interface CounterWindow {
  readonly hits: number;
  readonly resetAt: Date;
}

/** Hits to add to one key's window (`CounterStore.incrementMany`). */
export interface CounterIncrement {
  readonly key: string;
  /** The length of a window the hits start (the key has none, or it ended). */
  readonly windowMs: number;
  /** How many hits to add: a whole number ≥ 1. */
  readonly hits: number;
}

/**
 * Fixed-window hit counters (rate limits): one window per key that starts at the key's first hit
 * and lasts `windowMs`. Platform-level, not tenant data. On a store shared by several processes
 * (`capabilities.sharedAcrossProcesses`) every process MUST see the same counts.
 */
export interface CounterStore {
  /**
   * Counts one hit, atomically: of N concurrent calls on one key, the answers are N distinct hit
   * counts. A key without a window, or whose window ended, starts a new one of `windowMs` with 1 hit.
   */
  increment(key: string, windowMs: number): Promise<CounterWindow>;
  /**
   * Adds several keys' hits in one round trip (a rate limiter flushing what it counted in memory):
   * each key as `increment` would, `hits` at once, atomically per key. Answers each key's window
   * after the addition, in the order given. The keys must be distinct (`RangeError` otherwise).
   */
  incrementMany(increments: readonly CounterIncrement[]): Promise<CounterWindow[]>;
  /** Takes one hit back (never below 0) in the key's current window, if it has one. */
  decrement(key: string): Promise<void>;
  /** The key's current window, or `undefined` when it has none (or it ended). */
  get(key: string): Promise<CounterWindow | undefined>;
  /** Forgets the key. */
  reset(key: string): Promise<void>;
  /** Forgets every key that starts with `prefix`. */
  resetPrefix(prefix: string): Promise<void>;
  /** Forgets the windows that ended (never a live one); returns how many. */
  prune(): Promise<number>;
}
