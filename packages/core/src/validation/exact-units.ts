/*
 * Exact sums for the caps. Hours and allocation percentages are decimal numbers, and binary floating
 * point cannot add them exactly (0.1 + 16.1 + 7.8 is 24.000000000000004). So both have a stated
 * resolution, hundredths (0.01 h = 36 seconds; 0.01 %), enforced on input by the schemas, and every
 * cap is checked on whole hundredths: each value is rounded to the nearest hundredth (half away from
 * zero) before it is added. A stored value is then counted exactly as it was entered, and a sum a
 * database computed in double precision (or a value stored before the resolution was enforced)
 * lands on the nearest hundredth, never a hair above the cap.
 */

/** Units per hour and per percent in which caps are checked: hundredths. */
export const HUNDREDTHS = 100;

/** `value` in whole hundredths, rounded half away from zero (16.1 → 1610, 0.125 → 13). */
export function toHundredths(value: number): number {
  const scaled = Math.abs(value) * HUNDREDTHS;
  // Scaling itself may land a hair off (1.005 * 100 is 100.49999999999999): snap first, then round.
  const rounded = Math.round(Number(scaled.toPrecision(15)));
  return value < 0 ? -rounded : rounded;
}

/** A number of hundredths back as a decimal number (1610 → 16.1). */
export function fromHundredths(hundredths: number): number {
  return hundredths / HUNDREDTHS;
}

/** True when `value` has at most two decimals: a whole number of hundredths (16.1 yes, 0.125 no). */
export function isWholeHundredths(value: number): boolean {
  if (!Number.isFinite(value)) return false;
  const scaled = value * HUNDREDTHS;
  return Math.abs(scaled - Math.round(scaled)) <= 1e-9 * Math.max(1, Math.abs(scaled));
}
