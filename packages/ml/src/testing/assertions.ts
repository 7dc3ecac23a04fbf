// Framework-free assertions, so that the contract suite runs under any test runner.

/** Throws when `condition` is false. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`Contract violated: ${message}`);
}

/** Deep equality of JSON-like values. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  const left = Object.entries(a).filter(([, v]) => v !== undefined);
  const right = new Map(Object.entries(b).filter(([, v]) => v !== undefined));
  return left.length === right.size && left.every(([k, v]) => right.has(k) && deepEqual(v, right.get(k)));
}

/** Throws unless `actual` deep-equals `expected`. */
export function checkEqual(actual: unknown, expected: unknown, message: string): void {
  if (!deepEqual(actual, expected)) {
    throw new Error(`Contract violated: ${message}\n  expected: ${JSON.stringify(expected)}\n  actual:   ${JSON.stringify(actual)}`);
  }
}

/** Throws unless `work` rejects with an error whose `code` is `code`. */
export async function checkRejects(work: () => Promise<unknown>, code: string, message: string): Promise<void> {
  let error: unknown = null;
  try {
    await work();
  } catch (caught) {
    error = caught;
  }
  check(error !== null, `${message}: expected a rejection with code ${code}, got none`);
  const actual = (error as { code?: unknown }).code;
  check(actual === code, `${message}: expected code ${code}, got ${String(actual)} (${String(error)})`);
}
