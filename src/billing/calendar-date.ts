/** The calendar date (YYYY-MM-DD) of an instant in a time zone: an invoice's legal dates are days. */
export function calendarDate(instant: Date, timeZone = 'UTC'): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    instant,
  );
}
