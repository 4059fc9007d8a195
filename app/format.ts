import { formatInZone } from "~/calendar/time";

// Dates as people read them, always in an explicit zone (the circle's), formatted on the server so
// that the browser's own zone never changes what a page says.

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = JSON.stringify(options);
  let cached = formatters.get(key);
  if (!cached) {
    cached = new Intl.DateTimeFormat("en-GB", options);
    formatters.set(key, cached);
  }
  return cached;
}

/** "3 March", or "3 March 2025" when not in the year of `now` (both read in `timeZone`). */
export function formatDay(instant: Date | string, timeZone: string, now: Date = new Date()): string {
  const date = typeof instant === "string" ? new Date(instant) : instant;
  const year = (d: Date) => formatter({ timeZone, year: "numeric" }).format(d);
  const sameYear = year(date) === year(now);
  return formatter({ timeZone, day: "numeric", month: "long", ...(sameYear ? {} : { year: "numeric" }) }).format(date);
}

/** "Tue 3 Mar, 18:30 (London time)". */
export function formatMoment(instant: Date | string, timeZone: string): string {
  return formatInZone(typeof instant === "string" ? new Date(instant) : instant, timeZone);
}
