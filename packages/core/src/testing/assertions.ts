// Framework-free assertions, so that the contract suite runs under any test runner.

/** Throws when `condition` is false. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`Contract violated: ${message}`);
}

function describeValue(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** Deep equality of JSON-like values (plain objects, arrays, primitives; `undefined` keys ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  const left = Object.entries(a).filter(([, v]) => v !== undefined);
  const right = new Map(Object.entries(b).filter(([, v]) => v !== undefined));
  return left.length === right.size && left.every(([k, v]) => right.has(k) && deepEqual(v, right.get(k)));
}

/** Throws unless `actual` deep-equals `expected`. */
export function checkEqual(actual: unknown, expected: unknown, message: string): void {
  if (!deepEqual(actual, expected)) {
    throw new Error(`Contract violated: ${message}\n  expected: ${describeValue(expected)}\n  actual:   ${describeValue(actual)}`);
  }
}

/** Numbers equal up to a relative 1e-9 (sums in another order differ in the last bits); `null` only equals `null`. */
export function closeTo(actual: number | null, expected: number | null): boolean {
  if (actual === null || expected === null) return actual === expected;
  return Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected));
}

/** Compares two flat records field by field, numbers with `closeTo`. */
export function checkCloseRecord(actual: object, expected: object, message: string): void {
  const a = actual as Record<string, unknown>;
  for (const [key, value] of Object.entries(expected)) {
    const got = a[key];
    const same = typeof value === "number" || typeof got === "number"
      ? closeTo(got as number | null, value as number | null)
      : deepEqual(got, value);
    if (!same) {
      throw new Error(
        `Contract violated: ${message}: field ${key}\n  expected: ${describeValue(value)}\n  actual:   ${describeValue(got)}`,
      );
    }
  }
}

/** Resolves to the error `promise` rejects with, checking its class; throws when it resolves. */
export async function checkRejects<E extends Error>(
  promise: Promise<unknown>,
  errorClass: abstract new (...args: never[]) => E,
  message: string,
): Promise<E> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof errorClass) return error;
    throw new Error(`Contract violated: ${message}: expected ${errorClass.name}, got ${describeValue(String(error))}`, {
      cause: error,
    });
  }
  throw new Error(`Contract violated: ${message}: expected ${errorClass.name}, but it resolved`);
}
