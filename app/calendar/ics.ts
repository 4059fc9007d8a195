import { IANAZone } from "luxon";
import { addDays, isValidTimeZone, toLocalDate, toLocalIso, wallClockInstants, zoneAbbreviation, zonedInstant } from "./time";

export type FeedEvent = {
  uid: string;
  title: string;
  description?: string;
  location?: string;
  startsAt: Date;
  /** Exclusive; for all-day events the next local midnight after the last day. */
  endsAt: Date;
  allDay?: boolean;
  status: "confirmed" | "cancelled";
  updatedAt: Date;
  url?: string;
};

export type FeedInput = {
  calendarName: string;
  timeZone: string;
  events: FeedEvent[];
  now: Date;
};

export const PRODID = "-//Recovery Circle//Task calendar//EN";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
// SEQUENCE must grow with every change; seconds since 2020 do, and stay a 32-bit integer
// (which Outlook expects) until 2088.
const SEQUENCE_EPOCH = Date.UTC(2020, 0, 1);

/** A stable UID for a task (each occurrence of a series is its own task). */
export function eventUid(taskId: string, host: string): string {
  return `${taskId}@${host}`;
}

// Content lines may not hold control characters (RFC 5545 3.1), except tabs in text.
const withoutControls = (value: string, keep: string) =>
  [...value].filter((ch) => keep.includes(ch) || (ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) !== 0x7f)).join("");

/** TEXT escaping (RFC 5545 3.3.11). */
export function escapeText(value: string): string {
  return withoutControls(value.replace(/\r\n?/g, "\n"), "\n\t")
    .replace(/[\\;,]/g, (ch) => `\\${ch}`)
    .replace(/\n/g, "\\n");
}

function utf8Length(ch: string): number {
  const codePoint = ch.codePointAt(0) ?? 0;
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
}

/** Folds a content line into lines of at most 75 octets without splitting a UTF-8 character. */
export function foldLine(line: string): string {
  const lines: string[] = [];
  let current = "";
  let octets = 0;
  for (const ch of line) {
    const size = utf8Length(ch);
    // Continuation lines start with a space, which counts toward their 75 octets.
    const limit = lines.length === 0 ? 75 : 74;
    if (octets + size > limit) {
      lines.push(current);
      current = "";
      octets = 0;
    }
    current += ch;
    octets += size;
  }
  lines.push(current);
  return lines.join("\r\n ");
}

/** "2026-03-03T18:30:00" to RFC 5545's basic form "20260303T183000" (dates likewise). */
const basic = (iso: string) => iso.replace(/[-:]/g, "");
const utcStamp = (instant: Date | number) => `${basic(new Date(instant).toISOString().slice(0, 19))}Z`;

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}${String(abs % 60).padStart(2, "0")}`;
}

type Transition = { at: number; from: number; to: number };

// A zone's changes for a year never change while the process runs, and finding them costs ~5ms.
const transitionsByYear = new Map<string, Transition[]>();

/** The zone's offset changes in a year, found by day steps and a binary search to the minute. */
function transitions(zone: IANAZone, year: number): Transition[] {
  const key = `${zone.name} ${year}`;
  const cached = transitionsByYear.get(key);
  if (cached) return cached;
  const found: Transition[] = [];
  const end = Date.UTC(year + 1, 0, 1);
  let offset = zone.offset(Date.UTC(year, 0, 1));
  for (let day = Date.UTC(year, 0, 1); day < end; day += DAY) {
    let [lo, hi] = [day, Math.min(day + DAY, end)];
    const from = offset;
    offset = zone.offset(hi);
    if (offset === from) continue;
    while (hi - lo > MINUTE) {
      const mid = lo + Math.floor((hi - lo) / MINUTE / 2) * MINUTE;
      if (zone.offset(mid) === from) lo = mid;
      else hi = mid;
    }
    found.push({ at: hi, from, to: zone.offset(hi) });
  }
  transitionsByYear.set(key, found);
  return found;
}

/** One STANDARD or DAYLIGHT component: the change at `at` (UTC ms) and, if it repeats, its rule. */
type Observance = { kind: "STANDARD" | "DAYLIGHT"; at: number; from: number; to: number; rrule?: string };

const BYDAY = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"];

/** The local wall-clock time at which a change happens, read with the offset before it. */
const onset = (change: Transition) => new Date(change.at + change.from * MINUTE);

/**
 * One yearly rule ("last Sunday of March at 01:00") that reproduces every given change, if there
 * is one. Outlook only understands VTIMEZONEs of this shape: one STANDARD and one DAYLIGHT, each
 * with a yearly BYMONTH/BYDAY rule (it misreads RDATEs and repeated observances).
 */
function yearlyRule(changes: Transition[]): string | null {
  const walls = changes.map(onset);
  const first = walls[0];
  const clock = (wall: Date) => wall.toISOString().slice(11, 19);
  const sameShape = walls.every(
    (wall) => wall.getUTCMonth() === first.getUTCMonth() && wall.getUTCDay() === first.getUTCDay() && clock(wall) === clock(first),
  );
  if (!sameShape) return null;
  const isLast = (wall: Date) => wall.getUTCDate() + 7 > new Date(Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth() + 1, 0)).getUTCDate();
  const nthOf = (wall: Date) => Math.ceil(wall.getUTCDate() / 7);
  const nth = walls.every(isLast) ? -1 : walls.every((wall) => nthOf(wall) === nthOf(first)) ? nthOf(first) : null;
  return nth === null ? null : `FREQ=YEARLY;BYMONTH=${first.getUTCMonth() + 1};BYDAY=${nth}${BYDAY[first.getUTCDay()]}`;
}

/**
 * The VTIMEZONE observances for the years [firstYear, lastYear], derived from the zone's real
 * changes: a single STANDARD when there are none, else one DAYLIGHT and one STANDARD yearly rule.
 * Null when the changes in those years fit no such pair (e.g. Morocco's Ramadan changes, or a zone
 * that changed its rules meanwhile); times are then written in UTC instead.
 */
function observances(timeZone: string, firstYear: number, lastYear: number): Observance[] | null {
  const zone = IANAZone.create(timeZone);
  const start = Date.UTC(firstYear, 0, 1);
  const changes = Array.from({ length: lastYear - firstYear + 1 }, (_, i) => transitions(zone, firstYear + i)).flat();
  if (changes.length === 0) {
    const offset = zone.offset(start);
    return [{ kind: "STANDARD", at: start - offset * MINUTE, from: offset, to: offset }];
  }
  const forward = changes.filter((change) => change.to > change.from);
  const back = changes.filter((change) => change.to < change.from);
  const years = lastYear - firstYear + 1;
  const steady = (list: Transition[]) =>
    list.length === years && list.every((change) => change.from === list[0].from && change.to === list[0].to);
  if (!steady(forward) || !steady(back) || forward[0].to !== back[0].from || back[0].to !== forward[0].from) {
    return null;
  }
  const pair = [
    { kind: "DAYLIGHT" as const, first: forward[0], rrule: yearlyRule(forward) },
    { kind: "STANDARD" as const, first: back[0], rrule: yearlyRule(back) },
  ];
  if (pair.some(({ rrule }) => rrule === null)) return null;
  return pair
    .map(({ kind, first, rrule }) => ({ kind, ...first, rrule: rrule ?? undefined }))
    .sort((a, b) => a.at - b.at);
}

function vtimezone(timeZone: string, list: Observance[]): string[] {
  return [
    "BEGIN:VTIMEZONE",
    `TZID:${timeZone}`,
    `X-LIC-LOCATION:${timeZone}`,
    ...list.flatMap((observance) => [
      `BEGIN:${observance.kind}`,
      `TZOFFSETFROM:${formatOffset(observance.from)}`,
      `TZOFFSETTO:${formatOffset(observance.to)}`,
      // The name in force a day after the change.
      `TZNAME:${escapeText(zoneAbbreviation(new Date(observance.at + DAY), timeZone))}`,
      `DTSTART:${utcStamp(observance.at + observance.from * MINUTE).slice(0, -1)}`,
      ...(observance.rrule ? [`RRULE:${observance.rrule}`] : []),
      `END:${observance.kind}`,
    ]),
    "END:VTIMEZONE",
  ];
}

/**
 * Local time with TZID when it names exactly this instant. A wall time that occurs twice (the
 * fall-back hour) is written in UTC: RFC 5545 reads it as the first, but clients differ (node-ical
 * takes the second). Times with seconds, which tasks never have, also go in UTC.
 */
function localTime(instant: Date, timeZone: string): string | null {
  const local = toLocalIso(instant, timeZone);
  const candidates = wallClockInstants(local.slice(0, 10), local.slice(11, 16), timeZone);
  return candidates.length === 1 && candidates[0].getTime() === instant.getTime() ? basic(local) : null;
}

/** DTSTART and DTEND of a timed event, both in the circle's zone or, failing that, both in UTC. */
function timedProperties(event: FeedEvent, timeZone: string, zoned: boolean): string[] {
  const instants = event.endsAt > event.startsAt ? [event.startsAt, event.endsAt] : [event.startsAt];
  const names = ["DTSTART", "DTEND"];
  const locals = zoned ? instants.map((instant) => localTime(instant, timeZone)) : [];
  return locals.length > 0 && locals.every((local) => local !== null)
    ? locals.map((local, i) => `${names[i]};TZID=${timeZone}:${local}`)
    : instants.map((instant, i) => `${names[i]}:${utcStamp(instant)}`);
}

/** All-day dates in the circle's zone; the end is exclusive and after the start. */
function allDayDates(event: FeedEvent, timeZone: string): [string, string] {
  const start = toLocalDate(event.startsAt, timeZone);
  const endDate = toLocalDate(event.endsAt, timeZone);
  const atMidnight = event.endsAt.getTime() === zonedInstant(endDate, "00:00", timeZone).getTime();
  const end = atMidnight ? endDate : addDays(endDate, 1);
  return [start, end > start ? end : addDays(start, 1)];
}

function eventLines(event: FeedEvent, timeZone: string, zoned: boolean, now: Date): string[] {
  const times = event.allDay
    ? allDayDates(event, timeZone).map((date, i) => `${i === 0 ? "DTSTART" : "DTEND"};VALUE=DATE:${basic(date)}`)
    : timedProperties(event, timeZone, zoned);
  const url = event.url && withoutControls(event.url, "").replaceAll(" ", "%20");
  return [
    "BEGIN:VEVENT",
    `UID:${escapeText(event.uid)}`,
    `DTSTAMP:${utcStamp(now)}`,
    ...times,
    `SUMMARY:${escapeText(event.title)}`,
    ...(event.description ? [`DESCRIPTION:${escapeText(event.description)}`] : []),
    ...(event.location ? [`LOCATION:${escapeText(event.location)}`] : []),
    ...(url ? [`URL:${url}`] : []),
    `STATUS:${event.status === "cancelled" ? "CANCELLED" : "CONFIRMED"}`,
    `SEQUENCE:${Math.max(0, Math.floor((event.updatedAt.getTime() - SEQUENCE_EPOCH) / 1000))}`,
    `LAST-MODIFIED:${utcStamp(event.updatedAt)}`,
    "END:VEVENT",
  ];
}

/**
 * An RFC 5545 feed of concrete events (no RRULEs: every occurrence is its own task and event).
 * Timed events are written in the circle's zone with a VTIMEZONE covering the years of the feed;
 * all-day events as dates in that zone.
 */
export function buildCalendarFeed({ calendarName, timeZone, events, now }: FeedInput): string {
  if (!isValidTimeZone(timeZone)) throw new RangeError(`Invalid time zone: ${timeZone}`);
  const yearOf = (instant: Date) => Number(toLocalIso(instant, timeZone).slice(0, 4));
  const [firstYear, lastYear] = events.reduce(
    ([first, last], event) => [Math.min(first, yearOf(event.startsAt) - 1), Math.max(last, yearOf(event.endsAt))],
    // From the year before the first event, so that its start falls after an observance onset.
    [yearOf(now) - 1, yearOf(now)],
  );
  const zones = lastYear - firstYear <= 100 ? observances(timeZone, firstYear, lastYear) : null;

  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    `PRODID:${PRODID}`,
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    `X-WR-CALNAME:${escapeText(calendarName)}`,
    `X-WR-TIMEZONE:${timeZone}`,
    // Subscribed calendars refresh on the publisher's hint where the client honours one.
    "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
    "X-PUBLISHED-TTL:PT1H",
    ...(zones ? vtimezone(timeZone, zones) : []),
    ...events.flatMap((event) => eventLines(event, timeZone, zones !== null, now)),
    "END:VCALENDAR",
  ];
  return lines.map((line) => `${foldLine(line)}\r\n`).join("");
}
