/**
 * Readers of the values trackers write: decimal commas, `h:mm[:ss]` durations, US dates and
 * AM/PM times. Each answers `null` when the text is not what it should be; nothing is guessed.
 */

/**
 * A decimal number: `1.5`, `1,5`, `1,234.5`, `1.234,5`, `2.001,0`. When both separators occur the
 * last one is the decimal mark; a lone comma is a decimal comma (an entry of 1,500 hours is not one).
 */
export function parseDecimal(text: string): number | null {
  let s = text.trim().replace(/\s/g, "");
  if (s === "") return null;
  const comma = s.lastIndexOf(",");
  const dot = s.lastIndexOf(".");
  if (comma >= 0 && dot >= 0) {
    s = comma > dot ? s.replace(/\./g, "").replace(",", ".") : s.replace(/,/g, "");
  } else if (comma >= 0) {
    if ((s.match(/,/g) ?? []).length > 1) return null;
    s = s.replace(",", ".");
  }
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

/** A duration in hours: `01:00:01`, `1:30` (h:mm), or decimal hours (`0.50`, `1,5`). */
export function parseDurationHours(text: string): number | null {
  const s = text.trim();
  if (s === "") return null;
  const clock = /^(-)?(\d+):([0-5]\d)(?::([0-5]\d))?$/.exec(s);
  if (clock) {
    const hours = Number(clock[2]) + Number(clock[3]) / 60 + Number(clock[4] ?? 0) / 3600;
    return clock[1] ? -hours : hours;
  }
  return parseDecimal(s);
}

const pad = (n: number) => String(n).padStart(2, "0");

function validDate(y: number, m: number, d: number): string | null {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${y}-${pad(m)}-${pad(d)}`;
}

/**
 * A calendar date as `YYYY-MM-DD` from `YYYY-MM-DD` (a time after it is ignored), US `MM/DD/YYYY`
 * or European `DD.MM.YYYY`. Slashes are always read month first.
 */
export function parseDate(text: string): string | null {
  const s = text.trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/.exec(s);
  if (m) return validDate(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s.*)?$/.exec(s);
  if (m) return validDate(Number(m[3]), Number(m[1]), Number(m[2]));
  m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s.*)?$/.exec(s);
  if (m) return validDate(Number(m[3]), Number(m[2]), Number(m[1]));
  return null;
}

/** Seconds since midnight from `13:05`, `13:05:09`, `1:05 PM`, `11:23:01 AM` (a date before it is ignored). */
export function parseTimeOfDay(text: string): number | null {
  const m = /(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?\s*$/.exec(text.trim());
  if (!m) return null;
  let h = Number(m[1]);
  const min = Number(m[2]);
  const sec = Number(m[3] ?? 0);
  const meridiem = m[4]?.toUpperCase();
  if (meridiem) {
    if (h < 1 || h > 12) return null;
    h = (h % 12) + (meridiem === "PM" ? 12 : 0);
  }
  if (h > 23 || min > 59 || sec > 59) return null;
  return h * 3600 + min * 60 + sec;
}

/** Hours between two date + time pairs (the end may be on a later day). */
export function hoursBetween(startDate: string, startTime: string, endDate: string, endTime: string): number | null {
  const d0 = parseDate(startDate);
  const d1 = parseDate(endDate || startDate);
  const t0 = parseTimeOfDay(startTime);
  const t1 = parseTimeOfDay(endTime);
  if (!d0 || !d1 || t0 === null || t1 === null) return null;
  const ms = Date.parse(`${d1}T00:00:00Z`) - Date.parse(`${d0}T00:00:00Z`) + (t1 - t0) * 1000;
  return ms / 3_600_000;
}

/** Hours between two ISO 8601 timestamps. */
export function hoursBetweenInstants(start: string, end: string): number | null {
  const a = Date.parse(start.trim());
  const b = Date.parse(end.trim());
  return Number.isFinite(a) && Number.isFinite(b) ? (b - a) / 3_600_000 : null;
}
