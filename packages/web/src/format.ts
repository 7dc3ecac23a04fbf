/**
 * Numbers, money, percentages and dates with `Intl`, in the user's locale (the browser's, or the
 * `lang` of the page). The organisation's currency defaults to USD (spec 000's dashboard shows `$`);
 * `setCurrency` changes it (the widgets' `currency` attribute, the app's settings).
 */
let locale: string | undefined = typeof navigator !== "undefined" ? navigator.language : undefined;
let currency = "USD";
const cache = new Map<string, Intl.NumberFormat>();

function nf(key: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const k = `${locale}|${currency}|${key}`;
  let f = cache.get(k);
  if (!f) cache.set(k, (f = new Intl.NumberFormat(locale, options)));
  return f;
}

/** Sets the locale (BCP 47) and the ISO 4217 currency used from now on. */
export function setLocale(next: string | undefined, nextCurrency?: string): void {
  if (next) locale = next;
  if (nextCurrency && /^[A-Z]{3}$/.test(nextCurrency)) currency = nextCurrency;
}

/** The currency figures are shown in. */
export function currentCurrency(): string {
  return currency;
}

const DASH = "—";

/** Money in the organisation's currency; `compact` for chart axes (`$1.2M`). */
export function money(value: number | null | undefined, compact = false): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  return compact
    ? nf("money-c", { style: "currency", currency, notation: "compact", maximumFractionDigits: 1 }).format(value)
    : nf("money", { style: "currency", currency, maximumFractionDigits: 0 }).format(value);
}

/** A plain number (`digits` fraction digits at most). */
export function num(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  return nf(`n${digits}`, { maximumFractionDigits: digits }).format(value);
}

/** A ratio as a percentage: `0.253` → `25.3%`. */
export function pct(ratio: number | null | undefined, digits = 1): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return DASH;
  return nf(`p${digits}`, { style: "percent", maximumFractionDigits: digits }).format(ratio);
}

/** Hours: `37.5 h`. */
export function hours(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  return `${num(value, 1)} h`;
}

/** An ISO date (`2026-03-01`) or timestamp as the locale writes it. */
export function date(iso: string | null | undefined, withTime = false): string {
  if (!iso) return DASH;
  const d = iso.length === 10 ? new Date(`${iso}T00:00:00Z`) : new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, withTime ? { dateStyle: "medium", timeStyle: "short" } : { dateStyle: "medium", timeZone: "UTC" }).format(d);
}

/** `2026-03` → `Mar 2026` (or `Mar` when `short`). */
export function month(ym: string, short = false): string {
  const d = new Date(`${ym}-01T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return ym;
  return new Intl.DateTimeFormat(locale, short ? { month: "short", timeZone: "UTC" } : { month: "short", year: "numeric", timeZone: "UTC" }).format(d);
}

/** A weekday heading: `Mon 3`. */
export function weekday(iso: string): string {
  return new Intl.DateTimeFormat(locale, { weekday: "short", day: "numeric", timeZone: "UTC" }).format(new Date(`${iso}T00:00:00Z`));
}

/** A range of ISO dates as the locale writes it: `Nov 23 – 29, 2026`. */
export function dateRange(fromIso: string, toIso: string): string {
  const f = new Intl.DateTimeFormat(locale, { month: "short", day: "numeric", year: "numeric", timeZone: "UTC" });
  return f.formatRange(new Date(`${fromIso}T00:00:00Z`), new Date(`${toIso}T00:00:00Z`));
}
