const FORMULA_START = /^[=+\-@\t\r\n]/;

/**
 * Neutralises spreadsheet formula injection (OWASP "CSV injection"): a text cell that starts with
 * `=`, `+`, `-`, `@`, tab, CR or LF gets a leading `'`. Every renderer passes text through this;
 * numbers are never text, so they stay numbers.
 */
export function neutralizeCell(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}
