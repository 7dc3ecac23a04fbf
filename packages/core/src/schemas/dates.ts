/** `YYYY-MM-DD` of an instant, in UTC. */
export function isoDay(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

/**
 * The date-order rule every range follows (projects, allocations, list and analytics periods):
 * a range is in order when either end is open or `start ≤ end` (ISO dates compare as strings).
 */
export function datesInOrder(start: string | null | undefined, end: string | null | undefined): boolean {
  return !start || !end || start <= end;
}

/** The schema refinement of the rule, for zod objects with `start_date` and `end_date`. */
export const dateOrderRefinement: {
  readonly check: (value: { start_date?: string | null | undefined; end_date?: string | null | undefined }) => boolean;
  readonly message: { message: string; path: string[] };
} = {
  check: (value) => datesInOrder(value.start_date, value.end_date),
  message: { message: "end_date must not be before start_date", path: ["end_date"] },
};
