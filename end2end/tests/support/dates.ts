/**
 * Dates as the server sees them: it decides "overdue" and "due today" by its UTC date, so the tests
 * compute due dates in UTC too.
 */

/** `YYYY-MM-DD` of the UTC day `offsetDays` from today. */
export function utcDate(offsetDays = 0): string {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() + offsetDays);
  return date.toISOString().slice(0, 10);
}
