import { IANAZone } from "luxon";
import ical, { type VEvent } from "node-ical";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { buildCalendarFeed, escapeText, eventUid, foldLine, PRODID, type FeedEvent } from "./ics";
import { zonedInstant } from "./time";

// The clock is pinned far from every date below: code that read the real clock would fail.
beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2031-07-15T03:00:00Z"));
});
afterEach(() => {
  vi.useRealTimers();
});

const now = new Date("2026-03-01T12:00:00Z");
const updatedAt = new Date("2026-02-20T09:15:00Z");
const at = (instant: string) => new Date(instant);
const event = (uid: string, startsAt: string, endsAt: string, extra: Partial<FeedEvent> = {}): FeedEvent => ({
  uid,
  title: uid,
  startsAt: at(startsAt),
  endsAt: at(endsAt),
  status: "confirmed",
  updatedAt,
  ...extra,
});
const unfold = (text: string) => text.replace(/\r\n /g, "");
const lines = (text: string) => unfold(text).split("\r\n");
const parse = (text: string) => ical.sync.parseICS(text);
const vevent = (parsed: ReturnType<typeof parse>, uid: string) => {
  const component = parsed[uid];
  if (component?.type !== "VEVENT") throw new Error(`No VEVENT ${uid}`);
  return component as VEvent;
};
const valueOf = (value: unknown) => (typeof value === "object" && value !== null && "val" in value ? value.val : value);

function expectWellFormed(text: string) {
  expect(text.endsWith("\r\n")).toBe(true);
  const physical = text.slice(0, -2).split("\r\n");
  for (const line of physical) {
    expect(line).not.toMatch(/[\r\n]/);
    expect(Buffer.byteLength(line, "utf8")).toBeLessThanOrEqual(75);
    // A line must not end inside a UTF-16 surrogate pair, i.e. inside a 4-byte UTF-8 character.
    expect(line).not.toMatch(/[\uD800-\uDBFF]$/);
  }
}

/**
 * Checks each STANDARD/DAYLIGHT rule against luxon's own offsets for every given year: at the
 * local onset the rule gives, the offset must change from TZOFFSETFROM to TZOFFSETTO.
 */
function expectObservancesMatchZone(text: string, timeZone: string, years: number[]) {
  const zone = IANAZone.create(timeZone);
  const all = lines(text);
  const starts = all.flatMap((line, i) => (line === "BEGIN:DAYLIGHT" || line === "BEGIN:STANDARD" ? [i] : []));
  expect(starts).toHaveLength(2);
  for (const start of starts) {
    const props = Object.fromEntries(all.slice(start + 1, start + 7).map((line) => line.split(/:(.*)/s).slice(0, 2)));
    const minutes = (offset: string) => (offset[0] === "-" ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(3, 5)));
    const [from, to] = [minutes(props.TZOFFSETFROM), minutes(props.TZOFFSETTO)];
    const rule = /^FREQ=YEARLY;BYMONTH=(\d+);BYDAY=(-?\d)(SU|MO|TU|WE|TH|FR|SA)$/.exec(props.RRULE);
    expect(rule, props.RRULE).not.toBeNull();
    const [month, nth, weekday] = [Number(rule![1]), Number(rule![2]), ["SU", "MO", "TU", "WE", "TH", "FR", "SA"].indexOf(rule![3])];
    const [hour, minute, second] = [props.DTSTART.slice(9, 11), props.DTSTART.slice(11, 13), props.DTSTART.slice(13, 15)].map(Number);
    expect(Number(props.DTSTART.slice(0, 4))).toBe(years[0]);
    for (const year of years) {
      const days = Array.from({ length: 31 }, (_, d) => new Date(Date.UTC(year, month - 1, d + 1)))
        .filter((day) => day.getUTCMonth() === month - 1 && day.getUTCDay() === weekday);
      const day = nth > 0 ? days[nth - 1] : days[days.length - 1];
      const change = Date.UTC(year, month - 1, day.getUTCDate(), hour, minute, second) - from * 60_000;
      expect([zone.offset(change - 60_000), zone.offset(change)], `${timeZone} ${year}`).toEqual([from, to]);
    }
  }
}

describe("buildCalendarFeed", () => {
  const title = "Ride to group, Leeds; bring £5 \\ thanks\nBack by 9 🚗";
  const description = `Notes: ${"café ☕ 👩‍👩‍👧 ".repeat(12)}\r\nLine two, with; specials \\ and C:\\temp`;
  const location = "1 High St, Leeds; back door";
  const events: FeedEvent[] = [
    event("ride-1@circle.example", "2026-03-03T18:30:00Z", "2026-03-03T20:00:00Z", {
      title,
      description,
      location,
      url: "https://circle.example/tasks/ride-1",
    }),
    event("summer-2@circle.example", "2026-07-07T17:30:00Z", "2026-07-07T19:00:00Z", { updatedAt: new Date("2026-03-01T10:00:00Z") }),
    event("dogs-3@circle.example", zonedInstant("2026-03-29", "00:00", "Europe/London").toISOString(), zonedInstant("2026-03-30", "00:00", "Europe/London").toISOString(), {
      allDay: true,
      status: "cancelled",
    }),
    event("meal-4@circle.example", "2026-03-05T18:00:00Z", "2026-03-05T19:00:00Z", { status: "cancelled" }),
  ];
  const text = buildCalendarFeed({ calendarName: "Maria's circle: my tasks, rides; meals", timeZone: "Europe/London", events, now });
  const parsed = parse(text);

  it("is well formed: CRLF everywhere, lines of at most 75 octets", () => {
    expectWellFormed(text);
    expect(text.split("\r\n").some((line) => line.startsWith(" "))).toBe(true);
  });

  it("has the calendar properties that Google, Apple and Outlook read", () => {
    expect(lines(text).slice(0, 7)).toEqual([
      "BEGIN:VCALENDAR",
      "VERSION:2.0",
      `PRODID:${PRODID}`,
      "CALSCALE:GREGORIAN",
      "METHOD:PUBLISH",
      "X-WR-CALNAME:Maria's circle: my tasks\\, rides\\; meals",
      "X-WR-TIMEZONE:Europe/London",
    ]);
    expect(parsed.vcalendar).toMatchObject({
      version: "2.0",
      prodid: PRODID,
      calscale: "GREGORIAN",
      method: "PUBLISH",
      "WR-CALNAME": "Maria's circle: my tasks, rides; meals",
      "WR-TIMEZONE": "Europe/London",
    });
  });

  it("gives every event its UID, DTSTAMP, SEQUENCE and LAST-MODIFIED", () => {
    const vevents = Object.values(parsed).filter((component) => component?.type === "VEVENT") as VEvent[];
    expect(vevents.map((e) => e.uid)).toEqual(events.map((e) => e.uid));
    for (const e of vevents) expect(e.dtstamp.toISOString()).toBe("2026-03-01T12:00:00.000Z");
    const ride = vevent(parsed, "ride-1@circle.example");
    const summer = vevent(parsed, "summer-2@circle.example");
    expect(ride.lastmodified?.toISOString()).toBe(updatedAt.toISOString());
    expect(summer.sequence).toBeGreaterThan(Number(ride.sequence));
    expect(Number.isInteger(Number(ride.sequence)) && Number(ride.sequence) < 2 ** 31).toBe(true);
  });

  it("writes timed events in the circle's zone and they read back as the same instants", () => {
    expect(lines(text)).toEqual(
      expect.arrayContaining([
        "DTSTART;TZID=Europe/London:20260303T183000",
        "DTEND;TZID=Europe/London:20260303T200000",
        "DTSTART;TZID=Europe/London:20260707T183000",
        "DTEND;TZID=Europe/London:20260707T200000",
      ]),
    );
    for (const e of events.filter((e) => !e.allDay)) {
      const read = vevent(parsed, e.uid);
      expect(read.datetype).toBe("date-time");
      expect(read.start.toISOString()).toBe(e.startsAt.toISOString());
      expect(read.end?.toISOString()).toBe(e.endsAt.toISOString());
    }
  });

  it("writes all-day events as dates in the circle's zone", () => {
    expect(lines(text)).toEqual(expect.arrayContaining(["DTSTART;VALUE=DATE:20260329", "DTEND;VALUE=DATE:20260330"]));
    const dogs = vevent(parsed, "dogs-3@circle.example");
    expect(dogs.datetype).toBe("date");
    expect(dogs.start.dateOnly).toBe(true);
    // node-ical builds date-only values at local midnight of the machine running the test.
    expect([dogs.start.getFullYear(), dogs.start.getMonth() + 1, dogs.start.getDate()]).toEqual([2026, 3, 29]);
    expect([dogs.end?.getFullYear(), (dogs.end?.getMonth() ?? -1) + 1, dogs.end?.getDate()]).toEqual([2026, 3, 30]);
  });

  it("marks cancelled occurrences", () => {
    expect(vevent(parsed, "ride-1@circle.example").status).toBe("CONFIRMED");
    expect(vevent(parsed, "dogs-3@circle.example").status).toBe("CANCELLED");
    expect(vevent(parsed, "meal-4@circle.example").status).toBe("CANCELLED");
  });

  it("escapes text so that it round-trips, folding long lines without splitting characters", () => {
    const ride = vevent(parsed, "ride-1@circle.example");
    expect(valueOf(ride.summary)).toBe(title);
    expect(valueOf(ride.description)).toBe(description.replace("\r\n", "\n"));
    expect(valueOf(ride.location)).toBe(location);
    expect(ride.url).toBe("https://circle.example/tasks/ride-1");
    expect(lines(text)).toContain("SUMMARY:Ride to group\\, Leeds\\; bring £5 \\\\ thanks\\nBack by 9 🚗");
  });

  it("escapes a backslash before an n as a backslash (checked on the text: node-ical would read a newline)", () => {
    const feed = buildCalendarFeed({ calendarName: "c", timeZone: "UTC", now, events: [event("a@x", "2026-03-03T18:30:00Z", "2026-03-03T19:00:00Z", { title: "C:\\notes" })] });
    expect(lines(feed)).toContain("SUMMARY:C:\\\\notes");
  });

  it("has a VTIMEZONE whose rules are the zone's real changes", () => {
    const zone = unfold(text).match(/BEGIN:VTIMEZONE\r\n[\s\S]*?END:VTIMEZONE\r\n/)?.[0];
    expect(zone).toBe(
      [
        "BEGIN:VTIMEZONE",
        "TZID:Europe/London",
        "X-LIC-LOCATION:Europe/London",
        "BEGIN:DAYLIGHT",
        "TZOFFSETFROM:+0000",
        "TZOFFSETTO:+0100",
        "TZNAME:BST",
        "DTSTART:20250330T010000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
        "END:DAYLIGHT",
        "BEGIN:STANDARD",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0000",
        "TZNAME:GMT",
        "DTSTART:20251026T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
        "END:STANDARD",
        "END:VTIMEZONE",
        "",
      ].join("\r\n"),
    );
    expectObservancesMatchZone(text, "Europe/London", [2025, 2026]);
  });
});

describe("time zones in the feed", () => {
  it.each([
    ["America/New_York", "DAYLIGHT", ["TZOFFSETFROM:-0500", "TZOFFSETTO:-0400", "TZNAME:EDT", "DTSTART:20250309T020000", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU"]],
    ["America/New_York", "STANDARD", ["TZOFFSETFROM:-0400", "TZOFFSETTO:-0500", "TZNAME:EST", "DTSTART:20251102T020000", "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU"]],
    ["Australia/Sydney", "STANDARD", ["TZOFFSETFROM:+1100", "TZOFFSETTO:+1000", "TZNAME:AEST", "DTSTART:20250406T030000", "RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU"]],
    ["Australia/Sydney", "DAYLIGHT", ["TZOFFSETFROM:+1000", "TZOFFSETTO:+1100", "TZNAME:AEDT", "DTSTART:20251005T020000", "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=1SU"]],
  ])("derives %s %s from the zone's transitions", (timeZone, kind, expected) => {
    const text = buildCalendarFeed({ calendarName: "c", timeZone, now, events: [event("a@x", "2026-03-03T18:30:00Z", "2026-03-03T20:00:00Z")] });
    const all = lines(text);
    const start = all.indexOf(`BEGIN:${kind}`);
    expect(all.slice(start + 1, start + 6)).toEqual(expected);
    expectObservancesMatchZone(text, timeZone, [2025, 2026]);
  });

  it("covers every year of the feed, and events across a change keep their local time", () => {
    const timeZone = "America/New_York";
    const events = [
      event("before@x", "2026-03-03T23:30:00Z", "2026-03-04T01:00:00Z"), // 18:30 EST
      event("after@x", "2026-03-10T22:30:00Z", "2026-03-11T00:00:00Z"), // 18:30 EDT
      event("later@x", "2028-11-07T23:30:00Z", "2028-11-08T01:00:00Z"),
    ];
    const text = buildCalendarFeed({ calendarName: "c", timeZone, now, events });
    expectWellFormed(text);
    expect(lines(text)).toEqual(
      expect.arrayContaining([
        "DTSTART;TZID=America/New_York:20260303T183000",
        "DTSTART;TZID=America/New_York:20260310T183000",
        "DTSTART;TZID=America/New_York:20281107T183000",
      ]),
    );
    expectObservancesMatchZone(text, timeZone, [2025, 2026, 2027, 2028]);
    const parsed = parse(text);
    for (const e of events) expect(vevent(parsed, e.uid).start.toISOString()).toBe(e.startsAt.toISOString());
  });

  it("writes a zone without daylight saving as a single STANDARD", () => {
    const text = buildCalendarFeed({ calendarName: "c", timeZone: "Asia/Tokyo", now, events: [event("a@x", "2026-03-03T09:30:00Z", "2026-03-03T10:00:00Z")] });
    expect(unfold(text)).toContain(
      ["BEGIN:STANDARD", "TZOFFSETFROM:+0900", "TZOFFSETTO:+0900", "TZNAME:GMT+9", "DTSTART:20250101T000000", "END:STANDARD"].join("\r\n"),
    );
    expect(lines(text)).toContain("DTSTART;TZID=Asia/Tokyo:20260303T183000");
    expect(vevent(parse(text), "a@x").start.toISOString()).toBe("2026-03-03T09:30:00.000Z");
  });

  it("falls back to UTC times when the zone's changes fit no yearly rule (Morocco's Ramadan changes)", () => {
    const e = event("a@x", "2026-03-03T18:30:00Z", "2026-03-03T20:00:00Z");
    const text = buildCalendarFeed({ calendarName: "c", timeZone: "Africa/Casablanca", now, events: [e] });
    expect(text).not.toContain("BEGIN:VTIMEZONE");
    expect(lines(text)).toEqual(expect.arrayContaining(["X-WR-TIMEZONE:Africa/Casablanca", "DTSTART:20260303T183000Z", "DTEND:20260303T200000Z"]));
    expect(vevent(parse(text), "a@x").start.toISOString()).toBe(e.startsAt.toISOString());
  });

  it("writes the spring-forward day's shifted time as it is and the repeated fall-back hour in UTC", () => {
    const timeZone = "America/New_York";
    const events = [
      event("gap@x", "2026-03-08T07:30:00Z", "2026-03-08T08:30:00Z"), // 02:30 moved to 03:30 EDT
      event("first@x", "2026-11-01T05:30:00Z", "2026-11-01T06:00:00Z"), // 01:30 EDT
      event("second@x", "2026-11-01T06:30:00Z", "2026-11-01T07:30:00Z"), // 01:30 EST
    ];
    const text = buildCalendarFeed({ calendarName: "c", timeZone, now, events });
    expect(lines(text)).toEqual(
      expect.arrayContaining([
        "DTSTART;TZID=America/New_York:20260308T033000",
        "DTSTART:20261101T053000Z",
        "DTEND:20261101T060000Z",
        "DTSTART:20261101T063000Z",
        "DTEND:20261101T073000Z",
      ]),
    );
    const parsed = parse(text);
    for (const e of events) {
      expect(vevent(parsed, e.uid).start.toISOString()).toBe(e.startsAt.toISOString());
      expect(vevent(parsed, e.uid).end?.toISOString()).toBe(e.endsAt.toISOString());
    }
  });

  it("rejects an unknown zone", () => {
    expect(() => buildCalendarFeed({ calendarName: "c", timeZone: "Europe/Atlantis", now, events: [] })).toThrow(RangeError);
  });
});

describe("feed details", () => {
  it("parses with no events", () => {
    const text = buildCalendarFeed({ calendarName: "Nothing yet", timeZone: "Europe/London", now, events: [] });
    expectWellFormed(text);
    expect(parse(text).vcalendar?.["WR-CALNAME"]).toBe("Nothing yet");
  });

  it("ends all-day events on the day after the last, whatever the end instant", () => {
    const timeZone = "Europe/London";
    const start = zonedInstant("2026-07-01", "00:00", timeZone).toISOString();
    const text = buildCalendarFeed({
      calendarName: "c",
      timeZone,
      now,
      events: [
        event("midday@x", start, "2026-07-02T11:00:00Z", { allDay: true }),
        event("empty@x", start, start, { allDay: true }),
      ],
    });
    const all = lines(text);
    const datesOf = (uid: string) => {
      const i = all.indexOf(`UID:${uid}`);
      return all.slice(i + 2, i + 4);
    };
    expect(datesOf("midday@x")).toEqual(["DTSTART;VALUE=DATE:20260701", "DTEND;VALUE=DATE:20260703"]);
    expect(datesOf("empty@x")).toEqual(["DTSTART;VALUE=DATE:20260701", "DTEND;VALUE=DATE:20260702"]);
  });

  it("makes stable UIDs", () => {
    expect(eventUid("6f1c0c1e-8d7e-4a53-9a3b-2f7c5a1d9e10", "circle.example")).toBe("6f1c0c1e-8d7e-4a53-9a3b-2f7c5a1d9e10@circle.example");
  });

  it("escapes TEXT and drops control characters", () => {
    expect(escapeText("a,b;c\\d\ne\r\nf\rg")).toBe("a\\,b\\;c\\\\d\\ne\\nf\\ng");
    expect(escapeText("bell\u0007 tab\t nul\u0000")).toBe("bell tab\t nul");
  });

  it("folds at 75 octets, continuation lines included, never inside a character", () => {
    for (const line of [`DESCRIPTION:${"é".repeat(200)}`, `SUMMARY:${"🚗".repeat(80)}`, `X:${"a".repeat(300)}`]) {
      const folded = foldLine(line);
      expect(folded.replace(/\r\n /g, "")).toBe(line);
      const physical = folded.split("\r\n");
      expect(physical.length).toBeGreaterThan(1);
      for (const part of physical) expect(Buffer.byteLength(part, "utf8")).toBeLessThanOrEqual(75);
      expect(physical.slice(1).every((part) => part.startsWith(" "))).toBe(true);
    }
    expect(foldLine("A".repeat(75))).toBe("A".repeat(75));
    expect(foldLine("A".repeat(76))).toBe(`${"A".repeat(75)}\r\n A`);
  });
});
