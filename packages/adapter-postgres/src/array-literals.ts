/**
 * PostgreSQL array literals (`{1,2,3}`, `{"a","b",NULL}`) built in one string per column, for a
 * bulk statement's `$n::bigint[]` parameters. node-postgres serialises a JS array element
 * by element into a string concatenated one element at a time (its `arrayString`): for a staged
 * batch of 5,000 timesheets that was the largest source of garbage of an import (~1.8 KB per
 * row). Both drivers send a string parameter as text, which PostgreSQL reads as the parameter's array type (a constant of the plan, so `= ANY($1::bigint[])` stays a hashed lookup).
 */

/** `{1,2,3}` from finite numbers (ids, hours: JS's shortest round-trip text, which float8 reads back exactly). */
export function numberArrayLiteral(values: readonly number[] | Float64Array): string {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) throw new TypeError(`not a finite number: ${values[i]}`);
  // join writes one flat string (no string per `+=`, as an element-by-element concatenation makes).
  return `{${values.join(",")}}`;
}

/** Whether an element needs no quotes: ISO dates and other plain words of letters, digits and `-:.+`. */
const PLAIN = /^[0-9A-Za-z][0-9A-Za-z:.+-]*$/;
const NEEDS_ESCAPE = /["\\]/;

/** One element of a text array literal: `NULL`, as is when plain (but never the word NULL), else quoted with `"` and `\` escaped. */
function textElement(value: string | null): string {
  if (value === null) return "NULL";
  if (PLAIN.test(value) && value.toUpperCase() !== "NULL") return value;
  return NEEDS_ESCAPE.test(value) ? `"${value.replace(/["\\]/g, "\\$&")}"` : `"${value}"`;
}

/** `{"a b",NULL,2024-01-31}` from strings and nulls (text, dates, timestamps). */
export function textArrayLiteral(values: ReadonlyArray<string | null>): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) parts[i] = textElement(values[i] ?? null);
  return `{${parts.join(",")}}`;
}

/** `{t,f,NULL}` from booleans. */
export function booleanArrayLiteral(values: ReadonlyArray<boolean | null>): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    parts[i] = v === null || v === undefined ? "NULL" : v ? "t" : "f";
  }
  return `{${parts.join(",")}}`;
}
