/** A key's hits in its current window and when that window ends. */
export interface CounterWindow {
  readonly hits: number;
  readonly resetAt: Date;
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
