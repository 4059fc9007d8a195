import { DateTime, IANAZone } from "luxon";
import { z } from "zod";

/** A calendar date in some zone, "2026-03-03". */
export type LocalDate = string;
/** A wall-clock date and time in some zone, "2026-03-03T18:30". */
export type LocalDateTime = string;

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export function isValidTimeZone(timeZone: string): boolean {
  return timeZone.length > 0 && IANAZone.isValidZone(timeZone);
}

export const timeZoneSchema = z
  .string()
  .trim()
  .refine(isValidTimeZone, "Choose a time zone from the list");

function parseDate(value: string): { year: number; month: number; day: number } | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const probe = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 30 February over to March: a real date survives the round trip.
  return probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day
    ? { year, month, day }
    : null;
}

function parseTime(value: string): { hour: number; minute: number } | null {
  const match = /^(\d{2}):(\d{2})$/.exec(value);
  if (!match) return null;
  const [hour, minute] = [Number(match[1]), Number(match[2])];
  return hour < 24 && minute < 60 ? { hour, minute } : null;
}

export const localDateSchema = z
  .string()
  .refine((value) => parseDate(value) !== null, "Enter a real date (YYYY-MM-DD)");

export const localDateTimeSchema = z.string().refine((value) => {
  const [date = "", time = ""] = value.split("T");
  return parseDate(date) !== null && parseTime(time) !== null;
}, "Enter a real date and time (YYYY-MM-DDTHH:mm)");

/** Every instant at which a zone's clocks show a local date-time: none in a spring-forward gap, two in a fall-back hour. */
export function wallClockInstants(date: LocalDate, time: string, timeZone: string): Date[] {
  const d = parseDate(date);
  const t = parseTime(time);
  if (!d || !t) throw new RangeError(`Invalid local date-time: ${date}T${time}`);
  const zone = IANAZone.create(timeZone);
  if (!zone.isValid) throw new RangeError(`Invalid time zone: ${timeZone}`);

  const wall = Date.UTC(d.year, d.month - 1, d.day, t.hour, t.minute);
  // Offsets never exceed 14 hours, so a day either side sees the offsets before and after any change.
  const offsets = [...new Set([zone.offset(wall - DAY), zone.offset(wall + DAY)])];
  return offsets
    .map((offset) => wall - offset * MINUTE)
    .filter((instant) => zone.offset(instant) === (wall - instant) / MINUTE)
    .sort((a, b) => a - b)
    .map((instant) => new Date(instant));
}

/**
 * The instant of a wall-clock time in a zone, by RFC 5545's rules (section 3.3.5), the ones a
 * calendar client applies to `DTSTART;TZID=...`:
 * - a time in the spring-forward gap is read with the offset before the gap, i.e. moved forward
 *   by the gap (02:30 on the US change day becomes 03:30 EDT), as Google Calendar does;
 * - a time in the repeated fall-back hour is the first of the two (01:30 EDT, not 01:30 EST).
 * Luxon alone picks the first or the second depending on the zone, hence the explicit rule.
 */
export function zonedInstant(date: LocalDate, time: string, timeZone: string): Date {
  const [first] = wallClockInstants(date, time, timeZone);
  if (first) return first;
  const [hour = 0, minute = 0] = time.split(":").map(Number);
  const wall = Date.parse(`${date}T00:00:00Z`) + (hour * 60 + minute) * MINUTE;
  return new Date(wall - IANAZone.create(timeZone).offset(wall - DAY) * MINUTE);
}

/** The wall-clock reading of an instant in a zone, "2026-03-03T18:30:00". */
export function toLocalIso(instant: Date, timeZone: string): string {
  const offset = IANAZone.create(timeZone).offset(instant.getTime());
  return new Date(instant.getTime() + offset * MINUTE).toISOString().slice(0, 19);
}

export function toLocalDate(instant: Date, timeZone: string): LocalDate {
  return toLocalIso(instant, timeZone).slice(0, 10);
}

export function toLocalDateTime(instant: Date, timeZone: string): LocalDateTime {
  return toLocalIso(instant, timeZone).slice(0, 16);
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

// Creating an Intl.DateTimeFormat costs ~150µs and formatting with one ~5µs: keep them.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale} ${JSON.stringify(options)}`;
  let cached = formatters.get(key);
  if (!cached) {
    cached = new Intl.DateTimeFormat(locale, options);
    formatters.set(key, cached);
  }
  return cached;
}

/** "London time", "New York time"; for zones that are not a place, the zone's own name ("UTC"). */
export function zoneLabel(timeZone: string): string {
  if (!timeZone.includes("/") || timeZone.startsWith("Etc/")) return zoneAbbreviation(new Date(0), timeZone);
  const city = timeZone.slice(timeZone.lastIndexOf("/") + 1).replaceAll("_", " ");
  return `${city} time`;
}

// Intl only gives a zone's familiar abbreviation in the English of the country that uses it
// (en-US knows EDT but calls BST "GMT+1"; en-GB knows BST and CEST; en-AU knows AEDT).
const ABBREVIATION_LOCALES = ["en-US", "en-GB", "en-AU", "en-IN", "en-NZ"];

/** "BST", "EDT", "AEDT"; "GMT+9" where English has no abbreviation. */
export function zoneAbbreviation(instant: Date, timeZone: string): string {
  const names = ABBREVIATION_LOCALES.map(
    (locale) =>
      formatter(locale, { timeZone, timeZoneName: "short" })
        .formatToParts(instant)
        .find((part) => part.type === "timeZoneName")?.value ?? "",
  );
  return names.find((name) => name && !/^(GMT|UTC)[+-]/.test(name)) ?? names[0] ?? timeZone;
}

export type FormatOptions = { allDay?: boolean; hour12?: boolean };

function formatDay(instant: Date, timeZone: string): string {
  return formatter("en-GB", { timeZone, weekday: "short", day: "numeric", month: "short" }).format(instant);
}

function formatClock(instant: Date, timeZone: string, hour12 = false): string {
  const clock = hour12
    ? formatter("en-US", { timeZone, hour: "numeric", minute: "2-digit", hour12: true })
    : formatter("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  // Recent ICU puts a narrow no-break space before "PM".
  return clock.format(instant).replace(/\s/g, " ");
}

/** "Tue 3 Mar, 18:30 (London time)"; all-day: "Tue 3 Mar". */
export function formatInZone(instant: Date, timeZone: string, options: FormatOptions = {}): string {
  if (options.allDay) return formatDay(instant, timeZone);
  return `${formatDay(instant, timeZone)}, ${formatClock(instant, timeZone, options.hour12)} (${zoneLabel(timeZone)})`;
}

/** "Tue 3 Mar, 18:30–20:00 (London time)"; spans over midnight name both days. */
export function formatRangeInZone(
  startsAt: Date,
  endsAt: Date,
  timeZone: string,
  options: FormatOptions = {},
): string {
  if (options.allDay) {
    // All-day ends are exclusive (the next midnight), so the last day shown is the day before.
    const lastDay = new Date(Math.max(startsAt.getTime(), endsAt.getTime() - 1));
    const first = formatDay(startsAt, timeZone);
    const last = formatDay(lastDay, timeZone);
    return first === last ? first : `${first} – ${last}`;
  }
  const sameDay = toLocalDate(startsAt, timeZone) === toLocalDate(endsAt, timeZone);
  const start = `${formatDay(startsAt, timeZone)}, ${formatClock(startsAt, timeZone, options.hour12)}`;
  const end = sameDay
    ? formatClock(endsAt, timeZone, options.hour12)
    : `${formatDay(endsAt, timeZone)}, ${formatClock(endsAt, timeZone, options.hour12)}`;
  return `${start}–${end} (${zoneLabel(timeZone)})`;
}

export type CalendarView = "month" | "week" | "day" | "agenda";
export type InstantRange = { from: Date; to: Date };

/** ISO weekday of a local date, Monday = 1 ... Sunday = 7. */
export function isoWeekday(date: LocalDate): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay() || 7;
}

function startOfWeek(date: LocalDate): LocalDate {
  return addDays(date, 1 - isoWeekday(date));
}

/**
 * The UTC range [from, to) of what a react-big-calendar view shows for `date` in the circle's zone,
 * weeks starting Monday: month = the whole weeks around the month (as its month grid shows them),
 * agenda = `date` and the `agendaLength` days after it (the Agenda view shows both ends).
 * A `Date` is read as the local date it falls on in the zone.
 */
export function rangeFor(
  view: CalendarView,
  date: LocalDate | Date,
  timeZone: string,
  agendaLength = 30,
): InstantRange {
  const day = typeof date === "string" ? date : toLocalDate(date, timeZone);
  if (!parseDate(day)) throw new RangeError(`Invalid date: ${day}`);
  const [first, end] = ((): [LocalDate, LocalDate] => {
    switch (view) {
      case "day":
        return [day, addDays(day, 1)];
      case "week":
        return [startOfWeek(day), addDays(startOfWeek(day), 7)];
      case "agenda":
        return [day, addDays(day, agendaLength + 1)];
      case "month": {
        const firstOfMonth = `${day.slice(0, 8)}01`;
        const lastOfMonth = DateTime.fromISO(firstOfMonth, { zone: "UTC" }).endOf("month").toFormat("yyyy-MM-dd");
        return [startOfWeek(firstOfMonth), addDays(startOfWeek(lastOfMonth), 7)];
      }
    }
  })();
  return { from: zonedInstant(first, "00:00", timeZone), to: zonedInstant(end, "00:00", timeZone) };
}

// ICU still lists some zones under names that IANA has since replaced (CLDR keeps the old ids stable);
// people look for the current ones ("Kolkata", "Kyiv").
const CURRENT_NAMES: Record<string, string> = {
  "Africa/Asmera": "Africa/Asmara",
  "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
  "America/Catamarca": "America/Argentina/Catamarca",
  "America/Coral_Harbour": "America/Atikokan",
  "America/Cordoba": "America/Argentina/Cordoba",
  "America/Godthab": "America/Nuuk",
  "America/Indianapolis": "America/Indiana/Indianapolis",
  "America/Jujuy": "America/Argentina/Jujuy",
  "America/Louisville": "America/Kentucky/Louisville",
  "America/Mendoza": "America/Argentina/Mendoza",
  "Asia/Calcutta": "Asia/Kolkata",
  "Asia/Katmandu": "Asia/Kathmandu",
  "Asia/Rangoon": "Asia/Yangon",
  "Asia/Saigon": "Asia/Ho_Chi_Minh",
  "Atlantic/Faeroe": "Atlantic/Faroe",
  "Europe/Kiev": "Europe/Kyiv",
  "Pacific/Enderbury": "Pacific/Kanton",
  "Pacific/Ponape": "Pacific/Pohnpei",
  "Pacific/Truk": "Pacific/Chuuk",
};

export type TimeZoneOption = { value: string; label: string };

// Validating 400 zones takes ~80ms, and the runtime's zones do not change while it runs.
let zoneNames: string[] | undefined;

/** Every IANA zone this runtime knows, for a select: "Europe/London (GMT+01:00)", offsets as of `now`. */
export function timeZoneOptions(now: Date): TimeZoneOption[] {
  zoneNames ??= [...new Set([...Intl.supportedValuesOf("timeZone"), "UTC"].map((name) => CURRENT_NAMES[name] ?? name))]
    .filter(isValidTimeZone)
    .sort((a, b) => a.localeCompare(b));
  return zoneNames.map((value) => ({
    value,
    label: `${value.replaceAll("_", " ")} (GMT${IANAZone.create(value).formatOffset(now.getTime(), "short")})`,
  }));
}
